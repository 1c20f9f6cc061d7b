"""The outbox pusher: sends what the station did (statuses, unsupplied lines, stock) to the marketplaces.

Qt-free; runs on the sync scheduler's worker thread of the leading station. Each cycle claims due
``marketplace_outbox`` rows with ``SELECT ... FOR UPDATE SKIP LOCKED`` and marks them ``in_flight``
with a lease, so two pushers never send the same row and a row a crashed station was sending is
claimed again once the lease runs out. The HTTP call happens outside any transaction, carrying the
row's business key; the clients' look-up-then-act makes a resend after a lost reply harmless.

A package's rows go out in order (Picking before Packed): a row waits while an earlier row of its
package is still pending. Transient failures come back later with exponential backoff; a permanent
one marks the row ``failed`` and files a ``sync_error`` exception for a supervisor.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, true, update
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.packages import PackException
from packstation.db.models.sync import OutboxEntry
from packstation.domain.marketplace import Marketplace
from packstation.domain.outcomes import UnsuppliedReason
from packstation.domain.status import PICKING_OR_PAST, ExceptionKind, OutboxKind, OutboxState, PackageStatus
from packstation.domain.sync import PushResult
from packstation.i18n import _
from packstation.services.marketplaces.base import MarketplaceClient
from packstation.services.marketplaces.errors import AuthError, MarketplaceError, RateLimited
from packstation.services.marketplaces.hepsiburada.client import HepsiburadaClient
from packstation.services.marketplaces.models import RemotePackage
from packstation.services.marketplaces.writes import UnsuppliedLine
from packstation.services.outbox.claims import NotYetAnswerable, PhotoReader, send_claim_answer
from packstation.services.outbox.rows import Claimed, Outcome
from packstation.services.outbox.settings import PackedStatusPolicy, PushSettings
from packstation.services.outbox.stock_push import StockSender
from packstation.services.outbox.stored import store_told_status, stored_packages
from packstation.services.sync.hepsiburada import PackageNumbers

log = logging.getLogger("packstation.services.outbox.pusher")

#: ``clients(account_id)``: the account's client (may raise ``SecretError``/``AccountSetupError``).
ClientProvider = Callable[[int], MarketplaceClient]
#: ``invoice_numbers(package_id)``: the invoice number of a packed package, when one is known.
InvoiceLookup = Callable[[int], str | None]

_OPEN = (OutboxState.PENDING.value, OutboxState.IN_FLIGHT.value)


class OutboxPusher:
    """Sends due outbox rows; one instance per station, used from one thread at a time."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clients: ClientProvider,
        *,
        settings: PushSettings | None = None,
        invoice_numbers: InvoiceLookup = lambda _package_id: None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        read_photo: PhotoReader | None = None,
    ) -> None:
        self._sessions = sessions
        self._clients = clients
        self.settings = settings or PushSettings()
        self._invoice_numbers = invoice_numbers
        self._read_photo = read_photo  # a return's evidence photos (None: a rejection naming one fails)
        self._clock = clock
        self._stock = StockSender(sessions, self.settings, clock)
        # Rows this pusher claimed whose outcome never reached the database (it went away mid-cycle).
        self._unfinished: set[int] = set()

    def push(self, *, account_id: int | None = None, include_waiting: bool = False) -> PushResult:
        """Send every due row (of one account, or all); ``include_waiting`` also sends rows in backoff.

        A row is handled at most once per call, so a failing row cannot spin inside one cycle.
        """
        self._release_unfinished()
        total = PushResult()
        seen: set[int] = set()
        while True:
            claimed = self._claim(account_id=account_id, include_waiting=include_waiting, exclude=seen)
            if not claimed:
                return total
            seen.update(row.id for row in claimed)
            self._unfinished.update(row.id for row in claimed)
            packages = stored_packages(self._sessions, (row.package_id for row in claimed if row.package_id))
            for row in claimed:
                total = total + self._handle(row, packages.get(row.package_id) if row.package_id else None)
                self._unfinished.discard(row.id)

    def _release_unfinished(self) -> None:
        """Put back rows a lost database connection left ``in_flight`` under this pusher's own lease.

        Without this they would wait out the lease (minutes) and hold their package's later rows. Sending
        one again is safe: a refusal caused by our own earlier success counts as done (the clients'
        look-up), and the marketplace applies a status it already holds no second time.
        """
        if not self._unfinished:
            return
        with self._sessions.begin() as session:
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.id.in_(self._unfinished), OutboxEntry.state == OutboxState.IN_FLIGHT.value)
                .values(state=OutboxState.PENDING.value, next_attempt_at=self._clock())
            )
        log.warning("outbox rows released after a lost connection rows=%s", sorted(self._unfinished))
        self._unfinished.clear()

    # -- claiming ---------------------------------------------------------------------------------

    def _claim(self, *, account_id: int | None, include_waiting: bool, exclude: set[int]) -> list[Claimed]:
        now = self._clock()
        outbox = OutboxEntry.__table__.c
        earlier = OutboxEntry.__table__.alias("earlier")
        blocked = exists().where(
            earlier.c.package_id == outbox.package_id, earlier.c.id < outbox.id, earlier.c.state.in_(_OPEN)
        )
        due = true() if include_waiting else outbox.next_attempt_at <= now
        query = (
            select(OutboxEntry)
            .where(
                or_(
                    and_(outbox.state == OutboxState.PENDING.value, due),
                    # A claim whose lease ran out: its station died mid-send.
                    and_(outbox.state == OutboxState.IN_FLIGHT.value, outbox.next_attempt_at <= now),
                ),
                ~blocked,
            )
            .order_by(OutboxEntry.id)
            .limit(self.settings.batch_size)
            .with_for_update(skip_locked=True, of=OutboxEntry)
        )
        if account_id is not None:
            query = query.where(outbox.account_id == account_id)
        if exclude:
            query = query.where(outbox.id.not_in(exclude))
        with self._sessions.begin() as session:
            rows = session.scalars(query).all()
            claimed = []
            for row in rows:
                row.state = OutboxState.IN_FLIGHT.value
                row.attempts += 1
                row.next_attempt_at = now + self.settings.lease
                claimed.append(
                    Claimed(
                        row.id,
                        row.account_id,
                        OutboxKind(row.kind),
                        row.business_key,
                        row.package_id,
                        dict(row.payload),
                        row.attempts,
                    )
                )
        return claimed

    # -- sending ----------------------------------------------------------------------------------

    def _handle(self, row: Claimed, package: RemotePackage | None) -> PushResult:
        try:
            client = self._clients(row.account_id)
        except Exception as exc:  # a missing secret or a bad setting: fixable, so try again later
            outcome = self._retry(row, str(exc))
        else:
            try:
                outcome = self._send(client, row, package)
            except MarketplaceError as exc:
                outcome = self._marketplace_error(row, exc)
            except ValueError as exc:  # the row asks for something the package cannot take
                outcome = Outcome(OutboxState.FAILED, error=str(exc), escalate=str(exc))
        self._finish(row, outcome)
        return _tally(outcome)

    def _send(self, client: MarketplaceClient, row: Claimed, package: RemotePackage | None) -> Outcome:
        if row.kind is OutboxKind.STOCK:
            return self._stock.send(client, row)
        if row.kind in (OutboxKind.CLAIM_APPROVE, OutboxKind.CLAIM_REJECT):
            try:
                return send_claim_answer(client, row, read_photo=self._read_photo)
            except NotYetAnswerable as waiting:
                return self._retry(row, str(waiting))
        if package is None:
            message = _("package {id} no longer exists; nothing was sent").format(id=row.package_id)
            return Outcome(OutboxState.FAILED, error=message, escalate=message)
        if package.status.is_superseded:
            return Outcome(
                OutboxState.DONE,
                note=_("package {package} is {status} at the marketplace; nothing was sent").format(
                    package=package.package_id, status=package.status.value
                ),
            )
        if row.kind is OutboxKind.UNSUPPLIED:
            return self._unsupplied(client, row, package)
        wanted = str(row.payload.get("status", ""))
        if wanted == "Picking":
            return self._picking(client, row, package)
        if wanted == "Packed":
            return self._packed(client, row, package)
        raise ValueError(f"outbox row {row.id} asks for unknown status {wanted!r}")

    def _picking(self, client: MarketplaceClient, row: Claimed, package: RemotePackage) -> Outcome:
        if client.marketplace is Marketplace.HEPSIBURADA:
            # HB's only packing call creates the package: it waits for the completed parcel.
            return Outcome(OutboxState.DONE, note=_("Hepsiburada is told when the parcel is packed"))
        if package.status in PICKING_OR_PAST:
            # The marketplace already holds it (as synced, or as we told it): a PUT would only be refused,
            # and each refusal costs a look-up from the list quota (30 a minute on Trendyol's lowest tier).
            return Outcome(OutboxState.DONE, note=_("already Picking"))
        outcome = client.mark_picking(package, business_key=row.business_key)
        self._stored_status(row, PackageStatus.PICKING)
        return Outcome(OutboxState.DONE, sent=outcome.sent, note="" if outcome.sent else _("already Picking"))

    def _packed(self, client: MarketplaceClient, row: Claimed, package: RemotePackage) -> Outcome:
        if isinstance(client, HepsiburadaClient) and row.package_id is not None:
            # Creates the HB package unless the label dispatcher (or HB's auto-packing) already did.
            packed = PackageNumbers(self._sessions).ensure(client, row.package_id, business_key=row.business_key)
            return Outcome(OutboxState.DONE, reference=packed.number)
        sent = False
        if package.status not in PICKING_OR_PAST:
            # Picking must come first (Trendyol refuses Invoiced from Created); the look-up makes it safe.
            sent = client.mark_picking(package, business_key=f"{row.business_key}/picking").sent
            self._stored_status(row, PackageStatus.PICKING)
        if not client.capabilities.invoiced_status:
            return Outcome(
                OutboxState.DONE,
                sent=sent,
                note=_("{marketplace} takes no packed status over its API; Picking stands").format(
                    marketplace=client.marketplace.display_name
                ),
            )
        invoice_number = str(row.payload.get("invoice_number") or "") or (
            self._invoice_numbers(row.package_id) if row.package_id is not None else None
        )
        if self.settings.packed_policy is PackedStatusPolicy.PICKING_ONLY or not invoice_number:
            # Invoiced needs the e-invoice number; without it the package stays Picking, which is
            # enough for the carrier to collect it. The note tells a supervisor why.
            return Outcome(OutboxState.DONE, sent=sent, note=_("Picking sent; Invoiced needs an invoice number"))
        outcome = client.mark_invoiced(package, invoice_number=invoice_number, business_key=row.business_key)
        self._stored_status(row, PackageStatus.INVOICED)
        return Outcome(OutboxState.DONE, sent=outcome.sent or sent, reference=invoice_number)

    def _unsupplied(self, client: MarketplaceClient, row: Claimed, package: RemotePackage) -> Outcome:
        line = UnsuppliedLine(str(row.payload["line_id"]), int(row.payload["quantity"]))
        reason = UnsuppliedReason(str(row.payload.get("reason") or UnsuppliedReason.OUT_OF_STOCK.value))
        outcome = client.report_unsupplied(package, [line], reason=reason, business_key=row.business_key)
        return Outcome(OutboxState.DONE, sent=outcome.sent, reference=",".join(outcome.new_package_ids) or None)

    # -- outcomes ---------------------------------------------------------------------------------

    def _marketplace_error(self, row: Claimed, error: MarketplaceError) -> Outcome:
        # Wrong credentials are fixed by an admin, after which the row must still go out.
        if error.transient or isinstance(error, AuthError):
            retry_after = error.retry_after if isinstance(error, RateLimited) else None
            return self._retry(row, str(error), retry_after=retry_after)
        message = _("{marketplace} refused {kind} {key}: {error}").format(
            marketplace=error.marketplace.display_name, kind=row.kind.value, key=row.business_key, error=error
        )
        return Outcome(OutboxState.FAILED, error=str(error), escalate=message)

    def _retry(self, row: Claimed, error: str, *, retry_after: float | None = None) -> Outcome:
        if row.attempts >= self.settings.max_attempts:
            message = _("gave up on {kind} {key} after {n} attempts: {error}").format(
                kind=row.kind.value, key=row.business_key, n=row.attempts, error=error
            )
            return Outcome(OutboxState.FAILED, error=error, escalate=message)
        delay = min(self.settings.max_retry, self.settings.first_retry * 2 ** (row.attempts - 1))
        if retry_after is not None:
            delay = max(delay, timedelta(seconds=retry_after))
        return Outcome(OutboxState.PENDING, error=error, retry_at=self._clock() + delay)

    def _stored_status(self, row: Claimed, status: PackageStatus) -> None:
        """Record what we just told the marketplace until the next sync brings its own copy."""
        with self._sessions.begin() as session:
            store_told_status(session, row.package_id, status)

    def _finish(self, row: Claimed, outcome: Outcome) -> None:
        now = self._clock()
        values: dict[str, Any] = {"state": outcome.state.value, "last_error": outcome.error[:2000] or None}
        if outcome.state is OutboxState.PENDING:
            values["next_attempt_at"] = outcome.retry_at or now
        if outcome.state is OutboxState.DONE:
            values["done_at"] = now
        if outcome.reference is not None:
            values["remote_reference"] = outcome.reference
        payload = dict(outcome.payload)
        if outcome.note:
            payload["note"] = outcome.note
        if payload:
            values["payload"] = OutboxEntry.payload.op("||")(payload)
        with self._sessions.begin() as session:
            session.execute(update(OutboxEntry).where(OutboxEntry.id == row.id).values(**values))
            if outcome.escalate:
                session.add(
                    PackException(
                        kind=ExceptionKind.SYNC_ERROR.value,
                        package_id=row.package_id,
                        message=outcome.escalate[:2000],
                        detail={"outbox_id": row.id, "business_key": row.business_key, "kind": row.kind.value},
                    )
                )
        level = logging.ERROR if outcome.state is OutboxState.FAILED else logging.INFO
        log.log(
            level,
            "outbox row=%d kind=%s business_key=%s state=%s sent=%s attempts=%d note=%s error=%s",
            row.id,
            row.kind.value,
            row.business_key,
            outcome.state.value,
            outcome.sent,
            row.attempts,
            outcome.note,
            outcome.error,
        )


def _tally(outcome: Outcome) -> PushResult:
    if outcome.state is OutboxState.FAILED:
        return PushResult(failed=1, errors=(outcome.error,))
    if outcome.state is OutboxState.PENDING:
        if outcome.error:
            return PushResult(retrying=1, sent=int(outcome.sent), errors=(outcome.error,))
        return PushResult(waiting=1, sent=int(outcome.sent))
    return PushResult(sent=1) if outcome.sent else PushResult(settled=1)
