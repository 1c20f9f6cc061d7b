"""Return figures: returns per day, client, marketplace, reason and product; return rates; processing times.

Definitions:

* A **return** is one return parcel judged at a station (``return_events``), counted on the local day it
  was completed. Its **units** are the claimed units it judged, each resellable, damaged, wrong or missing;
  **rejected** units are the damaged, wrong and missing ones.
* The **return rate** of a product or client is the units returned in the period per 100 units sent in
  it (``packed`` stock movements); it is left empty where nothing was sent.
* **Bench time** is from opening the return at the station to completing it (median); **claim to done**
  is from the customer's claim to the completion at the bench (median, hours).
* By reason, a return counts under each reason its units give (the customer's, as the marketplace names it).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow
from packstation.db.models.catalog import ProductRow
from packstation.db.models.stock import StockMovement
from packstation.db.models.sync import ClaimItemRow, ClaimRow, ReturnEventRow
from packstation.domain.returns import ClaimItemStatus, ReturnCondition
from packstation.domain.stock import StockReason
from packstation.i18n import _
from packstation.services.reports.model import ReportError
from packstation.services.reports.tables import Table


class ReturnsGrouping(StrEnum):
    """How return figures are broken down."""

    DAY = "day"
    CLIENT = "client"
    MARKETPLACE = "marketplace"
    REASON = "reason"
    PRODUCT = "product"


#: Groupings that have a return rate (units sent are known per product, and so per client).
RATED = frozenset({ReturnsGrouping.CLIENT, ReturnsGrouping.PRODUCT})


@dataclass(frozen=True)
class ReturnFigures:
    """The returns of one group."""

    key: str
    returns: int
    units: int
    resellable: int
    damaged: int
    wrong_item: int
    missing: int
    not_ours: int
    sent: int | None = None
    bench_median_s: float | None = None
    claim_to_done_median_h: float | None = None

    @property
    def rejected(self) -> int:
        """Units rejected at the marketplace."""
        return self.damaged + self.wrong_item + self.missing

    @property
    def rate(self) -> float | None:
        """Units returned per 100 sent; None where nothing was sent."""
        return round(100 * self.units / self.sent, 1) if self.sent else None


@dataclass
class _Group:
    returns: set[object] = field(default_factory=set)
    conditions: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    not_ours: int = 0
    bench: list[float] = field(default_factory=list)
    claim_to_done: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class _Unit:
    event: object
    condition: str
    product_id: int | None
    reason: str


def return_figures(
    session: Session, start: date, end: date, by: ReturnsGrouping, *, tz: ZoneInfo, client_company_id: int | None = None
) -> list[ReturnFigures]:
    """The figures of local days ``start``..``end`` (inclusive), one per group, largest first."""
    if end < start:
        raise ReportError(_("the report ends ({end}) before it starts ({start})").format(end=end, start=start))
    since = datetime.combine(start, time(), tz)
    until = datetime.combine(end + timedelta(days=1), time(), tz)
    query = (
        select(ReturnEventRow, ClaimRow.claimed_at, MarketplaceAccountRow.kind, ClientCompany.id, ClientCompany.name)
        .join(ClaimRow, ClaimRow.id == ReturnEventRow.claim_id)
        .join(MarketplaceAccountRow, MarketplaceAccountRow.id == ClaimRow.account_id)
        .join(ClientCompany, ClientCompany.id == MarketplaceAccountRow.client_company_id)
        .where(ReturnEventRow.occurred_at >= since, ReturnEventRow.occurred_at < until)
    )
    if client_company_id is not None:
        query = query.where(ClientCompany.id == client_company_id)
    rows = session.execute(query).all()
    item_ids = {
        int(unit["claim_item_id"])
        for event, *_rest in rows
        for unit in event.detail.get("units", ())
        if "claim_item_id" in unit
    }
    reasons = dict(
        session.execute(select(ClaimItemRow.id, ClaimItemRow.reason_name).where(ClaimItemRow.id.in_(item_ids))).all()
    )
    groups: dict[str, _Group] = defaultdict(_Group)
    products: set[int] = set()
    for event, claimed_at, marketplace, _client_id, client in rows:
        units = [
            _Unit(
                event.op_id,
                str(unit.get("condition", "")),
                unit.get("product_id"),
                reasons.get(int(unit.get("claim_item_id", 0))) or _("(no reason given)"),
            )
            for unit in event.detail.get("units", ())
        ]
        products.update(unit.product_id for unit in units if unit.product_id is not None)
        keys_of = _keyer(by, event.occurred_at.astimezone(tz).date(), client, marketplace)
        keys = [keys_of(unit) for unit in units] or [keys_of(_Unit(event.op_id, "", None, _("(no reason given)")))]
        for unit, key in zip(units, keys, strict=False):
            groups[key].conditions[unit.condition] += 1
        distinct = list(dict.fromkeys(keys))
        groups[distinct[0]].not_ours += event.not_ours  # counted once, under the return's first group
        for key in distinct:
            group = groups[key]
            group.returns.add(event.op_id)
            if event.opened_at is not None:
                group.bench.append((event.occurred_at - event.opened_at).total_seconds())
            if claimed_at is not None:
                group.claim_to_done.append((event.occurred_at - claimed_at).total_seconds() / 3600)
    names = _product_names(session, products) if by is ReturnsGrouping.PRODUCT else {}
    sent = _sent(session, since, until, by, client_company_id) if by in RATED else {}
    figures = [
        _figures(names.get(key, key), group, sent.get(key) if by in RATED else None) for key, group in groups.items()
    ]
    return sorted(figures, key=lambda f: (-f.units, f.key))


def _keyer(by: ReturnsGrouping, day: date, client: str, marketplace: str):  # type: ignore[no-untyped-def]
    if by is ReturnsGrouping.DAY:
        return lambda _unit: day.isoformat()
    if by is ReturnsGrouping.CLIENT:
        return lambda _unit: client
    if by is ReturnsGrouping.MARKETPLACE:
        return lambda _unit: marketplace
    if by is ReturnsGrouping.REASON:
        return lambda unit: unit.reason
    return lambda unit: str(unit.product_id) if unit.product_id is not None else _("(unknown product)")


def _figures(key: str, group: _Group, sent: int | None) -> ReturnFigures:
    count = group.conditions
    return ReturnFigures(
        key=key,
        returns=len(group.returns),
        units=sum(count.values()),
        resellable=count[ReturnCondition.RESELLABLE.value],
        damaged=count[ReturnCondition.DAMAGED.value],
        wrong_item=count[ReturnCondition.WRONG_ITEM.value],
        missing=count[ReturnCondition.MISSING.value],
        not_ours=group.not_ours,
        sent=sent,
        bench_median_s=round(statistics.median(group.bench), 1) if group.bench else None,
        claim_to_done_median_h=round(statistics.median(group.claim_to_done), 1) if group.claim_to_done else None,
    )


def _product_names(session: Session, ids: Iterable[int]) -> dict[str, str]:
    rows = session.execute(select(ProductRow.id, ProductRow.stock_code, ProductRow.name).where(ProductRow.id.in_(ids)))
    return {str(pid): f"{code} {name}".strip() for pid, code, name in rows}


def _sent(
    session: Session, since: datetime, until: datetime, by: ReturnsGrouping, client_company_id: int | None
) -> dict[str, int]:
    """Units packed (sent) in the period, per product id (as text) or per client name."""
    key = ProductRow.id if by is ReturnsGrouping.PRODUCT else ClientCompany.name
    query = (
        select(key, func.sum(-StockMovement.delta))
        .join(ProductRow, ProductRow.id == StockMovement.product_id)
        .join(ClientCompany, ClientCompany.id == ProductRow.client_company_id, isouter=True)
        .where(
            StockMovement.reason == StockReason.PACKED.value,
            StockMovement.created_at >= since,
            StockMovement.created_at < until,
        )
        .group_by(key)
    )
    if client_company_id is not None:
        query = query.where(ProductRow.client_company_id == client_company_id)
    return {str(name): int(units or 0) for name, units in session.execute(query)}


def returns_table(rows: list[ReturnFigures], by: ReturnsGrouping, *, title: str) -> Table:
    """The figures as a report table (CSV, XLSX, PDF)."""
    first = {
        ReturnsGrouping.DAY: _("Day"),
        ReturnsGrouping.CLIENT: _("Client"),
        ReturnsGrouping.MARKETPLACE: _("Marketplace"),
        ReturnsGrouping.REASON: _("Reason"),
        ReturnsGrouping.PRODUCT: _("Product"),
    }[by]
    headers = (
        first,
        _("Returns"),
        _("Units"),
        _("Resellable"),
        _("Damaged"),
        _("Wrong item"),
        _("Missing"),
        _("Rejected"),
        _("Not ours"),
        _("Units sent"),
        _("Return rate %"),
        _("Bench time (median, s)"),
        _("Claim to done (median, h)"),
    )
    return Table(
        title=title,
        headers=headers,
        rows=tuple(
            (
                row.key,
                row.returns,
                row.units,
                row.resellable,
                row.damaged,
                row.wrong_item,
                row.missing,
                row.rejected,
                row.not_ours,
                row.sent,
                row.rate,
                row.bench_median_s,
                row.claim_to_done_median_h,
            )
            for row in rows
        ),
    )


@dataclass(frozen=True)
class ReturnsToday:
    """The dashboard's returns tile: today's processed returns and the claims still waiting for the bench."""

    processed: int
    back_to_stock: int
    rejected: int
    waiting: int


def returns_today(session: Session, *, tz: ZoneInfo, now: datetime) -> ReturnsToday:
    """Today's (local) figures, and the open claims whose units wait for the seller's decision."""
    since = datetime.combine(now.astimezone(tz).date(), time(), tz)
    processed, back, rejected = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(ReturnEventRow.resellable), 0),
            func.coalesce(func.sum(ReturnEventRow.damaged + ReturnEventRow.wrong_item + ReturnEventRow.missing), 0),
        ).where(ReturnEventRow.occurred_at >= since)
    ).one()
    waiting = session.scalar(
        select(func.count(func.distinct(ClaimRow.id)))
        .join(ClaimItemRow, ClaimItemRow.claim_id == ClaimRow.id)
        .where(ClaimRow.processed_at.is_(None), ClaimItemRow.status == ClaimItemStatus.WAITING_IN_ACTION.value)
    )
    return ReturnsToday(int(processed), int(back), int(rejected), int(waiting or 0))
