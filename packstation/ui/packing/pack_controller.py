"""The pack screen's commands and supervisor flows: command barcodes, approvals, reprints, printer failures.

Split from the main window so that window stays a shell: this controller decides, the services
enforce permissions, and every database or printer call runs through :class:`Task`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut

from packstation.domain.command_barcodes import Command
from packstation.domain.feedback import FeedbackSound
from packstation.ui.platform.text_fit import set_fitted_text
from packstation.ui.shell.tasks import Task

if TYPE_CHECKING:
    from packstation.services.access.permissions import Approval, Permission
    from packstation.services.printing.dispatch import LabelPreview
    from packstation.ui.shell.main_window import MainWindow


#: Seconds a reprint of a parcel in several boxes waits for a box number before it reprints every box.
REPRINT_BOX_CHOICE_S = 3.0


class PackCommands(QObject):
    """Runs command barcodes and the flows that need a supervisor, on behalf of the main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._label_note = ""  # the last label's note about shortened customer text
        self._box_choice: int | None = None  # boxes of the parcel while a reprint waits for a box number
        self._box_timer = QTimer(self)
        self._box_timer.setSingleShot(True)
        self._box_timer.timeout.connect(self._reprint_all_boxes)
        # The keyboard twin of the NEXTBOX command barcode.
        next_box = QShortcut(QKeySequence(Qt.Key.Key_F6), window)
        next_box.setContext(Qt.ShortcutContext.ApplicationShortcut)
        next_box.activated.connect(self.next_box)

    def with_approval(self, permission: Permission, what: str, then: Callable[[Approval | None], None]) -> None:
        """Run ``then`` now if the user may, else after a supervisor approves with badge and PIN."""
        user, context = self._window.user, self._window.context
        if user is None or context is None:
            return
        if user.may(permission):
            then(None)
            return
        from packstation.ui.shell.login import ApprovalDialog

        dialog = ApprovalDialog(
            permission=permission,
            what=what,
            approve=lambda badge, pin, perm: context.auth.approve(
                badge, pin, perm, station_id=context.station_id, requested_by=user
            ),
            parent=self._window,
        )
        dialog.accepted.connect(lambda: then(dialog.approval))
        dialog.open()

    def _unsupplied(self) -> None:
        from packstation.services.access.permissions import Permission
        from packstation.ui.packing.unsupplied import MissingLine, UnsuppliedDialog

        missing = self._window.pack.missing_lines()
        if not self._window.pack.is_packing or not missing:
            self._window.alert(FeedbackSound.UNKNOWN, self.tr("No open parcel with missing items."))
            return
        dialog = UnsuppliedDialog([MissingLine(*line) for line in missing], parent=self._window)

        def chosen() -> None:
            choice = dialog.choice()
            what = self.tr("{0} unit(s) cannot be supplied").replace("{0}", str(choice.quantity))
            self.with_approval(
                Permission.MARK_UNSUPPLIED,
                what,
                lambda approval: (
                    self._window.worker.mark_unsupplied(self._window.user, choice, approval)
                    if self._window.worker
                    else None
                ),
            )

        dialog.accepted.connect(chosen)
        dialog.open()

    def _force_complete(self) -> None:
        from packstation.services.access.permissions import Permission

        self.with_approval(
            Permission.FORCE_COMPLETE,
            self.tr("complete this parcel without verifying every item"),
            lambda approval: (
                self._window.worker.force_complete(self._window.user, approval, "") if self._window.worker else None
            ),
        )

    def _send_unsupplied(self, choice: object, approval: Approval | None) -> None:
        if self._window.worker is not None:
            self._window.worker.mark_unsupplied(self._window.user, choice, approval)

    def _send_force_complete(self, approval: Approval | None) -> None:
        if self._window.worker is not None:
            self._window.worker.force_complete(self._window.user, approval, "")

    def start_reprint(self) -> None:
        """REPRINT: every box's label; a box number scanned within a few seconds reprints that box only."""
        boxes = self._window.pack.box_count
        if boxes == 1 or self._window.pack.is_packing:
            self._reprint(None)
            return
        self._box_choice = boxes
        self._window.set_banner(
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

        package, context, user = self._window.pack.package, self._window.context, self._window.user
        if package is None or context is None or user is None or self._window.pack.is_packing:
            self._window.alert(FeedbackSound.UNKNOWN, self.tr("Nothing to reprint: complete a parcel first."))
            return
        boxes = self._window.pack.box_count

        def refused(exc: Exception) -> None:
            if isinstance(exc, PermissionDenied) and approval is None:
                self.with_approval(
                    Permission.REPRINT_BEYOND_LIMIT,
                    self.tr("reprint this label again"),
                    lambda granted: self._reprint(granted, box),
                )
            else:
                self._window.alert(FeedbackSound.UNKNOWN, str(exc))

        if box is None:
            done = self.tr("Reprinting the label of {0}.").replace("{0}", package.external_id)
        else:
            done = (
                self.tr("Reprinting box {1}/{2} of {0}.")
                .replace("{0}", package.external_id)
                .replace("{1}", str(box))
                .replace("{2}", str(boxes))
            )
        Task(
            lambda: context.reprints.reprint(user, package, box_count=boxes, box=box, approval=approval),
            owner=self._window,
        ).on_success(lambda _preview: self._window.set_banner("info", done)).on_failure(refused).run()

    def next_box(self) -> None:
        """Close the box being filled and start the next one (NEXTBOX, or F6)."""
        if self._window.worker is None or not self._window.pack.is_packing:
            self._window.set_banner("info", self.tr("Open a parcel first: a new box starts while packing one."))
            return
        self._window.worker.next_box()

    def run(self, command: Command) -> None:
        if command is Command.ABORT:
            if self._window.worker is not None and self._window.pack.package is not None:
                self._window.worker.abort(self._window.user_id)
            return
        if command is Command.REPRINT:
            self.start_reprint()
            return
        if command is Command.LOG_OUT:
            self._window.log_out()
            return
        if command is Command.COMPLETE:
            if self._window.pack.is_packing:
                self._force_complete()
            else:
                self._window.back_home()
            return
        if command is Command.UNSUPPLIED:
            self._unsupplied()
            return
        if command is Command.NEXT_BOX:
            self.next_box()
            return
        self._window.set_banner("info", self.tr("This command needs a supervisor at this station."))

    # -- background events ---------------------------------------------------------------------------

    def render_preview(self, preview: LabelPreview) -> None:
        from packstation.services.printing.dispatch import render_preview_png

        # Kept for the print events that follow, so "Label printed." does not hide it (HB: why ours printed).
        self._label_note = preview.note
        if preview.note:
            set_fitted_text(self._window.pack.print_status, preview.note)
        Task(lambda: render_preview_png(preview), owner=self._window).on_success(
            self._window.pack.show_preview
        ).on_failure(
            lambda exc: set_fitted_text(
                self._window.pack.print_status, self.tr("Preview unavailable: {0}").replace("{0}", str(exc))
            )
        ).run()

    def show_print_event(self, event: object) -> None:
        kind = getattr(getattr(event, "kind", None), "value", "")
        job = getattr(event, "job", None)
        error = getattr(job, "last_error", "") or ""
        texts = {
            "queued": self.tr("Label queued."),
            "printing": self.tr("Label printing…"),
            "printed": self.tr("Label printed."),
            "retry_scheduled": self.tr("Printer problem, retrying: {0}").replace("{0}", error),
            "failed": self.tr("LABEL NOT PRINTED: {0}. Scan REPRINT when the printer is ready.").replace("{0}", error),
        }
        if kind in texts:
            note = self._label_note if kind in ("queued", "printing", "printed") else ""
            set_fitted_text(self._window.pack.print_status, f"{texts[kind]} {note}".strip())
        # The big banner tells the truth about the label too, not only the small print beside it.
        if kind == "printed":
            self._window.pack.set_feedback("complete", self.tr("Complete! The label is printed."))
        if kind == "failed":
            self._window.pack.set_feedback("error", texts[kind])
            self._window.alert(FeedbackSound.STOP, texts[kind])
            self._window.pack.show_print_failure(str(getattr(job, "id", "")) or None)
        elif kind in ("printed", "queued"):
            self._window.pack.show_print_failure(None)

    def show_label_problem(self, problem: object) -> None:
        """No label could be made for a parcel: say why, loudly; REPRINT tries again."""
        message = str(getattr(problem, "message", problem))
        text = self.tr("LABEL NOT PRINTED: {0}. Scan REPRINT to try again.").replace("{0}", message)
        set_fitted_text(self._window.pack.print_status, text)
        self._window.pack.set_feedback("error", text)
        self._window.alert(FeedbackSound.STOP, self.tr("Label not printed: {0}").replace("{0}", message))

    def package_replaced(self, old: object, successor: object) -> None:
        """The marketplace gave the parcel a new package id: print the new label (the old one is void)."""
        window, context = self._window, self._window.context
        old_id = str(getattr(old, "external_id", ""))
        if successor is None or context is None:
            window.alert(
                FeedbackSound.STOP,
                self.tr("Package {0} was split by the marketplace: wait for the new label before shipping.").replace(
                    "{0}", old_id
                ),
            )
            return
        new_id = str(getattr(successor, "external_id", ""))
        Task(lambda: context.labels.print_label(successor), owner=window).on_failure(  # type: ignore[arg-type]
            lambda exc: window.alert(FeedbackSound.STOP, str(exc))
        ).run()
        window.alert(
            FeedbackSound.STOP,
            self.tr("New package {0} replaces {1}: put the NEW label on the parcel and discard the old one.")
            .replace("{0}", new_id)
            .replace("{1}", old_id),
        )

    def retry_print(self) -> None:
        job_id, context = self._window.pack.failed_job_id, self._window.context
        if job_id is None or context is None:
            return
        Task(lambda: context.print_queue.retry(job_id), owner=self._window).on_failure(
            lambda exc: self._window.alert(FeedbackSound.UNKNOWN, str(exc))
        ).run()

    def move_print(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        from packstation.devices.uri import PRINTER_SCHEMES, DeviceUriError, parse_device_uri

        job_id, context = self._window.pack.failed_job_id, self._window.context
        if job_id is None or context is None:
            return
        uri, ok = QInputDialog.getText(
            self._window, self.tr("Another printer"), self.tr("Printer address (e.g. tcp://10.0.0.32:9100):")
        )
        if not ok or not uri.strip():
            return
        try:
            parse_device_uri(uri.strip(), allowed=PRINTER_SCHEMES)
        except DeviceUriError as exc:
            self._window.alert(FeedbackSound.UNKNOWN, str(exc))
            return
        Task(lambda: context.print_queue.move(job_id, uri.strip()), owner=self._window).on_failure(
            lambda exc: self._window.alert(FeedbackSound.UNKNOWN, str(exc))
        ).run()
