"""The packing owner thread: the one thread that drives :class:`PackingService`.

The GUI thread emits requests (queued to this thread) and receives results as signals, so no
database query or journal fsync ever runs on the GUI thread.
"""

from __future__ import annotations

import logging
import time
from typing import TypedDict

from PySide6.QtCore import QObject, QThread, Signal, Slot

from packstation.domain.boxes import BoxType
from packstation.services.access.permissions import Approval, UserSession
from packstation.services.packing.service import PackingService
from packstation.ui.packing.unsupplied import UnsuppliedChoice

log = logging.getLogger("packstation.ui.packing.worker")


class PackingWorker(QObject):
    """Lives on its own QThread; every public method is safe to call from the GUI thread."""

    opened = Signal(object)  # OpenResult
    scanned = Signal(object, object, float)  # ScanResult, tuple[LineProgress, ...], perf_counter at request
    closed = Signal()
    failed = Signal(str)
    updated = Signal(object, bool)  # tuple[LineProgress, ...], package complete
    remote_cancelled = Signal(int)  # the open package was cancelled at the marketplace
    replaced = Signal(object, object)  # the parcel's old OpenedPackage, its successor (or None yet)
    box_started = Signal(int)  # the number of the box now being filled (after NEXTBOX)
    box_chosen = Signal(int, object)  # box number, its BoxType (its barcode was scanned)
    photo_wanted = Signal(object)  # OpenedPackage: every item verified, its client wants a photo before sealing

    _open_code = Signal(str, object)
    _open_id = Signal(int, object)
    _scan = Signal(str, object, float)
    _abort = Signal(object)
    _unsupplied = Signal(object, object, object)  # actor, UnsuppliedChoice, approval
    _force = Signal(object, object, str)  # actor, approval, reason
    _cancel_remote = Signal(int)
    _replaced = Signal(int)
    _next_box = Signal()
    _choose_box = Signal(object)
    _seal = Signal(str, object)  # photo id, user

    def __init__(self, service: PackingService) -> None:
        super().__init__()
        self._service = service
        self._thread = QThread()
        self._thread.setObjectName("packing")
        self.moveToThread(self._thread)
        self._open_code.connect(self._do_open_code)
        self._open_id.connect(self._do_open_id)
        self._scan.connect(self._do_scan)
        self._abort.connect(self._do_abort)
        self._unsupplied.connect(self._do_unsupplied)
        self._force.connect(self._do_force)
        self._cancel_remote.connect(self._do_cancel_remote)
        self._replaced.connect(self._do_replaced)
        self._next_box.connect(self._do_next_box)
        self._choose_box.connect(self._do_choose_box)
        self._seal.connect(self._do_seal)
        self._thread.start()

    # -- requests (GUI thread) ------------------------------------------------------------------------

    def open_code(self, code: str, user: UserSession | None) -> None:
        """Open the parcel ``code`` names, as ``user`` (the server takes the actor from their session)."""
        self._open_code.emit(code, user)

    def open_package(self, package_id: int, user: UserSession | None) -> None:
        """Open a package chosen from a list."""
        self._open_id.emit(package_id, user)

    def scan(self, text: str, user: UserSession | None) -> None:
        """Verify one item scan."""
        self._scan.emit(text, user, time.perf_counter())

    def abort(self, user: UserSession | None) -> None:
        """Put the current parcel back."""
        self._abort.emit(user)

    def next_box(self) -> None:
        """Close the box being filled and start the next one (NEXTBOX)."""
        self._next_box.emit()

    def choose_box(self, box_type: object) -> None:
        """The packer scanned a box size's barcode: the box being filled is of that size."""
        self._choose_box.emit(box_type)

    def seal(self, photo_id: str, user: UserSession | None) -> None:
        """The parcel's photo is stored: complete it (photo before sealing)."""
        self._seal.emit(photo_id, user)

    def mark_unsupplied(self, actor: object, choice: object, approval: object) -> None:
        """Declare units unsupplied (the service checks the permission)."""
        self._unsupplied.emit(actor, choice, approval)

    def force_complete(self, actor: object, approval: object, reason: str) -> None:
        """Complete an unverified parcel (the service checks the permission)."""
        self._force.emit(actor, approval, reason)

    def package_cancelled(self, package_id: int) -> None:
        """The marketplace cancelled ``package_id``: stop the packer if it is the open one."""
        self._cancel_remote.emit(package_id)

    def package_replaced(self, package_id: int) -> None:
        """The marketplace replaced ``package_id`` (split / unsupplied): find its successor."""
        self._replaced.emit(package_id)

    def stop(self) -> None:
        """End the thread (after the request in progress)."""
        self._thread.quit()
        self._thread.wait(10_000)

    # -- work (packing thread) ------------------------------------------------------------------------

    def _guard(self, action: str, work: object) -> None:
        try:
            work()  # type: ignore[operator]
        except Exception as exc:  # reported to the packer; the thread keeps serving
            log.exception("packing %s failed", action)
            self.failed.emit(str(exc) or type(exc).__name__)

    @Slot(str, object)
    def _do_open_code(self, code: str, user: UserSession | None) -> None:
        self._guard("open", lambda: self.opened.emit(self._service.open(code, **_who(user))))

    @Slot(int, object)
    def _do_open_id(self, package_id: int, user: UserSession | None) -> None:
        self._guard("open", lambda: self.opened.emit(self._service.open_package(package_id, **_who(user))))

    @Slot(str, object, float)
    def _do_scan(self, text: str, user: UserSession | None, requested_at: float) -> None:
        def work() -> None:
            result = self._service.scan(text, **_who(user))
            session = self._service.session
            self.scanned.emit(result, session.lines if session else (), requested_at)
            if result.package_complete and self._service.awaiting_photo:
                self.photo_wanted.emit(self._service.current)

        self._guard("scan", work)

    @Slot(object)
    def _do_abort(self, user: UserSession | None) -> None:
        def work() -> None:
            if self._service.current is not None:
                self._service.abort(**_who(user))
            self.closed.emit()

        self._guard("abort", work)

    @Slot()
    def _do_next_box(self) -> None:
        self._guard("next box", lambda: self.box_started.emit(self._service.next_box()))

    @Slot(object)
    def _do_choose_box(self, box_type: BoxType) -> None:
        self._guard("choose box", lambda: self.box_chosen.emit(self._service.choose_box_type(box_type), box_type))

    def _emit_progress(self) -> None:
        session = self._service.session
        waiting = self._service.awaiting_photo
        self.updated.emit(session.lines if session else (), bool(session and session.is_complete) and not waiting)
        if waiting:
            self.photo_wanted.emit(self._service.current)

    @Slot(str, object)
    def _do_seal(self, photo_id: str, user: UserSession | None) -> None:
        def work() -> None:
            if self._service.current is not None and self._service.seal_with_photo(photo_id, **_who(user)):
                self._emit_progress()

        self._guard("seal", work)

    @Slot(object, object, object)
    def _do_unsupplied(self, actor: UserSession, choice: UnsuppliedChoice, approval: Approval | None) -> None:
        def work() -> None:
            self._service.mark_unsupplied(
                actor,
                choice.line_id,
                choice.quantity,
                choice.reason,
                approval=approval,
                note=choice.note,
            )
            self._emit_progress()

        self._guard("unsupplied", work)

    @Slot(object, object, str)
    def _do_force(self, actor: UserSession, approval: Approval | None, reason: str) -> None:
        def work() -> None:
            self._service.force_complete(actor, approval=approval, reason=reason)
            self.updated.emit(self._service.session.lines if self._service.session else (), True)

        self._guard("force complete", work)

    @Slot(int)
    def _do_cancel_remote(self, package_id: int) -> None:
        def work() -> None:
            if self._service.cancelled_remotely(package_id):
                self.remote_cancelled.emit(package_id)

        self._guard("cancellation", work)

    @Slot(int)
    def _do_replaced(self, package_id: int) -> None:
        def work() -> None:
            current = self._service.current
            if current is None or current.id != package_id:
                return  # not the parcel on this station
            self.replaced.emit(current, self._service.successor_of(package_id))

        self._guard("split", work)


class _Who(TypedDict):
    user_id: int | None
    token: str | None


def _who(user: UserSession | None) -> _Who:
    """The packing service's ``user_id`` and ``token`` keywords for ``user`` (None: nobody logged in)."""
    return {"user_id": user.user_id, "token": user.token} if user is not None else {"user_id": None, "token": None}
