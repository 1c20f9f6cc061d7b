"""The durable write path on a real PostgreSQL: journal, pump, claims."""

import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from packstation.db.connect import Database
from packstation.db.models.packages import PackageRow, PackEvent, PackException
from packstation.db.models.stock import StockLevel, StockMovement
from packstation.db.models.sync import OutboxEntry
from packstation.demo.data import seed_demo_data
from packstation.local_store.journal import Journal
from packstation.local_store.operations import Completed, Opened, Operation, PackedLine, Scanned
from packstation.services.access.audit import AuditLog
from packstation.services.journal.pump import JournalPump
from packstation.services.packing.claims import ClaimService
from packstation.services.station.heartbeat import StationService


def _first_package(db: Database) -> PackageRow:
    with db.sessions() as session:
        package = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(1)).one()
        _ = package.lines
        return package


def _complete_op(package: PackageRow, station: str = "st-1") -> Operation:
    return Operation(
        body=Completed(
            lines=tuple(
                PackedLine(line_id=line.external_line_id, product_id=line.product_id, units=line.quantity)
                for line in package.lines
            )
        ),
        station=station,
        occurred_at=datetime.now(UTC),
        package_id=package.id,
    )


def test_journal_survives_reopen_and_keeps_order(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    ops = [
        Operation(
            body=Scanned(text=f"86900000{i}", message="Şükrü Gökçe"),
            station="st",
            occurred_at=datetime.now(UTC),
            package_id=i,
        )
        for i in range(5)
    ]
    for op in ops:
        journal.append(op)
    journal.close()
    reopened = Journal(tmp_path / "journal.sqlite3")
    pending = reopened.pending()
    assert [op.op_id for op in pending] == [op.op_id for op in ops]
    assert pending == ops
    assert isinstance(pending[0].body, Scanned) and pending[0].body.message == "Şükrü Gökçe"
    assert reopened.stats().pending == 5
    assert reopened.integrity_ok()
    mode = reopened.pragma("journal_mode")
    sync = reopened.pragma("synchronous")
    assert (mode, sync) == ("wal", 2)  # 2 = FULL


def test_pump_applies_once_even_when_replayed(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=10)
    package = _first_package(db)
    journal = Journal(tmp_path / "j.sqlite3")
    op_open = Operation(body=Opened(), station="st-1", occurred_at=datetime.now(UTC), package_id=package.id)
    op_complete = _complete_op(package)
    journal.append_many([op_open, op_complete])
    pump = JournalPump(journal, db.sessions)
    with db.sessions() as session:
        stock_before = {line.product_id: session.get(StockLevel, line.product_id).quantity for line in package.lines}
    assert pump.drain_once() == 2
    assert journal.stats().pending == 0

    # A replay (the ack was lost in a crash): the same operations again change nothing.
    journal.append_many([op_open, op_complete])
    assert pump.drain_once() == 2
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PackEvent)) == 2
        packed = select(func.count()).select_from(StockMovement).where(StockMovement.reason == "packed")
        assert session.scalar(packed) == len(package.lines)
        keys = sorted(session.scalars(select(OutboxEntry.business_key)).all())
        assert keys == [f"{package.id}:packed", f"{package.id}:picking"]
        packed = session.get(PackageRow, package.id)
        assert packed.packed_at is not None and packed.claimed_by_station_id is None
        for line in package.lines:
            assert session.get(StockLevel, line.product_id).quantity == stock_before[line.product_id] - line.quantity


def test_second_completion_of_a_packed_parcel_is_an_exception_not_a_drop(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=5)
    package = _first_package(db)
    pump = JournalPump(Journal(tmp_path / "a.sqlite3"), db.sessions)
    pump._journal.append(_complete_op(package, station="st-a"))
    pump.drain_once()
    other = JournalPump(Journal(tmp_path / "b.sqlite3"), db.sessions)
    other._journal.append(_complete_op(package, station="st-b"))
    assert other.drain_once() == 1
    with db.sessions() as session:
        exceptions = session.scalars(select(PackException)).all()
    assert [e.kind for e in exceptions] == ["conflict"]
    assert "already packed" in exceptions[0].message


def test_pump_waits_out_an_unreachable_database_and_loses_nothing(tmp_path: Path) -> None:
    from packstation.db.engine import ConnectionLimits, create_db_engine, session_factory

    engine = create_db_engine("postgresql+psycopg2://u@127.0.0.1:9/none", limits=ConnectionLimits(connect_timeout_s=1))
    journal = Journal(tmp_path / "j.sqlite3")
    journal.append(Operation(body=Scanned(), station="s", occurred_at=datetime.now(UTC)))
    statuses = []
    seen = threading.Event()

    def on_status(status: object) -> None:
        statuses.append(status)
        seen.set()

    pump = JournalPump(journal, session_factory(engine), on_status=on_status, max_backoff_s=0.2)
    pump.start()
    assert seen.wait(10)
    pump.stop()
    assert statuses[0].online is False and statuses[0].pending == 1
    assert Journal(tmp_path / "j.sqlite3").stats().pending == 1


def test_claim_race_exactly_one_station_wins(db: Database) -> None:
    seed_demo_data(db.sessions, packages=3)
    package = _first_package(db)
    station_ids = [
        StationService(db.sessions, name=f"race-{i}", audit=AuditLog(db.sessions)).register() for i in range(8)
    ]
    results = []
    barrier = threading.Barrier(len(station_ids))

    def contend(station_id: int) -> None:
        barrier.wait()
        results.append(
            ClaimService(db.sessions, station_id=station_id, lease=timedelta(minutes=5)).claim(package.id, user_id=None)
        )

    threads = [threading.Thread(target=contend, args=(sid,)) for sid in station_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [r for r in results if r.won]
    assert len(winners) == 1
    losers = [r for r in results if not r.won]
    assert all(r.holder_station and r.holder_station.startswith("race-") for r in losers)


def test_expired_claim_can_be_taken_over(db: Database) -> None:
    seed_demo_data(db.sessions, packages=3)
    package = _first_package(db)
    crashed = StationService(db.sessions, name="crashed", audit=AuditLog(db.sessions)).register()
    healthy = StationService(db.sessions, name="healthy", audit=AuditLog(db.sessions)).register()
    assert (
        ClaimService(db.sessions, station_id=crashed, lease=timedelta(seconds=-1)).claim(package.id, user_id=None).won
    )
    result = ClaimService(db.sessions, station_id=healthy, lease=timedelta(minutes=5)).claim(package.id, user_id=None)
    assert result.won


def test_unique_op_ids() -> None:
    ops = {Operation(body=Scanned(), station="s", occurred_at=datetime.now(UTC)).op_id for _ in range(100)}
    assert len(ops) == 100 and all(isinstance(op, uuid.UUID) for op in ops)
