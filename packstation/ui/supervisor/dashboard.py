"""The supervisor dashboard: live throughput, station health, sync state and the exception queue.

Every query runs through :class:`~packstation.ui.platform.tasks.Task` on a worker thread; the GUI thread only
paints snapshots. A timer refreshes in the background, skipping a tick while a read is in flight, so
a slow database makes the figures older, never the window frozen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import cast

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from packstation.domain.status import ExceptionKind
from packstation.services.access.permissions import UserSession
from packstation.services.reports import (
    DashboardSnapshot,
    ExceptionQueue,
    FilterChoices,
    ReportFilter,
    ReportQueries,
)
from packstation.ui.platform.tasks import Task
from packstation.ui.platform.text_fit import never_widen
from packstation.ui.supervisor.dashboard_widgets import (
    BAD,
    WARN,
    ThroughputChart,
    Tile,
    figure_row,
    fill_table,
    make_table,
)

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
        self._exceptions = exceptions
        # Asked at each action: the actor is whoever is logged in now, not who opened the dashboard.
        self._current_user = current_user
        self._in_flight = False
        self._choices: FilterChoices | None = None
        self.snapshot: DashboardSnapshot | None = None
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
        layout.addLayout(self._filter_bar())
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
        self.exception_table = make_table(
            [
                self.tr("Since"),
                self.tr("Kind"),
                self.tr("Package"),
                self.tr("Station"),
                self.tr("Assigned to"),
                self.tr("What happened"),
            ]
        )
        self.chart = ThroughputChart()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.packers, self.tr("Packers"))
        self.tabs.addTab(self.stations, self.tr("Stations"))
        self.tabs.addTab(self.health, self.tr("Station health"))
        self.tabs.addTab(self.sync, self.tr("Marketplace sync"))
        self.tabs.addTab(self._exception_panel(), self.tr("Exceptions"))
        splitter = QSplitter()
        splitter.addWidget(self.chart)
        splitter.addWidget(self.tabs)
        splitter.setSizes([480, 720])
        layout.addWidget(splitter, 1)
        scroll.setWidget(content)

    def _filter_bar(self) -> QVBoxLayout:
        bar = QVBoxLayout()
        today = QDate.fromString(self._queries.today().start.isoformat(), "yyyy-MM-dd")
        self.date_from, self.date_to = QDateEdit(today), QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
            edit.dateChanged.connect(self.refresh)
        self.client_box, self.market_box = QComboBox(), QComboBox()
        self.station_box, self.packer_box = QComboBox(), QComboBox()
        for box, everything in (
            (self.client_box, self.tr("All clients")),
            (self.market_box, self.tr("All marketplaces")),
            (self.station_box, self.tr("All stations")),
            (self.packer_box, self.tr("All packers")),
        ):
            box.addItem(everything, None)
            box.currentIndexChanged.connect(self.refresh)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.pdf_button = QPushButton(self.tr("Export PDF…"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.xlsx_button = QPushButton(self.tr("Export XLSX…"))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.status = QLabel()
        self.status.setObjectName("cardLabel")
        # Two rows (filters; actions and status), so the bar fits a 1280-pixel bench screen.
        filters, actions = QHBoxLayout(), QHBoxLayout()
        for widget in (
            QLabel(self.tr("From")),
            self.date_from,
            QLabel(self.tr("to")),
            self.date_to,
            self.client_box,
            self.market_box,
            self.station_box,
            self.packer_box,
        ):
            filters.addWidget(widget)
        filters.addStretch(1)
        for button in (self.refresh_button, self.pdf_button, self.xlsx_button):
            actions.addWidget(button)
        actions.addWidget(never_widen(self.status), 1)
        bar.addLayout(filters)
        bar.addLayout(actions)
        return bar

    def _exception_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.exception_table)
        buttons = QHBoxLayout()
        self.assign_button = QPushButton(self.tr("Assign…"))
        self.resolve_button = QPushButton(self.tr("Resolve…"))
        self.assign_button.clicked.connect(self._ask_assign)
        self.resolve_button.clicked.connect(self._ask_resolve)
        enabled = self._exceptions is not None
        self.assign_button.setEnabled(enabled)
        self.resolve_button.setEnabled(enabled)
        buttons.addStretch(1)
        buttons.addWidget(self.assign_button)
        buttons.addWidget(self.resolve_button)
        layout.addLayout(buttons)
        return panel

    # -- reading -----------------------------------------------------------------------------------------

    def start(self) -> None:
        """Load the filter choices, read once now, then keep refreshing in the background."""
        Task(self._queries.filter_choices, owner=self).on_success(self._set_choices).on_failure(self._fail).run()
        self.refresh()
        self._timer.start()

    def export(self, kind: str, path: Path | None = None) -> None:
        """Save the figures of the current filter as a PDF report or an XLSX workbook (asks where if no path)."""
        from packstation.services.reports.export import export_figures

        flt = self.current_filter()
        if path is None:
            suggested = f"packstation-{flt.start}{'' if flt.single_day else f'_{flt.end}'}.{kind}"
            name, _selected = QFileDialog.getSaveFileName(
                self, self.tr("Export"), str(Path.home() / suggested), f"*.{kind}"
            )
            if not name:
                return
            path = Path(name) if name.lower().endswith(f".{kind}") else Path(f"{name}.{kind}")
        queries, target = self._queries, path
        scope = self.client_box.currentText()
        self.status.setText(self.tr("Exporting…"))
        Task(lambda: export_figures(queries, flt, target, scope=scope), owner=self).on_success(
            lambda written: self.status.setText(self.tr("Saved {0}").replace("{0}", str(written)))
        ).on_failure(lambda exc: self.failed.emit(str(exc))).run()

    def stop(self) -> None:
        """Stop refreshing (the view is hidden)."""
        self._timer.stop()

    def current_filter(self) -> ReportFilter:
        """The filter the controls describe."""
        # QDate.toPython gives a datetime.date; PySide6 types it as object.
        start = cast(date, self.date_from.date().toPython())
        end = cast(date, self.date_to.date().toPython())
        return ReportFilter(
            start,
            max(start, end),
            client_company_id=self.client_box.currentData(),
            marketplace=self.market_box.currentData(),
            station_id=self.station_box.currentData(),
            user_id=self.packer_box.currentData(),
        )

    def refresh(self) -> None:
        """Read a new snapshot off the GUI thread, unless one is already on its way."""
        if self._in_flight:
            return
        flt = self.current_filter()
        self._in_flight = True
        Task(lambda: self._queries.dashboard(flt), owner=self).on_success(self._show).on_failure(
            self._read_failed
        ).run()

    def _read_failed(self, exc: Exception) -> None:
        self._in_flight = False
        self._fail(exc)

    def _fail(self, exc: Exception) -> None:
        log.warning("dashboard read failed reason=%s", exc)
        self.status.setText(self.tr("Not updated: {0}").format(str(exc).splitlines()[0] if str(exc) else exc))
        self.status.setStyleSheet("color: #c92a2a;")
        self.failed.emit(str(exc))

    def _set_choices(self, choices: FilterChoices) -> None:
        self._choices = choices
        for box, items in (
            (self.client_box, [(c.name, c.id) for c in choices.clients]),
            (self.market_box, [(m.capitalize(), m) for m in choices.marketplaces]),
            (self.station_box, [(s.name, s.id) for s in choices.stations]),
            (self.packer_box, [(p.name, p.id) for p in choices.packers]),
        ):
            box.blockSignals(True)
            for text, data in items:
                box.addItem(text, data)
            box.blockSignals(False)

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
        fill_table(
            self.exception_table,
            [
                [
                    local(x.created_at),
                    self._kind_text(x.kind),
                    x.package or "",
                    x.station or "",
                    x.assigned_to or "",
                    x.message,
                ]
                for x in snapshot.exceptions
            ],
            keys=[x.id for x in snapshot.exceptions],
            highlight=[WARN if x.assigned_to else None for x in snapshot.exceptions],
        )
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Updated {0}").format(f"{snapshot.generated_at.astimezone(tz):%H:%M:%S}"))
        self.refreshed.emit(snapshot)

    def _kind_text(self, kind: str) -> str:
        texts: dict[str, str] = {
            ExceptionKind.CONFLICT: self.tr("Conflict"),
            ExceptionKind.CANCELLED_AFTER_PACK: self.tr("Cancelled after packing"),
            ExceptionKind.UNSUPPLIED: self.tr("Unsupplied"),
            ExceptionKind.WRONG_ITEM: self.tr("Wrong item"),
            ExceptionKind.PRINTER_FAILURE: self.tr("Printer failure"),
            ExceptionKind.SYNC_ERROR: self.tr("Sync error"),
        }
        return texts.get(kind, kind)

    # -- exception actions -------------------------------------------------------------------------------

    def selected_exception(self) -> int | None:
        """The id of the exception selected in the queue, if any."""
        row = self.exception_table.currentRow()
        item = self.exception_table.item(row, 0) if row >= 0 else None
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def resolve_selected(self, resolution: str) -> None:
        """Resolve the selected exception with ``resolution`` (off the GUI thread), then refresh."""
        exception_id, queue, actor = self.selected_exception(), self._exceptions, self._current_user()
        if exception_id is None or queue is None or actor is None:
            return
        work = lambda: queue.resolve(actor, exception_id, resolution=resolution)  # noqa: E731
        Task(work, owner=self).on_success(lambda _r: self.refresh()).on_failure(self._fail).run()

    def assign_selected(self, user_id: int) -> None:
        """Assign the selected exception to ``user_id`` (off the GUI thread), then refresh."""
        exception_id, queue, actor = self.selected_exception(), self._exceptions, self._current_user()
        if exception_id is None or queue is None or actor is None:
            return
        work = lambda: queue.assign(actor, exception_id, to_user_id=user_id)  # noqa: E731
        Task(work, owner=self).on_success(lambda _r: self.refresh()).on_failure(self._fail).run()

    def _ask_resolve(self) -> None:
        if self.selected_exception() is None:
            return
        text, ok = QInputDialog.getText(self, self.tr("Resolve exception"), self.tr("What was done about it?"))
        if ok and text.strip():
            self.resolve_selected(text)

    def _ask_assign(self) -> None:
        if self.selected_exception() is None or self._choices is None or not self._choices.packers:
            return
        names = [p.name for p in self._choices.packers]
        name, ok = QInputDialog.getItem(self, self.tr("Assign exception"), self.tr("Assign to"), names, 0, False)
        if ok:
            self.assign_selected(self._choices.packers[names.index(name)].id)

    def table_text(self, table: QTableWidget) -> list[list[str]]:
        """What a table shows, cell by cell (for tests and support screenshots)."""
        return [
            [item.text() if (item := table.item(r, c)) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())
        ]
