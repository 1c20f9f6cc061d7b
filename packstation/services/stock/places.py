"""Where units lie, inside a caller's transaction: the bin to pick from, and the bins the station makes.

A product's *pick bin* is the sellable bin holding most of it (a bin where it had a place, at 0, when
none holds any). Packing takes units out of it, a return with no bin named puts them back into it, and
the pack screen shows its code in the "Bin" column. Stock of a product without any bin lies in
``MAIN / GENERAL / UNPLACED`` until someone counts or moves it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ScalarSelect, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from packstation.db.models.stock import StockLocation
from packstation.domain.stock import (
    DEFAULT_WAREHOUSE_CODE,
    DEFAULT_ZONE_CODE,
    QUARANTINE_CODE,
    UNPLACED_BIN_CODE,
    LocationKind,
    generated_location_barcode,
)


def pick_bin_code(product_id: Any) -> ScalarSelect[str]:
    """The code of the pick bin of ``product_id`` (a column to correlate with), for read models.

    The pick bin is the server function ``pick_bin()`` (migration 0021): the one definition, which
    opening a parcel uses too.
    """
    return (
        select(StockLocation.code)
        .where(StockLocation.id == func.pick_bin(product_id))
        .correlate_except(StockLocation)
        .scalar_subquery()
    )


def pick_bins(session: Session, product_ids: Iterable[int]) -> dict[int, int]:
    """Product id -> its pick bin's id, for the products that have a sellable bin."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    rows = session.execute(_PICK_BINS, {"ids": ids}).all()
    return {product_id: location_id for product_id, location_id in rows if location_id is not None}


_PICK_BINS = text("SELECT p, pick_bin(p) FROM unnest(CAST(:ids AS bigint[])) AS p")


def ensure_location(
    session: Session,
    parent_id: int | None,
    kind: LocationKind,
    code: str,
    *,
    sellable: bool = True,
    name: str = "",
) -> int:
    """The id of location ``code`` under ``parent_id``, created (with a generated barcode) when missing.

    Two stations creating the same location at once both get the one row (``ON CONFLICT DO NOTHING``).
    """
    found = _find(session, parent_id, code)
    if found is not None:
        return found
    new_id = int(session.execute(select(func.nextval("stock_locations_id_seq"))).scalar_one())
    values = {
        "id": new_id,
        "parent_id": parent_id,
        "kind": kind.value,
        "code": code,
        "name": name,
        "barcode": generated_location_barcode(new_id),
        "sellable": sellable,
    }
    statement = insert(StockLocation).values(values)
    if parent_id is None:
        statement = statement.on_conflict_do_nothing(
            index_elements=[StockLocation.code], index_where=StockLocation.parent_id.is_(None)
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=[StockLocation.parent_id, StockLocation.code])
    session.execute(statement)
    found = _find(session, parent_id, code)
    assert found is not None  # inserted now, or by the station that got there first
    return found


def _find(session: Session, parent_id: int | None, code: str) -> int | None:
    parent = StockLocation.parent_id.is_(None) if parent_id is None else StockLocation.parent_id == parent_id
    return session.scalar(select(StockLocation.id).where(parent, StockLocation.code == code))


def ensure_bin_path(session: Session, warehouse: str, zone: str, bin_code: str, *, sellable: bool = True) -> int:
    """The bin ``warehouse / zone / bin_code``, made with whatever of its path is missing."""
    warehouse_id = ensure_location(session, None, LocationKind.WAREHOUSE, warehouse)
    zone_id = ensure_location(session, warehouse_id, LocationKind.ZONE, zone, sellable=sellable)
    return ensure_location(session, zone_id, LocationKind.BIN, bin_code, sellable=sellable)


def ensure_bins(
    session: Session, warehouse: str, paths: Iterable[tuple[str, str]], *, sellable: bool = True
) -> dict[tuple[str, str], int]:
    """Bins ``warehouse / zone / bin`` for each ``(zone, bin)`` in ``paths``: one round trip for all the bins.

    The same as :func:`ensure_bin_path` per path; a catalogue import or the demo names hundreds of bins, and
    six queries per bin made seeding them take seconds.
    """
    wanted = sorted(set(paths))
    if not wanted:
        return {}
    warehouse_id = ensure_location(session, None, LocationKind.WAREHOUSE, warehouse)
    zones = {
        zone: ensure_location(session, warehouse_id, LocationKind.ZONE, zone, sellable=sellable)
        for zone in sorted({zone for zone, _ in wanted})
    }
    ids = session.scalars(
        select(func.nextval("stock_locations_id_seq")).select_from(func.generate_series(1, len(wanted)))
    )
    rows = [
        {
            "id": new_id,
            "parent_id": zones[zone],
            "kind": LocationKind.BIN.value,
            "code": bin_code,
            "name": "",
            "barcode": generated_location_barcode(new_id),
            "sellable": sellable,
        }
        for new_id, (zone, bin_code) in zip(ids, wanted, strict=True)
    ]
    # Existing bins (or ones another station made first) keep their rows; a skipped id is only a gap.
    session.execute(
        insert(StockLocation)
        .values(rows)
        .on_conflict_do_nothing(index_elements=[StockLocation.parent_id, StockLocation.code])
    )
    zone_of = {zone_id: zone for zone, zone_id in zones.items()}
    found = session.execute(
        select(StockLocation.parent_id, StockLocation.code, StockLocation.id).where(
            StockLocation.parent_id.in_(zones.values()), StockLocation.code.in_({bin_code for _, bin_code in wanted})
        )
    )
    result = {(zone_of[parent], code): location_id for parent, code, location_id in found if parent is not None}
    return {path: result[path] for path in wanted}


def unplaced_bin(session: Session) -> int:
    """``MAIN / GENERAL / UNPLACED``: where stock of a product without a bin lies."""
    return ensure_bin_path(session, DEFAULT_WAREHOUSE_CODE, DEFAULT_ZONE_CODE, UNPLACED_BIN_CODE)


def quarantine_bin(session: Session) -> int:
    """``MAIN / QUARANTINE / QUARANTINE``: not sellable; damaged or doubtful units wait there."""
    return ensure_bin_path(session, DEFAULT_WAREHOUSE_CODE, QUARANTINE_CODE, QUARANTINE_CODE, sellable=False)
