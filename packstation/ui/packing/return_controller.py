"""The return screen's controller: opens a claim by a scanned code, judges units by scans, command barcodes
and keys, and records the return through the service (off the GUI thread).

The judging itself is the pure :class:`~packstation.domain.returns.ReturnSession`, held here on the GUI
thread (no I/O per scan). Completing journals the return (durable before the packer is told), spends a
supervisor's approval when units are rejected, and the pump does the rest: stock, claim, outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut

from packstation.domain.command_barcodes import Command
from packstation.domain.feedback import FeedbackSound
from packstation.domain.photos import PhotoSubject
from packstation.domain.returns import (
    CONDITION_REASON_HINTS,
    ReturnCondition,
    ReturnScanOutcome,
    ReturnSession,
    ReturnSessionError,
    UnitDecision,
)
from packstation.ui.platform.tasks import Task

if TYPE_CHECKING:
    from packstation.services.access.permissions import Approval, UserSession
    from packstation.services.marketplaces.claims import ClaimReason
    from packstation.services.returns.lookup import OpenedReturn
    from packstation.services.returns.service import Rejection, ReturnService
    from packstation.ui.packing.pack_controller import ApprovalGate
    from packstation.ui.packing.return_view import ReturnView

#: Command barcodes that set the condition of the unit scanned last.
CONDITION_COMMANDS = {
    Command.RESELLABLE: ReturnCondition.RESELLABLE,
    Command.DAMAGED: ReturnCondition.DAMAGED,
    Command.WRONG_ITEM: ReturnCondition.WRONG_ITEM,
}
#: Their keyboard twins (F5: the units not scanned are missing).
CONDITION_KEYS = {
    Qt.Key.Key_F2: Command.RESELLABLE,
    Qt.Key.Key_F3: Command.DAMAGED,
    Qt.Key.Key_F4: Command.WRONG_ITEM,
    Qt.Key.Key_F5: Command.MISSING,
}


class ReturnShell(Protocol):
    """What the controller asks of the window around the return screen."""

    def alert(self, sound: FeedbackSound, message: str) -> None:
        """Play ``sound`` and show ``message`` as an error."""

    def notify(self, sound: FeedbackSound, message: str, ok: bool) -> None:
        """Play ``sound`` and show ``message`` as good news or a problem."""

    def show_returns(self) -> None:
        """Bring the return screen up."""

    def leave_returns(self, message: str) -> None:
        """Back to the home screen, saying ``message``."""


class ReturnController(QObject):
    """Drives one return at a time on this station."""

    def __init__(
        self,
        *,
        view: ReturnView,
        service: ReturnService,
        shell: ReturnShell,
        approvals: ApprovalGate,
        current_user: Callable[[], UserSession | None],
        offline: Callable[[], bool] = lambda: False,
        replay: Callable[[str], None] = lambda _text: None,
        badge_or: Callable[[str, Callable[[], None]], None] | None = None,
    ) -> None:
        super().__init__(view)
        self._view = view
        self._service = service
        self._shell = shell
        self._approvals = approvals
        self._current_user = current_user
        self._offline = offline
        self._replay = replay
        self._badge_or = badge_or
        #: Scans that arrived while a code was being looked up: replayed in order once it is answered.
        self._held: list[str] | None = None
        self.opened: OpenedReturn | None = None
        self.session: ReturnSession | None = None
        self._opened_at: datetime | None = None
        self._busy = False  # a completion is being recorded: scans wait
        #: Evidence for a rejection: ids of the photos taken of this return (or file paths).
        self.photos: list[str] = []
        #: Takes a photo with the station's camera (PHOTO); None at a station without a camera.
        self.take_photo: Callable[[], None] | None = None
        for key, command in CONDITION_KEYS.items():
            shortcut = QShortcut(QKeySequence(key), view)
            shortcut.setContext(Qt.ShortcutContext.ApplicationShortcut)
            shortcut.activated.connect(lambda command=command: self._key(command))

    @property
    def opening(self) -> bool:
        """A scanned code is being looked up as a return; later scans wait for the answer."""
        return self._held is not None

    def hold(self, text: str) -> None:
        """Keep a scan that came while a code was looked up (a scanner does not wait for the screen)."""
        if self._held is not None:
            self._held.append(text)

    @property
    def active(self) -> bool:
        """A return is open on this station."""
        return self.session is not None

    def photo_subject(self) -> PhotoSubject | None:
        """What a photo taken now shows: the open return's claim (None with no return open)."""
        return PhotoSubject.claim(self.opened.claim_id) if self.active and self.opened is not None else None

    def attach_photo(self, photo: str) -> None:
        """A photo of the open return (a path or a photo id): it goes with the rejection, if any."""
        if self.active:
            self.photos.append(photo)

    # -- opening ------------------------------------------------------------------------------------

    def try_open(self, code: str, otherwise: Callable[[], None]) -> None:
        """Open the return ``code`` names; ``otherwise`` (open a parcel) when no open claim answers to it."""
        service, offline = self._service, self._offline()
        self._held = []

        def answered(opened: OpenedReturn | None) -> None:
            if opened is not None:
                self._open(opened)
            else:
                otherwise()
            held, self._held = self._held or [], None
            for text in held:
                self._replay(text)

        # Offline the station's copy answers at once (no connection timeout before a parcel opens).
        Task(lambda: service.find(code, offline=offline), owner=self).on_success(answered).on_failure(
            lambda _exc: answered(None)
        ).run()

    def _open(self, opened: OpenedReturn) -> None:
        if not opened.units:
            self._shell.alert(
                FeedbackSound.UNKNOWN,
                self.tr("Claim {0} has no returned items waiting for a decision.").replace("{0}", opened.external_id),
            )
            return
        self.opened = opened
        self.session = ReturnSession(opened.units)
        self._opened_at = datetime.now(UTC)
        self.photos = []
        self._view.show_return(opened, self.session)
        self._shell.show_returns()
        self._shell.notify(
            FeedbackSound.ACCEPTED,
            self.tr("Return of order {0}: scan each returned item.").replace("{0}", opened.order_number),
            True,
        )

    # -- scans and commands -------------------------------------------------------------------------

    def take(self, text: str, command: Command | None) -> None:
        """A scan while the return is open: a command barcode or a returned item."""
        if self._busy:
            self._shell.alert(FeedbackSound.UNKNOWN, self.tr("Recording the return: scan again in a moment."))
            return
        if command is not None:
            self.run(command)
            return
        session = self.session
        if session is None:
            return
        if self._badge_or is not None and not session.would_match(text):
            # Maybe a badge (another packer takes over): asked before it is kept as "not ours", so a
            # badge never reaches the journal or the audit log.
            self._badge_or(text, lambda: self._judge(text))
            return
        self._judge(text)

    def _judge(self, text: str) -> None:
        session = self.session
        if session is None:
            return
        result = session.scan(text)
        self._view.refresh(session)
        if result.outcome is ReturnScanOutcome.MATCHED and result.unit is not None:
            left = len(session.unjudged)
            message = (
                self.tr("{0}: resellable. {1} item(s) left to scan.")
                .replace("{0}", result.unit.product_name or result.code)
                .replace("{1}", str(left))
            )
            self._feedback("ok", FeedbackSound.ACCEPTED, message)
        elif result.outcome is ReturnScanOutcome.NOT_OURS:
            self._feedback(
                "error",
                FeedbackSound.WRONG_ITEM,
                self.tr("NOT OURS: {0} is not on this claim. Put it aside.").replace("{0}", result.code),
            )
        else:
            self._feedback("warn", FeedbackSound.UNKNOWN, self.tr("Unreadable scan: scan the item again."))

    def run(self, command: Command) -> None:
        """Run one command barcode on the open return."""
        if command is Command.COMPLETE:
            self.complete()
        elif command is Command.ABORT:
            self.close(self.tr("Return left unfinished: nothing was recorded."))
        elif command is Command.MISSING:
            self._missing()
        elif command in CONDITION_COMMANDS:
            self._condition(CONDITION_COMMANDS[command])
        elif command is Command.PHOTO and self.take_photo is not None:
            self.take_photo()
        else:
            self._shell.alert(FeedbackSound.UNKNOWN, self.tr("This command does not apply to a return."))

    def _key(self, command: Command) -> None:
        if self.active and not self._busy:
            self.run(command)

    def _condition(self, condition: ReturnCondition) -> None:
        session = self.session
        if session is None:
            return
        try:
            unit = session.set_condition(condition)
        except ReturnSessionError:
            self._shell.alert(FeedbackSound.UNKNOWN, self.tr("Scan an item first, then its condition."))
            return
        self._view.refresh(session)
        name = unit.product_name or unit.barcode
        text = self._view.condition_text(condition)
        kind = "ok" if condition is ReturnCondition.RESELLABLE else "warn"
        self._feedback(kind, FeedbackSound.ACCEPTED, self.tr("{0}: {1}.").replace("{0}", name).replace("{1}", text))

    def _missing(self) -> None:
        session = self.session
        if session is None:
            return
        missing = session.mark_missing()
        self._view.refresh(session)
        self._feedback(
            "warn",
            FeedbackSound.OVER_SCAN,
            self.tr("{0} item(s) marked missing: not in the box.").replace("{0}", str(len(missing))),
        )

    def _feedback(self, kind: str, sound: FeedbackSound, message: str) -> None:
        self._view.set_feedback(kind, message)
        self._shell.notify(sound, message, kind == "ok")

    # -- completing ---------------------------------------------------------------------------------

    def complete(self) -> None:
        """COMPLETE: every unit judged; resellable ones are approved, the others rejected with approval."""
        session = self.session
        if session is None:
            return
        if not session.is_complete:
            self._shell.alert(
                FeedbackSound.UNKNOWN,
                self.tr(
                    "{0} claimed item(s) not scanned: scan them, or scan MISSING (F5) if they are not in the box."
                ).replace("{0}", str(len(session.unjudged))),
            )
            return
        decisions = session.decisions()
        rejected = [d for d in decisions if d.condition is not ReturnCondition.RESELLABLE]
        if not rejected:
            self._record(decisions, None, None)
            return
        opened, service = self.opened, self._service
        if opened is None:
            return
        self._busy = True
        Task(lambda: service.reject_reasons(opened.account_id), owner=self).on_success(
            lambda reasons: self._ask_rejection(reasons, decisions, rejected)
        ).on_failure(self._failed).run()

    def _ask_rejection(
        self, reasons: list[ClaimReason], decisions: tuple[UnitDecision, ...], rejected: list[UnitDecision]
    ) -> None:
        from packstation.services.access.permissions import Permission
        from packstation.services.returns.service import Rejection
        from packstation.ui.packing.reject_dialog import RejectDialog

        self._busy = False
        if not reasons:
            self._shell.alert(
                FeedbackSound.STOP,
                self.tr(
                    "The marketplace lists no reasons for rejecting returns: "
                    "judge every item resellable, or ask a supervisor."
                ),
            )
            return
        summary = "; ".join(
            f"{d.unit.product_name or d.unit.barcode}: {self._view.condition_text(d.condition)}" for d in rejected
        )
        dialog = RejectDialog(reasons, summary=summary, suggested=_suggested(reasons, rejected), parent=self._view)
        photos = tuple(self.photos)

        def chosen() -> None:
            reason, description = dialog.chosen()
            rejection = Rejection(reason=reason, description=description, photos=photos)
            self._approvals.with_approval(
                Permission.REJECT_RETURN,
                self.tr("reject {0} returned item(s) at the marketplace").replace("{0}", str(len(rejected))),
                lambda approval: self._record(decisions, rejection, approval),
            )

        dialog.accepted.connect(chosen)
        dialog.open()

    def _record(
        self, decisions: tuple[UnitDecision, ...], rejection: Rejection | None, approval: Approval | None
    ) -> None:
        opened, session, user, service = self.opened, self.session, self._current_user(), self._service
        if opened is None or session is None or user is None:
            return
        not_ours, opened_at = tuple(session.not_ours), self._opened_at
        self._busy = True
        Task(
            lambda: service.complete(
                user,
                opened,
                decisions,
                not_ours=not_ours,
                opened_at=opened_at,
                rejection=rejection,
                approval=approval,
            ),
            owner=self,
        ).on_success(lambda _op: self._recorded(decisions)).on_failure(self._failed).run()

    def _recorded(self, decisions: tuple[UnitDecision, ...]) -> None:
        self._busy = False
        back = sum(1 for d in decisions if d.condition is ReturnCondition.RESELLABLE)
        rejected = len(decisions) - back
        message = (
            self.tr("Return recorded: {0} item(s) back to stock, {1} rejected.")
            .replace("{0}", str(back))
            .replace("{1}", str(rejected))
        )
        self.close(message, sound=FeedbackSound.COMPLETE)

    def _failed(self, exc: Exception) -> None:
        self._busy = False
        self._view.set_feedback("error", str(exc))
        self._shell.alert(FeedbackSound.STOP, str(exc))

    def close(self, message: str, *, sound: FeedbackSound | None = None) -> None:
        """Leave the return (recorded, or abandoned: nothing is recorded then)."""
        if self.session is None:
            return
        self.session = None
        self.opened = None
        self.photos = []
        self._busy = False
        self._held = None
        self._view.clear()
        self._shell.leave_returns(message)
        if sound is not None:
            self._shell.notify(sound, message, True)


def _suggested(reasons: list[ClaimReason], rejected: list[UnitDecision]) -> int:
    """The reason whose words fit the first rejected unit's condition best (the list is the marketplace's)."""
    for hint in CONDITION_REASON_HINTS.get(rejected[0].condition, ()):  # the hints in order of preference
        for index, reason in enumerate(reasons):
            if hint in reason.name.casefold():
                return index
    return 0
