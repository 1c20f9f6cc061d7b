"""The sync panel, offscreen: states load off the GUI thread, "sync now" and progress events."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from packstation.domain.events import SyncFinished, SyncPhase, SyncProgress
from packstation.services.sync.status import AccountSyncState
from packstation.ui.supervisor.sync_panel import SyncPanel

STATES = [
    AccountSyncState("adim-hb", "hepsiburada", True, last_error="Hepsiburada rejected the API credentials (HTTP 401)"),
    AccountSyncState(
        "adim-trendyol",
        "trendyol",
        True,
        last_success_at=datetime(2026, 5, 4, 9, 30, tzinfo=UTC),
        received=120,
        new=7,
        updated=3,
        outbox_pending=2,
        outbox_failed=1,
    ),
]


def test_panel_shows_states_loaded_off_the_gui_thread(qtbot: QtBot) -> None:
    gui = threading.current_thread()
    loaded_on: list[threading.Thread] = []

    def load() -> list[AccountSyncState]:
        loaded_on.append(threading.current_thread())
        return STATES

    panel = SyncPanel(load, lambda _account: None)
    qtbot.addWidget(panel)
    panel.refresh()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2)
    assert loaded_on and loaded_on[0] is not gui
    assert panel.table.item(0, 5).text().startswith("Hepsiburada rejected")
    assert panel.table.item(0, 1).text() == "never"
    assert panel.table.item(1, 2).text() == "120 (7 / 3)"
    assert panel.table.item(1, 3).text() == "2 pending, 1 failed"


def test_sync_now_asks_for_the_selected_account_and_shows_progress(qtbot: QtBot) -> None:
    asked: list[str | None] = []
    panel = SyncPanel(lambda: STATES, asked.append)
    qtbot.addWidget(panel)
    panel.refresh()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 2)
    panel.sync_button.click()
    qtbot.waitUntil(lambda: asked == [None] and panel.sync_button.isEnabled())
    panel.table.selectRow(1)
    panel.sync_button.click()
    qtbot.waitUntil(lambda: asked == [None, "adim-trendyol"])

    panel.on_sync_progress(SyncProgress("adim-trendyol", SyncPhase.PULL, 3))
    assert not panel.progress.isHidden()
    assert panel.table.item(1, 4).text() == "running, 3 page(s)"
    panel.on_sync_finished(SyncFinished("adim-trendyol", None, "Trendyol did not answer (ConnectError)"))
    assert panel.progress.isHidden()
    assert panel.table.item(1, 4).text() == "idle"
    assert "did not answer" in panel.status.text()


def test_a_refused_sync_request_is_shown(qtbot: QtBot) -> None:
    def refuse(_account: str | None) -> None:
        raise LookupError("no marketplace account named 'x'")

    panel = SyncPanel(lambda: [], refuse)
    qtbot.addWidget(panel)
    panel.sync_button.click()
    qtbot.waitUntil(lambda: "could not start" in panel.status.text())
    assert panel.sync_button.isEnabled()
