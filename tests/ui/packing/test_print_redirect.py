"""The pack screen's "Send to another printer" on a real station: privileged, approved and audited.

A packer's failed label may go to another printer only with a supervisor's badge and PIN; the move
goes through ``PrintRedirects.redirect``, so the audit log names who moved it, from where, to where,
and who approved.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QInputDialog
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from packstation.composition import AppContext
from packstation.db.models.access import AuditEntry, User
from packstation.devices.printers.print_queue import PrintQueue
from packstation.domain.marketplace import LabelFormat
from packstation.local_store.print_jobs import JobState
from packstation.services.access.audit import AuditAction
from packstation.ui.input.wedge import WedgeScanFilter
from packstation.ui.shell.login import ApprovalDialog
from packstation.ui.shell.main_window import MainWindow
from tests.services.access.conftest import server_session
from tests.ui.packing.test_pack_screen import Clock, scan

pytestmark = pytest.mark.gui

Station = tuple[MainWindow, AppContext, Clock, WedgeScanFilter]


def _failed_job(queue: PrintQueue, printer_uri: str) -> str:
    """A label job that failed on its printer (written to the store as the printer's thread leaves one)."""
    job = queue.store.add(printer_uri, b"^XA^FDlabel^FS^XZ", kind=LabelFormat.ZPL, needs_setup=False)
    failed = queue.store.transition(
        job.id, JobState.FAILED, allowed_from=(JobState.QUEUED,), attempts=3, last_error="paper out"
    )
    assert failed is not None
    return job.id


def _redirections(context: AppContext) -> list[AuditEntry]:
    with context.database.sessions() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.PRINT_REDIRECTED.value)))


def _approval_dialog() -> ApprovalDialog:
    widget = QApplication.activeModalWidget()
    assert isinstance(widget, ApprovalDialog), widget
    return widget


def test_a_packer_sends_a_failed_label_elsewhere_only_with_a_supervisors_approval(
    qtbot: QtBot, station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, context, clock, _ = station
    qtbot.waitUntil(lambda: _on_login_screen(window), timeout=10_000)
    scan(window, clock, "1001")  # Ayşe, a packer
    qtbot.waitUntil(lambda: window.user is not None, timeout=10_000)
    assert window.commands is not None
    jammed = "file:///nonexistent/jammed"
    job_id = _failed_job(context.print_queue, jammed)
    window.pack.show_print_failure(job_id)
    spare = tmp_path / "spare"
    spare.mkdir()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a, **_k: (f"file://{spare}", True)))

    # Asked, then the supervisor walks away: nothing moves, nothing is recorded as moved.
    window.pack.move_button.click()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ApprovalDialog), timeout=5_000)
    _approval_dialog().reject()
    assert context.print_queue.store.get(job_id).printer_uri == jammed
    assert _redirections(context) == []

    # Asked again: Sena approves with badge and PIN, and the label goes to the spare printer.
    window.pack.move_button.click()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ApprovalDialog), timeout=5_000)
    dialog = _approval_dialog()
    dialog.badge_input.setText("9001")
    dialog.pin_input.setText("2580")
    dialog.submit()
    qtbot.waitUntil(lambda: context.print_queue.store.get(job_id).printer_uri == f"file://{spare}", timeout=10_000)
    qtbot.waitUntil(lambda: len(_redirections(context)) == 1, timeout=10_000)
    with context.database.sessions() as session:
        ids = {name: user_id for name, user_id in session.execute(select(User.username, User.id))}
        used = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.OVERRIDE_USED.value)).all()
    entry = _redirections(context)[0]
    assert entry.actor_user_id == ids["ayse"]
    assert entry.subject == f"print_job:{job_id}"
    assert entry.detail == {"from": jammed, "to": f"file://{spare}", "approved_by": ids["sena"]}
    assert [row.actor_user_id for row in used] == [ids["ayse"]]
    assert context.audit.verify().intact
    qtbot.waitUntil(lambda: any(spare.iterdir()), timeout=10_000)  # and it printed there


def test_a_supervisor_sends_a_failed_label_elsewhere_without_asking(
    qtbot: QtBot, station: Station, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, context, _clock, _ = station
    qtbot.waitUntil(lambda: _on_login_screen(window), timeout=10_000)
    with context.database.sessions() as session:
        sena = session.scalars(select(User.id).where(User.username == "sena")).one()
    supervisor = server_session(context.database, sena, context.station_id)  # as after password and TOTP
    assert window.session is not None
    window.session.logged_in(supervisor)
    job_id = _failed_job(context.print_queue, "file:///nonexistent/jammed")
    window.pack.show_print_failure(job_id)
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *_a, **_k: (f"file://{tmp_path}", True)))
    window.pack.move_button.click()
    qtbot.waitUntil(lambda: len(_redirections(context)) == 1, timeout=10_000)
    assert QApplication.activeModalWidget() is None
    assert _redirections(context)[0].actor_user_id == supervisor.user_id
    assert context.print_queue.store.get(job_id).printer_uri == f"file://{tmp_path}"


def _on_login_screen(window: MainWindow) -> bool:
    return window.session is not None and window.pages.currentWidget() is window.session.login
