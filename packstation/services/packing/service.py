"""The packing use case: open a parcel, verify each scan, complete it, with every step journaled.

One owner thread drives a :class:`PackingService` (the GUI hands it scans through a queue and gets
results back as signals). Each result is written to the journal *before* it is returned, so the
feedback a packer sees is never ahead of what a crash would keep.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.packages import PackageRow
from packstation.domain.boxes import BoxType
from packstation.domain.catalogue import BarcodeIndex
from packstation.domain.outcomes import PackState, ScanOutcome, UnsuppliedReason
from packstation.domain.packing import PackSession, ScanResult
from packstation.i18n import _
from packstation.local_store.journal import Journal, JournalError
from packstation.local_store.operations import (
    Aborted,
    CancelledNotice,
    Completed,
    Opened,
    Operation,
    OperationBody,
    Scanned,
    Unsupplied,
)
from packstation.services.access.permissions import Approval, Permission, UserSession, privileged
from packstation.services.packing.claims import ClaimService
from packstation.services.packing.completion import completion_record, parcel_desi
from packstation.services.packing.model import (
    Completion,
    LineInfo,
    NotRecordedError,
    OpenedPackage,
    OpenOutcome,
    OpenResult,
    PackingError,
    not_recorded_message,
)
from packstation.services.packing.opening import ClaimedPackage, PackageOpener, domain_package
from packstation.services.packing.source import (
    OfflinePackageSource,
    PostgresPackageSource,
    SourceFallback,
)

if TYPE_CHECKING:
    from packstation.services.access.permissions import AuditRecorder

log = logging.getLogger("packstation.services.packing.service")
CATALOGUE_MAX_AGE_S = 300.0

__all__ = [
    "Completion",
    "LineInfo",
    "NotRecordedError",
    "OpenOutcome",
    "OpenResult",
    "OpenedPackage",
    "PackingError",
    "PackingService",
]


@dataclass
class _Current:
    package: OpenedPackage
    session: PackSession
    lines_by_id: dict[str, LineInfo] = field(default_factory=dict)
    #: The scale's reading of each closed box, by box number (the last box is weighed at completion).
    box_grams: dict[int, int] = field(default_factory=dict)
    #: Who acted on the parcel last (user id, server-side session token): a notice the station records
    #: on its own (the marketplace cancelled the parcel) is made under that session.
    last_actor: tuple[int | None, str | None] = (None, None)
    #: Every item is verified but the client wants a photo before the parcel is sealed: the completion
    #: waits for :meth:`PackingService.seal_with_photo` (or a supervisor's forced completion).
    awaiting_photo: bool = False


class PackingService:
    """Opens, verifies and completes packages for one station. Not thread-safe: one owner thread."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        journal: Journal,
        claims: ClaimService,
        station: str,
        clock: Callable[[], datetime],
        layout_repair: Callable[[str], str] | None = None,
        on_journaled: Callable[[], None] = lambda: None,
        on_completed: Callable[[Completion], None] = lambda _c: None,
        cache: OfflinePackageSource | None = None,
        audit: AuditRecorder | None = None,
        weigh: Callable[[], int | None] | None = None,
        photo_before_sealing: Callable[[OpenedPackage], bool] | None = None,
    ) -> None:
        self._sessions = sessions
        self._journal = journal
        self._claims = claims
        self._station = station
        self._clock = clock
        self.clock = clock  # the permission check reads these two
        self.audit = audit
        self._weigh = weigh  # the scale's latest stable weight in grams, when the station has one
        # Whether a parcel's client wants a photo before sealing (None: this station has no camera).
        self._photo_before_sealing = photo_before_sealing
        self._layout_repair = layout_repair
        self._on_journaled = on_journaled
        self._on_completed = on_completed
        self._postgres = PostgresPackageSource(sessions)
        self._sources = SourceFallback(cache)
        self._opener = PackageOpener(sessions, claims=claims, postgres=self._postgres, sources=self._sources)
        self._catalogue: BarcodeIndex | None = None
        self._catalogue_loaded = 0.0
        self._current: _Current | None = None

    @property
    def current(self) -> OpenedPackage | None:
        """The package on the station, if any."""
        return self._current.package if self._current else None

    @property
    def awaiting_photo(self) -> bool:
        """Every item of the open parcel is verified and it waits for its photo before sealing."""
        return self._current is not None and self._current.awaiting_photo

    @property
    def session(self) -> PackSession | None:
        """The verification state of the current package."""
        return self._current.session if self._current else None

    # -- journaling ----------------------------------------------------------------------------------

    def _journal_ops(self, *ops: Operation, flush: bool = True) -> None:
        try:
            self._journal.append_many(ops, flush=flush)
        except JournalError as exc:
            # Never acknowledge what could not be kept: the packer is told, and the next scan tries again
            # (so scanning resumes by itself once there is space).
            log.error("journal write failed, nothing acknowledged: %s", exc)
            raise NotRecordedError(not_recorded_message(exc)) from exc
        self._on_journaled()

    def _op(self, body: OperationBody, *, user_id: int | None, at: datetime, token: str | None = None) -> Operation:
        """An operation on the open parcel, made under the server-side session ``token`` (the server takes
        the actor from that session when it applies the operation; ``user_id`` is what the station shows)."""
        package_id = self._current.package.id if self._current else None
        if self._current is not None and (user_id is not None or token is not None):
            self._current.last_actor = (user_id, token)
        return Operation(
            body=body, station=self._station, occurred_at=at, package_id=package_id, user_id=user_id, token=token
        )

    @property
    def offline(self) -> bool:
        """True when the last read had to use the offline cache (PostgreSQL unreachable)."""
        return self._sources.offline

    # -- catalogue -----------------------------------------------------------------------------------

    def catalogue(self) -> BarcodeIndex:
        """Every product barcode, reloaded when older than a few minutes (sync adds products)."""
        if self._catalogue is None or time.monotonic() - self._catalogue_loaded > CATALOGUE_MAX_AGE_S:
            previous = self._catalogue
            # Offline, the catalogue already in memory is at least as fresh as the cache's copy.
            self._catalogue = self._sources.read(
                self._postgres.catalogue, lambda cache: previous or cache.catalogue(), what="the catalogue"
            )
            self._catalogue_loaded = time.monotonic()
        return self._catalogue

    # -- opening -------------------------------------------------------------------------------------

    def open(self, code: str, *, user_id: int | None, token: str | None = None) -> OpenResult:
        """Open the package a scanned code means; several matches come back as a choice.

        ``token`` (here and in every call that journals) is the user's server-side session.
        """
        found = self._opener.find(code, user_id=user_id)
        if isinstance(found, OpenResult):
            return found
        return self._open_claimed(found.package_id, found.claimed, user_id=user_id, token=token)

    def open_package(self, package_id: int, *, user_id: int | None, token: str | None = None) -> OpenResult:
        """Claim and open one package by its database id."""
        claimed = self._opener.claim(package_id, user_id=user_id)
        return self._open_claimed(package_id, claimed, user_id=user_id, token=token)

    def _leave_current_for(self, package_id: int, *, user_id: int | None, token: str | None) -> None:
        """Abort the parcel on screen when another one is opened over it unfinished."""
        if (
            self._current is not None
            and self._current.package.id != package_id
            and (not self._current.session.is_complete or self._current.awaiting_photo)
        ):
            self.abort(user_id=user_id, token=token)

    def _open_claimed(
        self, package_id: int, claimed: ClaimedPackage | None, *, user_id: int | None, token: str | None
    ) -> OpenResult:
        """Finish opening: ``claimed`` is None when PostgreSQL was unreachable (a provisional claim)."""
        # The parcel on screen is put back whatever the claim's outcome, as a new scan means to leave it.
        self._leave_current_for(package_id, user_id=user_id, token=token)
        admitted = self._opener.admit(package_id, claimed)
        if isinstance(admitted, OpenResult):
            return admitted
        package, claim, provisional = admitted
        at = self._clock()
        session = PackSession(
            domain_package(package), catalogue=self.catalogue(), layout_repair=self._layout_repair, opened_at=at
        )
        self._current = _Current(package, session, {line.line_id: line for line in package.lines})
        # An online open is not flushed on its own: the first scan's flush makes it durable, and an
        # open that a power cut forgets before any scan loses nothing (the claim is in PostgreSQL).
        # An offline open is the provisional claim itself: flushed.
        try:
            self._journal_ops(
                self._op(
                    Opened(external_id=package.external_id, provisional=provisional),
                    user_id=user_id,
                    at=at,
                    token=token,
                ),
                flush=provisional,
            )
        except NotRecordedError:
            self._current = None  # not open: the claim's lease runs out by itself
            raise
        return OpenResult(
            OpenOutcome.OPENED,
            _("Package {id} open: scan every item.").format(id=package.external_id),
            package=package,
            claim=claim,
        )

    # -- verifying -----------------------------------------------------------------------------------

    def scan(self, text: str, *, user_id: int | None, token: str | None = None) -> ScanResult:
        """Verify one item scan; journaled durably before it returns. Completes the parcel on the last item.

        Raises :class:`NotRecordedError` (the scan does not count) when the journal cannot keep it.
        """
        current = self._require_current()
        at = self._clock()
        before = current.session.checkpoint()
        try:
            return self._scan(current, text, at, user_id=user_id, token=token)
        except NotRecordedError:
            current.session.restore(before)
            raise

    def _scan(
        self, current: _Current, text: str, at: datetime, *, user_id: int | None, token: str | None
    ) -> ScanResult:
        result = current.session.scan(text, at=at)
        line = current.lines_by_id.get(result.line_id or "")
        record = Scanned.of(result, line_db_id=line.db_id if line else None)
        ops = [self._op(record, user_id=user_id, at=at, token=token)]
        completion = None
        if result.outcome is ScanOutcome.ACCEPTED and result.package_complete:
            if self._wants_photo(current):
                current.awaiting_photo = True
            else:
                completion = self._completion_op(user_id=user_id, at=at, token=token)
                ops.append(completion)
        try:
            self._journal_ops(*ops)
        except NotRecordedError:
            current.awaiting_photo = False
            raise
        if completion is not None:
            self._finish(completion)
        return result

    def _wants_photo(self, current: _Current) -> bool:
        if self._photo_before_sealing is None:
            return False
        try:
            return self._photo_before_sealing(current.package)
        except Exception:  # the setting could not be read: seal as usual rather than stop the bench
            log.exception("photo-before-sealing setting unreadable package=%s", current.package.external_id)
            return False

    def seal_with_photo(self, photo_id: str, *, user_id: int | None, token: str | None = None) -> bool:
        """The photo the parcel waited for is stored: complete it now; False when it was not waiting."""
        current = self._require_current()
        if not current.awaiting_photo or current.session.state is not PackState.COMPLETE:
            return False
        completion = self._completion_op(user_id=user_id, at=self._clock(), token=token)
        self._journal_ops(completion)
        current.awaiting_photo = False
        log.info("parcel sealed after its photo package=%s photo=%s", current.package.external_id, photo_id)
        self._finish(completion)
        return True

    @privileged(Permission.MARK_UNSUPPLIED)
    def mark_unsupplied(
        self,
        actor: UserSession,
        line_id: str,
        quantity: int,
        reason: UnsuppliedReason,
        *,
        approval: Approval | None = None,
        note: str = "",
    ) -> bool:
        """Declare units of a line unsupplied (a supervisor's decision); returns True if that completed the parcel."""
        current = self._require_current()
        at = self._clock()
        current.session.mark_unsupplied(line_id, quantity, reason, note=note, at=at)
        body = Unsupplied(
            line_id=line_id,
            quantity=quantity,
            reason=reason,
            note=note,
            approved_by=approval.approver_id if approval else actor.user_id,
            approval=str(approval.token) if approval else None,
        )
        ops = [self._op(body, user_id=actor.user_id, at=at, token=actor.token)]
        completion = None
        if current.session.is_complete and self._wants_photo(current):
            current.awaiting_photo = True
        elif current.session.is_complete:
            completion = self._completion_op(user_id=actor.user_id, at=at, token=actor.token)
        if completion is not None:
            ops.append(completion)
        self._journal_ops(*ops)
        if completion is not None:
            self._finish(completion)
        return completion is not None

    @privileged(Permission.FORCE_COMPLETE)
    def force_complete(self, actor: UserSession, *, approval: Approval | None = None, reason: str = "") -> None:
        """Complete a parcel that is not fully verified, or seal one without its photo (a supervisor vouches
        for it); the gap is recorded."""
        current = self._require_current()
        if current.session.is_complete and not current.awaiting_photo:
            return
        if current.awaiting_photo and not reason:
            reason = "sealed without a photo"
        at = self._clock()
        unverified = {p.line_id: p.remaining for p in current.session.lines if p.remaining}
        completion = self._completion_op(
            user_id=actor.user_id,
            at=at,
            token=actor.token,
            forced=True,
            unverified=unverified,
            reason=reason,
            approved_by=approval.approver_id if approval else actor.user_id,
            approval=str(approval.token) if approval else None,
        )
        self._journal_ops(completion)
        current.awaiting_photo = False
        self._finish(completion)

    def abort(self, *, user_id: int | None, token: str | None = None) -> None:
        """Put the parcel back: journaled, claim released by the pump."""
        current = self._require_current()
        if not current.session.is_complete or current.awaiting_photo:
            if current.session.state is PackState.CANCELLED:
                current.session.abort()  # raises: a cancelled parcel is stopped, not put back
            # Journaled first: an abort the journal cannot keep leaves the parcel open as it was.
            self._journal_ops(self._op(Aborted(), user_id=user_id, at=self._clock(), token=token))
            current.session.abort()
        self._current = None

    def next_box(self) -> int:
        """Close the box being filled and start the next (NEXTBOX); returns the new box's number.

        The closed box is weighed when the station has a scale. Raises :class:`PackSessionError` for an
        empty box or a parcel that is no longer open; the box of every unit travels in its scan record.
        """
        current = self._require_current()
        closing = current.session.current_box
        number = current.session.next_box()
        grams = self._weigh() if self._weigh is not None else None
        if grams is not None:
            current.box_grams[closing] = grams
        return number

    def choose_box_type(self, box_type: BoxType) -> int:
        """The box being filled is of ``box_type`` (its barcode was scanned); returns the box's number."""
        return self._require_current().session.choose_box_type(box_type)

    def cancelled_remotely(self, package_id: int) -> bool:
        """The marketplace cancelled ``package_id``: stop the session loudly if it is the open one."""
        if self._current is None or self._current.package.id != package_id:
            return False
        self._current.session.cancel()
        self._current.awaiting_photo = False  # a cancelled parcel is never sealed, photo or not
        user_id, token = self._current.last_actor  # recorded under the session of whoever has the parcel
        self._journal_ops(self._op(CancelledNotice(), user_id=user_id, at=self._clock(), token=token))
        return True

    def successor_of(self, package_id: int) -> OpenedPackage | None:
        """The package the marketplace made from ``package_id`` (split, or the rest after unsupplied lines).

        It carries a new package id and tracking number, so the parcel needs a new label. None when
        the sync has not brought the successor yet.
        """
        with self._sessions() as session:
            successor = session.scalar(
                select(PackageRow.id).where(PackageRow.origin_package_id == package_id).order_by(PackageRow.id.desc())
            )
        if successor is None:
            return None
        loaded = self._postgres.load(successor)
        return loaded.package if loaded else None

    def _completion_op(
        self,
        *,
        user_id: int | None,
        at: datetime,
        token: str | None = None,
        forced: bool = False,
        unverified: dict[str, int] | None = None,
        reason: str = "",
        approved_by: int | None = None,
        approval: str | None = None,
    ) -> Operation:
        current = self._require_current()
        body = completion_record(
            current.package,
            current.session,
            box_grams=current.box_grams,
            last_box_grams=self._weigh() if self._weigh is not None else None,
            forced=forced,
            unverified=unverified,
            reason=reason,
            approved_by=approved_by,
            approval=approval,
        )
        return self._op(body, user_id=user_id, at=at, token=token)

    def _finish(self, op: Operation) -> None:
        current = self._require_current()
        completion = Completion(
            package=current.package,
            op_id=str(op.op_id),
            completed_at=op.occurred_at,
            box_count=op.body.box_count if isinstance(op.body, Completed) else 1,
            box_units=tuple(dict(box.units) for box in op.body.boxes) if isinstance(op.body, Completed) else (),
            unsupplied={line.line_id: line.unsupplied for line in current.session.lines if line.unsupplied},
            desi=parcel_desi(op.body.boxes) if isinstance(op.body, Completed) else None,
        )
        if self._sources.cache is not None:
            self._sources.cache.mark_packed(current.package.id)
        try:
            self._on_completed(completion)
        except Exception:  # the parcel is packed and journaled; a label failure is reported by the print queue
            log.exception("completion hook failed package=%s", current.package.external_id)

    def _require_current(self) -> _Current:
        if self._current is None:
            raise PackingError(_("No package is open: scan a parcel first."))
        return self._current
