"""Stock at the station: adjustments with a reason, transfers, thresholds, and the low-stock list.

Every change goes through :func:`~packstation.services.stock.movements.apply_movements` and is audited
in the same transaction (``stock.adjusted``, ``stock.transferred``): who, which product, which bin, how
many, why. Changes need the right to adjust stock (a supervisor, or a packer with a supervisor's
approval); the command line's changes are audited as such (``via: command line``).
"""

from __future__ import annotations

import getpass
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.accounts import ClientCompany
from packstation.db.models.catalog import ProductRow
from packstation.db.models.stock import LocationStock, StockLevel, StockLocation, StockMovement, StockSetting
from packstation.domain.clock import now_utc
from packstation.domain.stock import ADJUSTMENT_REASONS, OUTFLOW_DAYS, StockFigures, StockReason, daily_outflow
from packstation.i18n import _
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.permissions import Approval, Permission, UserSession, privileged
from packstation.services.stock.locations import find_products, variant_of
from packstation.services.stock.movements import (
    AppliedMove,
    StockError,
    StockMove,
    allow_stock_changes,
    apply_movements,
)

#: ``stock_settings`` key of the default low-stock threshold, and its value before anyone set one.
DEFAULT_THRESHOLD_KEY = "low_stock_threshold"
DEFAULT_THRESHOLD = 5


@dataclass(frozen=True)
class ProductStock:
    """One product's stock as the lists show it."""

    product_id: int
    stock_code: str
    name: str
    variant: str
    client: str
    figures: StockFigures
    #: Its own threshold, or None when the default applies.
    own_threshold: int | None
    #: The bins that hold it: (bin path, units).
    bins: tuple[tuple[str, int], ...] = ()


def command_line_actor() -> str:
    """Who ran a command-line change, as the audit entry names them (the operating-system user)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in a bare container
        return "?"


class StockService:
    """Adjustments, transfers and thresholds (audited), and the stock lists."""

    def __init__(
        self, sessions: sessionmaker[Session], *, audit: AuditLog, clock: Callable[[], datetime] = now_utc
    ) -> None:
        self._sessions = sessions
        self.audit = audit  # @privileged reads audit and clock
        self.clock = clock

    # -- changes ---------------------------------------------------------------------------------------

    @privileged(Permission.ADJUST_STOCK)
    def adjust(
        self,
        actor: UserSession,
        product_id: int,
        location_id: int,
        delta: int,
        reason: StockReason,
        *,
        note: str = "",
        approval: Approval | None = None,
    ) -> AppliedMove:
        """Add (or with a negative ``delta`` take) units in a bin, for ``reason``; refused below 0."""
        if reason not in ADJUSTMENT_REASONS or reason is StockReason.TRANSFER:
            reasons = ", ".join(r.value for r in ADJUSTMENT_REASONS if r is not StockReason.TRANSFER)
            raise StockError(_("an adjustment's reason is one of {reasons}").format(reasons=reasons))
        with self._sessions.begin() as session:
            allow_stock_changes(session, actor, approval.token if approval else None, for_=f"adjust:{uuid.uuid4()}")
            move = StockMove(
                product_id, delta, reason, location_id=location_id, user_id=actor.user_id, note=note or None
            )
            (applied,) = apply_movements(session, [move], refuse_below_zero=True)
            self._audit_moves(session, AuditAction.STOCK_ADJUSTED, [applied], actor=actor, approval=approval, note=note)
            return applied

    @privileged(Permission.ADJUST_STOCK)
    def transfer(
        self,
        actor: UserSession,
        product_id: int,
        from_location: int,
        to_location: int,
        units: int,
        *,
        note: str = "",
        approval: Approval | None = None,
    ) -> tuple[AppliedMove, AppliedMove]:
        """Move ``units`` of a product from one bin to another (two movements, one audit entry)."""
        if units <= 0:
            raise StockError(_("a transfer moves at least one unit"))
        if from_location == to_location:
            raise StockError(_("a transfer needs two different bins"))
        with self._sessions.begin() as session:
            allow_stock_changes(session, actor, approval.token if approval else None, for_=f"transfer:{uuid.uuid4()}")
            out, into = apply_movements(
                session,
                [
                    StockMove(
                        product_id,
                        -units,
                        StockReason.TRANSFER,
                        location_id=from_location,
                        user_id=actor.user_id,
                        note=note or None,
                    ),
                    StockMove(
                        product_id,
                        units,
                        StockReason.TRANSFER,
                        location_id=to_location,
                        user_id=actor.user_id,
                        note=note or None,
                    ),
                ],
                refuse_below_zero=True,
            )
            self._audit_moves(
                session, AuditAction.STOCK_TRANSFERRED, [out, into], actor=actor, approval=approval, note=note
            )
            return out, into

    @privileged(Permission.ADJUST_STOCK)
    def set_threshold(
        self, actor: UserSession, product_id: int, threshold: int | None, *, approval: Approval | None = None
    ) -> None:
        """A product's own low-stock threshold (None: the default applies again)."""
        if threshold is not None and threshold < 0:
            raise StockError(_("a low-stock threshold is 0 or more"))
        with self._sessions.begin() as session:
            product = session.get(ProductRow, product_id, with_for_update=True)
            if product is None:
                raise StockError(_("no product with id {ids}").format(ids=product_id))
            before, product.low_stock_threshold = product.low_stock_threshold, threshold
            self.audit.record(
                AuditAction.STOCK_THRESHOLD_SET,
                actor=actor,
                subject=f"product:{product_id}",
                detail={"stock_code": product.stock_code, "threshold": threshold, "before": before},
                session=session,
            )

    @privileged(Permission.CHANGE_SETTINGS)
    def set_default_threshold(self, actor: UserSession, threshold: int, *, approval: Approval | None = None) -> None:
        """The threshold of every product without its own."""
        if threshold < 0:
            raise StockError(_("a low-stock threshold is 0 or more"))
        with self._sessions.begin() as session:
            before = default_threshold(session)
            statement = insert(StockSetting).values(name=DEFAULT_THRESHOLD_KEY, value=threshold)
            session.execute(
                statement.on_conflict_do_update(index_elements=[StockSetting.name], set_={"value": threshold})
            )
            self.audit.record(
                AuditAction.STOCK_THRESHOLD_SET,
                actor=actor,
                subject="stock:default_threshold",
                detail={"threshold": threshold, "before": before},
                session=session,
            )

    def _audit_moves(
        self,
        session: Session,
        action: AuditAction,
        moves: Sequence[AppliedMove],
        *,
        actor: UserSession | None,
        approval: Approval | None,
        note: str,
        via: str = "station",
    ) -> None:
        first = moves[0]
        codes = dict(
            session.execute(
                select(StockLocation.id, StockLocation.code).where(StockLocation.id.in_({m.location_id for m in moves}))
            ).all()
        )
        stock_code = session.scalar(select(ProductRow.stock_code).where(ProductRow.id == first.product_id))
        self.audit.record(
            action,
            actor=actor,
            subject=f"product:{first.product_id}",
            detail={
                "stock_code": stock_code,
                "reason": first.reason.value,
                "bins": [codes[m.location_id] for m in moves],
                "deltas": [m.delta for m in moves],
                "before": [m.bin_before for m in moves],
                "after": [m.bin_after for m in moves],
                "movements": [m.movement_id for m in moves],
                "note": note or None,
                "via": via if actor is not None else f"command line ({command_line_actor()})",
                "approved_by": approval.approver_id if approval else None,
            },
            session=session,
        )

    # -- reads -----------------------------------------------------------------------------------------

    def default_threshold(self) -> int:
        """The threshold of products without their own."""
        with self._sessions() as session:
            return default_threshold(session)

    def low_stock(self, *, client_company_id: int | None = None, limit: int | None = None) -> list[ProductStock]:
        """Products at or under their threshold, the ones that run out soonest first."""
        return self.products(below_threshold=True, client_company_id=client_company_id, limit=limit)

    def search(self, text: str, *, limit: int = 50) -> list[ProductStock]:
        """Products whose stock code or barcode is ``text`` or whose name holds it, with their bins."""
        with self._sessions() as session:
            ids = find_products(session, text, limit=limit)
        if not ids:
            return []
        found = self.products(product_ids=ids, with_bins=True, tracked_only=False)
        return sorted(found, key=lambda item: item.stock_code)

    def products(
        self,
        *,
        tracked_only: bool = True,
        below_threshold: bool = False,
        client_company_id: int | None = None,
        product_ids: Sequence[int] | None = None,
        limit: int | None = None,
        with_bins: bool = False,
    ) -> list[ProductStock]:
        """Products with on hand, reserved, outflow and cover; by default the tracked ones (a bin or a threshold)."""
        with self._sessions() as session:
            default = default_threshold(session)
            query = _stock_query(default, self.clock() - timedelta(days=OUTFLOW_DAYS), tracked_only=tracked_only)
            if client_company_id is not None:
                query = query.where(ProductRow.client_company_id == client_company_id)
            if product_ids is not None:
                query = query.where(ProductRow.id.in_(list(product_ids)))
            rows = session.execute(query).all()
            items = [_product_stock(row) for row in rows]
            if below_threshold:
                items = [item for item in items if item.figures.below_threshold]
            items.sort(key=_urgency)
            if limit is not None:
                items = items[:limit]
            if with_bins and items:
                bins = _bins_of(session, [item.product_id for item in items])
                items = [
                    ProductStock(
                        i.product_id,
                        i.stock_code,
                        i.name,
                        i.variant,
                        i.client,
                        i.figures,
                        i.own_threshold,
                        bins.get(i.product_id, ()),
                    )
                    for i in items
                ]
            return items


def default_threshold(session: Session) -> int:
    """The default low-stock threshold (``stock_settings``), inside ``session``."""
    value = session.scalar(select(StockSetting.value).where(StockSetting.name == DEFAULT_THRESHOLD_KEY))
    return DEFAULT_THRESHOLD if value is None else int(value)


def _stock_query(default: int, since: datetime, *, tracked_only: bool) -> Select[*tuple[Any, ...]]:
    outflow = (
        select(StockMovement.product_id, (-func.sum(StockMovement.delta)).label("units"))
        .where(StockMovement.reason == StockReason.PACKED.value, StockMovement.created_at >= since)
        .group_by(StockMovement.product_id)
        .subquery()
    )
    placed = select(LocationStock.product_id).where(LocationStock.product_id == ProductRow.id).exists()
    query = (
        select(
            ProductRow.id,
            ProductRow.stock_code,
            ProductRow.name,
            ProductRow.colour,
            ProductRow.size,
            func.coalesce(ClientCompany.name, ""),
            func.coalesce(StockLevel.quantity, 0),
            func.coalesce(StockLevel.reserved, 0),
            ProductRow.low_stock_threshold,
            func.coalesce(ProductRow.low_stock_threshold, default),
            func.coalesce(outflow.c.units, 0),
        )
        .outerjoin(ClientCompany, ClientCompany.id == ProductRow.client_company_id)
        .outerjoin(StockLevel, StockLevel.product_id == ProductRow.id)
        .outerjoin(outflow, outflow.c.product_id == ProductRow.id)
    )
    return query.where(placed | ProductRow.low_stock_threshold.is_not(None)) if tracked_only else query


def _product_stock(row: Any) -> ProductStock:
    pid, code, name, colour, size, client, on_hand, reserved, own, threshold, out = row
    figures = StockFigures(int(on_hand), int(reserved), int(threshold), daily_outflow(int(out)))
    return ProductStock(pid, code, name, variant_of(colour, size), client, figures, own)


def _urgency(item: ProductStock) -> tuple[Decimal, int, str]:
    cover = item.figures.days_of_cover
    # Soonest out first; without outflow to go by, the furthest under its threshold first.
    return (
        cover if cover is not None else Decimal(10**9),
        item.figures.available - item.figures.threshold,
        item.stock_code,
    )


def _bins_of(session: Session, product_ids: list[int]) -> dict[int, tuple[tuple[str, int], ...]]:
    from packstation.services.stock.locations import locations

    paths = {info.id: info.path for info in locations(session, include_inactive=True)}
    rows = session.execute(
        select(LocationStock.product_id, LocationStock.location_id, LocationStock.quantity)
        .where(LocationStock.product_id.in_(product_ids), LocationStock.quantity != 0)
        .order_by(LocationStock.product_id, LocationStock.quantity.desc())
    ).all()
    bins: dict[int, list[tuple[str, int]]] = {}
    for product_id, location_id, quantity in rows:
        bins.setdefault(product_id, []).append((paths.get(location_id, str(location_id)), quantity))
    return {pid: tuple(items) for pid, items in bins.items()}
