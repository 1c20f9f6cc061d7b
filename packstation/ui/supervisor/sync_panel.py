"""The sync panel: per-account marketplace sync state, a "sync now" button and a running sync's progress.

Self-contained: it takes its data and actions as callables and runs them with :class:`Task`, so no
database or HTTP call ever runs on the GUI thread. Feed it the jobs' events (``SyncProgress``,
``SyncFinished``) through :meth:`SyncPanel.on_sync_progress` and :meth:`SyncPanel.on_sync_finished`
from the bridge's signals.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from packstation.domain.events import SyncFinished, SyncProgress
from packstation.services.sync.status import AccountSyncState
from packstation.ui.platform.tasks import Task

log = logging.getLogger("packstation.ui.supervisor.sync_panel")

LoadStates = Callable[[], Sequence[AccountSyncState]]
#: ``sync_now(account)``: start a sync of one account, or of all when None (returns at once).
SyncNow = Callable[[str | None], None]


class SyncPanel(QWidget):
    """A table of accounts with their sync state, and the controls to sync now."""

    COLUMNS = 6

    def __init__(self, load_states: LoadStates, sync_now: SyncNow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._load_states = load_states
        self._sync_now = sync_now
        self._running: dict[str, int] = {}
        self._names: list[str] = []
        self.table = QTableWidget(0, self.COLUMNS, self)
        headers = [
            self.tr("Account"),
            self.tr("Last success"),
            self.tr("Orders (new / updated)"),
            self.tr("Outbox"),
            self.tr("State"),
            self.tr("Last error"),
        ]
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.sync_button = QPushButton(self.tr("Sync now"), self)
        self.sync_button.clicked.connect(self._request_sync)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # page counts have no known total: a busy indicator
        self.progress.setVisible(False)
        self.status = QLabel(self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.status)

    def refresh(self) -> None:
        """Reload every account's state off the GUI thread."""
        Task(self._load_states, owner=self).on_success(self._show).on_failure(self._show_error).run()

    def selected_account(self) -> str | None:
        """The selected account's name, or None (meaning: all accounts)."""
        rows = self.table.selectionModel().selectedRows()
        return self._names[rows[0].row()] if rows else None

    def on_sync_progress(self, event: SyncProgress) -> None:
        """A sync is running (connect the bridge's ``sync_progress`` here)."""
        self._running[event.account] = event.done
        self._show_running()

    def on_sync_finished(self, event: SyncFinished) -> None:
        """A sync ended (connect the bridge's ``sync_finished`` here): its error, and the table reloaded."""
        self._running.pop(event.account, None)
        self._show_running()
        if event.error:
            self.status.setText(self.tr("{account}: {error}").format(account=event.account, error=event.error))
        self.refresh()

    def _request_sync(self) -> None:
        account = self.selected_account()
        self.sync_button.setEnabled(False)
        self.status.setText(self.tr("Sync requested…"))
        (
            Task(lambda: self._sync_now(account), owner=self)
            .on_success(lambda _result: self.sync_button.setEnabled(True))
            .on_failure(self._sync_refused)
            .run()
        )

    def _sync_refused(self, error: Exception) -> None:
        self.sync_button.setEnabled(True)
        self.status.setText(self.tr("Sync could not start: {error}").format(error=error))

    def _show_running(self) -> None:
        self.progress.setVisible(bool(self._running))
        if self._running:
            pages = ", ".join(f"{name} ({done})" for name, done in sorted(self._running.items()))
            self.progress.setFormat(self.tr("Syncing {accounts}").format(accounts=pages))
            self.progress.setToolTip(self.progress.format())
        for row, name in enumerate(self._names):
            self._set(row, 4, self._state_text(name))

    def _state_text(self, name: str) -> str:
        if name in self._running:
            return self.tr("running, {pages} page(s)").format(pages=self._running[name])
        return self.tr("idle")

    def _show(self, states: Sequence[AccountSyncState]) -> None:
        self._names = [state.account for state in states]
        self.table.setRowCount(len(states))
        for row, state in enumerate(states):
            self._set(row, 0, state.account)
            self._set(row, 1, _when(state.last_success_at) or self.tr("never"))
            self._set(row, 2, f"{state.received} ({state.new} / {state.updated})")
            outbox = self.tr("{pending} pending, {failed} failed").format(
                pending=state.outbox_pending, failed=state.outbox_failed
            )
            self._set(row, 3, outbox, alert=state.outbox_failed > 0)
            self._set(row, 4, self._state_text(state.account))
            self._set(row, 5, state.last_error or "", alert=bool(state.last_error))

    def _show_error(self, error: Exception) -> None:
        log.warning("sync state not loaded error=%s", error)
        self.status.setText(self.tr("Sync state could not be loaded: {error}").format(error=error))

    def _set(self, row: int, column: int, text: str, *, alert: bool = False) -> None:
        item = self.table.item(row, column) or QTableWidgetItem()
        item.setText(text)
        item.setForeground(Qt.GlobalColor.red if alert else self.palette().text().color())
        self.table.setItem(row, column, item)


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else ""
