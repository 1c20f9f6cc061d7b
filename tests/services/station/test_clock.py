"""A wall-clock step of -10 or +10 minutes during a claim and during packing: leases hold (PostgreSQL's
clock), journal order holds (a sequence), and the times a station records stay in order and keep true
durations (the station clock slews instead of stepping)."""

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from packstation.db.connect import Database
from packstation.db.models.packages import PackageRow, PackEvent
from packstation.demo.data import seed_demo_data
from packstation.local_store.journal import Journal
from packstation.services.access.audit import AuditLog
from packstation.services.journal.pump import JournalPump
from packstation.services.packing.claims import ClaimService
from packstation.services.packing.service import PackingService
from packstation.services.station.clock import MAX_SLEW, StationClock
from packstation.services.station.heartbeat import StationService
from tests.support.machine_clock import Machine


@pytest.mark.parametrize("step", [timedelta(minutes=-10), timedelta(minutes=10)])
def test_a_step_neither_reverses_nor_jumps_the_station_clock_and_it_catches_up(step: timedelta) -> None:
    machine = Machine()
    clock = StationClock(wall=machine.wall, monotonic=machine.monotonic)
    before = clock()
    machine.advance(5)
    machine.offset = step  # NTP steps the wall clock
    after = clock()
    assert timedelta(seconds=5 * (1 - MAX_SLEW)) <= after - before <= timedelta(seconds=5 * (1 + MAX_SLEW))
    times = [after]
    for _ in range(200):
        machine.advance(60)
        times.append(clock())
    assert all(later > earlier for earlier, later in itertools.pairwise(times)), "strictly in order"
    assert abs((times[-1] - machine.wall()).total_seconds()) < 1, "caught up with the corrected wall clock"


@pytest.mark.parametrize("step", [timedelta(minutes=-10), timedelta(minutes=10)])
def test_a_step_during_a_claim_and_a_parcel_keeps_the_lease_the_order_and_the_times(
    db: Database, tmp_path: Path, step: timedelta
) -> None:
    seed_demo_data(db.sessions, packages=2)
    station_id = StationService(db.sessions, name="st-clock", audit=AuditLog(db.sessions)).register()
    machine = Machine()
    journal = Journal(tmp_path / "journal.sqlite3")
    packing = PackingService(
        db.sessions,
        journal=journal,
        claims=ClaimService(db.sessions, station_id=station_id, lease=timedelta(minutes=5)),
        station="st-clock",
        clock=StationClock(wall=machine.wall, monotonic=machine.monotonic),
    )
    with db.sessions() as session:
        package = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(1)).one()
        codes = [line.barcode for line in package.lines for _ in range(line.quantity)]
    packing.open_package(package.id, user_id=None)
    machine.advance(10)
    machine.offset = step  # mid-claim, mid-parcel
    with db.sessions() as session:
        held = session.get(PackageRow, package.id)
        assert held is not None and held.claimed_by_station_id == station_id, "the lease runs on PostgreSQL's clock"
    for code in codes:
        machine.advance(3)
        packing.scan(code, user_id=None)
    assert packing.session is not None and packing.session.is_complete
    ops = journal.pending()  # in journal (sequence) order
    kinds = [op.kind.value for op in ops]
    times = [op.occurred_at for op in ops]
    assert kinds[0] == "open" and kinds[-1] == "complete", "journal order kept"
    assert times == sorted(times), "recorded times never run backwards"
    JournalPump(journal, db.sessions).drain_once()
    with db.sessions() as session:
        stored = session.scalar(select(func.count()).where(PackEvent.package_id == package.id))
        packed = session.get(PackageRow, package.id)
        packed_at = packed.packed_at if packed is not None else None
    assert stored == len(ops)
    duration = (times[-1] - times[0]).total_seconds()
    real = 10 + 3 * len(codes)
    assert real * (1 - MAX_SLEW) - 0.01 <= duration <= real * (1 + MAX_SLEW) + 0.01, (
        f"{duration} s recorded for {real} s"
    )
    assert packed_at == times[-1]
