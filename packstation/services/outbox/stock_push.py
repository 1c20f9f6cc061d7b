"""Sending one stock outbox row and following its batches to their result (used by the pusher).

A stock row goes through two phases kept in its payload: ``send`` (push the quantities; the batch
ids are stored) and ``awaiting_result`` (read each batch's result until it is in). Items the
marketplace refused are kept in the payload verbatim and shown to a supervisor.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.sync import OutboxEntry
from packstation.domain.marketplace import Marketplace
from packstation.domain.status import OutboxState
from packstation.i18n import _
from packstation.services.marketplaces.base import MarketplaceClient
from packstation.services.marketplaces.errors import MarketplaceError, NotFound, RateLimited
from packstation.services.marketplaces.writes import BatchState, ItemState, StockUpdate
from packstation.services.outbox.rows import Claimed, Outcome
from packstation.services.outbox.stock import StockItem, identical_recently_sent

if TYPE_CHECKING:
    from packstation.services.outbox.settings import PushSettings

log = logging.getLogger("packstation.services.outbox.pusher.stock")

SEND = "send"
AWAITING_RESULT = "awaiting_result"


class StockSender:
    """The stock half of the outbox pusher."""

    def __init__(self, sessions: sessionmaker[Session], settings: PushSettings, clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._settings = settings
        self._clock = clock

    def send(self, client: MarketplaceClient, row: Claimed) -> Outcome:
        """Push the row's quantities, or read its batches' results."""
        if row.payload.get("phase", SEND) == AWAITING_RESULT:
            return self._follow(client, row)
        return self._push(client, row)

    def _push(self, client: MarketplaceClient, row: Claimed) -> Outcome:
        now = self._clock()
        items = [StockItem.from_payload(item) for item in row.payload.get("items", [])]
        if not items:
            return Outcome(OutboxState.DONE, note=_("no stock to send"))
        digest = str(row.payload.get("digest", ""))
        if client.marketplace is Marketplace.TRENDYOL:
            wait = self._duplicate_wait(row, digest, now)
            if wait is not None:
                return wait
        updates = [StockUpdate(item.barcode, item.quantity, stock_code=item.stock_code) for item in items]
        try:
            receipts = client.push_stock(updates, business_key=row.business_key)
        except MarketplaceError as error:
            if not isinstance(error, RateLimited):
                # The body may have arrived: Trendyol would refuse the same bytes for 15 minutes.
                self._remember_attempt(row, now)
            raise
        batches = [receipt.batch_id for receipt in receipts if receipt.batch_id]
        payload: dict[str, Any] = {"phase": AWAITING_RESULT, "batches": batches, "sent_at": now.isoformat()}
        log.info("stock pushed business_key=%s items=%d batches=%d", row.business_key, len(items), len(batches))
        if not batches:  # every batch had been accepted by an earlier attempt
            return Outcome(OutboxState.DONE, sent=True, payload=payload | {"phase": "done"})
        return Outcome(
            OutboxState.PENDING,
            sent=True,
            reference=",".join(batches),
            retry_at=now + self._settings.stock_result_delay,
            payload=payload,
        )

    def _duplicate_wait(self, row: Claimed, digest: str, now: datetime) -> Outcome | None:
        window = self._settings.duplicate_window
        attempted = row.payload.get("attempted_at")
        if attempted and now - datetime.fromisoformat(attempted) < window:
            return Outcome(
                OutboxState.PENDING,
                note=_("waiting out Trendyol's 15-minute rule after an unanswered push"),
                retry_at=datetime.fromisoformat(attempted) + window,
            )
        with self._sessions() as session:
            recent, superseded = identical_recently_sent(
                session, row.account_id, row.id, digest, now=now, window=window
            )
        if recent is None:
            return None
        if not superseded:
            # The marketplace already holds exactly these quantities: nothing to send.
            return Outcome(
                OutboxState.DONE, note=_("same quantities as stock push {id}; nothing sent").format(id=recent.entry_id)
            )
        return Outcome(
            OutboxState.PENDING,
            note=_("same body as stock push {id} sent at {at}; waiting out the 15-minute rule").format(
                id=recent.entry_id, at=recent.sent_at.isoformat(timespec="seconds")
            ),
            retry_at=recent.sent_at + window,
        )

    def _remember_attempt(self, row: Claimed, now: datetime) -> None:
        with self._sessions.begin() as session:
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.id == row.id)
                .values(payload=OutboxEntry.payload.op("||")({"attempted_at": now.isoformat()}))
            )

    def _follow(self, client: MarketplaceClient, row: Claimed) -> Outcome:
        now = self._clock()
        sent_at = datetime.fromisoformat(str(row.payload["sent_at"]))
        failures: list[dict[str, Any]] = []
        pending = False
        try:
            for batch_id in row.payload.get("batches", []):
                result = client.stock_result(batch_id)
                if result.state is BatchState.IN_PROGRESS or any(i.state is ItemState.PENDING for i in result.items):
                    pending = True
                failures.extend(
                    {"batch": batch_id, "key": item.key, "reasons": list(item.reasons)} for item in result.failed
                )
        except NotFound:
            message = _("the result of stock push {key} is no longer available").format(key=row.business_key)
            return Outcome(OutboxState.FAILED, error=message, escalate=message)
        if pending:
            if now - sent_at > self._settings.stock_result_timeout:
                message = _("stock push {key} had no result after {hours} h").format(
                    key=row.business_key, hours=round(self._settings.stock_result_timeout.total_seconds() / 3600, 1)
                )
                return Outcome(OutboxState.FAILED, error=message, escalate=message)
            return Outcome(OutboxState.PENDING, retry_at=now + self._settings.stock_result_delay)
        payload = {"phase": "done", "failures": failures}
        if failures:
            listed = "; ".join(f"{f['key']}: {' / '.join(f['reasons'])}" for f in failures[:10])
            message = _("{marketplace} refused stock for {n} item(s): {items}").format(
                marketplace=client.marketplace.display_name, n=len(failures), items=listed
            )
            return Outcome(OutboxState.FAILED, error=message, escalate=message, payload=payload)
        return Outcome(OutboxState.DONE, payload=payload)
