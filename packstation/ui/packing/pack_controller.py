"""The pack screen's commands and supervisor flows: command barcodes, approvals, reprints, printer failures.

Split from the main window so that window stays a shell: this controller decides, the services
enforce permissions, and every database or printer call runs through :class:`Task`. It takes the
few small things it uses (the protocols below), so it can be built and tested without the window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut

from packstation.domain.command_barcodes import Command
from packstation.domain.events import PrintJobEventKind
from packstation.domain.feedback import FeedbackSound
from packstation.ui.platform.tasks import Task
from packstation.ui.platform.text_fit import set_fitted_text

if TYPE_CHECKING:
    from packstation.domain.events import LabelPreview, LabelProblem, PrintJobEvent
    from packstation.services.access.permissions import Approval, Permission, UserSession
    from packstation.services.packing.service import OpenedPackage
    from packstation.ui.packing.pack_view import PackView
    from packstation.ui.packing.worker import PackingWorker


#: Seconds a reprint of a parcel in several boxes waits for a box number before it reprints every box.
REPRINT_BOX_CHOICE_S = 3.0
# Print-job states under which the label's note (shortened customer text, say) stays beside the status.
_LABEL_ON_ITS_WAY = (PrintJobEventKind.QUEUED, PrintJobEventKind.PRINTING, PrintJobEventKind.PRINTED)


class ApprovalGate(Protocol):
    """Runs an action at once when the user may, else after a supervisor's badge and PIN."""

    def with_approval(self, permission: Permission, what: str, then: Callable[[Approval | None], None]) -> None:
        """Call ``then`` with the approval (None when none was needed)."""


class PackShell(Protocol):
    """What the commands ask of the window around the pack screen."""

    def alert(self, sound: FeedbackSound, message: str) -> None:
        """Play ``sound`` and show ``message`` as an error."""

    def set_banner(self, kind: str, text: str) -> None:
        """Show ``text`` in the message line."""

    def log_out(self) -> None:
        """End the user's session."""

    def back_home(self) -> None:
        """Leave the pack screen for the home screen."""

    def note_print_job(self, job_id: str, kind: PrintJobEventKind) -> None:
        """Count a label job's new state in the status bar."""


class Reprints(Protocol):
    """Reprints a completed parcel's label (``services.printing.dispatch.ReprintService``)."""

    def reprint(
        self,
        actor: UserSession,
        package: OpenedPackage,
        *,
        box_count: int = 1,
        box: int | None = None,
        approval: Approval | None = None,
        box_units: Sequence[Mapping[str, int]] | None = None,
    ) -> object:
        """Queue the labels (or box ``box``'s) again, and the packing slips where they are printed; raises
        ``PermissionDenied`` past the limit without an approval."""


class Labels(Protocol):
    """Prints a parcel's label (``services.printing.dispatch.LabelDispatcher``)."""

    def print_label(self, package: OpenedPackage) -> object:
        """Make and queue the label."""


class PrintJobs(Protocol):
    """A failed print job, sent again (``devices.printers.print_queue.PrintQueue``)."""

    def retry(self, job_id: str) -> object:
        """Send the job to its printer again."""


class Redirects(Protocol):
    """Sends a failed label elsewhere (``services.printing.dispatch.PrintRedirects``): privileged and audited."""

    def redirect(
        self, actor: UserSession, job_id: str, printer_uri: str, *, approval: Approval | None = None
    ) -> object:
        """Move the job to ``printer_uri``; raises ``PermissionDenied`` for a packer without an approval."""


@dataclass(frozen=True)
class PackPrinting:
    """The printing services the pack screen's commands use."""

    reprints: Reprints
    labels: Labels
    jobs: PrintJobs
    redirects: Redirects


class PackCommands(QObject):
    """Runs command barcodes and the flows that need a supervisor, on behalf of the main window."""

    def __init__(
        self,
        *,
        pack: PackView,
        worker: PackingWorker,
        shell: PackShell,
        approvals: ApprovalGate,
        printing: PackPrinting,
        current_user: Callable[[], UserSession | None],
    ) -> None:
        super().__init__(pack)
        self._pack = pack
        self._worker = worker
        self._shell = shell
        self._approvals = approvals
        self._printing = printing
        self._current_user = current_user
        self._label_note = ""  # the last label's note about shortened customer text
        self._box_choice: int | None = None  # boxes of the parcel while a reprint waits for a box number
        #: Takes a photo with the station's camera (PHOTO); None at a station without a camera.
        self.take_photo: Callable[[], None] | None = None
        self._box_timer = QTimer(self)
        self._box_timer.setSingleShot(True)
        self._box_timer.timeout.connect(self._reprint_all_boxes)
        # The keyboard twin of the NEXTBOX command barcode.
        next_box = QShortcut(QKeySequence(Qt.Key.Key_F6), pack)
        next_box.setContext(Qt.ShortcutContext.ApplicationShortcut)
        next_box.activated.connect(self.next_box)

    def with_approval(self, permission: Permission, what: str, then: Callable[[Approval | None], None]) -> None:
        """Run ``then`` now if the user may, else after a supervisor approves with badge and PIN."""
        self._approvals.with_approval(permission, what, then)

    def _unsupplied(self) -> None:
        from packstation.domain.marketplace import Marketplace
        from packstation.services.access.permissions import Permission
        from packstation.services.marketplaces.reasons import unsupplied_reasons
        from packstation.ui.packing.unsupplied import MissingLine, UnsuppliedDialog

        missing = self._pack.missing_lines()
        if not self._pack.is_packing or not missing:
            self._shell.alert(FeedbackSound.UNKNOWN, self.tr("No open parcel with missing items."))
            return
        opened = self._pack.package
        # Only the reasons the parcel's marketplace publishes (Trendyol has no "other").
        reasons = unsupplied_reasons(Marketplace.of(opened.marketplace) if opened is not None else None)
        dialog = UnsuppliedDialog([MissingLine(*line) for line in missing], reasons, parent=self._pack)

        def chosen() -> None:
            choice = dialog.choice()
            what = self.tr("{0} unit(s) cannot be supplied").replace("{0}", str(choice.quantity))
            self.with_approval(
                Permission.MARK_UNSUPPLIED,
                what,
                lambda approval: self._worker.mark_unsupplied(self._current_user(), choice, approval),
            )

        dialog.accepted.connect(chosen)
        dialog.open()

    def _force_complete(self) -> None:
        from packstation.services.access.permissions import Permission

        what = (
            self.tr("seal this parcel without its photo")
            if self._pack.awaiting_photo
            else self.tr("complete this parcel without verifying every item")
        )
        self.with_approval(
            Permission.FORCE_COMPLETE,
            what,
            lambda approval: self._worker.force_complete(self._current_user(), approval, ""),
        )

    def start_reprint(self) -> None:
        """REPRINT: every box's label; a box number scanned within a few seconds reprints that box only."""
        boxes = self._pack.box_count
        if boxes == 1 or self._pack.is_packing:
            self._reprint(None)
            return
        self._box_choice = boxes
        self._shell.set_banner(
            "info",
            self.tr("Reprinting all {0} boxes. To reprint one box only, scan its number (1–{0}) now.").replace(
                "{0}", str(boxes)
            ),
        )
        self._box_timer.start(int(REPRINT_BOX_CHOICE_S * 1000))

    def take_box_number(self, text: str) -> bool:
        """While a reprint waits for a box number, ``text`` naming a box reprints that box; True if taken."""
        if self._box_choice is None or not text.isdecimal() or not 1 <= int(text) <= self._box_choice:
            return False
        self._box_choice = None
        self._box_timer.stop()
        self._reprint(None, box=int(text))
        return True

    def _reprint_all_boxes(self) -> None:
        if self._box_choice is not None:
            self._box_choice = None
            self._reprint(None)

    def _reprint(self, approval: Approval | None, box: int | None = None) -> None:
        """Reprint the completed parcel's labels (or box ``box``); past the limit a supervisor approves first."""
        from packstation.services.access.permissions import Permission, PermissionDenied

        package, user = self._pack.package, self._current_user()
        if package is None or user is None or self._pack.is_packing:
            self._shell.alert(FeedbackSound.UNKNOWN, self.tr("Nothing to reprint: complete a parcel first."))
            return
        boxes = self._pack.box_count
        # What went into each box, as the screen saw it: the slips are reprinted from it.
        units = [dict(contents) for _number, contents in sorted(self._pack.box_units.items()) if contents]

        def refused(exc: Exception) -> None:
            if isinstance(exc, PermissionDenied) and approval is None:
                self.with_approval(
                    Permission.REPRINT_BEYOND_LIMIT,
                    self.tr("reprint this label again"),
                    lambda granted: self._reprint(granted, box),
                )
            else:
                self._shell.alert(FeedbackSound.UNKNOWN, str(exc))

        if box is None:
            done = self.tr("Reprinting the label of {0}.").replace("{0}", package.external_id)
        else:
            done = (
                self.tr("Reprinting box {1}/{2} of {0}.")
                .replace("{0}", package.external_id)
                .replace("{1}", str(box))
                .replace("{2}", str(boxes))
            )
        reprints = self._printing.reprints
        Task(
            lambda: reprints.reprint(
                user, package, box_count=boxes, box=box, approval=approval, box_units=units or None
            ),
            owner=self,
        ).on_success(lambda _preview: self._shell.set_banner("info", done)).on_failure(refused).run()

    def next_box(self) -> None:
        """Close the box being filled and start the next one (NEXTBOX, or F6)."""
        if not self._pack.is_packing:
            self._shell.set_banner("info", self.tr("Open a parcel first: a new box starts while packing one."))
            return
        self._worker.next_box()

    def run(self, command: Command) -> None:
        """Run one command barcode."""
        if command is Command.ABORT:
            if self._pack.package is not None:
                self._worker.abort(self._current_user())
            return
        if command is Command.REPRINT:
            self.start_reprint()
            return
        if command is Command.LOG_OUT:
            self._shell.log_out()
            return
        if command is Command.COMPLETE:
            if self._pack.is_packing:
                self._force_complete()
            else:
                self._shell.back_home()
            return
        if command is Command.UNSUPPLIED:
            self._unsupplied()
            return
        if command is Command.NEXT_BOX:
            self.next_box()
            return
        if command is Command.PHOTO:
            if self.take_photo is None:
                self._shell.alert(FeedbackSound.UNKNOWN, self.tr("This station has no camera ([camera] uri)."))
            else:
                self.take_photo()
            return
        self._shell.set_banner("info", self.tr("This command needs a supervisor at this station."))

    # -- background events ---------------------------------------------------------------------------

    def render_preview(self, preview: LabelPreview) -> None:
        """Draw a queued label's preview off the GUI thread, then show it."""
        from packstation.services.printing.dispatch import render_preview_png

        # Kept for the print events that follow, so "Label printed." does not hide it (HB: why ours printed).
        self._label_note = preview.note
        if preview.note:
            set_fitted_text(self._pack.print_status, preview.note)
        Task(lambda: render_preview_png(preview), owner=self).on_success(self._pack.show_preview).on_failure(
            lambda exc: set_fitted_text(
                self._pack.print_status, self.tr("Preview unavailable: {0}").replace("{0}", str(exc))
            )
        ).run()

    def show_print_event(self, event: PrintJobEvent) -> None:
        """A print job moved on: say so under the preview; a failure is loud and offers retry or move."""
        kind, job = event.kind, event.job
        self._shell.note_print_job(job.id, kind)
        error = job.last_error or ""
        texts = {
            PrintJobEventKind.QUEUED: self.tr("Label queued."),
            PrintJobEventKind.PRINTING: self.tr("Label printing…"),
            PrintJobEventKind.PRINTED: self.tr("Label printed."),
            PrintJobEventKind.RETRY_SCHEDULED: self.tr("Printer problem, retrying: {0}").replace("{0}", error),
            PrintJobEventKind.FAILED: self.tr(
                "LABEL NOT PRINTED: {0}. Scan REPRINT when the printer is ready."
            ).replace("{0}", error),
        }
        note = self._label_note if kind in _LABEL_ON_ITS_WAY else ""
        set_fitted_text(self._pack.print_status, f"{texts[kind]} {note}".strip())
        # The big banner tells the truth about the label too, not only the small print beside it.
        if kind is PrintJobEventKind.PRINTED and job.unconfirmed_sends:
            # The printer went away right behind the label and the label was sent again: one may be extra.
            twice = self.tr("Label printed, but it may have come out twice: stick one and throw the other away.")
            set_fitted_text(self._pack.print_status, twice)
            self._pack.set_feedback("complete", twice)
        elif kind is PrintJobEventKind.PRINTED:
            self._pack.set_feedback("complete", self.tr("Complete! The label is printed."))
        if kind is PrintJobEventKind.FAILED:
            self._pack.set_feedback("error", texts[kind])
            self._shell.alert(FeedbackSound.STOP, texts[kind])
            self._pack.show_print_failure(job.id)
        elif kind in (PrintJobEventKind.PRINTED, PrintJobEventKind.QUEUED):
            self._pack.show_print_failure(None)

    def show_label_problem(self, problem: LabelProblem) -> None:
        """No label could be made for a parcel: say why, loudly; REPRINT tries again."""
        message = problem.message
        text = self.tr("LABEL NOT PRINTED: {0}. Scan REPRINT to try again.").replace("{0}", message)
        set_fitted_text(self._pack.print_status, text)
        self._pack.set_feedback("error", text)
        self._shell.alert(FeedbackSound.STOP, self.tr("Label not printed: {0}").replace("{0}", message))

    def package_replaced(self, old: OpenedPackage, successor: OpenedPackage | None) -> None:
        """The marketplace gave the parcel a new package id: print the new label (the old one is void)."""
        old_id = old.external_id
        if successor is None:
            self._shell.alert(
                FeedbackSound.STOP,
                self.tr("Package {0} was split by the marketplace: wait for the new label before shipping.").replace(
                    "{0}", old_id
                ),
            )
            return
        new_id, labels = successor.external_id, self._printing.labels
        Task(lambda: labels.print_label(successor), owner=self).on_failure(
            lambda exc: self._shell.alert(FeedbackSound.STOP, str(exc))
        ).run()
        self._shell.alert(
            FeedbackSound.STOP,
            self.tr("New package {0} replaces {1}: put the NEW label on the parcel and discard the old one.")
            .replace("{0}", new_id)
            .replace("{1}", old_id),
        )

    def retry_print(self) -> None:
        """Send the failed label to its printer again."""
        job_id, jobs = self._pack.failed_job_id, self._printing.jobs
        if job_id is None:
            return
        Task(lambda: jobs.retry(job_id), owner=self).on_failure(
            lambda exc: self._shell.alert(FeedbackSound.UNKNOWN, str(exc))
        ).run()

    def move_print(self) -> None:
        """Send the failed label to another printer, typed in by the packer.

        Where parcels' labels (names, addresses) go is a setting: the move runs through
        ``PrintRedirects.redirect``, which a packer may use only with a supervisor's approval and which
        records who moved the label, from where and to where.
        """
        from PySide6.QtWidgets import QInputDialog

        from packstation.devices.uri import PRINTER_SCHEMES, DeviceUriError, parse_device_uri
        from packstation.services.access.permissions import Permission

        job_id, redirects = self._pack.failed_job_id, self._printing.redirects
        if job_id is None:
            return
        uri, ok = QInputDialog.getText(
            self._pack, self.tr("Another printer"), self.tr("Printer address (e.g. tcp://10.0.0.32:9100):")
        )
        uri = uri.strip()
        if not ok or not uri:
            return
        try:
            parse_device_uri(uri, allowed=PRINTER_SCHEMES)
        except DeviceUriError as exc:
            self._shell.alert(FeedbackSound.UNKNOWN, str(exc))
            return

        def redirect(approval: Approval | None) -> None:
            user = self._current_user()  # whoever is logged in when the move runs, not when it was asked
            if user is None:
                return
            done = self.tr("The label goes to {0}.").replace("{0}", uri)
            Task(lambda: redirects.redirect(user, job_id, uri, approval=approval), owner=self).on_success(
                lambda _job: self._shell.set_banner("info", done)
            ).on_failure(lambda exc: self._shell.alert(FeedbackSound.UNKNOWN, str(exc))).run()

        self.with_approval(Permission.CHANGE_SETTINGS, self.tr("send the label to another printer"), redirect)
