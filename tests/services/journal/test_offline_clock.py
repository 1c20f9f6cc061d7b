"""A wall-clock step of -10 or +10 minutes while a station packs offline (the database is down).

Offline there is no PostgreSQL clock to lean on: the parcel is opened from the offline cache, held by
the station's own offline claim, and every operation is timed by the station clock alone. The step
must not reorder the journal, run recorded times backwards, or stretch or shrink the parcel's packing
time; once the database is back the pump uploads it all, in order, with those times.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.local_server import LocalPostgres
from packstation.db.models.packages import PackageRow, PackEvent
from packstation.domain.outcomes import ScanOutcome
from packstation.local_store.journal import Journal
from packstation.services.access.audit import AuditLog
from packstation.services.journal.pump import JournalPump
from packstation.services.packing.claims import ClaimService
from packstation.services.packing.offline_cache import OfflineCache
from packstation.services.packing.service import OpenOutcome, PackingService
from packstation.services.station.clock import MAX_SLEW, StationClock
from packstation.services.station.heartbeat import StationService
from tests.support.machine_clock import Machine

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("step", [timedelta(minutes=-10), timedelta(minutes=10)])
def test_a_step_while_packing_offline_keeps_order_times_and_durations(
    outage_server: LocalPostgres, outage_sessions: sessionmaker[Session], tmp_path: Path, step: timedelta
) -> None:
    station_id = StationService(outage_sessions, name="st-offline-clock", audit=AuditLog(outage_sessions)).register()
    cache = OfflineCache(tmp_path / "cache.sqlite3")
    cache.refresh(outage_sessions)
    journal = Journal(tmp_path / "journal.sqlite3")
    machine = Machine()
    packing = PackingService(
        outage_sessions,
        journal=journal,
        claims=ClaimService(outage_sessions, station_id=station_id, lease=timedelta(minutes=5)),
        station="st-offline-clock",
        clock=StationClock(wall=machine.wall, monotonic=machine.monotonic),
        cache=cache,
    )
    with outage_sessions() as session:
        packages = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(2)).all()
        work = [
            (p.id, p.cargo_tracking_number or "", [ln.barcode for ln in p.lines for _ in range(ln.quantity)])
            for p in packages
        ]

    outage_server.stop("immediate")
    real_seconds = []
    for number, (_package_id, tracking, items) in enumerate(work):
        started = machine.mono
        opened = packing.open(tracking, user_id=None)
        assert opened.outcome is OpenOutcome.OPENED, opened.message
        assert packing.offline, "the parcel must have been opened from the offline cache"
        for index, code in enumerate(items):
            machine.advance(3)
            if number == 0 and index == 0:
                machine.offset = step  # NTP steps the wall clock mid-parcel, mid-claim
            result = packing.scan(code, user_id=None)
            assert result.outcome is ScanOutcome.ACCEPTED, result.message
        assert packing.session is not None and packing.session.is_complete
        real_seconds.append(machine.mono - started)
        machine.advance(5)

    ops = journal.pending()  # journal (sequence) order
    times = [op.occurred_at for op in ops]
    assert [op.kind.value for op in ops].count("complete") == len(work)
    assert all(later >= earlier for earlier, later in itertools.pairwise(times)), "times never run backwards"

    outage_server.start()
    JournalPump(journal, outage_sessions).drain_once()
    assert not journal.stats().pending
    with outage_sessions() as session:
        for (package_id, _tracking, _items), real in zip(work, real_seconds, strict=True):
            events = session.execute(
                select(PackEvent.kind, PackEvent.occurred_at)
                .where(PackEvent.package_id == package_id)
                .order_by(PackEvent.occurred_at)
            ).all()
            kinds = [kind for kind, _at in events]
            assert kinds[0] == "open" and kinds[-1] == "complete", kinds
            recorded = (events[-1][1] - events[0][1]).total_seconds()
            assert real * (1 - MAX_SLEW) - 0.01 <= recorded <= real * (1 + MAX_SLEW) + 0.01, (
                f"{recorded} s recorded for {real} s of packing"
            )
            packed = session.get(PackageRow, package_id)
            assert packed is not None and packed.packed_at == events[-1][1]
