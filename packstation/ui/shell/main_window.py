"""The main window: one scan entry for everything, the home and pack screens, and an honest status bar.

Every scan (keyboard wedge burst, serial scanner, or typed + Enter) goes through :meth:`handle_scan`:
a command barcode runs its command; with a parcel being packed it is an item scan; otherwise it
opens a parcel. A badge scanned while someone is logged in switches the user, on either screen
(:mod:`switching`). The window puts the pieces together: the status bar (:mod:`status_bar`), who is
logged in (:mod:`login_flow`), the pack screen's commands and the supervisor pages.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from packstation.domain.boxes import BoxType, find_box_type
from packstation.domain.command_barcodes import Command, UnknownCommandError, parse_command
from packstation.domain.events import PrintJobEventKind
from packstation.domain.feedback import FeedbackSound, sound_for
from packstation.domain.scan import clean_scan, unreadable
from packstation.domain.scan_messages import invalid_message
from packstation.domain.status import PackageStatus
from packstation.ui.packing.home_view import HomeView
from packstation.ui.packing.pack_controller import PackCommands, PackPrinting
from packstation.ui.packing.pack_view import PackView
from packstation.ui.packing.return_controller import ReturnController
from packstation.ui.packing.return_view import ReturnView
from packstation.ui.platform.screen_fit import fit_to_screen
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.platform.text_fit import never_widen, set_fitted_text
from packstation.ui.shell.approvals import Approvals
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.pages import SupervisorPages, SupervisorServices
from packstation.ui.shell.status_bar import StationStatusBar

if TYPE_CHECKING:
    from packstation.composition import AppContext
    from packstation.domain.events import PackageCancelled, SyncFinished
    from packstation.domain.packing import LineProgress, ScanResult
    from packstation.services.access.permissions import UserSession
    from packstation.services.packing.service import OpenResult
    from packstation.ui.packing.photos import PackPhotos
    from packstation.ui.packing.worker import PackingWorker
    from packstation.ui.shell.login_flow import LoginFlow
    from packstation.ui.shell.switching import BadgeOrItem

log = logging.getLogger("packstation.ui.shell.main_window")


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
        self.session: LoginFlow | None = None  # who is logged in: built when the services arrive
        self._badge_or_item: BadgeOrItem | None = None
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
        self.status = StationStatusBar(self.statusBar(), parent=self)
        self.banner = QLabel(self.tr("Starting the database…"))
        self.banner.setObjectName("banner")
        never_widen(self.banner)

        self.home = HomeView()
        self.home.package_chosen.connect(self._open_chosen)
        self.pack = PackView()
        self.returns_view = ReturnView()
        self.returns: ReturnController | None = None  # built when the services arrive
        # Built when the services arrive (attach): each takes only the services it uses.
        self.commands: PackCommands | None = None
        self.photos: PackPhotos | None = None  # only at a station with a camera
        self.supervisor: SupervisorPages | None = None
        self.pages = QStackedWidget()
        self.pages.addWidget(self.home)
        self.pages.addWidget(self.pack)
        self.pages.addWidget(self.returns_view)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(18, 12, 18, 6)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.status.offline_banner)
        layout.addWidget(self.scan_input)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, stretch=1)
        self.setCentralWidget(central)
        self.set_banner("info", self.banner.text())

        bridge.database_status.connect(self.status.show_database_status)
        bridge.pump_status.connect(self.status.show_pump_status)
        bridge.package_cancelled.connect(self._package_cancelled)
        bridge.sync_progress.connect(self.status.show_sync_progress)
        bridge.sync_finished.connect(self._sync_finished)

    # -- plumbing ------------------------------------------------------------------------------------

    def set_banner(self, kind: str, text: str) -> None:
        """The message line under the scan field."""
        self.banner.setProperty("kind", kind)
        set_fitted_text(self.banner, text)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)

    @property
    def user(self) -> UserSession | None:
        """Who is logged in at this station."""
        return self.session.user if self.session else None

    @property
    def user_id(self) -> int | None:
        """The logged-in user's id (None before login)."""
        return self.user.user_id if self.user else None

    def attach(self, context: AppContext) -> None:
        """The services are up: bind the screens to them and ask for a badge."""
        from packstation.ui.packing.worker import PackingWorker
        from packstation.ui.shell.login_flow import LoginFlow
        from packstation.ui.shell.switching import BadgeOrItem

        self.context = context
        self.session = LoginFlow(
            context,
            window=self,
            pages=self.pages,
            scan_input=self.scan_input,
            status=self.status,
            demo=self._demo,
            parent=self,
        )
        self._badge_or_item = BadgeOrItem(self, owner=self)
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
        self.status.show_services_up(
            database_url=context.database.display_url, accounts=len(context.settings.marketplaces)
        )
        self.session.start()

    def _build_controllers(self, context: AppContext, worker: PackingWorker) -> None:
        """The pack screen's commands and the supervisor pages, each given the few services it uses."""
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
            printing=PackPrinting(
                reprints=context.reprints,
                labels=context.labels,
                jobs=context.print_queue,
                redirects=context.redirects,
            ),
            current_user=lambda: self.user,
        )
        self.returns = ReturnController(
            view=self.returns_view,
            service=context.returns,
            shell=self,
            approvals=approvals,
            current_user=lambda: self.user,
            offline=lambda: context.packing.offline,
            replay=self.handle_scan,
            badge_or=self._badge_or_item.badge_or if self._badge_or_item is not None else None,
        )
        worker.replaced.connect(self.commands.package_replaced)
        if context.settings.camera.uri:
            from packstation.ui.packing.photos import PackPhotos

            self.photos = PackPhotos(
                camera_uri=context.settings.camera.uri,
                pack=self.pack,
                worker=worker,
                store=context.photo_spool,
                shell=self,
                current_user=lambda: self.user,
                returns=self.returns,
            )
            self.commands.take_photo = self.photos.take
            self.returns.take_photo = self.photos.take
        self.pack.retry_button.clicked.connect(self.commands.retry_print)
        self.pack.move_button.clicked.connect(self.commands.move_print)
        self.bridge.label_preview.connect(self.commands.render_preview)
        self.bridge.print_event.connect(self.commands.show_print_event)
        self.bridge.label_problem.connect(self.commands.show_label_problem)
        self.supervisor = SupervisorPages(
            pages=self.pages,
            services=SupervisorServices.of(context),
            approvals=approvals,
            current_user=lambda: self.user,
            set_banner=self.set_banner,
            back_to_packing=self.back_to_packing,
            shortcuts_on=self,
            feedback=self.notify,
        )
        self.bridge.sync_progress.connect(self.supervisor.on_sync_progress)
        self.bridge.sync_finished.connect(self.supervisor.on_sync_finished)

    def back_to_packing(self) -> None:
        """From a supervisor page back to the pack or home screen."""
        self.show_packing_screen()
        self.set_banner("info", self.tr("Ready. Scan a parcel to begin."))
        self.scan_input.setFocus()

    def show_packing_screen(self) -> None:
        """The pack screen while a parcel is open, else the home screen's list."""
        if self.pack.is_packing:
            self.pages.setCurrentWidget(self.pack)
        else:
            # The list may have grown while another screen showed (a sync brings parcels in).
            self.home.refresh()
            self.pages.setCurrentWidget(self.home)

    def log_out(self) -> None:
        """End the user's session (a parcel in progress is put back first)."""
        if self.session is not None:
            self.session.log_out()

    def put_back(self) -> None:
        """Put the parcel in progress back (the packer leaves, or another takes over); leave an open return."""
        if self.returns is not None and self.returns.active:
            self.returns.close(self.tr("Return left unfinished: nothing was recorded."))
        if self.worker is not None and self.pack.package is not None and self.pack.is_packing:
            self.worker.abort(self.user)

    def switch_user(self, outcome: object, *, badge: str) -> None:
        """A badge was scanned while someone was logged in: put any parcel back and hand the station over
        (see ``LoginFlow``)."""
        if self.session is not None:
            self.session.switch_user(outcome, badge=badge)

    def shutdown(self) -> None:
        """Stop the packing thread (before the services close); safe to call twice."""
        if self.photos is not None:
            self.photos.stop()
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
        self.status.show_database_unavailable()
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
        if self.returns is not None and self.returns.opening:
            self.returns.hold(text)  # replayed in order once the code it follows is answered
            return
        if self.returns is not None and self.returns.active and self.user is not None:
            try:
                command = parse_command(text)
            except UnknownCommandError as exc:
                self.alert(FeedbackSound.UNKNOWN, str(exc))
                return
            if command is Command.LOG_OUT:
                self.log_out()
            else:
                self.returns.take(text, command)
            return
        if self.supervisor is not None and self.supervisor.take_scan(text):
            return  # count mode: a bin's label, an item in it, or COMPLETE / ABORT of the count
        if self.commands is not None and self.commands.take_box_number(text):
            return
        try:
            command = parse_command(text)
        except UnknownCommandError as exc:
            self.alert(FeedbackSound.UNKNOWN, str(exc))
            return
        if self.session is not None:
            self.session.station_session.touch()
        if self.worker is None:
            self.set_banner("info", self.tr("Still starting: scan again in a moment."))
        elif self.user is None and self.session is not None:
            if command is None:  # on the login screen a scan is a badge
                self.session.badge_scanned(text)
        elif command is not None:
            if self.commands is not None:
                self.commands.run(command)
        elif self.worker is None:
            self.set_banner("info", self.tr("Still starting: scan again in a moment."))
        elif self.pack.is_packing and (box := find_box_type(self._box_types, text)) is not None:
            self.worker.choose_box(box)
        elif self.pack.is_packing and self._badge_or_item is not None:
            self._badge_or_item.route(text)  # a badge switches the packer; it is never an item scan
        elif self.returns is not None:
            # A return parcel's tracking number (or the order of an open claim) opens the return screen.
            worker, user = self.worker, self.user
            self.returns.try_open(text, lambda: worker.open_code(text, user))
        else:
            self.worker.open_code(text, self.user)

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
        if event.status in (PackageStatus.UNSUPPLIED, PackageStatus.UNPACKED):
            # Not a cancellation: the marketplace split off the rest (or unpacked the package, Hepsiburada)
            # into a new package with a new label.
            self.worker.package_replaced(package_id)
        else:
            self.worker.package_cancelled(package_id)

    def _on_remote_cancel(self, _package_id: int) -> None:
        self.pack.stop.show()
        self.pack.stop.raise_()
        self.alert(FeedbackSound.STOP, self.tr("ORDER CANCELLED: do not ship this parcel. Put the items back."))

    def _sync_finished(self, event: SyncFinished) -> None:
        """A sync ended: its result in the status bar, and new parcels in the list."""
        self.status.show_sync_finished(event)
        if not event.error:
            # New parcels show at once, whichever screen is up (the home screen has no timer).
            self.home.refresh()

    def _open_chosen(self, package_id: int) -> None:
        if self.worker is not None:
            self.worker.open_package(package_id, self.user)

    def notify(self, sound: FeedbackSound, message: str, ok: bool) -> None:
        """Play ``sound`` and show ``message`` as good news or as a problem (count mode's feedback)."""
        self._sounds.play(sound)
        self.set_banner("ok" if ok else "error", message)

    def show_returns(self) -> None:
        """The return screen (a claim was opened); the camera, if any, comes along."""
        if self.photos is not None:
            self.returns_view.set_camera(self.photos.view)
        self.pages.setCurrentWidget(self.returns_view)

    def leave_returns(self, message: str) -> None:
        """From the return screen back home; the camera goes back to the pack screen."""
        if self.photos is not None:
            self.pack.set_camera(self.photos.view)
        self.pages.setCurrentWidget(self.home)
        self.home.refresh()
        self.set_banner("info", message)

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
        elif result.outcome is OpenOutcome.NOT_FOUND and result.code and self._badge_or_item is not None:
            # Nothing answers to the code: it may be someone's badge (then the station switches to them).
            self._badge_or_item.not_found(result.code, result.message)
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

    def note_print_job(self, job_id: str, kind: PrintJobEventKind) -> None:
        """A label job changed state: counted in the status bar."""
        self.status.note_print_job(job_id, kind)
