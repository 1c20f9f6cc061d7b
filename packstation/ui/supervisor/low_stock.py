"""The dashboard's low-stock alert: a tile with how many products are at or under their threshold, and the list.

The list shows each product's available units (on hand − reserved), its threshold, how many go out a day
(packed, averaged over two weeks) and how many days the stock lasts at that pace; the ones that run out
soonest come first. Read off the GUI thread after each dashboard refresh.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from packstation.services.stock.service import ProductStock
from packstation.ui.platform.tasks import Task
from packstation.ui.supervisor.dashboard_widgets import BAD, WARN, Tile, fill_table, make_table

log = logging.getLogger("packstation.ui.supervisor.low_stock")


class AlertTile(Tile):
    """A tile that can be clicked (to open the list behind it)."""

    clicked = Signal()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Clicking the tile opens its list."""
        self.clicked.emit()
        super().mousePressEvent(event)


class LowStockPanel(QWidget):
    """The low-stock list, and the tile that counts it."""

    #: Emitted after each read with the products shown.
    refreshed = Signal(object)

    def __init__(self, low_stock: Callable[[], Sequence[ProductStock]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._read = low_stock
        self._in_flight = False
        self.items: list[ProductStock] = []
        self.tile = AlertTile(self.tr("Products low on stock"))
        self.note = QLabel(
            self.tr("Available = on hand − reserved for parcels not packed yet. Cover: days the stock lasts at the")
            + " "
            + self.tr("average daily outflow of the last 14 days.")
        )
        self.note.setObjectName("cardLabel")
        self.note.setWordWrap(True)
        self.table = make_table(
            [
                self.tr("Product"),
                self.tr("Stock code"),
                self.tr("Client"),
                self.tr("Available"),
                self.tr("Threshold"),
                self.tr("Out per day"),
                self.tr("Days of cover"),
            ]
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)

    def refresh(self, _snapshot: object = None) -> None:
        """Read the list again (skipped while a read is on its way)."""
        if self._in_flight:
            return
        self._in_flight = True
        Task(lambda: list(self._read()), owner=self).on_success(self._show).on_failure(self._failed).run()

    def _failed(self, exc: Exception) -> None:
        self._in_flight = False
        log.warning("low-stock read failed reason=%s", exc)
        self.tile.show_value("?", alarm=True)

    def _show(self, items: list[ProductStock]) -> None:
        self._in_flight = False
        self.items = items
        self.tile.show_value(str(len(items)), alarm=bool(items))
        fill_table(
            self.table,
            [
                [
                    " ".join(part for part in (item.name, item.variant) if part),
                    item.stock_code,
                    item.client,
                    item.figures.available,
                    item.figures.threshold,
                    float(item.figures.daily_outflow),
                    "–" if item.figures.days_of_cover is None else float(item.figures.days_of_cover),
                ]
                for item in items
            ],
            keys=[item.product_id for item in items],
            highlight=[BAD if item.figures.available <= 0 else WARN for item in items],
        )
        self.refreshed.emit(items)
