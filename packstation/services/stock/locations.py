"""Stock locations as an administrator keeps them: warehouses, zones and bins, each with a barcode.

Creating or changing a location is audited and needs the right to adjust stock (a supervisor, or a
packer with a supervisor's approval). Reads are open to every station: the count screen finds a bin
by its barcode, the admin page lists the tree and what each bin holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, sessionmaker

from packstation.db.models.catalog import ProductRow
from packstation.db.models.stock import LocationStock, StockLocation
from packstation.domain.clock import now_utc
from packstation.domain.stock import (
    LocationKind,
    generated_location_barcode,
    location_barcode_problem,
    location_code_problem,
)
from packstation.i18n import _
from packstation.services.access.audit import AuditAction, AuditLog, DetailValue
from packstation.services.access.permissions import Approval, Permission, UserSession, privileged
from packstation.services.stock.movements import StockError


@dataclass(frozen=True)
class LocationInfo:
    """A location with its place in the tree and, for a bin, what it holds."""

    id: int
    parent_id: int | None
    kind: LocationKind
    code: str
    name: str
    barcode: str
    sellable: bool
    active: bool
    #: ``MAIN / A / A-01-3``: warehouse, zone and bin codes.
    path: str
    units: int = 0
    products: int = 0


@dataclass(frozen=True)
class BinLine:
    """One product in a bin."""

    product_id: int
    stock_code: str
    name: str
    variant: str
    quantity: int


def variant_of(colour: str | None, size: str | None) -> str:
    """``Siyah / 38``: colour and size as the screens show them."""
    return " / ".join(part for part in (colour, size) if part)


class LocationService:
    """Reads and (audited) changes of the location tree."""

    def __init__(
        self, sessions: sessionmaker[Session], *, audit: AuditLog, clock: Callable[[], datetime] = now_utc
    ) -> None:
        self._sessions = sessions
        self.audit = audit  # @privileged reads audit and clock
        self.clock = clock

    # -- reads -----------------------------------------------------------------------------------------

    def tree(self, *, include_inactive: bool = False) -> list[LocationInfo]:
        """Every location, warehouses first, each followed by its zones and their bins (in code order)."""
        with self._sessions() as session:
            return locations(session, include_inactive=include_inactive)

    def by_barcode(self, barcode: str) -> LocationInfo | None:
        """The active location whose barcode is ``barcode`` (surrounding spaces ignored), or None."""
        wanted = barcode.strip()
        return next((loc for loc in self.tree() if loc.barcode == wanted), None) if wanted else None

    def bin_contents(self, location_id: int) -> list[BinLine]:
        """What a bin holds (products that had a place there, at 0 too), by stock code."""
        with self._sessions() as session:
            return bin_contents(session, location_id)

    # -- changes ---------------------------------------------------------------------------------------

    @privileged(Permission.ADJUST_STOCK)
    def create(
        self,
        actor: UserSession,
        kind: LocationKind,
        code: str,
        *,
        parent_id: int | None = None,
        name: str = "",
        barcode: str = "",
        sellable: bool = True,
        approval: Approval | None = None,
    ) -> LocationInfo:
        """Add a location under ``parent_id`` (a warehouse has none); its barcode is generated unless given."""
        with self._sessions.begin() as session:
            location_id = create_location(
                session,
                kind,
                code.strip(),
                parent_id=parent_id,
                name=name.strip(),
                barcode=barcode.strip(),
                sellable=sellable,
            )
            info = _info(session, location_id)
            self.audit.record(
                AuditAction.LOCATION_CREATED,
                actor=actor,
                subject=f"location:{location_id}",
                detail={
                    "path": info.path,
                    "barcode": info.barcode,
                    "sellable": info.sellable,
                    "approved_by": approval.approver_id if approval else None,
                },
                session=session,
            )
            return info

    @privileged(Permission.ADJUST_STOCK)
    def change(
        self,
        actor: UserSession,
        location_id: int,
        *,
        name: str | None = None,
        barcode: str | None = None,
        sellable: bool | None = None,
        active: bool | None = None,
        approval: Approval | None = None,
    ) -> LocationInfo:
        """Rename, re-label, (un)quarantine or retire a location; a zone's sellable flag goes to its bins."""
        with self._sessions.begin() as session:
            row = session.get(StockLocation, location_id, with_for_update=True)
            if row is None:
                raise StockError(_("no location with id {id}").format(id=location_id))
            before: dict[str, DetailValue] = {
                "name": row.name,
                "barcode": row.barcode,
                "sellable": row.sellable,
                "active": row.active,
            }
            if barcode is not None:
                barcode = barcode.strip() or generated_location_barcode(row.id)
                if problem := location_barcode_problem(barcode):
                    raise StockError(problem)
                _check_barcode_free(session, barcode, except_id=row.id)
                row.barcode = barcode
            if name is not None:
                row.name = name.strip()
            if active is not None:
                if not active and _units_below(session, row.id):
                    raise StockError(
                        _("{code} still holds stock: move or count it out before retiring it").format(code=row.code)
                    )
                row.active = active
            if sellable is not None and sellable != row.sellable:
                if _units_below(session, row.id):
                    raise StockError(
                        _("{code} holds stock: move it out first, then change whether it is sellable").format(
                            code=row.code
                        )
                    )
                row.sellable = sellable
                # A warehouse's or zone's flag goes down to what is inside it (checked empty above).
                children = set(session.scalars(select(StockLocation.id).where(StockLocation.parent_id == row.id)))
                inside = children | set(
                    session.scalars(select(StockLocation.id).where(StockLocation.parent_id.in_(children)))
                )
                if inside:
                    session.execute(update(StockLocation).where(StockLocation.id.in_(inside)).values(sellable=sellable))
            session.flush()
            after: dict[str, DetailValue] = {
                "name": row.name,
                "barcode": row.barcode,
                "sellable": row.sellable,
                "active": row.active,
            }
            info = _info(session, row.id)
            self.audit.record(
                AuditAction.LOCATION_CHANGED,
                actor=actor,
                subject=f"location:{row.id}",
                detail={"path": info.path}
                | {f"{key}_before": value for key, value in before.items() if after[key] != value}
                | {key: value for key, value in after.items() if before[key] != value},
                session=session,
            )
            return info


def create_location(
    session: Session,
    kind: LocationKind,
    code: str,
    *,
    parent_id: int | None,
    name: str = "",
    barcode: str = "",
    sellable: bool = True,
) -> int:
    """Insert one location inside ``session`` after checking its code, parent and barcode; returns its id."""
    if problem := location_code_problem(code):
        raise StockError(problem)
    if barcode and (problem := location_barcode_problem(barcode)):
        raise StockError(problem)
    wanted_parent = kind.parent_kind
    if wanted_parent is None and parent_id is not None:
        raise StockError(_("a warehouse is not inside another location"))
    if wanted_parent is not None:
        parent = session.get(StockLocation, parent_id) if parent_id is not None else None
        if parent is None or parent.kind != wanted_parent.value:
            raise StockError(_("a {kind} goes inside a {parent}").format(kind=kind.label, parent=wanted_parent.label))
        sellable = sellable and parent.sellable  # a bin of a quarantine zone is quarantine too
    same = StockLocation.parent_id.is_(None) if parent_id is None else StockLocation.parent_id == parent_id
    if session.scalar(select(StockLocation.id).where(same, StockLocation.code == code)) is not None:
        raise StockError(_("there is already a location {code} there").format(code=code))
    new_id = int(session.execute(select(func.nextval("stock_locations_id_seq"))).scalar_one())
    barcode = barcode or generated_location_barcode(new_id)
    _check_barcode_free(session, barcode)
    row = StockLocation(
        id=new_id, parent_id=parent_id, kind=kind.value, code=code, name=name, barcode=barcode, sellable=sellable
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:  # another station made the same one a moment ago
        raise StockError(
            _("location {code} or barcode {barcode} was just taken").format(code=code, barcode=barcode)
        ) from exc
    return new_id


def _check_barcode_free(session: Session, barcode: str, *, except_id: int | None = None) -> None:
    holder = session.execute(
        select(StockLocation.id, StockLocation.code).where(StockLocation.barcode == barcode)
    ).one_or_none()
    if holder is not None and holder.id != except_id:
        raise StockError(_("barcode {barcode} already names location {code}").format(barcode=barcode, code=holder.code))


def _units_below(session: Session, location_id: int) -> int:
    """Units (of any product, in absolute value) in the location or the bins under it."""
    child = aliased(StockLocation)
    grandchild = aliased(StockLocation)
    ids = {location_id}
    ids |= set(session.scalars(select(child.id).where(child.parent_id == location_id)))
    ids |= set(session.scalars(select(grandchild.id).where(grandchild.parent_id.in_(ids))))
    total = session.scalar(
        select(func.coalesce(func.sum(func.abs(LocationStock.quantity)), 0)).where(LocationStock.location_id.in_(ids))
    )
    return int(total or 0)


def locations(session: Session, *, include_inactive: bool = False) -> list[LocationInfo]:
    """The whole tree in display order (warehouse, its zones, each zone's bins)."""
    query = select(StockLocation)
    if not include_inactive:
        query = query.where(StockLocation.active)
    rows = {row.id: row for row in session.scalars(query)}
    units = dict(
        session.execute(
            select(LocationStock.location_id, func.sum(LocationStock.quantity)).group_by(LocationStock.location_id)
        ).all()
    )
    products = dict(
        session.execute(
            select(LocationStock.location_id, func.count())
            .where(LocationStock.quantity != 0)
            .group_by(LocationStock.location_id)
        ).all()
    )
    children: dict[int | None, list[StockLocation]] = {}
    for row in rows.values():
        parent = row.parent_id if row.parent_id in rows else None if row.parent_id is None else -1
        children.setdefault(parent, []).append(row)
    ordered: list[LocationInfo] = []

    def walk(parent: int | None, path: str) -> None:
        for row in sorted(children.get(parent, []), key=lambda r: r.code.casefold()):
            full = f"{path} / {row.code}" if path else row.code
            ordered.append(
                LocationInfo(
                    row.id,
                    row.parent_id,
                    LocationKind(row.kind),
                    row.code,
                    row.name,
                    row.barcode,
                    row.sellable,
                    row.active,
                    full,
                    int(units.get(row.id, 0) or 0),
                    int(products.get(row.id, 0) or 0),
                )
            )
            walk(row.id, full)

    walk(None, "")
    return ordered


def _info(session: Session, location_id: int) -> LocationInfo:
    return next(info for info in locations(session, include_inactive=True) if info.id == location_id)


def bin_contents(session: Session, location_id: int) -> list[BinLine]:
    """What a bin holds, inside ``session``."""
    rows = session.execute(
        select(
            ProductRow.id,
            ProductRow.stock_code,
            ProductRow.name,
            ProductRow.colour,
            ProductRow.size,
            LocationStock.quantity,
        )
        .join(LocationStock, LocationStock.product_id == ProductRow.id)
        .where(LocationStock.location_id == location_id)
        .order_by(ProductRow.stock_code)
    ).all()
    return [BinLine(pid, code, name, variant_of(colour, size), qty) for pid, code, name, colour, size, qty in rows]


def find_products(session: Session, text: str, *, limit: int = 50) -> list[int]:
    """Products whose stock code or barcode is ``text``, or whose name contains it (case-insensitive)."""
    from packstation.db.models.catalog import ProductBarcode

    wanted = text.strip()
    if not wanted:
        return []
    exact = select(ProductBarcode.product_id).where(ProductBarcode.barcode == wanted)
    query = (
        select(ProductRow.id)
        .where(or_(ProductRow.stock_code == wanted, ProductRow.id.in_(exact), ProductRow.name.ilike(f"%{wanted}%")))
        .order_by(ProductRow.stock_code)
        .limit(limit)
    )
    return list(session.scalars(query))
