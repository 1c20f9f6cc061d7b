"""The supervisor's list of stuck operations, offscreen, on a real database: shown, retried, audited."""

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.access import AuditEntry
from packstation.demo.data import seed_demo_data, seed_demo_users
from packstation.domain.status import ParkedDecision, Role
from packstation.local_store.journal import Journal
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.users import Credentials, UserService
from packstation.services.journal.parked import ParkedOperations
from packstation.services.journal.pump import JournalPump
from packstation.ui.supervisor.parked_panel import ParkedPanel
from tests.services.journal.test_poison import _journal_poison, _package, _user

pytestmark = pytest.mark.gui


def test_stuck_operations_are_listed_with_station_and_error_and_can_be_retried(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    seed_demo_data(db.sessions, packages=3)
    seed_demo_users(UserService(db.sessions, credentials=Credentials(db.sessions), audit=AuditLog(db.sessions)))
    journal = Journal(tmp_path / "journal.sqlite3")
    op_id = _journal_poison(journal, _package(db), station="istasyon-Ş")
    pump = JournalPump(journal, db.sessions)
    pump.drain_once()
    pump.sync_parked(force=True)

    panel = ParkedPanel(ParkedOperations(db.sessions, audit=AuditLog(db.sessions)), _user(db, Role.SUPERVISOR))
    qtbot.addWidget(panel)
    panel.show()
    panel.refresh()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=10_000)
    cells = [panel.table.item(0, c).text() for c in range(panel.table.columnCount())]
    assert cells[0] == "istasyon-Ş" and cells[1] == "scan" and "NUL" in cells[5]
    panel.table.selectRow(0)
    assert panel.selected() == op_id
    panel.decide_selected(ParkedDecision.RETRY)
    qtbot.waitUntil(lambda: panel.rows and panel.rows[0].decision == ParkedDecision.RETRY.value, timeout=10_000)
    with db.sessions() as session:
        actions = session.scalars(select(AuditEntry.action)).all()
    assert AuditAction.PARKED_RETRIED.value in actions
