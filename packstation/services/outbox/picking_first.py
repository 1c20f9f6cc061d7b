"""Picking before the common label: Trendyol issues a label only for a package it holds as Picking or past.

The outbox sends a parcel's Picking once the journal pump has applied its open and the leader's pusher
has come round (every 10 s); a label asked for at completion, a few seconds after the open, can come
first and be refused ("Package must be Picking or Invoiced"). So the label dispatcher calls
:meth:`PickingFirst.ensure` before asking for the label. It sends Picking through the same business key
as the outbox row (:func:`~packstation.services.outbox.rows.picking_key`) and takes that row over while
it sends: the row is claimed ``in_flight`` (or written, if the pump has not made it yet) and marked
``done``, so the pusher never sends it again; a row the pusher is sending right now is waited for.

With PostgreSQL away the Picking is sent on the client's look-up-then-act alone; the outbox row then
finds the marketplace already Picking and sends nothing that takes effect twice. With the marketplace
away the send fails, the row goes back to the pusher, and the label fails as it did before: the packer
sees why, and REPRINT asks again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.packages import PackageRow
from packstation.db.models.sync import OutboxEntry
from packstation.domain.status import PICKING_OR_PAST, OutboxKind, OutboxState, PackageStatus
from packstation.i18n import _
from packstation.services.marketplaces.base import MarketplaceClient
from packstation.services.marketplaces.models import RemoteLine, RemotePackage
from packstation.services.outbox.rows import picking_key
from packstation.services.outbox.stored import store_told_status, stored_packages
from packstation.services.packing.model import OpenedPackage

log = logging.getLogger("packstation.services.outbox.picking_first")

#: How long the label's claim on the Picking row holds off the pusher. Short: a claim whose outcome could
#: not be written (PostgreSQL restarting) must not hold up the package's later rows for the pusher's
#: five minutes; a send slower than this at worst meets the pusher's copy, refused and counted done.
CLAIM_LEASE = timedelta(seconds=30)


@dataclass(frozen=True)
class _Claim:
    """What the database said about sending a package's Picking now."""

    #: The marketplace holds it already (stored status, or the outbox row is done): send nothing.
    held: bool
    #: The package as the outbox would send it (None when held, or when only the screen's copy is known).
    package: RemotePackage | None = None
    #: The outbox row taken over for the send; None when it could not be (PostgreSQL away, a stale lease).
    row_id: int | None = None


class PickingFirst:
    """Sends a parcel's Picking ahead of its label, once, through the outbox row's business key."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        lease: timedelta = CLAIM_LEASE,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        wait_for_pusher_s: float = 15.0,
        poll_s: float = 0.2,
    ) -> None:
        self._sessions = sessions
        self._lease = lease
        self._clock = clock
        self._wait_for_pusher_s = wait_for_pusher_s
        self._poll_s = poll_s
        # Sends whose outcome PostgreSQL did not take (it was restarting): package id -> outbox row id.
        self._unrecorded: dict[int, int | None] = {}
        self._lock = threading.Lock()

    def ensure(self, client: MarketplaceClient, package: OpenedPackage) -> bool:
        """Make sure the marketplace holds ``package`` as Picking (or past); True when this call sent it.

        Raises the client's error when the marketplace could not be told (the row is left to the pusher).
        """
        self._record_pending()
        key = picking_key(package.id)
        try:
            claim = self._claim(package, key)
        except SQLAlchemyError as exc:
            log.warning("picking before label without the outbox package=%s error=%s", package.external_id, exc)
            claim = _Claim(held=False)
        if claim.held:
            return False
        remote = claim.package or _from_screen(client, package)
        try:
            outcome = client.mark_picking(remote, business_key=key)
        except Exception as exc:
            self._release(claim.row_id, str(exc))
            raise
        self._done(claim.row_id, package.id, sent=outcome.sent)
        log.info(
            "picking sent before the label package=%s business_key=%s sent=%s outbox_row=%s",
            package.external_id,
            key,
            outcome.sent,
            claim.row_id,
        )
        return outcome.sent

    def _claim(self, package: OpenedPackage, key: str) -> _Claim:
        deadline = time.monotonic() + self._wait_for_pusher_s
        while True:
            remote = stored_packages(self._sessions, [package.id]).get(package.id)
            if remote is None:  # opened from the offline cache of a database since replaced: as on screen
                return _Claim(held=False)
            if remote.status in PICKING_OR_PAST:
                return _Claim(held=True)
            state, row_id = self._take_row(package.id, key)
            if state is OutboxState.DONE:
                return _Claim(held=True)
            if row_id is not None:
                return _Claim(held=False, package=remote, row_id=row_id)
            if state is OutboxState.IN_FLIGHT and time.monotonic() < deadline:
                time.sleep(self._poll_s)  # the pusher is sending it now: its outcome decides
                continue
            # Failed (a supervisor sees why), or a lease nobody finishes: send on the look-up alone.
            return _Claim(held=False, package=remote)

    def _take_row(self, package_id: int, key: str) -> tuple[OutboxState | None, int | None]:
        """Claim the Picking row (written now if the pump has not yet); else the state it is in."""
        now = self._clock()
        outbox = OutboxEntry.__table__.c
        with self._sessions.begin() as session:
            # The package row first, as the journal pump takes it (it locks the package, then writes this
            # row). The other order deadlocks with a pump applying the same parcel: the pump waits for this
            # row's business key, this row's foreign-key check for the pump's lock on the package (found
            # by the 3,000-parcel soak).
            account_id = session.scalar(
                select(PackageRow.account_id).where(PackageRow.id == package_id).with_for_update(key_share=True)
            )
            statement = (
                insert(OutboxEntry)
                .values(
                    account_id=account_id,
                    kind=OutboxKind.STATUS.value,
                    business_key=key,
                    package_id=package_id,
                    payload={"status": PackageStatus.PICKING.value},
                    state=OutboxState.IN_FLIGHT.value,
                    attempts=1,
                    next_attempt_at=now + self._lease,
                )
                .on_conflict_do_update(
                    index_elements=[outbox.business_key],
                    set_={
                        "state": OutboxState.IN_FLIGHT.value,
                        "attempts": outbox.attempts + 1,
                        "next_attempt_at": now + self._lease,
                    },
                    where=outbox.state == OutboxState.PENDING.value,
                )
                .returning(outbox.id)
            )
            row_id = session.scalar(statement)
            if row_id is not None:
                return None, row_id
            state = session.scalar(select(OutboxEntry.state).where(OutboxEntry.business_key == key))
        return (OutboxState(state) if state else None), None

    def _done(self, row_id: int | None, package_id: int, *, sent: bool) -> None:
        try:
            self._record(row_id, package_id, sent=sent)
        except SQLAlchemyError:
            # Recorded at the next label; if none comes, the row's short lease runs out and the pusher sends
            # it again: the marketplace already holds Picking, which the client's look-up counts as done.
            log.warning("picking sent but not recorded yet package_id=%s outbox_row=%s", package_id, row_id)
            with self._lock:
                self._unrecorded[package_id] = row_id

    def _record_pending(self) -> None:
        with self._lock:
            pending, self._unrecorded = self._unrecorded, {}
        for package_id, row_id in list(pending.items()):
            try:
                self._record(row_id, package_id, sent=True)
            except SQLAlchemyError:  # still away: keep them all for the next label, try no more now
                with self._lock:
                    self._unrecorded.update(pending)
                return
            del pending[package_id]

    def _record(self, row_id: int | None, package_id: int, *, sent: bool) -> None:
        note = _("sent before the marketplace's label") if sent else _("already Picking")
        with self._sessions.begin() as session:
            store_told_status(session, package_id, PackageStatus.PICKING)
            if row_id is None:
                return
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.id == row_id, OutboxEntry.state == OutboxState.IN_FLIGHT.value)
                .values(
                    state=OutboxState.DONE.value,
                    done_at=self._clock(),
                    last_error=None,
                    payload=OutboxEntry.payload.op("||")({"note": note}),
                )
            )

    def _release(self, row_id: int | None, error: str) -> None:
        if row_id is None:
            return
        try:
            with self._sessions.begin() as session:
                session.execute(
                    update(OutboxEntry)
                    .where(OutboxEntry.id == row_id, OutboxEntry.state == OutboxState.IN_FLIGHT.value)
                    .values(state=OutboxState.PENDING.value, next_attempt_at=self._clock(), last_error=error[:2000])
                )
        except SQLAlchemyError:
            log.warning("picking row left in flight until its lease ends outbox_row=%s", row_id)


def _from_screen(client: MarketplaceClient, package: OpenedPackage) -> RemotePackage:
    """The package as the station holds it, for a send while PostgreSQL is away."""
    return RemotePackage(
        marketplace=client.marketplace,
        package_id=package.external_id,
        order_number=package.order_number,
        status=PackageStatus.CREATED,
        status_raw="",
        lines=tuple(RemoteLine(line.line_id, line.barcode, line.quantity) for line in package.lines),
        cargo_tracking_number=package.cargo_tracking_number,
    )
