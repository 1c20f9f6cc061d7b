"""Reservations: held on arrival, released on cancel, consumed on packing, race-free between stations."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text, update

from packstation.db.connect import Database
from packstation.db.models.packages import PackageRow
from packstation.db.models.stock import StockReservation
from packstation.db.models.sync import OutboxEntry
from packstation.domain.outcomes import UnsuppliedReason
from packstation.domain.stock import StockReason
from packstation.local_store.journal import Journal
from packstation.local_store.operations import Completed, Opened, Operation, PackedLine, Unsupplied
from packstation.services.access.audit import AuditLog
from packstation.services.journal.pump import JournalPump
from packstation.services.outbox.stock import enqueue_stock_push
from packstation.services.packing.claims import ClaimService
from packstation.services.packing.read_model import READY_STATUSES
from packstation.services.station.heartbeat import StationService
from packstation.services.stock.movements import StockMove, apply_movements
from packstation.services.stock.reservations import settle_reservations
from tests.services.stock.conftest import Warehouse, add_package, in_bin, level


def _stock(db: Database, product_id: int, location_id: int, units: int) -> None:
    with db.sessions.begin() as session:
        apply_movements(session, [StockMove(product_id, units, StockReason.FOUND, location_id=location_id)])


def _reservation(db: Database, package_id: int) -> list[tuple[int, int, str]]:
    with db.sessions() as session:
        return [
            tuple(row)
            for row in session.execute(
                select(StockReservation.requested, StockReservation.quantity, StockReservation.state)
                .where(StockReservation.package_id == package_id)
                .order_by(StockReservation.id)
            )
        ]


def _settle(db: Database, *package_ids: int) -> None:
    with db.sessions.begin() as session:
        settle_reservations(session, package_ids)


def test_arrival_holds_oldest_first_and_incoming_stock_fills_the_short(db: Database, warehouse: Warehouse) -> None:
    shoe = warehouse.products["SHOE-1"]
    _stock(db, shoe, warehouse.bins["A-01"], 5)
    older = add_package(db.sessions, warehouse, "P1", {"SHOE-1": 3}, minutes_ago=30)
    newer = add_package(db.sessions, warehouse, "P2", {"SHOE-1": 4}, minutes_ago=5)
    _settle(db, newer, older)
    assert _reservation(db, older) == [(3, 3, "held")]
    assert _reservation(db, newer) == [(4, 2, "held")]  # short by 2: the shelf had 5
    assert level(db.sessions, shoe) == (5, 5)
    _stock(db, shoe, warehouse.bins["A-02"], 10)  # a delivery: the short line is filled first
    assert _reservation(db, newer) == [(4, 4, "held")]
    assert level(db.sessions, shoe) == (15, 7)
    _settle(db, older, newer)  # idempotent
    assert level(db.sessions, shoe) == (15, 7)


def test_cancelled_releases_and_the_freed_units_go_to_a_short_line(db: Database, warehouse: Warehouse) -> None:
    shoe = warehouse.products["SHOE-2"]
    _stock(db, shoe, warehouse.bins["A-01"], 2)
    first = add_package(db.sessions, warehouse, "C1", {"SHOE-2": 2}, minutes_ago=30)
    second = add_package(db.sessions, warehouse, "C2", {"SHOE-2": 1})
    _settle(db, first, second)
    assert _reservation(db, second) == [(1, 0, "held")]
    with db.sessions.begin() as session:
        session.execute(update(PackageRow).where(PackageRow.id == first).values(status="Cancelled"))
        settle_reservations(session, [first])
    assert _reservation(db, first) == [(2, 2, "released")]
    assert _reservation(db, second) == [(1, 1, "held")]
    assert level(db.sessions, shoe) == (2, 1)


def test_packing_consumes_and_unsupplied_gives_back(db: Database, warehouse: Warehouse, tmp_path: Path) -> None:
    shoe, boot = warehouse.products["SHOE-1"], warehouse.products["SHOE-2"]
    _stock(db, shoe, warehouse.bins["A-01"], 10)
    _stock(db, boot, warehouse.bins["B-01"], 10)
    package = add_package(db.sessions, warehouse, "K1", {"SHOE-1": 2, "SHOE-2": 3})
    _settle(db, package)
    assert level(db.sessions, shoe) == (10, 2) and level(db.sessions, boot) == (10, 3)
    now = datetime.now(UTC)
    journal = Journal(tmp_path / "j.sqlite3")
    journal.append_many(
        [
            Operation(body=Opened(), station="st-1", occurred_at=now, package_id=package),
            Operation(
                body=Unsupplied(line_id="K1-2", quantity=1, reason=UnsuppliedReason.DEFECTIVE),
                station="st-1",
                occurred_at=now + timedelta(seconds=1),
                package_id=package,
            ),
            Operation(
                body=Completed(
                    lines=(
                        PackedLine(line_id="K1-1", product_id=shoe, units=2),
                        PackedLine(line_id="K1-2", product_id=boot, units=2),
                    )
                ),
                station="st-1",
                occurred_at=now + timedelta(seconds=2),
                package_id=package,
            ),
        ]
    )
    assert JournalPump(journal, db.sessions).drain_once() == 3
    assert _reservation(db, package) == [(2, 2, "consumed"), (2, 2, "consumed")]
    assert level(db.sessions, shoe) == (8, 0) and level(db.sessions, boot) == (8, 0)
    assert in_bin(db.sessions, warehouse.bins["B-01"], boot) == 8


def test_claiming_reserves_what_arrived_before_its_stock(db: Database, warehouse: Warehouse) -> None:
    shoe = warehouse.products["SHOE-3"]
    package = add_package(db.sessions, warehouse, "L1", {"SHOE-3": 1})
    _settle(db, package)
    assert _reservation(db, package) == [(1, 0, "held")]
    with db.sessions.begin() as session:  # stock written past the movement function (an old import, a fix by hand)
        session.execute(text("UPDATE stock_levels SET quantity = 3 WHERE product_id = :p"), {"p": shoe})
    station = StationService(db.sessions, name="st-1", audit=AuditLog(db.sessions)).register()
    assert ClaimService(db.sessions, station_id=station, lease=timedelta(minutes=5)).claim(package, user_id=None).won
    assert _reservation(db, package) == [(1, 1, "held")]


def test_a_short_line_without_free_stock_is_not_settled_again_at_every_open(db: Database, warehouse: Warehouse) -> None:
    """Where stock is kept elsewhere every line is short: opening must not pay a settle that grants nothing."""
    package = add_package(db.sessions, warehouse, "L1", {"SHOE-3": 2})
    _settle(db, package)
    assert _reservation(db, package) == [(2, 0, "held")]
    station = StationService(db.sessions, name="st-1", audit=AuditLog(db.sessions)).register()
    claims = ClaimService(db.sessions, station_id=station, lease=timedelta(minutes=5))
    with db.sessions.begin() as session:
        claimed = session.execute(
            text("SELECT package_claim(:id, :station, NULL, interval '5 minutes', :ready, 'held')"),
            {"id": package, "station": station, "ready": list(READY_STATUSES)},
        ).scalar_one()
    assert claimed["won"] and not claimed["settle"], "no unit of SHOE-3 is free: nothing to settle"
    with db.sessions.begin() as session:  # one unit arrives past the movement function (a fix by hand)
        session.execute(
            text("UPDATE stock_levels SET quantity = 1 WHERE product_id = :p"), {"p": warehouse.products["SHOE-3"]}
        )
    assert claims.claim(package, user_id=None).won
    assert _reservation(db, package) == [(2, 1, "held")]  # the free unit was worth settling for


def test_the_push_sends_available_not_on_hand(db: Database, warehouse: Warehouse) -> None:
    shoe = warehouse.products["SHOE-1"]
    _stock(db, shoe, warehouse.bins["A-01"], 6)
    package = add_package(db.sessions, warehouse, "S1", {"SHOE-1": 4})
    _settle(db, package)
    queued = enqueue_stock_push(db.sessions)
    with db.sessions() as session:
        payload = session.get(OutboxEntry, queued[warehouse.account]).payload
    assert [(item["barcode"], item["quantity"]) for item in payload["items"]] == [(f"869{shoe:010d}", 2)]


def _backend_waiting_on_a_lock(db: Database) -> bool:
    with db.engine.connect() as connection:
        return bool(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
            ).scalar()
        )


def test_two_stations_reserving_the_last_unit_one_gets_it(db: Database, warehouse: Warehouse) -> None:
    """Station 1 reserves and has not committed; station 2 waits on the product's lock, then finds nothing free."""
    shoe = warehouse.products["SHOE-2"]
    _stock(db, shoe, warehouse.bins["A-01"], 1)
    first = add_package(db.sessions, warehouse, "R1", {"SHOE-2": 1}, minutes_ago=20)
    second = add_package(db.sessions, warehouse, "R2", {"SHOE-2": 1}, minutes_ago=10)
    reserved_first, may_commit = threading.Event(), threading.Event()

    def station_one() -> None:
        with db.sessions.begin() as session:
            settle_reservations(session, [first])
            reserved_first.set()
            assert may_commit.wait(30)

    def station_two() -> None:
        with db.sessions.begin() as session:
            settle_reservations(session, [second])

    with ThreadPoolExecutor(2) as pool:
        one = pool.submit(station_one)
        assert reserved_first.wait(30)
        two = pool.submit(station_two)
        deadline = datetime.now(UTC) + timedelta(seconds=30)
        while not _backend_waiting_on_a_lock(db):  # station 2 is blocked on station 1's row lock
            assert not two.done(), "station 2 did not wait for station 1"
            assert datetime.now(UTC) < deadline
            time.sleep(0.02)
        may_commit.set()
        one.result(30), two.result(30)
    assert _reservation(db, first) == [(1, 1, "held")]
    assert _reservation(db, second) == [(1, 0, "held")]
    assert level(db.sessions, shoe) == (1, 1)


def test_many_stations_at_once_never_hold_more_than_is_on_hand(db: Database, warehouse: Warehouse) -> None:
    shoe = warehouse.products["SHOE-1"]
    _stock(db, shoe, warehouse.bins["A-01"], 5)
    packages = [add_package(db.sessions, warehouse, f"M{n}", {"SHOE-1": 1}) for n in range(8)]
    start = threading.Barrier(8)

    def reserve(package_id: int) -> None:
        start.wait(30)
        with db.sessions.begin() as session:
            settle_reservations(session, [package_id])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(reserve, packages))
    held = [q for p in packages for _r, q, _s in _reservation(db, p)]
    assert sorted(held) == [0, 0, 0, 1, 1, 1, 1, 1]
    assert level(db.sessions, shoe) == (5, 5)
