"""The main window: one scan entry for everything, the home and pack screens, and an honest status bar.

Every scan (keyboard wedge burst, serial scanner, or typed + Enter) goes through :meth:`handle_scan`:
a command barcode runs its command; with a parcel being packed it is an item scan; otherwise it
opens a parcel.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from packstation.domain.boxes import BoxType, find_box_type
from packstation.domain.command_barcodes import UnknownCommandError, parse_command
from packstation.domain.events import PrintJobEventKind
from packstation.domain.feedback import FeedbackSound, sound_for
from packstation.domain.scan import clean_scan, unreadable
from packstation.domain.scan_messages import invalid_message
from packstation.domain.status import PackageStatus
from packstation.ui.packing.home_view import HomeView
from packstation.ui.packing.pack_controller import PackCommands, PackPrinting
from packstation.ui.packing.pack_view import PackView
from packstation.ui.packing.package_table import role_name
from packstation.ui.platform.screen_fit import fit_to_screen
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.platform.tasks import Task
from packstation.ui.platform.text_fit import never_widen, set_fitted_text
from packstation.ui.shell.approvals import Approvals
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.pages import SupervisorPages, SupervisorServices, SyncControls

if TYPE_CHECKING:
    from packstation.composition import AppContext
    from packstation.domain.events import DatabaseStatus, PackageCancelled, PumpStatus, SyncFinished, SyncProgress
    from packstation.domain.packing import LineProgress, ScanResult
    from packstation.services.access.permissions import StationSession, UserSession
    from packstation.services.packing.service import OpenResult
    from packstation.ui.packing.worker import PackingWorker
    from packstation.ui.shell.login import LoginView
    from packstation.ui.shell.switching import BadgeOrItem

log = logging.getLogger("packstation.ui.shell.main_window")
STATUS_LIMIT = 80  # characters of one status-bar entry (a server's error message can be a page long)


class MainWindow(QMainWindow):
    """Shows at once; screens come alive when the background start-up delivers the services."""

    def __init__(self, *, station_name: str, bridge: Bridge, demo: bool, sounds: SoundBoard | None = None) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("PackStation — {0}").replace("{0}", station_name))
        # Never larger than the screen it opens on; application.py then shows it maximised there.
        fit_to_screen(self, QSize(1400, 900))
        self.context: AppContext | None = None
        self.worker: PackingWorker | None = None
        self._box_types: tuple[BoxType, ...] = ()  # the warehouse box sizes ([[boxes]]), scanned while packing
        self.login: LoginView | None = None
        self._badge_or_item: BadgeOrItem | None = None
        self.station_session: StationSession | None = None
        self._demo = demo
        self.last_feedback_latency_s: float | None = None
        self._sounds = sounds or SoundBoard(self)
        self.bridge = bridge  # owned here so its signals live as long as the window

        title = QLabel(self.tr("PackStation"))
        title.setObjectName("title")
        # The station's name lives in the header, not the status bar: the status bar's five entries
        # did not fit a 1280-pixel bench screen in Turkish.
        station = self.tr("Station: {0}").replace("{0}", station_name)
        subtitle = QLabel(
            self.tr("Demo: embedded database, no marketplace account or printer needed") + "  ·  " + station
            if demo
            else station
        )
        subtitle.setObjectName("subtitle")
        self.station_label = subtitle
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(subtitle)

        self.scan_input = QLineEdit()
        self.scan_input.setObjectName("scanInput")
        self.scan_input.setPlaceholderText(self.tr("Scan or type a tracking number, package id or order number"))
        self.scan_input.returnPressed.connect(self._typed_scan)
        self.offline_banner = QLabel()
        self.offline_banner.setObjectName("offlineBanner")
        never_widen(self.offline_banner)
        self.offline_banner.hide()
        self.banner = QLabel(self.tr("Starting the database…"))
        self.banner.setObjectName("banner")
        never_widen(self.banner)

        self.home = HomeView()
        self.home.package_chosen.connect(self._open_chosen)
        self.pack = PackView()
        # Built when the services arrive (attach): each takes only the services it uses.
        self.commands: PackCommands | None = None
        self.supervisor: SupervisorPages | None = None
        self.pages = QStackedWidget()
        self.pages.addWidget(self.home)
        self.pages.addWidget(self.pack)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(18, 12, 18, 6)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.offline_banner)
        layout.addWidget(self.scan_input)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, stretch=1)
        self.setCentralWidget(central)
        self.set_banner("info", self.banner.text())

        self.user_label = self._status_label(self.tr("User: not logged in"))
        self.database_label = self._status_label(self.tr("Database: starting…"))
        self.journal_label = self._status_label(self.tr("Pending: –"))
        self.labels_label = self._status_label("")
        self.labels_label.hide()
        self._label_jobs: dict[
            str, tuple[PrintJobEventKind, datetime]
        ] = {}  # job id -> (state, since) of labels not yet printed
        self.sync_label = self._status_label(self.tr("Sync: no marketplace accounts"))
        for label in (self.user_label, self.database_label, self.journal_label, self.labels_label):
            self.statusBar().addWidget(label)
        self.statusBar().addPermanentWidget(self.sync_label)

        bridge.database_status.connect(self.show_database_status)
        bridge.pump_status.connect(self.show_pump_status)
        bridge.package_cancelled.connect(self._package_cancelled)
        bridge.sync_progress.connect(self._sync_progress)
        bridge.sync_finished.connect(self._sync_finished)

    # -- plumbing ------------------------------------------------------------------------------------

    def _status_label(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("status")
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    def _set_state(self, label: QLabel, text: str, *, ok: bool) -> None:
        # A status-bar label does not wrap: an error from a server is cut to one short line.
        set_fitted_text(label, text, STATUS_LIMIT)
        label.setProperty("state", "ok" if ok else "bad")
        label.style().unpolish(label)
        label.style().polish(label)

    def set_banner(self, kind: str, text: str) -> None:
        """The message line under the scan field."""
        self.banner.setProperty("kind", kind)
        set_fitted_text(self.banner, text)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)

    @property
    def user(self) -> UserSession | None:
        """Who is logged in at this station."""
        return self.station_session.current if self.station_session else None

    @property
    def user_id(self) -> int | None:
        """The logged-in user's id (None before login)."""
        return self.user.user_id if self.user else None

    def attach(self, context: AppContext) -> None:
        """The services are up: bind the screens to them and ask for a badge."""
        from packstation.services.access.permissions import StationSession
        from packstation.ui.packing.worker import PackingWorker
        from packstation.ui.shell.login import LoginView

        self.context = context
        station_id = context.station_id
        self.login = LoginView(
            login_badge=lambda badge, pin: context.auth.login_badge(badge, pin=pin, station_id=station_id),
            login_password=lambda user, password, code: context.auth.login_password(
                user, password, totp_code=code, station_id=station_id
            ),
        )
        self.login.logged_in.connect(self._logged_in)
        self.pages.addWidget(self.login)
        self.station_session = StationSession(
            idle_logout_s=context.settings.security.idle_logout_s,
            on_end=lambda user, reason: Task(lambda: context.auth.logout(user, reason=reason), owner=self).run(),
        )
        self._idle_timer = QTimer(self)
        self._idle_timer.timeout.connect(self._check_idle)
        self._idle_timer.start(5000)
        from PySide6.QtWidgets import QApplication

        from packstation.ui.shell.switching import ActivityFilter, BadgeOrItem

        self._badge_or_item = BadgeOrItem(self, owner=self)
        self._activity = ActivityFilter(self.station_session.touch, parent=self)
        application = QApplication.instance()
        if application is not None:
            application.installEventFilter(self._activity)
        self.worker = PackingWorker(context.packing)
        self.worker.opened.connect(self._on_opened)
        self.worker.scanned.connect(self._on_scanned)
        self.worker.closed.connect(self.back_home)
        self.worker.updated.connect(self._on_updated)
        self.worker.remote_cancelled.connect(self._on_remote_cancel)
        self.worker.box_started.connect(self.pack.start_box)
        self.worker.box_chosen.connect(self.pack.show_box_type)
        self._box_types = context.settings.box_types()
        self.worker.failed.connect(lambda message: self.alert(FeedbackSound.UNKNOWN, message))
        self._build_controllers(context, self.worker)
        self.home.bind(ready=context.packages.ready_to_pack, counts=context.packages.counts)
        self.pack.set_image_loader(context.images.get)
        self._set_state(
            self.database_label, self.tr("Database: online ({0})").replace("{0}", context.database.display_url), ok=True
        )
        accounts = len(context.settings.marketplaces)
        if accounts:
            self.sync_label.setText(self.tr("Sync: {0} account(s)").replace("{0}", str(accounts)))
        self._show_login()
        Task(context.users.count, owner=self).on_success(self._maybe_first_run).run()

    def _build_controllers(self, context: AppContext, worker: PackingWorker) -> None:
        """The pack screen's commands and the supervisor pages, each given the few services it uses."""
        from zoneinfo import ZoneInfo

        from packstation.services.journal.parked import ParkedOperations
        from packstation.services.reports.access import ReportAccess

        station_id = context.station_id
        approvals = Approvals(
            current_user=lambda: self.user,
            approve=lambda badge, pin, permission, user: context.auth.approve(
                badge, pin, permission, station_id=station_id, requested_by=user
            ),
            parent=self,
        )
        self.commands = PackCommands(
            pack=self.pack,
            worker=worker,
            shell=self,
            approvals=approvals,
            printing=PackPrinting(reprints=context.reprints, labels=context.labels, jobs=context.print_queue),
            current_user=lambda: self.user,
        )
        worker.replaced.connect(self.commands.package_replaced)
        self.pack.retry_button.clicked.connect(self.commands.retry_print)
        self.pack.move_button.clicked.connect(self.commands.move_print)
        self.bridge.label_preview.connect(self.commands.render_preview)
        self.bridge.print_event.connect(self.commands.show_print_event)
        self.bridge.label_problem.connect(self.commands.show_label_problem)
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
        self.supervisor = SupervisorPages(
            pages=self.pages,
            services=SupervisorServices(
                reports=reports,
                parked=ParkedOperations(context.database.sessions, audit=context.audit),
                users=context.users,
                totp_issuer=context.settings.security.totp_issuer,
                stations=context.station,
                sync=sync,
            ),
            approvals=approvals,
            current_user=lambda: self.user,
            set_banner=self.set_banner,
            back_to_packing=self.back_to_packing,
            shortcuts_on=self,
        )
        self.bridge.sync_progress.connect(self.supervisor.on_sync_progress)
        self.bridge.sync_finished.connect(self.supervisor.on_sync_finished)

    def back_to_packing(self) -> None:
        """From a supervisor page back to the pack or home screen."""
        self._show_packing_screen()
        self.set_banner("info", self.tr("Ready. Scan a parcel to begin."))
        self.scan_input.setFocus()

    def _show_packing_screen(self) -> None:
        if self.pack.is_packing:
            self.pages.setCurrentWidget(self.pack)
        else:
            # The list may have grown while another screen showed (a sync brings parcels in).
            self.home.refresh()
            self.pages.setCurrentWidget(self.home)

    def _maybe_first_run(self, users: int) -> None:
        context = self.context
        if users or context is None:
            return
        from packstation.ui.admin.first_run import FirstRunWizard

        wizard = FirstRunWizard(
            create_first_admin=lambda name, password, full_name, secret, code: context.users.create_first_admin(
                name, password=password, full_name=full_name, totp_secret=secret, totp_code=code
            ),
            issuer=context.settings.security.totp_issuer,
            parent=self,
        )
        wizard.admin_created.connect(lambda _id: self._show_login())
        wizard.open()

    def _show_login(self) -> None:
        if self.login is None:
            return
        self.login.reset()
        self.pages.setCurrentWidget(self.login)
        self.scan_input.setVisible(False)
        hint = self.tr("Scan your badge to log in.")
        if self._demo:
            from packstation.demo.data import DEMO_PACKERS, DEMO_SUPERVISOR

            badges = ", ".join(f"{badge} ({name})" for _user, name, badge in DEMO_PACKERS)
            hint += " " + self.tr("Demo badges: {0}").replace("{0}", badges)
            _user, name, badge, pin = DEMO_SUPERVISOR
            hint += " " + self.tr("Supervisor approval: badge {0}, PIN {1} ({2}).").replace("{0}", badge).replace(
                "{1}", pin
            ).replace("{2}", name)
        self.set_banner("info", hint)
        self._set_state(self.user_label, self.tr("User: not logged in"), ok=False)

    def _logged_in(self, session: UserSession) -> None:
        if self.station_session is None:
            return
        self.station_session.start(session)
        self.user_label.setText(
            self.tr("User: {0} ({1})")
            .replace("{0}", session.full_name or session.username)
            .replace("{1}", role_name(session.role.value))
        )
        self._set_state(self.user_label, self.user_label.text(), ok=True)
        self.scan_input.setVisible(True)
        self._show_packing_screen()
        self.set_banner("info", self.tr("Ready. Scan a parcel to begin."))
        self.scan_input.setFocus()

    def log_out(self) -> None:
        """End the user's session (a parcel in progress is put back first)."""
        self._put_back()
        if self.station_session is not None:
            from packstation.services.access.permissions import LogoutReason

            self.station_session.end(LogoutReason.USER)
        self._show_login()

    def _check_idle(self) -> None:
        session = self.station_session
        if session is None or not session.is_idle():
            return
        self._put_back()  # the next person must not continue someone else's parcel
        if session.expire_if_idle() is not None:
            self._show_login()
            self.set_banner("info", self.tr("Logged out after a period of inactivity. Scan your badge."))

    def _put_back(self) -> None:
        if self.worker is not None and self.pack.package is not None and self.pack.is_packing:
            self.worker.abort(self.user_id)

    def switch_user(self, outcome: object, *, badge: str) -> None:
        """A badge was scanned while someone was logged in: put their parcel back and hand over.

        ``outcome`` is the new user's session, or the refusal (a PIN is needed, say) that the login
        screen then asks about.
        """
        from packstation.services.access.permissions import LogoutReason, UserSession

        self._put_back()
        if isinstance(outcome, UserSession):
            self._logged_in(outcome)  # StationSession.start ends the previous session as "switched"
            return
        if self.station_session is not None:
            self.station_session.end(LogoutReason.SWITCHED)
        self._show_login()
        if self.login is not None:
            self.login.badge_input.setText(badge)
            self.login.submit_badge()

    def shutdown(self) -> None:
        """Stop the packing thread (before the services close); safe to call twice."""
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window ends the packing thread cleanly."""
        self.shutdown()
        super().closeEvent(event)

    def show_startup_error(self, exc: Exception) -> None:
        """Start-up failed: show the reason in the window and the status bar."""
        from packstation.db.errors import error_reason

        message = error_reason(exc)
        self._set_state(self.database_label, self.tr("Database: unavailable"), ok=False)
        self.set_banner("error", self.tr("The database could not be opened: {0}").replace("{0}", message))

    # -- scans ---------------------------------------------------------------------------------------

    def _typed_scan(self) -> None:
        text = self.scan_input.text()
        self.scan_input.clear()
        self.handle_scan(text)

    def handle_scan(self, text: str) -> None:
        """Route one scan: a command, an item for the open parcel, or a parcel to open."""
        text = clean_scan(text).strip()
        if not text:
            return
        refused = unreadable(text)
        if refused is not None and not (self.pack.is_packing and self.user is not None):
            # Never a badge, a command or a parcel code; while packing, the service journals the refusal.
            self.alert(FeedbackSound.UNKNOWN, invalid_message(refused.reason))
            return
        if self._to_dialog(text):
            return
        if self.commands is not None and self.commands.take_box_number(text):
            return
        try:
            command = parse_command(text)
        except UnknownCommandError as exc:
            self.alert(FeedbackSound.UNKNOWN, str(exc))
            return
        if self.station_session is not None:
            self.station_session.touch()
        if self.worker is None:
            self.set_banner("info", self.tr("Still starting: scan again in a moment."))
        elif self.user is None and self.login is not None:
            if command is None:  # on the login screen a scan is a badge
                self.login.badge_input.setText(text)
                self.login.submit_badge()
        elif command is not None:
            if self.commands is not None:
                self.commands.run(command)
        elif self.worker is None:
            self.set_banner("info", self.tr("Still starting: scan again in a moment."))
        elif self.pack.is_packing and (box := find_box_type(self._box_types, text)) is not None:
            self.worker.choose_box(box)
        elif self.pack.is_packing and self._badge_or_item is not None:
            self._badge_or_item.route(text)  # a badge switches the packer; it is never an item scan
        else:
            self.worker.open_code(text, self.user_id)

    def _to_dialog(self, text: str) -> bool:
        """While a dialog is open (a supervisor's badge, say), a scan fills its focused field."""
        from PySide6.QtWidgets import QApplication

        if QApplication.activeModalWidget() is None:
            return False
        focus = QApplication.focusWidget()
        if isinstance(focus, QLineEdit):
            focus.setText(text)
            focus.returnPressed.emit()
        return True

    def _on_updated(self, lines: tuple[LineProgress, ...], complete: bool) -> None:
        self.pack.show_progress(lines, complete)
        if complete:
            self._sounds.play(FeedbackSound.COMPLETE)
            self.set_banner("ok", self.tr("Parcel complete. Scan the next parcel."))
            self.home.refresh()
        else:
            self.set_banner("info", self.tr("Recorded. Scan the remaining items."))

    def _package_cancelled(self, event: PackageCancelled) -> None:
        if self.worker is None:
            return
        package_id = event.package_id
        if event.status is PackageStatus.UNSUPPLIED:
            # Not a cancellation: the marketplace split off the rest into a new package with a new label.
            self.worker.package_replaced(package_id)
        else:
            self.worker.package_cancelled(package_id)

    def _on_remote_cancel(self, _package_id: int) -> None:
        self.pack.stop.show()
        self.pack.stop.raise_()
        self.alert(FeedbackSound.STOP, self.tr("ORDER CANCELLED: do not ship this parcel. Put the items back."))

    def _sync_progress(self, event: SyncProgress) -> None:
        """A sync is running: say which account in the status bar."""
        self.sync_label.setText(self.tr("Sync: running ({0})").replace("{0}", event.account))

    def _sync_finished(self, event: SyncFinished) -> None:
        """A sync ended: its result in the status bar, and new parcels in the list."""
        now = datetime.now().strftime("%H:%M")
        if event.error:
            self._set_state(
                self.sync_label,
                self.tr("Sync: error at {0}: {1}").replace("{0}", now).replace("{1}", event.error),
                ok=False,
            )
        else:
            self._set_state(self.sync_label, self.tr("Sync: OK at {0}").replace("{0}", now), ok=True)
            # New parcels show at once, whichever screen is up (the home screen has no timer).
            self.home.refresh()

    def _open_chosen(self, package_id: int) -> None:
        if self.worker is not None:
            self.worker.open_package(package_id, self.user_id)

    def alert(self, sound: FeedbackSound, message: str) -> None:
        self._sounds.play(sound)
        self.set_banner("error", message)

    def _on_opened(self, result: OpenResult) -> None:
        from packstation.services.packing.service import OpenOutcome

        if result.outcome is OpenOutcome.OPENED and result.package is not None:
            self.pack.show_package(result.package, result.message)
            self.pages.setCurrentWidget(self.pack)
            self.set_banner("ok", result.message)
        elif result.outcome is OpenOutcome.CHOOSE:
            self.home.show_choices(list(result.choices), result.message)
            self.pages.setCurrentWidget(self.home)
            self.set_banner("info", result.message)
        else:
            sound = FeedbackSound.STOP if result.outcome is OpenOutcome.NOT_PACKABLE else FeedbackSound.UNKNOWN
            self.alert(sound, result.message)

    def _on_scanned(self, result: ScanResult, lines: tuple[LineProgress, ...], requested_at: float) -> None:
        import time

        self.pack.show_scan(result, lines)
        self._sounds.play(sound_for(result.outcome, package_complete=result.package_complete))
        self.last_feedback_latency_s = time.perf_counter() - requested_at
        if result.package_complete:
            self.set_banner("ok", self.tr("Parcel complete. Scan the next parcel."))
            self.home.refresh()

    def back_home(self) -> None:
        self.pack.clear()
        self.pages.setCurrentWidget(self.home)
        self.home.refresh()
        self.set_banner("info", self.tr("Parcel put back. Scan the next parcel."))

    def show_database_status(self, status: DatabaseStatus) -> None:
        """Online/offline from the heartbeat."""
        if self.context is None:
            return
        if status.online:
            text = self.tr("Database: online ({0})").replace("{0}", self.context.database.display_url)
        else:
            text = self.tr("Database: OFFLINE — {0}").replace("{0}", status.detail)
        self._set_state(self.database_label, text, ok=status.online)

    def show_pump_status(self, status: PumpStatus) -> None:
        """Operations waiting for PostgreSQL, and the age of the oldest; an offline banner while it is away."""
        if status.online:
            self.offline_banner.hide()
        else:
            self.offline_banner.setText(
                self.tr(
                    "OFFLINE: the database cannot be reached. Packing continues from this station's copy; "
                    "{0} operation(s) will upload when it is back."
                ).replace("{0}", str(status.waiting))
            )
            self.offline_banner.show()
        if status.pending == 0:
            self._set_state(self.journal_label, self.tr("Pending: 0"), ok=True)
            return
        age = ""
        if status.oldest_at is not None:
            seconds = int((datetime.now(UTC) - status.oldest_at).total_seconds())
            age = self.tr(" (oldest {0} s)").replace("{0}", str(max(seconds, 0)))
        text = self.tr("Pending: {0}").replace("{0}", str(status.waiting)) + age
        if status.parked:
            # Refused by the database and set aside: a supervisor retries or discards them on the dashboard.
            text += " · " + self.tr("Stuck: {0}").replace("{0}", str(status.parked))
        self._set_state(self.journal_label, text, ok=status.online and not status.parked)

    def note_print_job(self, job_id: str, kind: PrintJobEventKind) -> None:
        """A label job changed state: the status bar counts labels waiting and stuck, with the oldest's age."""
        if kind is PrintJobEventKind.PRINTED:
            self._label_jobs.pop(job_id, None)
        else:
            since = self._label_jobs.get(job_id, (kind, datetime.now(UTC)))[1]
            self._label_jobs[job_id] = (kind, since)
        if not self._label_jobs:
            self.labels_label.hide()
            return
        stuck = sum(1 for state, _since in self._label_jobs.values() if state is PrintJobEventKind.FAILED)
        oldest = min(since for _state, since in self._label_jobs.values())
        seconds = max(0, int((datetime.now(UTC) - oldest).total_seconds()))
        text = self.tr("Labels waiting: {0} (oldest {1} s)").replace("{0}", str(len(self._label_jobs) - stuck))
        text = text.replace("{1}", str(seconds))
        if stuck:
            text += " · " + self.tr("Stuck: {0}").replace("{0}", str(stuck))
        self._set_state(self.labels_label, text, ok=not stuck)
        self.labels_label.show()
