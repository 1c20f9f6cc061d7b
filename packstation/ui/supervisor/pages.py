"""Supervisor and admin pages in the main window: dashboard (F9), users (F10) and stations (F11).

The packer's screen stays keyboard-free; these pages open for a supervisor, or for a packer with a
supervisor's badge and PIN at the station. Escape goes back to packing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut

if TYPE_CHECKING:
    from packstation.services.access.permissions import Approval
    from packstation.ui.admin.stations import StationsView
    from packstation.ui.admin.users import UsersView
    from packstation.ui.shell.main_window import MainWindow
    from packstation.ui.supervisor.dashboard import DashboardView
    from packstation.ui.supervisor.parked_panel import ParkedPanel
    from packstation.ui.supervisor.sync_panel import SyncPanel


class SupervisorPages(QObject):
    """Creates the dashboard, users and stations pages on first use and switches to them."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
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
            shortcut = QShortcut(QKeySequence(key), window)
            shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
            shortcut.activated.connect(slot)

    def open_dashboard(self) -> None:
        """Throughput, stations, sync and exceptions (needs the right to view reports)."""
        from packstation.services.access.permissions import Permission

        if self._window.context is None or self._window.user is None:
            return
        self._window.commands.with_approval(
            Permission.VIEW_REPORTS, self.tr("open the supervisor dashboard"), self._show_dashboard
        )

    def _show_dashboard(self, approval: Approval | None) -> None:
        from datetime import UTC, datetime
        from zoneinfo import ZoneInfo

        from packstation.services.journal.parked import ParkedOperations
        from packstation.services.reports.access import ReportAccess
        from packstation.ui.supervisor.dashboard import DashboardView
        from packstation.ui.supervisor.parked_panel import ParkedPanel

        window, context, user = self._window, self._window.context, self._window.user
        if context is None or user is None:
            return
        if self.dashboard is None:
            access = ReportAccess(
                context.database.sessions,
                tz=ZoneInfo(context.settings.station.time_zone),
                audit=context.audit,
                clock=lambda: datetime.now(UTC),
            )
            # The service hands the queries out only to someone allowed to see reports.
            queries, exceptions = access.open_reports(user, approval=approval)
            self.dashboard = DashboardView(queries, exceptions=exceptions, current_user_id=window.user_id)
            self.parked = ParkedPanel(ParkedOperations(context.database.sessions, audit=context.audit), user)
            self.dashboard.tabs.addTab(self.parked, self.tr("Stuck operations"))
            window.pages.addWidget(self.dashboard)
        window.pages.setCurrentWidget(self.dashboard)
        self.dashboard.start()
        if self.parked is not None:
            self.parked.refresh()
        window.set_banner("info", self.tr("Dashboard. Press Escape to go back to packing."))

    def open_users(self) -> None:
        """User administration (needs the right to manage users)."""
        from packstation.services.access.permissions import Permission

        if self._window.context is None or self._window.user is None:
            return
        self._window.commands.with_approval(Permission.MANAGE_USERS, self.tr("manage users"), self._show_users)

    def _show_users(self, _approval: Approval | None) -> None:
        from packstation.ui.admin.users import UsersView

        window, context, user = self._window, self._window.context, self._window.user
        if context is None or user is None:
            return
        if self.users is not None:
            window.pages.removeWidget(self.users)
            self.users.deleteLater()
        # Built for the user now logged in: the service checks every change against this actor.
        self.users = UsersView(users=context.users, actor=user, totp_issuer=context.settings.security.totp_issuer)
        window.pages.addWidget(self.users)
        window.pages.setCurrentWidget(self.users)
        self.users.refresh()
        window.set_banner("info", self.tr("Users. Press Escape to go back to packing."))

    def open_stations(self) -> None:
        """Station administration (needs the right to manage stations)."""
        from packstation.services.access.permissions import Permission

        if self._window.context is None or self._window.user is None:
            return
        self._window.commands.with_approval(Permission.MANAGE_STATIONS, self.tr("manage stations"), self._show_stations)

    def _show_stations(self, _approval: Approval | None) -> None:
        from packstation.ui.admin.stations import StationsView

        window, context, user = self._window, self._window.context, self._window.user
        if context is None or user is None:
            return
        if self.stations is not None:
            window.pages.removeWidget(self.stations)
            self.stations.deleteLater()
        self.stations = StationsView(stations=context.station, actor=user)
        window.pages.addWidget(self.stations)
        window.pages.setCurrentWidget(self.stations)
        self.stations.refresh()
        window.set_banner("info", self.tr("Stations. Press Escape to go back to packing."))

    def open_sync(self) -> None:
        """Marketplace accounts: last sync, errors, outbox backlog, and "sync now" (anyone may look)."""
        from packstation.services.sync.status import account_states
        from packstation.ui.supervisor.sync_panel import SyncPanel

        window, context = self._window, self._window.context
        if context is None or window.user is None:
            return
        if context.jobs is None:
            window.set_banner("info", self.tr("No marketplace account is configured at this station."))
            return
        if self.sync is None:
            sessions, jobs = context.database.sessions, context.jobs
            self.sync = SyncPanel(lambda: account_states(sessions), jobs.sync_now)
            window.bridge.sync_event.connect(self.sync.on_sync_event)
            window.pages.addWidget(self.sync)
        window.pages.setCurrentWidget(self.sync)
        self.sync.refresh()
        window.set_banner("info", self.tr("Marketplace sync. Press Escape to go back to packing."))

    def close_pages(self) -> None:
        """Back to the packing screens."""
        window = self._window
        current = window.pages.currentWidget()
        if current not in (self.dashboard, self.users, self.stations, self.sync) or current is None:
            return
        if self.dashboard is not None:
            self.dashboard.stop()
        window.pages.setCurrentWidget(window.pack if window.pack.is_packing else window.home)
        window.set_banner("info", self.tr("Ready. Scan a parcel to begin."))
        window.scan_input.setFocus()
