"""A PostgreSQL server of the test's own, which the test stops and starts (the outage)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.engine import ConnectionLimits, create_db_engine, session_factory
from packstation.db.local_server import LocalPostgres
from packstation.db.migrate import upgrade
from packstation.demo.data import seed_demo_data
from packstation.local_store.journal import Journal
from packstation.services.access.audit import AuditLog
from packstation.services.journal.pump import JournalPump
from packstation.services.packing.claims import ClaimService
from packstation.services.packing.offline_cache import OfflineCache
from packstation.services.packing.service import PackingService
from packstation.services.station.heartbeat import StationService

LIMITS = ConnectionLimits(connect_timeout_s=2, statement_timeout_ms=5000, tcp_user_timeout_ms=3000)


@dataclass
class StationRig:
    """One station: packing service with its journal, cache and pump."""

    name: str
    journal: Journal
    cache: OfflineCache
    pump: JournalPump
    packing: PackingService


@pytest.fixture
def outage_server() -> Iterator[LocalPostgres]:
    """A durable server (fsync on: an immediate stop must not lose committed rows)."""
    server = LocalPostgres(Path(tempfile.mkdtemp(prefix="packstation-outage-")), durable=True)
    server.init()
    server.start()
    yield server
    server.destroy()


@pytest.fixture
def outage_sessions(outage_server: LocalPostgres) -> Iterator[sessionmaker[Session]]:
    engine = create_db_engine(outage_server.url(), limits=LIMITS)
    upgrade(engine)
    sessions = session_factory(engine)
    seed_demo_data(sessions, packages=320, seed=11)  # test_station_faults packs 300
    yield sessions
    engine.dispose()


@pytest.fixture
def make_station(outage_sessions: sessionmaker[Session], tmp_path: Path) -> Iterator[Callable[[str], StationRig]]:
    rigs: list[StationRig] = []

    def make(name: str) -> StationRig:
        station_id = StationService(outage_sessions, name=name, audit=AuditLog(outage_sessions)).register()
        journal = Journal(tmp_path / name / "journal.sqlite3")
        cache = OfflineCache(tmp_path / name / "cache.sqlite3")
        cache.refresh(outage_sessions)
        pump = JournalPump(journal, outage_sessions, idle_interval_s=0.1, max_backoff_s=0.5)
        packing = PackingService(
            outage_sessions,
            journal=journal,
            claims=ClaimService(outage_sessions, station_id=station_id, lease=timedelta(minutes=5)),
            station=name,
            clock=lambda: datetime.now(UTC),
            on_journaled=pump.wake,
            cache=cache,
        )
        rig = StationRig(name, journal, cache, pump, packing)
        rigs.append(rig)
        return rig

    yield make
    for rig in rigs:
        rig.pump.stop()
