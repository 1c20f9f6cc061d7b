"""Stuck operations: what PostgreSQL refused from any station, and the supervisor's retry or discard."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from packstation.domain.status import ParkedDecision
from packstation.ui.platform.tasks import Task
from packstation.ui.platform.text_fit import never_widen, set_fitted_text
from packstation.ui.supervisor.dashboard_widgets import fill_table, make_table

if TYPE_CHECKING:
    from packstation.services.access.permissions import UserSession
    from packstation.services.journal.parked import ParkedOperations, ParkedRow


class ParkedPanel(QWidget):
    """The list of parked operations (station, operation, error) with Retry and Discard, both audited.

    ``current_user`` is asked at every decision: after a badge switch the panel acts as the person now
    logged in, never as whoever opened the dashboard first.
    """

    def __init__(
        self,
        parked: ParkedOperations,
        current_user: Callable[[], UserSession | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._parked = parked
        self._current_user = current_user
        self.rows: list[ParkedRow] = []
        self.table = make_table(
            [
                self.tr("Station"),
                self.tr("Operation"),
                self.tr("Package"),
                self.tr("Happened"),
                self.tr("Decision"),
                self.tr("Error"),
            ],
            self,
        )
        self.status = never_widen(QLabel(self))
        self.retry_button = QPushButton(self.tr("Retry"))
        self.discard_button = QPushButton(self.tr("Discard…"))
        self.retry_button.clicked.connect(lambda: self.decide_selected(ParkedDecision.RETRY))
        self.discard_button.clicked.connect(self._ask_discard)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.retry_button)
        buttons.addWidget(self.discard_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        """Reload the list off the GUI thread."""
        Task(self._parked.open, owner=self).on_success(self._show).on_failure(self._fail).run()

    def _show(self, rows: list[ParkedRow]) -> None:
        self.rows = rows
        decisions = {
            ParkedDecision.RETRY.value: self.tr("retry asked"),
            ParkedDecision.DISCARD.value: self.tr("discard asked"),
        }
        fill_table(
            self.table,
            [
                [
                    row.station,
                    row.kind,
                    row.package_id,
                    row.occurred_at.astimezone().replace(tzinfo=None)
                    if isinstance(row.occurred_at, datetime)
                    else None,
                    decisions.get(row.decision or "", ""),
                    row.error,
                ]
                for row in rows
            ],
            keys=[str(row.op_id) for row in rows],
        )
        set_fitted_text(self.status, self.tr("{0} operation(s) stuck").replace("{0}", str(len(rows))))

    def selected(self) -> uuid.UUID | None:
        """The operation selected in the list, if any."""
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        key = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return uuid.UUID(key) if key else None

    def decide_selected(self, decision: ParkedDecision) -> None:
        """Retry or discard the selected operation (off the GUI thread, audited by the service)."""
        op_id, actor = self.selected(), self._current_user()
        if op_id is None:
            return
        if actor is None:
            set_fitted_text(self.status, self.tr("Log in to decide about a stuck operation."))
            return
        Task(lambda: self._parked.decide(actor, op_id, decision), owner=self).on_success(
            lambda _r: self.refresh()
        ).on_failure(self._fail).run()

    def _ask_discard(self) -> None:
        if self.selected() is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Discard operation"),
            self.tr("The operation will never reach the database. Discard it?"),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.decide_selected(ParkedDecision.DISCARD)

    def _fail(self, exc: Exception) -> None:
        set_fitted_text(self.status, str(exc))
