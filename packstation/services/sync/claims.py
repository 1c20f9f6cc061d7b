"""Pulling marketplace claims (returns) into PostgreSQL: upserted, idempotent, raw payloads kept (Qt-free).

Trendyol filters its claims list by the claim's *creation* date and documents no maximum window (an SDK
says two weeks per call: UNCERTAIN, research/trendyol/FACTS.md §8a), so each pull reads the claims created
in the last ``lookback`` in ``window``-sized steps and upserts every one: a claim whose items changed
status is simply written again. A claim that cannot be read is set aside as a sync exception, never
allowed to stop the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.accounts import MarketplaceAccountRow
from packstation.db.models.sync import ClaimItemRow, ClaimRow
from packstation.domain.returns import ClaimItemStatus
from packstation.services.marketplaces.claims import ClaimPage, RemoteClaim
from packstation.services.marketplaces.fields import without_nul
from packstation.services.marketplaces.models import RemoteLine
from packstation.services.sync.rows import ensure_line_products
from packstation.services.sync.set_aside import record_set_aside

log = logging.getLogger(__name__)


def _json_ready(value: Any) -> Any:
    """The parsed reply as JSON can store it: amounts (Decimal) become numbers again.

    A float prints the shortest text that reads back the same, so a price such as 12.95 is stored as it
    was sent; ids never pass through here as floats (the parser keeps them as ints or text).
    """
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Mapping):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    return value


def _catalogue(session: Session, account_id: int, claims: Sequence[RemoteClaim]) -> None:
    """Products for returned lines the catalogue lacks (a claim may come for a parcel sent before this
    station synced it): the bench then matches the unit, and its stock can come back."""
    lines = [
        RemoteLine(
            line.order_line_id,
            line.barcode,
            len(line.items),
            stock_code=line.stock_code,
            product_name=line.product_name,
            color=line.colour,
            size=line.size,
        )
        for claim in claims
        for line in claim.lines
        if line.barcode
    ]
    company = session.scalar(
        select(MarketplaceAccountRow.client_company_id).where(MarketplaceAccountRow.id == account_id)
    )
    if lines and company is not None:
        ensure_line_products(session, company, lines)


@runtime_checkable
class ClaimSource(Protocol):
    """A marketplace client that lists claims (Trendyol's)."""

    def iter_claim_pages(
        self,
        *,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        status: ClaimItemStatus | None = None,
        order_number: str = "",
    ) -> Iterator[ClaimPage]:
        """Claims page by page."""
        ...


@dataclass(frozen=True)
class ClaimPullResult:
    """What one pull stored and what it set aside."""

    stored: int
    items: int
    set_aside: int


class ClaimSync:
    """Writes an account's claims and claim items; safe to run again on the same claims."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        lookback: timedelta = timedelta(days=30),
        window: timedelta = timedelta(days=14),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        if window <= timedelta(0) or lookback <= timedelta(0):
            raise ValueError("claim windows must be positive")
        self._sessions = sessions
        self._lookback = lookback
        self._window = window
        self._clock = clock

    def pull_if_supported(self, client: object, *, account_id: int, account: str) -> ClaimPullResult | None:
        """:meth:`pull` for a client that lists claims (Trendyol's); None for the others."""
        if not isinstance(client, ClaimSource):
            return None
        return self.pull(client, account_id=account_id, account=account)

    def pull(self, client: ClaimSource, *, account_id: int, account: str) -> ClaimPullResult:
        """Read the claims created in the lookback and upsert them."""
        end = self._clock()
        start = end - self._lookback
        stored = items = aside = 0
        while start < end:
            stop = min(start + self._window, end)
            for page in client.iter_claim_pages(created_from=start, created_to=stop):
                with self._sessions.begin() as session:
                    for claim in page.claims:
                        items += self._store(session, account_id, claim)
                        stored += 1
                    _catalogue(session, account_id, page.claims)
                    if page.set_aside:
                        record_set_aside(session, account_id, account, page.set_aside)
                        aside += len(page.set_aside)
            start = stop
        log.info("claims pulled account=%s claims=%d items=%d set_aside=%d", account, stored, items, aside)
        return ClaimPullResult(stored=stored, items=items, set_aside=aside)

    @staticmethod
    def _store(session: Session, account_id: int, claim: RemoteClaim) -> int:
        values = {
            "account_id": account_id,
            "external_id": claim.claim_id,
            "order_number": claim.order_number,
            "return_tracking_number": claim.return_tracking_number or None,
            "cargo_provider": claim.cargo_provider or None,
            "customer_name": claim.customer_name or None,
            "claimed_at": claim.claimed_at,
            "modified_at": claim.modified_at,
            "raw": _json_ready(without_nul(claim.raw)),
        }
        statement = insert(ClaimRow).values(**values)
        claim_id = session.execute(
            statement.on_conflict_do_update(
                index_elements=[ClaimRow.account_id, ClaimRow.external_id],
                set_={
                    **{key: statement.excluded[key] for key in values if key != "external_id"},
                    "updated_at": func.now(),
                },
            ).returning(ClaimRow.id)
        ).scalar_one()
        rows = [
            {
                "claim_id": claim_id,
                "external_id": item.item_id,
                "order_line_id": line.order_line_id,
                "barcode": line.barcode or None,
                "stock_code": line.stock_code or None,
                "product_name": line.product_name or None,
                "status": item.status_raw,
                "reason_code": item.customer_reason.code if item.customer_reason else None,
                "reason_name": item.customer_reason.name if item.customer_reason else None,
                "customer_note": item.customer_note or None,
            }
            for line in claim.lines
            for item in line.items
        ]
        items = insert(ClaimItemRow).values(rows)
        session.execute(
            items.on_conflict_do_update(
                index_elements=[ClaimItemRow.claim_id, ClaimItemRow.external_id],
                set_={key: items.excluded[key] for key in rows[0] if key not in ("claim_id", "external_id")},
            )
        )
        return len(rows)
