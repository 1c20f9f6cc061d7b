"""The supervisor dashboard: live throughput, station health, sync state and the exception queue.

Every query runs through :class:`~packstation.ui.platform.tasks.Task` on a worker thread; the GUI thread only
paints snapshots. A timer refreshes in the background, skipping a tick while a read is in flight, so
a slow database makes the figures older, never the window frozen. The filter bar
(:mod:`dashboard_filters`), the exception queue (:mod:`exception_queue`) and the tiles, chart and tables
(:mod:`dashboard_widgets`) are pieces of their own; this view reads the figures and paints them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from packstation.services.access.permissions import UserSession
from packstation.services.reports import (
    DashboardSnapshot,
    ExceptionQueue,
    FilterChoices,
    ReportQueries,
)
from packstation.ui.platform.tasks import Task
from packstation.ui.supervisor.dashboard_filters import DashboardFilters
from packstation.ui.supervisor.dashboard_widgets import BAD, ThroughputChart, Tile, figure_row, fill_table, make_table
from packstation.ui.supervisor.exception_queue import ExceptionQueuePanel

log = logging.getLogger("packstation.ui.supervisor")
DEFAULT_REFRESH_MS = 15_000
TILES_PER_ROW = 4


class DashboardView(QWidget):
    """Self-contained dashboard widget; give it the report queries and, for actions, the exception queue."""

    #: Emitted after each snapshot is shown (tests and the status bar listen).
    refreshed = Signal(object)
    #: Emitted with a message when a read or an action failed.
    failed = Signal(str)

    def __init__(
        self,
        queries: ReportQueries,
        *,
        exceptions: ExceptionQueue | None = None,
        current_user: Callable[[], UserSession | None] = lambda: None,
        refresh_ms: int = DEFAULT_REFRESH_MS,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        self._queries = queries
        self._in_flight = False
        self.snapshot: DashboardSnapshot | None = None
        self.filters = DashboardFilters(queries.today().start)
        self.filters.changed.connect(self.refresh)
        self.filters.export_requested.connect(self.export)
        self.exceptions = ExceptionQueuePanel(exceptions, current_user=current_user)
        self.exceptions.changed.connect(self.refresh)
        self.exceptions.failed.connect(self._fail)
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(refresh_ms)
        self._timer.timeout.connect(self.refresh)

    # -- layout ----------------------------------------------------------------------------------------

    def _build(self) -> None:
        # The figures scroll when the window is smaller than they need (a 1366×768 bench screen with
        # the offline banner showing), rather than push the window past the screen.
        content = QWidget()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)
        layout.addWidget(self.filters)
        tiles = QGridLayout()
        self.tiles = {
            "parcels": Tile(self.tr("Parcels")),
            "items": Tile(self.tr("Items")),
            "pph": Tile(self.tr("Parcels per hour")),
            "median": Tile(self.tr("Median time per parcel")),
            "errors": Tile(self.tr("Errors per 100 items")),
            "stations": Tile(self.tr("Stations online")),
            "exceptions": Tile(self.tr("Open exceptions")),
        }
        # Two rows of tiles: seven side by side would not fit a 1280-pixel bench screen in Turkish.
        for index, tile in enumerate(self.tiles.values()):
            tiles.addWidget(tile, index // TILES_PER_ROW, index % TILES_PER_ROW)
        self._tile_grid = tiles
        layout.addLayout(tiles)
        figure_headers = [
            "",
            self.tr("Parcels"),
            self.tr("Items"),
            self.tr("Parcels/h"),
            self.tr("Median s"),
            self.tr("Wrong"),
            self.tr("Unknown"),
            self.tr("Over"),
            self.tr("Errors/100"),
        ]
        self.packers = make_table([self.tr("Packer"), *figure_headers[1:]])
        self.stations = make_table([self.tr("Station"), *figure_headers[1:]])
        self.health = make_table(
            [self.tr("Station"), self.tr("Online"), self.tr("Last heartbeat"), self.tr("Pending"), self.tr("Oldest")]
        )
        self.sync = make_table(
            [
                self.tr("Account"),
                self.tr("Marketplace"),
                self.tr("Client"),
                self.tr("Last success"),
                self.tr("Waiting calls"),
                self.tr("Failed calls"),
                self.tr("Last error"),
            ]
        )
        self.chart = ThroughputChart()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.packers, self.tr("Packers"))
        self.tabs.addTab(self.stations, self.tr("Stations"))
        self.tabs.addTab(self.health, self.tr("Station health"))
        self.tabs.addTab(self.sync, self.tr("Marketplace sync"))
        self.tabs.addTab(self.exceptions, self.tr("Exceptions"))
        splitter = QSplitter()
        splitter.addWidget(self.chart)
        splitter.addWidget(self.tabs)
        splitter.setSizes([480, 720])
        layout.addWidget(splitter, 1)
        scroll.setWidget(content)

    def add_tile(self, key: str, tile: Tile) -> None:
        """Put another figure tile after the others (the low-stock alert, say)."""
        index = len(self.tiles)
        self.tiles[key] = tile
        self._tile_grid.addWidget(tile, index // TILES_PER_ROW, index % TILES_PER_ROW)

    # -- reading -----------------------------------------------------------------------------------------

    def start(self) -> None:
        """Load the filter choices, read once now, then keep refreshing in the background."""
        Task(self._queries.filter_choices, owner=self).on_success(self._set_choices).on_failure(self._fail).run()
        self.refresh()
        self._timer.start()

    def export(self, kind: str, path: Path | None = None) -> None:
        """Save the figures of the current filter as a PDF report or an XLSX workbook (asks where if no path)."""
        from packstation.services.reports.export import export_figures

        flt = self.filters.current_filter()
        if path is None:
            suggested = f"packstation-{flt.start}{'' if flt.single_day else f'_{flt.end}'}.{kind}"
            name, _selected = QFileDialog.getSaveFileName(
                self, self.tr("Export"), str(Path.home() / suggested), f"*.{kind}"
            )
            if not name:
                return
            path = Path(name) if name.lower().endswith(f".{kind}") else Path(f"{name}.{kind}")
        queries, target = self._queries, path
        scope, status = self.filters.client_box.currentText(), self.filters.status
        status.setText(self.tr("Exporting…"))
        Task(lambda: export_figures(queries, flt, target, scope=scope), owner=self).on_success(
            lambda written: status.setText(self.tr("Saved {0}").replace("{0}", str(written)))
        ).on_failure(lambda exc: self.failed.emit(str(exc))).run()

    def stop(self) -> None:
        """Stop refreshing (the view is hidden)."""
        self._timer.stop()

    def refresh(self) -> None:
        """Read a new snapshot off the GUI thread, unless one is already on its way."""
        if self._in_flight:
            return
        flt = self.filters.current_filter()
        self._in_flight = True
        Task(lambda: self._queries.dashboard(flt), owner=self).on_success(self._show).on_failure(
            self._read_failed
        ).run()

    def _read_failed(self, exc: Exception) -> None:
        self._in_flight = False
        self._fail(exc)

    def _fail(self, exc: Exception) -> None:
        log.warning("dashboard read failed reason=%s", exc)
        reason = str(exc).splitlines()[0] if str(exc) else exc
        self.filters.show_status(self.tr("Not updated: {0}").format(reason), failed=True)
        self.failed.emit(str(exc))

    def _set_choices(self, choices: FilterChoices) -> None:
        self.filters.set_choices(choices)
        self.exceptions.set_packers(choices.packers)

    # -- painting ----------------------------------------------------------------------------------------

    def _show(self, snapshot: DashboardSnapshot) -> None:
        self._in_flight = False
        self.snapshot = snapshot
        total, tz = snapshot.total, self._queries.tz

        def local(moment: datetime | None) -> datetime | None:
            return None if moment is None else moment.astimezone(tz)

        self.tiles["parcels"].show_value(str(total.parcels))
        self.tiles["items"].show_value(str(total.items))
        self.tiles["pph"].show_value("–" if total.parcels_per_hour is None else f"{total.parcels_per_hour:.1f}")
        median = total.median_parcel_seconds
        self.tiles["median"].show_value("–" if median is None else f"{int(median) // 60}:{int(median) % 60:02d}")
        rate = total.error_rate
        self.tiles["errors"].show_value("–" if rate is None else f"{rate:.1f}", alarm=rate is not None and rate >= 2)
        online = sum(1 for s in snapshot.station_status if s.online)
        self.tiles["stations"].show_value(
            f"{online}/{len(snapshot.station_status)}", alarm=online < len(snapshot.station_status)
        )
        self.tiles["exceptions"].show_value(str(len(snapshot.exceptions)), alarm=bool(snapshot.exceptions))
        single = snapshot.filter.single_day
        self.chart.show_timeline(
            snapshot.timeline, title=self.tr("Parcels per hour") if single else self.tr("Parcels per day")
        )
        fill_table(self.packers, [figure_row(f) for f in snapshot.packers], keys=[f.key_id for f in snapshot.packers])
        fill_table(
            self.stations, [figure_row(f) for f in snapshot.stations], keys=[f.key_id for f in snapshot.stations]
        )
        fill_table(
            self.health,
            [
                [
                    s.name,
                    self.tr("yes") if s.online else self.tr("NO"),
                    local(s.last_heartbeat_at),
                    s.pending_operations,
                    local(s.oldest_pending_at),
                ]
                for s in snapshot.station_status
            ],
            keys=[s.station_id for s in snapshot.station_status],
            highlight=[None if s.online else BAD for s in snapshot.station_status],
        )
        fill_table(
            self.sync,
            [
                [
                    a.account,
                    a.marketplace,
                    a.client,
                    local(a.last_success_at),
                    a.outbox_pending,
                    a.outbox_failed,
                    a.last_error or "",
                ]
                for a in snapshot.sync
            ],
            keys=[a.account_id for a in snapshot.sync],
            highlight=[BAD if a.last_error or a.outbox_failed else None for a in snapshot.sync],
        )
        self.exceptions.show_exceptions(snapshot.exceptions, tz=tz)
        self.filters.show_status(self.tr("Updated {0}").format(f"{snapshot.generated_at.astimezone(tz):%H:%M:%S}"))
        self.refreshed.emit(snapshot)

    def table_text(self, table: QTableWidget) -> list[list[str]]:
        """What a table shows, cell by cell (for tests and support screenshots)."""
        return [
            [item.text() if (item := table.item(r, c)) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())
        ]
