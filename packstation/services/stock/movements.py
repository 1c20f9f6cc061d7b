"""The one way stock changes: :func:`apply_movements`, inside the caller's transaction.

Packing (the journal pump), adjustments, counts, transfers, CSV imports and returns all call it. For each
movement it writes one ``stock_movements`` row (keyed by ``op_id``: a replay changes nothing), moves the
units in or out of a bin (``location_stock``), and keeps the product's totals (``stock_levels``: on hand in
sellable bins) in step, under the product's row lock (:func:`~packstation.services.stock.levels.lock_levels`).
Units coming into sellable bins first fill reservations that were short.

A movement without a bin uses the product's pick bin (:mod:`~packstation.services.stock.places`): packing
takes from it, a return puts back into it. Packing never fails for want of stock on the books (the parcel
is in the packer's hands); an adjustment may ask to be refused instead (``refuse_below_zero``).

Returns (#18) call it too::

    with sessions.begin() as session:
        apply_movements(session, [StockMove(product_id, +1, StockReason.RETURN, op_id=..., package_id=...)])
        apply_movements(session, [StockMove(product_id, +1, StockReason.QUARANTINE,
                                            location_id=quarantine_bin(session), op_id=...)])
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from packstation.db.models.catalog import ProductRow
from packstation.db.models.stock import LocationStock, StockLocation, StockMovement
from packstation.domain.stock import LocationKind, StockReason
from packstation.i18n import _
from packstation.services.access.permissions import UserSession
from packstation.services.access.server import call
from packstation.services.stock.levels import change_levels, lock_levels
from packstation.services.stock.places import pick_bins, unplaced_bin

#: Namespace of the op ids movements derive from other operations (a pack, a count line).
MOVEMENT_NAMESPACE = uuid.UUID("5d0c54a4-51c8-4bd4-9a55-7d3f1a0f2d11")


class StockError(Exception):
    """A stock change cannot be made as asked; the message says which product, bin and why."""


@dataclass(frozen=True)
class StockMove:
    """One change of one product in one bin: ``delta`` units in (positive) or out (negative)."""

    product_id: int
    delta: int
    reason: StockReason
    #: The bin; None: the product's pick bin (see the module docstring).
    location_id: int | None = None
    #: The change's own id: applying the same id twice changes stock once.
    op_id: uuid.UUID = field(default_factory=uuid.uuid4)
    package_id: int | None = None
    user_id: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class AppliedMove:
    """A movement as recorded, with the bin's units before and after it."""

    movement_id: int
    op_id: uuid.UUID
    product_id: int
    location_id: int
    delta: int
    reason: StockReason
    bin_before: int
    bin_after: int


def allow_stock_changes(
    session: Session, actor: UserSession | None, approval: uuid.UUID | None = None, *, for_: str
) -> None:
    """Ask the server to let this transaction change stock on hand (its triggers refuse it otherwise).

    The server checks the actor's session: ``adjust_stock`` by role, or with the supervisor's approval
    (``approval``, its token) this user spent for it, bound to ``for_`` (one change, or one count).
    ``actor`` None is the owner's own tool (the command line with the owner's URL), which needs no grant.
    Packing needs none either: ``pack_apply()`` grants the pump's transaction.
    """
    if actor is None:
        return
    call(
        session,
        "SELECT stock_write_grant(:token, :approval, :for_)",
        {"token": actor.token, "approval": approval, "for_": for_},
    )


def movement_id_for(*parts: object) -> uuid.UUID:
    """A stable op id for a movement derived from something else (``pack op id``, ``line id``): replays match."""
    return uuid.uuid5(MOVEMENT_NAMESPACE, ":".join(str(part) for part in parts))


def apply_movements(
    session: Session, moves: Sequence[StockMove], *, refuse_below_zero: bool = False
) -> list[AppliedMove]:
    """Record ``moves`` and change stock accordingly; returns the ones that were new (not replays).

    With ``refuse_below_zero`` a movement that would leave its bin below 0 raises :class:`StockError`
    before anything is written. Raises :class:`StockError` for a zero movement, a location that is not
    a bin, or an unknown product.
    """
    if not moves:
        return []
    for move in moves:
        if move.delta == 0:
            raise StockError(_("a stock movement of 0 units changes nothing (product {id})").format(id=move.product_id))
    if len({move.op_id for move in moves}) < len(moves):
        raise StockError(_("two stock movements of one call share an op id"))
    product_ids = {move.product_id for move in moves}
    known = set(session.scalars(select(ProductRow.id).where(ProductRow.id.in_(product_ids))))
    if unknown := sorted(product_ids - known):
        raise StockError(_("no product with id {ids}").format(ids=", ".join(map(str, unknown))))
    lock_levels(session, product_ids)
    placed = _resolve_bins(session, moves)
    bins = _bins(session, {location for _move, location in placed})
    before = _bin_quantities(session, {(location, move.product_id) for move, location in placed})
    if refuse_below_zero:
        _check_not_below_zero(session, placed, before)
    new_ids = _record(session, placed)
    applied: list[AppliedMove] = []
    running = dict(before)
    sellable_delta: dict[int, int] = {}
    for move, location in placed:
        if move.op_id not in new_ids:
            continue
        key = (location, move.product_id)
        start = running.get(key, 0)
        running[key] = start + move.delta
        applied.append(
            AppliedMove(
                new_ids[move.op_id],
                move.op_id,
                move.product_id,
                location,
                move.delta,
                move.reason,
                start,
                start + move.delta,
            )
        )
        if bins[location]:
            sellable_delta[move.product_id] = sellable_delta.get(move.product_id, 0) + move.delta
    _write_bins(session, {key: running[key] for key in running if running[key] != before.get(key, 0)}, applied)
    change_levels(session, {pid: (delta, 0) for pid, delta in sellable_delta.items()})
    gained = [pid for pid, delta in sellable_delta.items() if delta > 0]
    if gained:
        from packstation.services.stock.reservations import fill_short

        fill_short(session, gained)
    return applied


def _resolve_bins(session: Session, moves: Sequence[StockMove]) -> list[tuple[StockMove, int]]:
    """Each movement with its bin: the one it names, else the product's pick bin, else UNPLACED."""
    unnamed = {move.product_id for move in moves if move.location_id is None}
    picks = pick_bins(session, unnamed)
    fallback = unplaced_bin(session) if unnamed - set(picks) else None
    placed = []
    for move in moves:
        location = move.location_id or picks.get(move.product_id) or fallback
        assert location is not None  # fallback is set whenever a product has no pick bin
        placed.append((move, location))
    return placed


def _bins(session: Session, location_ids: set[int]) -> dict[int, bool]:
    """Bin id -> sellable; raises for an id that is not a bin."""
    rows = dict(
        session.execute(
            select(StockLocation.id, StockLocation.sellable).where(
                StockLocation.id.in_(location_ids), StockLocation.kind == LocationKind.BIN.value
            )
        ).all()
    )
    if missing := sorted(location_ids - set(rows)):
        raise StockError(
            _("location {ids} is not a bin: stock lies in bins only").format(ids=", ".join(map(str, missing)))
        )
    return rows


def _bin_quantities(session: Session, keys: set[tuple[int, int]]) -> dict[tuple[int, int], int]:
    if not keys:
        return {}
    locations = {location for location, _product in keys}
    products = {product for _location, product in keys}
    rows = session.execute(
        select(LocationStock.location_id, LocationStock.product_id, LocationStock.quantity).where(
            LocationStock.location_id.in_(locations), LocationStock.product_id.in_(products)
        )
    ).all()
    return {(location, product): quantity for location, product, quantity in rows if (location, product) in keys}


def _check_not_below_zero(
    session: Session, placed: list[tuple[StockMove, int]], before: dict[tuple[int, int], int]
) -> None:
    running = dict(before)
    for move, location in placed:
        key = (location, move.product_id)
        running[key] = running.get(key, 0) + move.delta
        if running[key] < 0:
            code = session.scalar(select(StockLocation.code).where(StockLocation.id == location))
            stock_code = session.scalar(select(ProductRow.stock_code).where(ProductRow.id == move.product_id))
            raise StockError(
                _("bin {bin} holds {have} of {product}: {wanted} cannot go out").format(
                    bin=code, have=running[key] - move.delta, product=stock_code, wanted=-move.delta
                )
            )


def _record(session: Session, placed: list[tuple[StockMove, int]]) -> dict[uuid.UUID, int]:
    """Insert the ledger rows; op id -> row id of the new ones (a replayed op id returns nothing)."""
    movements = StockMovement.__table__
    rows = [
        {
            "op_id": move.op_id,
            "product_id": move.product_id,
            "delta": move.delta,
            "reason": move.reason.value,
            "location_id": location,
            "package_id": move.package_id,
            "user_id": move.user_id,
            "note": move.note,
        }
        for move, location in placed
    ]
    result = session.connection().execute(
        insert(movements)
        .on_conflict_do_nothing(index_elements=[movements.c.op_id])
        .returning(movements.c.op_id, movements.c.id),
        rows,
    )
    return {op_id: row_id for op_id, row_id in result.all()}


def _write_bins(session: Session, after: dict[tuple[int, int], int], applied: list[AppliedMove]) -> None:
    """Set each touched bin's units (the rows are serialised by their products' level locks)."""
    touched = {(move.location_id, move.product_id) for move in applied}
    rows = [
        {"location_id": location, "product_id": product, "quantity": quantity}
        for (location, product), quantity in sorted(after.items())
        if (location, product) in touched
    ]
    if not rows:
        return
    table = LocationStock.__table__
    statement = insert(table)
    session.connection().execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.location_id, table.c.product_id],
            set_={"quantity": statement.excluded.quantity, "updated_at": func.now()},
        ),
        rows,
    )
