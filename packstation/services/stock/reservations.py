"""Reservations: units held for package lines from arrival until packed (consumed) or cancelled (released).

One rule, applied by :func:`settle_reservations` whenever a package is written or opened: a line of a
package that may be packed and is not packed yet holds a reservation for its quantity; any other line
holds none. The sync calls it for the packages it wrote, the claim for the package it opens, the pump for
parcels opened offline; packing consumes (:func:`consume_reservations`); an unsupplied line gives its
units back (:func:`release_line_units`).

Race-free by construction: every change runs under the product's ``stock_levels`` row lock, taken in
product-id order (:func:`~packstation.services.stock.levels.lock_levels`), and grants at most the free
units (on hand − reserved) it sees under that lock. When stock runs out a reservation is *short*
(``quantity < requested``); units coming in or freed later fill short reservations, oldest first.
Callers hold the package's row lock (the sync's upsert, the claim's UPDATE, the pump's batch), so two
writers never settle one package at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.db.models.stock import StockReservation
from packstation.domain.status import PACKABLE
from packstation.domain.stock import ReservationState
from packstation.services.stock.levels import Level, change_levels, lock_levels

_HELD = ReservationState.HELD.value
_PACKABLE = sorted(status.value for status in PACKABLE)


@dataclass(frozen=True)
class Settled:
    """What settling changed: units newly held, released, and lines left short."""

    reserved: int = 0
    released: int = 0
    short_lines: int = 0


@dataclass
class _Row:
    line_id: int
    package_id: int
    product_id: int
    requested: int
    quantity: int
    state: str
    changed: bool = False


def settle_reservations(session: Session, package_ids: Iterable[int]) -> Settled:
    """Make the reservations of ``package_ids`` follow the rule above (idempotent).

    Opening a parcel settles only when the claim's check in ``package_claim()`` (migration 0022) finds
    something to do: a line without a held reservation, one for another quantity, or a short one whose
    product has free units (stock that arrives later fills short lines by itself: :func:`fill_short`).
    """
    ids = sorted(set(package_ids))
    if not ids:
        return Settled()
    lines = session.execute(
        select(
            PackageLineRow.id,
            PackageLineRow.package_id,
            PackageLineRow.product_id,
            PackageLineRow.quantity,
            PackageRow.status.in_(_PACKABLE) & PackageRow.packed_at.is_(None),
            PackageRow.packed_at.is_not(None),
            StockReservation.product_id,
        )
        .join(PackageRow, PackageRow.id == PackageLineRow.package_id)
        .outerjoin(StockReservation, StockReservation.package_line_id == PackageLineRow.id)
        .where(PackageLineRow.package_id.in_(ids))
        # Oldest orders are served first when there is not enough for every line.
        .order_by(PackageRow.order_date.asc().nulls_last(), PackageRow.id, PackageLineRow.id)
    ).all()
    products = {row[2] for row in lines if row[2] is not None} | {row[6] for row in lines if row[6] is not None}
    levels = lock_levels(session, products)
    existing = _lock_rows(session, [row[0] for row in lines])
    reserved = released = 0
    changes: dict[int, int] = {}
    rows: list[_Row] = []
    for line_id, package_id, product_id, quantity, wanted, packed, _old in lines:
        row = existing.get(line_id)
        if packed or (row is not None and row.state == ReservationState.CONSUMED.value):
            continue  # packing consumed it (or will, in the same batch)
        if row is not None and row.state == _HELD and (not wanted or row.product_id != product_id):
            released += _release(row, levels, changes)
        if not wanted or product_id is None:
            continue
        if row is None or row.state != _HELD:
            row = _Row(line_id, package_id, product_id, quantity, 0, _HELD, changed=True)
        elif row.requested != quantity:
            if row.quantity > quantity:
                released += row.quantity - quantity
                _add(changes, product_id, -(row.quantity - quantity), levels)
                row.quantity = quantity
            row.requested, row.changed = quantity, True
        reserved += _grant(row, levels[product_id], changes)
        existing[line_id] = row
        rows.append(row)
    rows.extend(row for row in existing.values() if row.changed and row not in rows)
    _save(session, [row for row in rows if row.changed])
    change_levels(session, {pid: (0, delta) for pid, delta in changes.items()})
    if released:
        fill_short(session, [pid for pid, delta in changes.items() if delta < 0])
    short = sum(1 for row in existing.values() if row.state == _HELD and row.quantity < row.requested)
    return Settled(reserved=reserved, released=released, short_lines=short)


def consume_reservations(session: Session, package_ids: Iterable[int]) -> int:
    """The parcels were packed: their held units leave the reservations (the movements take them off the shelf).

    Returns the units consumed. Idempotent: a consumed reservation is not consumed again.
    """
    ids = sorted(set(package_ids))
    if not ids:
        return 0
    products = session.scalars(
        select(StockReservation.product_id)
        .where(StockReservation.package_id.in_(ids), StockReservation.state == _HELD)
        .distinct()
    ).all()
    if not products:
        return 0
    lock_levels(session, products)
    consumed = session.execute(
        update(StockReservation)
        .where(StockReservation.package_id.in_(ids), StockReservation.state == _HELD)
        .values(state=ReservationState.CONSUMED.value, updated_at=func.now())
        .returning(StockReservation.product_id, StockReservation.quantity)
    ).all()
    changes: dict[int, int] = {}
    for product_id, quantity in consumed:
        changes[product_id] = changes.get(product_id, 0) - quantity
    change_levels(session, {pid: (0, delta) for pid, delta in changes.items()})
    return -sum(changes.values())


def release_line_units(session: Session, package_id: int, external_line_id: str, units: int) -> int:
    """``units`` of a line will not be packed (unsupplied): the line asks for that many fewer. Returns units freed."""
    line = session.execute(
        select(PackageLineRow.id, PackageLineRow.product_id).where(
            PackageLineRow.package_id == package_id, PackageLineRow.external_line_id == external_line_id
        )
    ).one_or_none()
    if line is None or line.product_id is None or units <= 0:
        return 0
    levels = lock_levels(session, [line.product_id])
    row = _lock_rows(session, [line.id]).get(line.id)
    if row is None or row.state != _HELD:
        return 0
    changes: dict[int, int] = {}
    row.requested = max(row.requested - units, 0)
    freed = max(row.quantity - row.requested, 0)
    if freed:
        row.quantity -= freed
        _add(changes, row.product_id, -freed, levels)
    if row.requested == 0:
        row.state = ReservationState.RELEASED.value
    row.changed = True
    _save(session, [row])
    change_levels(session, {pid: (0, delta) for pid, delta in changes.items()})
    if freed:
        fill_short(session, [row.product_id])
    return freed


def fill_short(session: Session, product_ids: Sequence[int]) -> int:
    """Give free units of ``product_ids`` to their short reservations, oldest first; returns units given."""
    levels = lock_levels(session, product_ids)
    open_products = [pid for pid, level in levels.items() if level.free > 0]
    if not open_products:
        return 0
    short = session.execute(
        select(
            StockReservation.package_line_id,
            StockReservation.package_id,
            StockReservation.product_id,
            StockReservation.requested,
            StockReservation.quantity,
            StockReservation.state,
        )
        .where(
            StockReservation.product_id.in_(open_products),
            StockReservation.state == _HELD,
            StockReservation.quantity < StockReservation.requested,
        )
        .order_by(StockReservation.product_id, StockReservation.id)
        .with_for_update()
    ).all()
    changes: dict[int, int] = {}
    given = 0
    rows = []
    for values in short:
        row = _Row(*values)
        given += _grant(row, levels[row.product_id], changes)
        rows.append(row)
    _save(session, [row for row in rows if row.changed])
    change_levels(session, {pid: (0, delta) for pid, delta in changes.items()})
    return given


def _lock_rows(session: Session, line_ids: list[int]) -> dict[int, _Row]:
    if not line_ids:
        return {}
    rows = session.execute(
        select(
            StockReservation.package_line_id,
            StockReservation.package_id,
            StockReservation.product_id,
            StockReservation.requested,
            StockReservation.quantity,
            StockReservation.state,
        )
        .where(StockReservation.package_line_id.in_(line_ids))
        .order_by(StockReservation.id)
        .with_for_update()
    ).all()
    return {row[0]: _Row(*row) for row in rows}


def _add(changes: dict[int, int], product_id: int, delta: int, levels: dict[int, Level]) -> None:
    changes[product_id] = changes.get(product_id, 0) + delta
    levels[product_id].reserved += delta


def _grant(row: _Row, level: Level, changes: dict[int, int]) -> int:
    """Hold as much of the row's shortfall as is free; returns the units newly held."""
    wanted = row.requested - row.quantity
    granted = min(wanted, level.free)
    if granted <= 0:
        return 0
    row.quantity += granted
    row.changed = True
    changes[row.product_id] = changes.get(row.product_id, 0) + granted
    level.reserved += granted
    return granted


def _release(row: _Row, levels: dict[int, Level], changes: dict[int, int]) -> int:
    units = row.quantity
    if units:
        _add(changes, row.product_id, -units, levels)
    row.state = ReservationState.RELEASED.value
    row.changed = True
    return units


def _save(session: Session, rows: list[_Row]) -> None:
    if not rows:
        return
    table = StockReservation.__table__
    statement = insert(table)
    session.connection().execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.package_line_id],
            set_={
                "product_id": statement.excluded.product_id,
                "requested": statement.excluded.requested,
                "quantity": statement.excluded.quantity,
                "state": statement.excluded.state,
                "updated_at": func.now(),
            },
        ),
        [
            {
                "package_line_id": row.line_id,
                "package_id": row.package_id,
                "product_id": row.product_id,
                "requested": row.requested,
                "quantity": row.quantity,
                "state": row.state,
            }
            for row in sorted(rows, key=lambda row: row.line_id)
        ],
    )
