"""The supervisor's list of stuck operations, offscreen, on a real database: shown, retried, audited."""

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.access import AuditEntry, User
from packstation.db.models.packages import ParkedOperation
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

    supervisor = _user(db, Role.SUPERVISOR)
    panel = ParkedPanel(ParkedOperations(db.sessions, audit=AuditLog(db.sessions)), lambda: supervisor)
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


def test_after_a_badge_switch_the_panel_decides_as_the_user_now_logged_in(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    from tests.services.access.conftest import server_session

    seed_demo_data(db.sessions, packages=3)
    users = UserService(db.sessions, credentials=Credentials(db.sessions), audit=AuditLog(db.sessions))
    seed_demo_users(users)
    second = users.add_user("deniz", role=Role.SUPERVISOR, password="Deniz-Parola-1", full_name="Deniz Kaya")
    journal = Journal(tmp_path / "journal.sqlite3")
    first_op = _journal_poison(journal, _package(db, 0))
    second_op = _journal_poison(journal, _package(db, 1))
    pump = JournalPump(journal, db.sessions)
    pump.drain_once()
    pump.sync_parked(force=True)
    with db.sessions() as session:
        sena = session.scalar(select(User.id).where(User.username == "sena"))
        ayse = session.scalar(select(User.id).where(User.username == "ayse"))
    assert sena is not None and ayse is not None
    logged_in = [server_session(db, sena, None)]
    panel = ParkedPanel(ParkedOperations(db.sessions, audit=AuditLog(db.sessions)), lambda: logged_in[-1])
    qtbot.addWidget(panel)
    panel.refresh()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2, timeout=10_000)

    # Sena opened the dashboard; Deniz badges in at the same station and retries the first operation.
    logged_in.append(server_session(db, second, None))
    panel.table.selectRow([str(row.op_id) for row in panel.rows].index(str(first_op)))
    panel.decide_selected(ParkedDecision.RETRY)
    qtbot.waitUntil(lambda: any(row.decision for row in panel.rows), timeout=10_000)
    with db.sessions() as session:
        decided = session.execute(
            select(ParkedOperation.decided_by_user_id).where(ParkedOperation.op_id == first_op)
        ).scalar_one()
        retried = session.execute(
            select(AuditEntry.actor_user_id).where(AuditEntry.action == AuditAction.PARKED_RETRIED.value)
        ).scalar_one()
    assert decided == second and retried == second

    # Then a packer badges in: the panel is still on screen, and the packer's decision is refused as theirs.
    logged_in.append(server_session(db, ayse, None))
    panel.table.selectRow([str(row.op_id) for row in panel.rows].index(str(second_op)))
    panel.decide_selected(ParkedDecision.DISCARD)
    qtbot.waitUntil(lambda: "may not" in panel.status.text(), timeout=10_000)
    with db.sessions() as session:
        denied = session.scalars(
            select(AuditEntry.actor_user_id).where(AuditEntry.action == AuditAction.PERMISSION_DENIED.value)
        ).all()
        still_parked = session.execute(
            select(ParkedOperation.decision).where(ParkedOperation.op_id == second_op)
        ).scalar_one()
    assert denied == [ayse] and still_parked is None
