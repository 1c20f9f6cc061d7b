"""Stock pushes: which products changed, one outbox entry per account, and Trendyol's 15-minute rule.

What a marketplace is told is what can be sold: *available* = on hand in sellable bins − reserved for
packages not packed yet (``stock_levels``, kept by :mod:`packstation.services.stock`), never below 0.
Quarantined units count nowhere. ``enqueue_stock_push`` collects the products whose level (on hand or
reserved) changed since the account's last collection and writes (or tops up) one pending ``stock``
outbox entry per account with the absolute quantities to send. Quantities
are absolute, so sending one twice cannot decrement twice; Trendyol still refuses a byte-identical
body within 15 minutes, which :func:`identical_recently_sent` lets the pusher avoid.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.accounts import MarketplaceAccountRow
from packstation.db.models.catalog import ProductRow
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.db.models.stock import StockLevel
from packstation.db.models.sync import OutboxEntry, SyncState
from packstation.domain.status import OutboxKind, OutboxState

log = logging.getLogger("packstation.services.outbox.stock")

#: Trendyol's ceiling per item; higher levels are sent as the ceiling.
MAX_MARKETPLACE_STOCK = 20_000
#: Levels written by transactions still open at collection time commit with an earlier ``updated_at``.
COLLECTION_OVERLAP = timedelta(minutes=1)
_WATERMARK_KEY = "stock_watermark"


@dataclass(frozen=True)
class StockItem:
    """One barcode's absolute sellable quantity, as an outbox payload keeps it."""

    barcode: str
    quantity: int
    stock_code: str = ""

    def as_payload(self) -> dict[str, Any]:
        """The JSON form stored in the outbox entry."""
        return {"barcode": self.barcode, "quantity": self.quantity, "stock_code": self.stock_code}

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> StockItem:
        """Read one item back from an outbox payload."""
        return cls(str(data["barcode"]), int(data["quantity"]), str(data.get("stock_code") or ""))


def items_digest(items: Iterable[StockItem]) -> str:
    """A digest that is equal exactly when the (sorted) items are, i.e. when the bodies would be."""
    canonical = sorted((item.barcode, item.quantity) for item in items)
    return hashlib.sha256(json.dumps(canonical, separators=(",", ":")).encode()).hexdigest()


def enqueue_stock_push(
    sessions: sessionmaker[Session],
    *,
    account_ids: Iterable[int] | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> dict[int, int]:
    """Queue the changed stock of each account (all enabled ones by default); account id -> entry id.

    One entry per account: a pending, unsent stock entry is topped up (newer quantities win) rather
    than joined by a second one. Accounts without changes get no entry.
    """
    queued: dict[int, int] = {}
    with sessions.begin() as session:
        query = select(MarketplaceAccountRow.id, MarketplaceAccountRow.client_company_id).where(
            MarketplaceAccountRow.enabled.is_(True)
        )
        if account_ids is not None:
            query = query.where(MarketplaceAccountRow.id.in_(list(account_ids)))
        accounts = session.execute(query.order_by(MarketplaceAccountRow.id)).all()
    for account_id, company_id in accounts:
        with sessions.begin() as session:
            entry_id = _enqueue_account(session, account_id, company_id, clock())
        if entry_id is not None:
            queued[account_id] = entry_id
    return queued


def _enqueue_account(session: Session, account_id: int, company_id: int, now: datetime) -> int | None:
    state = session.get(SyncState, account_id, with_for_update=True)
    if state is None:
        state = SyncState(account_id=account_id, counts={})
        session.add(state)
    counts = dict(state.counts or {})
    since_text = counts.get(_WATERMARK_KEY)
    since = datetime.fromisoformat(since_text) - COLLECTION_OVERLAP if since_text else None
    items = _changed_items(session, account_id, company_id, since)
    counts[_WATERMARK_KEY] = now.isoformat()
    state.counts = counts
    if not items:
        return None
    pending = session.scalars(
        select(OutboxEntry)
        .where(
            OutboxEntry.account_id == account_id,
            OutboxEntry.kind == OutboxKind.STOCK.value,
            OutboxEntry.state == OutboxState.PENDING.value,
            OutboxEntry.attempts == 0,
        )
        .order_by(OutboxEntry.id.desc())
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if pending is not None:
        merged = {item["barcode"]: StockItem.from_payload(item) for item in pending.payload.get("items", [])}
        merged |= {item.barcode: item for item in items}
        pending.payload = _payload(merged.values())
        log.info("stock entry topped up account=%d entry=%d items=%d", account_id, pending.id, len(merged))
        return pending.id
    entry = OutboxEntry(
        account_id=account_id,
        kind=OutboxKind.STOCK.value,
        business_key=f"stock:{account_id}:{uuid.uuid4()}",
        payload=_payload(items),
        next_attempt_at=now,
    )
    session.add(entry)
    session.flush()
    log.info("stock entry queued account=%d entry=%d items=%d", account_id, entry.id, len(items))
    return entry.id


def _payload(items: Iterable[StockItem]) -> dict[str, Any]:
    ordered = sorted(items, key=lambda item: item.barcode)
    return {"items": [item.as_payload() for item in ordered], "digest": items_digest(ordered), "phase": "send"}


def _changed_items(session: Session, account_id: int, company_id: int, since: datetime | None) -> list[StockItem]:
    """Barcodes this account sells whose product's level changed since ``since`` (all when None)."""
    levels = (
        select(StockLevel.product_id, StockLevel.quantity - StockLevel.reserved)
        .join(ProductRow, ProductRow.id == StockLevel.product_id)
        .where(ProductRow.client_company_id == company_id)
    )
    if since is not None:
        levels = levels.where(StockLevel.updated_at >= since)
    changed = dict(session.execute(levels).all())
    if not changed:
        return []
    # The barcodes the marketplace knows these products by: the ones its own orders carried.
    rows = session.execute(
        select(PackageLineRow.product_id, PackageLineRow.barcode, PackageLineRow.stock_code)
        .join(PackageRow, PackageRow.id == PackageLineRow.package_id)
        .where(PackageRow.account_id == account_id, PackageLineRow.product_id.in_(list(changed)))
        .distinct()
    ).all()
    items: dict[str, StockItem] = {}
    for product_id, barcode, stock_code in rows:
        if product_id is None:  # excluded by the IN above; the column itself is nullable
            continue
        quantity = min(max(int(changed[product_id]), 0), MAX_MARKETPLACE_STOCK)
        items[barcode] = StockItem(barcode, quantity, stock_code or "")
    return list(items.values())


@dataclass(frozen=True)
class RecentPush:
    """A stock body of the same account sent lately."""

    entry_id: int
    sent_at: datetime
    digest: str


def recent_pushes(session: Session, account_id: int, *, since: datetime, exclude: int) -> list[RecentPush]:
    """Stock entries of ``account_id`` (other than ``exclude``) whose body went out after ``since``."""
    rows = session.execute(
        select(OutboxEntry.id, OutboxEntry.payload).where(
            OutboxEntry.account_id == account_id,
            OutboxEntry.kind == OutboxKind.STOCK.value,
            OutboxEntry.id != exclude,
            OutboxEntry.payload["sent_at"].astext.is_not(None),
        )
    ).all()
    found = []
    for entry_id, payload in rows:
        sent_at = datetime.fromisoformat(payload["sent_at"])
        if sent_at > since:
            found.append(RecentPush(entry_id, sent_at, str(payload.get("digest", ""))))
    return sorted(found, key=lambda push: push.sent_at)


def identical_recently_sent(
    session: Session, account_id: int, entry_id: int, digest: str, *, now: datetime, window: timedelta
) -> tuple[RecentPush | None, bool]:
    """(the identical body sent within ``window``, whether a different body went out after it)."""
    pushes = recent_pushes(session, account_id, since=now - window, exclude=entry_id)
    identical = [push for push in pushes if push.digest == digest]
    if not identical:
        return None, False
    last = identical[-1]
    return last, any(push.sent_at > last.sent_at and push.digest != digest for push in pushes)
