"""The dashboard's returns tile: returns processed today (units back to stock, rejected) and claims waiting."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject

from packstation.services.reports.returns import ReturnsToday
from packstation.ui.platform.tasks import Task
from packstation.ui.supervisor.dashboard_widgets import Tile

log = logging.getLogger("packstation.ui.supervisor.returns_tile")


class ReturnsTile(QObject):
    """Reads today's return figures off the GUI thread after each dashboard refresh."""

    def __init__(self, read: Callable[[], ReturnsToday], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._read = read
        self._in_flight = False
        self.tile = Tile(self.tr("Returns today"))
        self.figures: ReturnsToday | None = None

    def refresh(self, _snapshot: object = None) -> None:
        """Read again (skipped while a read is on its way)."""
        if self._in_flight:
            return
        self._in_flight = True
        Task(self._read, owner=self).on_success(self._show).on_failure(self._failed).run()

    def _show(self, figures: ReturnsToday) -> None:
        self._in_flight = False
        self.figures = figures
        self.tile.show_value(str(figures.processed))
        self.tile.caption.setText(
            self.tr("Returns today: {0} back to stock, {1} rejected; {2} waiting")
            .replace("{0}", str(figures.back_to_stock))
            .replace("{1}", str(figures.rejected))
            .replace("{2}", str(figures.waiting))
        )

    def _failed(self, exc: Exception) -> None:
        self._in_flight = False
        log.warning("returns tile read failed reason=%s", exc)
        self.tile.show_value("?", alarm=True)
