"""Supervisor and admin pages in the main window: count mode (F7), stock (F8), dashboard (F9), users (F10),
stations (F11), sync (F12).

The packer's screen stays keyboard-free; these pages open for a supervisor, or for a packer with a
supervisor's badge and PIN at the station. Escape goes back to packing. The pages take only the
services they show (:class:`SupervisorServices`), so a test of the dashboard needs a database and
an audit log, not the scheduler, the journal pump or the print queue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QStackedWidget, QWidget

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from packstation.composition import AppContext
    from packstation.domain.events import SyncFinished, SyncProgress
    from packstation.services.access.audit import AuditLog
    from packstation.services.access.permissions import Approval, UserSession
    from packstation.services.access.users import UserService
    from packstation.services.journal.parked import ParkedOperations
    from packstation.services.photos.store import PhotoStore
    from packstation.services.reports.access import ReportAccess
    from packstation.services.reports.returns import ReturnsToday
    from packstation.services.station.heartbeat import StationService
    from packstation.services.stock.counting import CountService
    from packstation.ui.admin.stations import StationsView
    from packstation.ui.admin.stock_page import StockAdmin, StockView
    from packstation.ui.admin.users import UsersView
    from packstation.ui.shell.approvals import Approvals
    from packstation.ui.supervisor.count_view import CountView, Feedback
    from packstation.ui.supervisor.dashboard import DashboardView
    from packstation.ui.supervisor.low_stock import LowStockPanel
    from packstation.ui.supervisor.parked_panel import ParkedPanel
    from packstation.ui.supervisor.photos_panel import PhotosPanel
    from packstation.ui.supervisor.returns_tile import ReturnsTile
    from packstation.ui.supervisor.sync_panel import LoadStates, SyncNow, SyncPanel


@dataclass(frozen=True)
class SyncControls:
    """The marketplace sync as the sync page sees it: the accounts' states, and "sync now"."""

    states: LoadStates
    sync_now: SyncNow


@dataclass(frozen=True)
class SupervisorServices:
    """What the supervisor and admin pages show and change."""

    reports: ReportAccess
    #: Journal operations PostgreSQL refused, for a supervisor to retry or discard (a dashboard tab).
    parked: ParkedOperations
    users: UserService
    totp_issuer: str
    stations: StationService
    sync: SyncControls | None
    #: Locations, levels, thresholds and the CSV files (F8), and count mode (F7).
    stock: StockAdmin | None = None
    counts: CountService | None = None
    #: Today's returns and the claims waiting for the bench (the dashboard's returns tile).
    returns_today: Callable[[], ReturnsToday] | None = None
    #: Photo evidence of parcels and returns (the dashboard's Photos tab).
    photos: PhotoStore | None = None
    #: The warehouse's time zone (``[station] time_zone``): when photos were taken.
    time_zone: str = "Europe/Istanbul"

    @classmethod
    def of(cls, context: AppContext) -> SupervisorServices:
        """The services the pages take from the station's context (figures in the warehouse's time zone)."""
        from datetime import UTC, datetime
        from zoneinfo import ZoneInfo

        from packstation.domain.keyboard_layout import LayoutRepair
        from packstation.services.journal.parked import ParkedOperations
        from packstation.services.reports.access import ReportAccess

        sync = None
        if context.jobs is not None:
            from packstation.services.sync.status import account_states

            sessions = context.database.sessions
            sync = SyncControls(states=lambda: account_states(sessions), sync_now=context.jobs.sync_now)
        reports = ReportAccess(
            context.database.sessions,
            tz=ZoneInfo(context.settings.station.time_zone),
            audit=context.audit,
            clock=lambda: datetime.now(UTC),
        )
        repair = LayoutRepair(enabled=True) if context.settings.scanner.repair_turkish_q else None
        stock, counts = stock_services(context.database.sessions, context.audit, layout_repair=repair)

        from packstation.services.reports.returns import returns_today

        def today() -> ReturnsToday:
            with context.database.sessions() as session:
                return returns_today(session, tz=ZoneInfo(context.settings.station.time_zone), now=datetime.now(UTC))

        return cls(
            returns_today=today,
            reports=reports,
            parked=ParkedOperations(context.database.sessions, audit=context.audit),
            users=context.users,
            totp_issuer=context.settings.security.totp_issuer,
            stations=context.station,
            sync=sync,
            stock=stock,
            counts=counts,
            photos=context.photos,
            time_zone=context.settings.station.time_zone,
        )


def stock_services(
    sessions: sessionmaker[Session], audit: AuditLog, *, layout_repair: Callable[[str], str] | None
) -> tuple[StockAdmin, CountService]:
    """The stock page's services and count mode's, on the station's database."""
    from packstation.services.packing.source import PostgresPackageSource
    from packstation.services.stock.counting import CountService
    from packstation.services.stock.importer import StockImporter
    from packstation.services.stock.locations import LocationService
    from packstation.services.stock.service import StockService
    from packstation.ui.admin.stock_page import StockAdmin

    admin = StockAdmin(
        stock=StockService(sessions, audit=audit),
        locations=LocationService(sessions, audit=audit),
        importer=StockImporter(sessions, audit=audit),
    )
    catalogue = PostgresPackageSource(sessions).catalogue
    return admin, CountService(sessions, audit=audit, catalogue=catalogue, layout_repair=layout_repair)


class SupervisorPages(QObject):
    """Creates the dashboard, users, stations and sync pages on first use and switches to them."""

    def __init__(
        self,
        *,
        pages: QStackedWidget,
        services: SupervisorServices,
        approvals: Approvals,
        current_user: Callable[[], UserSession | None],
        set_banner: Callable[[str, str], None],
        back_to_packing: Callable[[], None],
        shortcuts_on: QWidget,
        feedback: Feedback | None = None,
    ) -> None:
        super().__init__(pages)
        self._pages = pages
        self._services = services
        self._approvals = approvals
        self._current_user = current_user
        self._set_banner = set_banner
        self._back_to_packing = back_to_packing
        self._feedback = feedback
        self.dashboard: DashboardView | None = None
        self.stock: StockView | None = None
        self.count: CountView | None = None
        self.low_stock: LowStockPanel | None = None
        self.returns_tile: ReturnsTile | None = None
        self.users: UsersView | None = None
        self.stations: StationsView | None = None
        self.sync: SyncPanel | None = None
        self.parked: ParkedPanel | None = None
        self.photos: PhotosPanel | None = None
        for key, slot in (
            (Qt.Key.Key_F7, self.open_count),
            (Qt.Key.Key_F8, self.open_stock),
            (Qt.Key.Key_F9, self.open_dashboard),
            (Qt.Key.Key_F10, self.open_users),
            (Qt.Key.Key_F11, self.open_stations),
            (Qt.Key.Key_F12, self.open_sync),
            (Qt.Key.Key_Escape, self.close_pages),
        ):
            shortcut = QShortcut(QKeySequence(key), shortcuts_on)
            shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
            shortcut.activated.connect(slot)

    def open_dashboard(self) -> None:
        """Throughput, stations, sync and exceptions (needs the right to view reports)."""
        from packstation.services.access.permissions import Permission

        if self._current_user() is None:
            return
        self._approvals.with_approval(
            Permission.VIEW_REPORTS, self.tr("open the supervisor dashboard"), self._show_dashboard
        )

    def _show_dashboard(self, approval: Approval | None) -> None:
        from packstation.ui.supervisor.dashboard import DashboardView
        from packstation.ui.supervisor.parked_panel import ParkedPanel

        user = self._current_user()
        if user is None:
            return
        # The service hands the queries out only to someone allowed to see reports: checked (and an
        # approval spent) at every opening, not only the first.
        queries, exceptions = self._services.reports.open_reports(user, approval=approval)
        if self.dashboard is None:
            # The actor of each queue action is whoever is logged in at that moment.
            self.dashboard = DashboardView(queries, exceptions=exceptions, current_user=self._current_user)
            self.parked = ParkedPanel(self._services.parked, self._current_user)
            self.dashboard.tabs.addTab(self.parked, self.tr("Stuck operations"))
            if self._services.stock is not None:
                self._add_low_stock(self.dashboard, self._services.stock)
            if self._services.returns_today is not None:
                from packstation.ui.supervisor.returns_tile import ReturnsTile

                self.returns_tile = ReturnsTile(self._services.returns_today, parent=self.dashboard)
                self.dashboard.add_tile("returns", self.returns_tile.tile)
                self.dashboard.refreshed.connect(self.returns_tile.refresh)
            if self._services.photos is not None:
                self._add_photos(self.dashboard, self._services.photos)
            self._pages.addWidget(self.dashboard)
        self._pages.setCurrentWidget(self.dashboard)
        self.dashboard.start()
        if self.parked is not None:
            self.parked.refresh()
        self._set_banner("info", self.tr("Dashboard. Press Escape to go back to packing."))

    def _add_photos(self, dashboard: DashboardView, photos: PhotoStore) -> None:
        """A Photos tab, and a Photos button on the exception queue that opens the parcel's photos there."""
        from zoneinfo import ZoneInfo

        from packstation.ui.supervisor.photos_panel import PhotosPanel

        zone = ZoneInfo(self._services.time_zone)
        panel = PhotosPanel(photos, tz=lambda: zone)
        dashboard.tabs.addTab(panel, self.tr("Photos"))

        def show(code: str) -> None:
            dashboard.tabs.setCurrentWidget(panel)
            panel.show_parcel(code)

        dashboard.exceptions.photos_button.setVisible(True)
        dashboard.exceptions.photos_requested.connect(show)
        self.photos = panel

    def _add_low_stock(self, dashboard: DashboardView, stock: StockAdmin) -> None:
        """The low-stock tile and list, read again after each dashboard refresh."""
        from packstation.ui.supervisor.low_stock import LowStockPanel

        panel = LowStockPanel(stock.stock.low_stock)
        dashboard.add_tile("low_stock", panel.tile)
        index = dashboard.tabs.addTab(panel, self.tr("Low stock"))
        panel.tile.clicked.connect(lambda: dashboard.tabs.setCurrentIndex(index))
        dashboard.refreshed.connect(panel.refresh)
        self.low_stock = panel

    def open_stock(self) -> None:
        """Locations, stock per bin, adjustments, thresholds and CSV files (changes need the right to adjust stock)."""
        user = self._current_user()
        stock = self._services.stock
        if user is None or stock is None:
            return
        from packstation.ui.admin.stock_page import StockView

        if self.stock is None:
            # Each change is made as whoever is logged in at that moment, and the service checks it.
            self.stock = StockView(stock, current_user=self._current_user)
            self._pages.addWidget(self.stock)
        self._pages.setCurrentWidget(self.stock)
        self.stock.refresh()
        self._set_banner("info", self.tr("Stock. Press Escape to go back to packing."))

    def open_count(self) -> None:
        """Count mode: a supervisor turns it on (or approves it for a packer) for a while."""
        from packstation.services.access.permissions import Permission

        if self._current_user() is None or self._services.counts is None:
            return
        if self.count is not None and self.count.permit.actor == self._current_user() and self._permit_valid():
            self._show_count()
            return
        self._approvals.with_approval(Permission.ADJUST_STOCK, self.tr("count stock"), self._enable_count)

    def _permit_valid(self) -> bool:
        from datetime import UTC, datetime

        return self.count is not None and self.count.permit.expires_at > datetime.now(UTC)

    def _enable_count(self, approval: Approval | None) -> None:
        from packstation.ui.platform.tasks import Task

        user, counts = self._current_user(), self._services.counts
        if user is None or counts is None:
            return
        Task(lambda: counts.enable(user, approval=approval), owner=self).on_success(self._counting).on_failure(
            lambda exc: self._set_banner("error", str(exc))
        ).run()

    def _counting(self, permit: object) -> None:
        from packstation.services.stock.counting import CountPermit
        from packstation.ui.supervisor.count_view import CountView

        counts = self._services.counts
        if counts is None or not isinstance(permit, CountPermit):
            return
        if self.count is not None:
            self._pages.removeWidget(self.count)
            self.count.deleteLater()
        self.count = CountView(counts, permit, feedback=self._feedback or (lambda _s, text, ok: None))
        self._pages.addWidget(self.count)
        self._show_count()

    def _show_count(self) -> None:
        if self.count is None:
            return
        self._pages.setCurrentWidget(self.count)
        self._set_banner("info", self.tr("Count mode: scan a bin's label. Press Escape to go back to packing."))

    def take_scan(self, text: str) -> bool:
        """A scan while count mode shows belongs to the count; True when it was taken."""
        if self.count is None or self._pages.currentWidget() is not self.count:
            return False
        return self.count.take_scan(text)

    def open_users(self) -> None:
        """User administration (needs the right to manage users)."""
        from packstation.services.access.permissions import Permission

        if self._current_user() is None:
            return
        self._approvals.with_approval(Permission.MANAGE_USERS, self.tr("manage users"), self._show_users)

    def _show_users(self, _approval: Approval | None) -> None:
        from packstation.ui.admin.users import UsersView

        user = self._current_user()
        if user is None:
            return
        if self.users is not None:
            self._pages.removeWidget(self.users)
            self.users.deleteLater()
        # Built for the user now logged in: the service checks every change against this actor.
        self.users = UsersView(users=self._services.users, actor=user, totp_issuer=self._services.totp_issuer)
        self._pages.addWidget(self.users)
        self._pages.setCurrentWidget(self.users)
        self.users.refresh()
        self._set_banner("info", self.tr("Users. Press Escape to go back to packing."))

    def open_stations(self) -> None:
        """Station administration (needs the right to manage stations)."""
        from packstation.services.access.permissions import Permission

        if self._current_user() is None:
            return
        self._approvals.with_approval(Permission.MANAGE_STATIONS, self.tr("manage stations"), self._show_stations)

    def _show_stations(self, _approval: Approval | None) -> None:
        from packstation.ui.admin.stations import StationsView

        user = self._current_user()
        if user is None:
            return
        if self.stations is not None:
            self._pages.removeWidget(self.stations)
            self.stations.deleteLater()
        self.stations = StationsView(stations=self._services.stations, actor=user)
        self._pages.addWidget(self.stations)
        self._pages.setCurrentWidget(self.stations)
        self.stations.refresh()
        self._set_banner("info", self.tr("Stations. Press Escape to go back to packing."))

    def open_sync(self) -> None:
        """Marketplace accounts: last sync, errors, outbox backlog, and "sync now" (anyone may look)."""
        from packstation.ui.supervisor.sync_panel import SyncPanel

        if self._current_user() is None:
            return
        sync = self._services.sync
        if sync is None:
            self._set_banner("info", self.tr("No marketplace account is configured at this station."))
            return
        if self.sync is None:
            self.sync = SyncPanel(sync.states, sync.sync_now)
            self._pages.addWidget(self.sync)
        self._pages.setCurrentWidget(self.sync)
        self.sync.refresh()
        self._set_banner("info", self.tr("Marketplace sync. Press Escape to go back to packing."))

    def on_sync_progress(self, event: SyncProgress) -> None:
        """A running sync's progress, for the sync page once it exists."""
        if self.sync is not None:
            self.sync.on_sync_progress(event)

    def on_sync_finished(self, event: SyncFinished) -> None:
        """A sync's end, for the sync page once it exists."""
        if self.sync is not None:
            self.sync.on_sync_finished(event)

    def close_pages(self) -> None:
        """Back to the packing screens."""
        current = self._pages.currentWidget()
        if (
            current not in (self.dashboard, self.users, self.stations, self.sync, self.stock, self.count)
            or current is None
        ):
            return
        if self.dashboard is not None:
            self.dashboard.stop()
        self._back_to_packing()
