"""Who is at the station: the login screen, the session with its idle log-out, badge switching, the first admin.

Built by the window once the services are up. Whoever leaves (logs out, goes idle, is replaced by a badge
scanned mid-parcel) has their open parcel put back first: the next person must not continue it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QStackedWidget, QWidget

from packstation.services.access.permissions import LogoutReason, StationSession, UserSession
from packstation.ui.platform.tasks import Task
from packstation.ui.shell.login import LoginView
from packstation.ui.shell.switching import ActivityFilter

if TYPE_CHECKING:
    from packstation.composition import AppContext
    from packstation.ui.shell.status_bar import StationStatusBar

#: Milliseconds between checks of the idle log-out.
IDLE_CHECK_MS = 5000


class LoginWindow(Protocol):
    """What the login flow asks of the window around it."""

    def set_banner(self, kind: str, text: str) -> None:
        """Show ``text`` in the message line."""

    def put_back(self) -> None:
        """Put the parcel in progress back."""

    def show_packing_screen(self) -> None:
        """Show the pack screen (a parcel is open) or the home screen."""


class LoginFlow(QObject):
    """Logs people in and out of the station; the window asks it who is logged in."""

    def __init__(
        self,
        context: AppContext,
        *,
        window: LoginWindow,
        pages: QStackedWidget,
        scan_input: QLineEdit,
        status: StationStatusBar,
        demo: bool,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._window = window
        self._pages = pages
        self._scan_input = scan_input
        self._status = status
        self._demo = demo
        self._dialog_parent = parent
        station_id = context.station_id
        self.login = LoginView(
            login_badge=lambda badge, pin: context.auth.login_badge(badge, pin=pin, station_id=station_id),
            login_password=lambda user, password, code: context.auth.login_password(
                user, password, totp_code=code, station_id=station_id
            ),
        )
        self.login.logged_in.connect(self.logged_in)
        pages.addWidget(self.login)
        self.station_session = StationSession(
            idle_logout_s=context.settings.security.idle_logout_s,
            on_end=lambda user, reason: Task(lambda: context.auth.logout(user, reason=reason), owner=self).run(),
        )
        self._idle_timer = QTimer(self)
        self._idle_timer.timeout.connect(self.check_idle)
        self._idle_timer.start(IDLE_CHECK_MS)
        self._activity = ActivityFilter(self.station_session.touch, parent=self)
        application = QApplication.instance()
        if application is not None:
            application.installEventFilter(self._activity)

    @property
    def user(self) -> UserSession | None:
        """Who is logged in at this station."""
        return self.station_session.current

    def start(self) -> None:
        """Ask for a badge; on a database without users, open the first-run wizard for the first admin."""
        self.show_login()
        Task(self._context.users.count, owner=self).on_success(self._maybe_first_run).run()

    def _maybe_first_run(self, users: int) -> None:
        if users:
            return
        from packstation.ui.admin.first_run import FirstRunWizard

        context = self._context
        wizard = FirstRunWizard(
            create_first_admin=lambda name, password, full_name, secret, code: context.users.create_first_admin(
                name, password=password, full_name=full_name, totp_secret=secret, totp_code=code
            ),
            issuer=context.settings.security.totp_issuer,
            parent=self._dialog_parent,
        )
        wizard.admin_created.connect(lambda _id: self.show_login())
        wizard.open()

    def show_login(self) -> None:
        """The login screen, with the scan field hidden (a scan there is a badge)."""
        self.login.reset()
        self._pages.setCurrentWidget(self.login)
        self._scan_input.setVisible(False)
        hint = self.tr("Scan your badge to log in.")
        if self._demo:
            from packstation.demo.data import DEMO_PACKERS, DEMO_SUPERVISOR

            badges = ", ".join(f"{badge} ({name})" for _user, name, badge in DEMO_PACKERS)
            hint += " " + self.tr("Demo badges: {0}").replace("{0}", badges)
            _user, name, badge, pin = DEMO_SUPERVISOR
            hint += " " + self.tr("Supervisor approval: badge {0}, PIN {1} ({2}).").replace("{0}", badge).replace(
                "{1}", pin
            ).replace("{2}", name)
        self._window.set_banner("info", hint)
        self._status.show_user(None)

    def logged_in(self, session: UserSession) -> None:
        """``session``'s user takes the station (a previous session ends as "switched")."""
        self.station_session.start(session)
        self._status.show_user(session)
        self._scan_input.setVisible(True)
        self._window.show_packing_screen()
        self._window.set_banner("info", self.tr("Ready. Scan a parcel to begin."))
        self._scan_input.setFocus()

    def log_out(self) -> None:
        """End the user's session (a parcel in progress is put back first)."""
        self._window.put_back()
        self.station_session.end(LogoutReason.USER)
        self.show_login()

    def check_idle(self) -> None:
        """Log out a user who has been idle too long, putting their parcel back."""
        session = self.station_session
        if not session.is_idle():
            return
        self._window.put_back()  # the next person must not continue someone else's parcel
        if session.expire_if_idle() is not None:
            self.show_login()
            self._window.set_banner("info", self.tr("Logged out after a period of inactivity. Scan your badge."))

    def switch_user(self, outcome: object, *, badge: str) -> None:
        """A badge was scanned while someone was logged in: put their parcel back and hand over.

        ``outcome`` is the new user's session, or the refusal (a PIN is needed, say) that the login
        screen then asks about.
        """
        self._window.put_back()
        if isinstance(outcome, UserSession):
            previous = self.station_session.current
            self.logged_in(outcome)  # StationSession.start ends the previous session as "switched"
            if previous is not None and previous.user_id != outcome.user_id:
                self._window.set_banner(
                    "info",
                    self.tr("{0} is now logged in at this station (badge scanned); {1} was logged out.")
                    .replace("{0}", outcome.full_name or outcome.username)
                    .replace("{1}", previous.full_name or previous.username),
                )
            return
        self.station_session.end(LogoutReason.SWITCHED)
        self.show_login()
        self.login.badge_input.setText(badge)
        self.login.submit_badge()

    def badge_scanned(self, text: str) -> None:
        """On the login screen a scan is a badge."""
        self.login.badge_input.setText(text)
        self.login.submit_badge()
