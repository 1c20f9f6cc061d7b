"""apply_movements: the ledger, the bins and the totals move together, once per op id."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from packstation.db.connect import Database
from packstation.db.models.stock import StockLocation, StockMovement
from packstation.domain.stock import StockReason
from packstation.services.stock.movements import StockError, StockMove, apply_movements
from packstation.services.stock.places import ensure_bin_path, ensure_bins, pick_bins, quarantine_bin, unplaced_bin
from tests.services.stock.conftest import Warehouse, in_bin, level


def test_a_movement_changes_bin_total_and_ledger_once(db: Database, warehouse: Warehouse) -> None:
    shoe, a01 = warehouse.products["SHOE-1"], warehouse.bins["A-01"]
    op = uuid.uuid4()
    with db.sessions.begin() as session:
        applied = apply_movements(session, [StockMove(shoe, 7, StockReason.FOUND, location_id=a01, op_id=op)])
    assert [(m.bin_before, m.bin_after) for m in applied] == [(0, 7)]
    with db.sessions.begin() as session:  # the same op id again: a replay
        assert apply_movements(session, [StockMove(shoe, 7, StockReason.FOUND, location_id=a01, op_id=op)]) == []
    assert in_bin(db.sessions, a01, shoe) == 7
    assert level(db.sessions, shoe) == (7, 0)
    with db.sessions() as session:
        rows = session.execute(select(StockMovement.delta, StockMovement.reason, StockMovement.location_id)).all()
    assert rows == [(7, "found", a01)]


def test_outflow_without_a_bin_takes_from_the_bin_holding_most(db: Database, warehouse: Warehouse) -> None:
    shoe = warehouse.products["SHOE-1"]
    with db.sessions.begin() as session:
        apply_movements(
            session,
            [
                StockMove(shoe, 2, StockReason.FOUND, location_id=warehouse.bins["A-01"]),
                StockMove(shoe, 5, StockReason.FOUND, location_id=warehouse.bins["B-01"]),
            ],
        )
        assert pick_bins(session, [shoe]) == {shoe: warehouse.bins["B-01"]}
        apply_movements(session, [StockMove(shoe, -3, StockReason.PACKED)])
    assert in_bin(db.sessions, warehouse.bins["B-01"], shoe) == 2
    assert in_bin(db.sessions, warehouse.bins["A-01"], shoe) == 2
    assert level(db.sessions, shoe) == (4, 0)


def test_a_product_without_any_bin_moves_in_unplaced(db: Database, warehouse: Warehouse) -> None:
    shoe = warehouse.products["SHOE-3"]
    with db.sessions.begin() as session:
        (applied,) = apply_movements(session, [StockMove(shoe, -1, StockReason.PACKED)])
        assert applied.location_id == unplaced_bin(session)
        code = session.scalar(select(StockLocation.code).where(StockLocation.id == applied.location_id))
    assert code == "UNPLACED"
    assert level(db.sessions, shoe) == (-1, 0)  # packing never fails for want of stock on the books


def test_quarantine_units_are_not_on_hand(db: Database, warehouse: Warehouse) -> None:
    shoe = warehouse.products["SHOE-2"]
    with db.sessions.begin() as session:
        quarantine = quarantine_bin(session)
        apply_movements(
            session,
            [
                StockMove(shoe, 4, StockReason.RETURN, location_id=warehouse.bins["A-02"]),
                StockMove(shoe, 1, StockReason.QUARANTINE, location_id=quarantine),
            ],
        )
        assert pick_bins(session, [shoe]) == {shoe: warehouse.bins["A-02"]}
    assert in_bin(db.sessions, quarantine, shoe) == 1
    assert level(db.sessions, shoe) == (4, 0)


def test_refused_below_zero_writes_nothing(db: Database, warehouse: Warehouse) -> None:
    shoe, a01 = warehouse.products["SHOE-1"], warehouse.bins["A-01"]
    with db.sessions.begin() as session:
        apply_movements(session, [StockMove(shoe, 2, StockReason.FOUND, location_id=a01)])
    with pytest.raises(StockError, match="A-01 holds 2 of SHOE-1: 3 cannot go out"), db.sessions.begin() as session:
        apply_movements(session, [StockMove(shoe, -3, StockReason.DAMAGE, location_id=a01)], refuse_below_zero=True)
    assert in_bin(db.sessions, a01, shoe) == 2
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(StockMovement)) == 1


def test_zero_unknown_products_and_non_bins_are_refused(db: Database, warehouse: Warehouse) -> None:
    shoe = warehouse.products["SHOE-1"]
    with db.sessions.begin() as session:
        zone = session.scalar(select(StockLocation.id).where(StockLocation.kind == "zone"))
    for move, message in (
        (StockMove(shoe, 0, StockReason.FOUND), "0 units"),
        (StockMove(999_999, 1, StockReason.FOUND), "no product with id 999999"),
        (StockMove(shoe, 1, StockReason.FOUND, location_id=zone), "is not a bin"),
    ):
        with pytest.raises(StockError, match=message), db.sessions.begin() as session:
            apply_movements(session, [move])


def test_ensure_bins_makes_the_missing_bins_and_keeps_the_ones_there(db: Database, warehouse: Warehouse) -> None:
    with db.sessions.begin() as session:
        before = ensure_bin_path(session, "MAIN", "A", "A-01")
        made = ensure_bins(session, "MAIN", [("A", "A-01"), ("A", "A-02"), ("Ç", "Ç-01"), ("A", "A-02")])
    assert made[("A", "A-01")] == before == warehouse.bins["A-01"]
    assert set(made) == {("A", "A-01"), ("A", "A-02"), ("Ç", "Ç-01")}
    with db.sessions.begin() as session:  # a second station asking for the same bins gets the same rows
        assert ensure_bins(session, "MAIN", made) == made
        zone = session.get(StockLocation, session.get(StockLocation, made[("Ç", "Ç-01")]).parent_id)
        barcodes = {session.get(StockLocation, i).barcode for i in made.values()}
    assert zone is not None and zone.code == "Ç"
    assert len(barcodes) == 3
