"""The home screen: headline figures and the packages waiting to be packed."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from packstation.db.errors import is_connection_error
from packstation.ui.packing.package_table import PackageTableModel
from packstation.ui.platform.tasks import Task

if TYPE_CHECKING:
    from packstation.services.packing.read_model import PackageCounts, PackageSummary

log = logging.getLogger(__name__)


class _Card(QFrame):
    """A headline number with a caption."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        self.value = QLabel("–")
        self.value.setObjectName("cardValue")
        label = QLabel(caption)
        label.setObjectName("cardLabel")
        layout.addWidget(self.value)
        layout.addWidget(label)


class HomeView(QWidget):
    """Headline figures and the ready-to-pack list; double-click (or a choice) opens a package."""

    package_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("home")
        self._ready: Callable[[], list[PackageSummary]] | None = None
        self._counts: Callable[[], PackageCounts] | None = None

        self.ready_card, self.packed_card, self.total_card = (
            _Card(self.tr("ready to pack")),
            _Card(self.tr("packed today")),
            _Card(self.tr("packages in total")),
        )
        cards = QHBoxLayout()
        for card in (self.ready_card, self.packed_card, self.total_card):
            cards.addWidget(card)

        self.list_title = QLabel(self.tr("Waiting to be packed (oldest first)"))
        self.list_title.setObjectName("subtitle")
        self.model = PackageTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda index: self.package_chosen.emit(self.model.row_at(index.row()).id))
        self.table.activated.connect(lambda index: self.package_chosen.emit(self.model.row_at(index.row()).id))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        layout.addLayout(cards)
        layout.addWidget(self.list_title)
        layout.addWidget(self.table, stretch=1)

    def bind(self, *, ready: Callable[[], list[PackageSummary]], counts: Callable[[], PackageCounts]) -> None:
        """Connect the view to its queries (they run on worker threads) and load the first data."""
        self._ready, self._counts = ready, counts
        self.refresh()

    def refresh(self) -> None:
        """Reload the headline figures and the ready-to-pack list in the background."""
        if self._ready is None or self._counts is None:
            return
        self.list_title.setText(self.tr("Waiting to be packed (oldest first)"))
        Task(self._ready, owner=self).on_success(self.model.set_rows).on_failure(self._not_refreshed).run()
        Task(self._counts, owner=self).on_success(self._show_counts).on_failure(self._not_refreshed).run()

    def _not_refreshed(self, exc: Exception) -> None:
        """The figures and the list stay as they were, and the title says they are not current."""
        if is_connection_error(exc):
            # A PostgreSQL restart or a cut cable is everyday weather: a line in the log, not a traceback
            # after every parcel packed while it lasts.
            log.info("home not refreshed: database unreachable")
            reason = self.tr("the database is unreachable")
        else:
            log.error("home not refreshed: %s", exc, exc_info=exc)
            reason = self.tr("see the log")
        self.list_title.setText(self.tr("Waiting to be packed (not refreshed: {reason})").format(reason=reason))

    def show_choices(self, rows: list[PackageSummary], caption: str) -> None:
        """Several packages match a scan: list only them."""
        self.model.set_rows(rows)
        self.list_title.setText(caption)
        self.table.setFocus()
        self.table.selectRow(0)

    def _show_counts(self, counts: PackageCounts) -> None:
        for card, value in (
            (self.ready_card, counts.ready),
            (self.packed_card, counts.packed_today),
            (self.total_card, counts.total),
        ):
            card.value.setText(f"{value:,}".replace(",", "."))
