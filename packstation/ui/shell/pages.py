"""Supervisor and admin pages in the main window: dashboard (F9), users (F10), stations (F11), sync (F12).

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
    from packstation.composition import AppContext
    from packstation.domain.events import SyncFinished, SyncProgress
    from packstation.services.access.permissions import Approval, UserSession
    from packstation.services.access.users import UserService
    from packstation.services.journal.parked import ParkedOperations
    from packstation.services.reports.access import ReportAccess
    from packstation.services.station.heartbeat import StationService
    from packstation.ui.admin.stations import StationsView
    from packstation.ui.admin.users import UsersView
    from packstation.ui.shell.approvals import Approvals
    from packstation.ui.supervisor.dashboard import DashboardView
    from packstation.ui.supervisor.parked_panel import ParkedPanel
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

    @classmethod
    def of(cls, context: AppContext) -> SupervisorServices:
        """The services the pages take from the station's context (figures in the warehouse's time zone)."""
        from datetime import UTC, datetime
        from zoneinfo import ZoneInfo

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
        return cls(
            reports=reports,
            parked=ParkedOperations(context.database.sessions, audit=context.audit),
            users=context.users,
            totp_issuer=context.settings.security.totp_issuer,
            stations=context.station,
            sync=sync,
        )


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
    ) -> None:
        super().__init__(pages)
        self._pages = pages
        self._services = services
        self._approvals = approvals
        self._current_user = current_user
        self._set_banner = set_banner
        self._back_to_packing = back_to_packing
        self.dashboard: DashboardView | None = None
        self.users: UsersView | None = None
        self.stations: StationsView | None = None
        self.sync: SyncPanel | None = None
        self.parked: ParkedPanel | None = None
        for key, slot in (
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
            self.parked = ParkedPanel(self._services.parked, user)
            self.dashboard.tabs.addTab(self.parked, self.tr("Stuck operations"))
            self._pages.addWidget(self.dashboard)
        self._pages.setCurrentWidget(self.dashboard)
        self.dashboard.start()
        if self.parked is not None:
            self.parked.refresh()
        self._set_banner("info", self.tr("Dashboard. Press Escape to go back to packing."))

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
        if current not in (self.dashboard, self.users, self.stations, self.sync) or current is None:
            return
        if self.dashboard is not None:
            self.dashboard.stop()
        self._back_to_packing()
