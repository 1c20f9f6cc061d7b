"""The station behind a real PgBouncer in transaction pooling: claim, pack, pump, leadership, offline replay.

PgBouncer (the Debian package ``pgbouncer``) is started by the test on a free port in front of the
suite's PostgreSQL with ``pool_mode = transaction`` and a server pool smaller than the clients, so
consecutive transactions of one client really land on different server connections.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.engine import ConnectionLimits, create_db_engine, session_factory
from packstation.db.local_server import LocalPostgres
from packstation.db.models.packages import PackageRow, PackEvent
from packstation.demo.data import seed_demo_data
from packstation.local_store.journal import Journal
from packstation.services.access.audit import AuditLog
from packstation.services.journal.pump import JournalPump
from packstation.services.packing.claims import ClaimService
from packstation.services.packing.offline_cache import OfflineCache
from packstation.services.packing.service import OpenOutcome, PackingService
from packstation.services.station.heartbeat import StationService
from packstation.services.sync.leadership import Leadership

PGBOUNCER = shutil.which("pgbouncer") or next(
    (p for p in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if os.path.exists(p)), None
)
pytestmark = pytest.mark.skipif(
    PGBOUNCER is None, reason="pgbouncer is not installed (Debian: apt-get install pgbouncer; ./dev test does it)"
)
POOLED = ConnectionLimits(
    connect_timeout_s=2, statement_timeout_ms=3000, tcp_user_timeout_ms=3000, transaction_pooling=True
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Bouncer:
    """A PgBouncer process the test can stop and start again on the same port."""

    folder: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [str(PGBOUNCER), str(self.folder / "pgbouncer.ini")]
        # PgBouncer refuses to run as root.
        user = ("postgres" if _user_exists("postgres") else "nobody") if os.geteuid() == 0 else None
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, user=user)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"pgbouncer exited: {self.process.stderr.read()!r}") from None  # type: ignore[union-attr]
                time.sleep(0.05)
        raise RuntimeError("pgbouncer did not listen in time")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # an outage, not a goodbye
            self.process.wait(timeout=10)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture(scope="module")
def bouncer(pg_server: LocalPostgres) -> Iterator[Bouncer]:
    # Not under pytest's folder: PgBouncer runs as another user, who must reach its files.
    folder = Path(tempfile.mkdtemp(prefix="packstation-pgbouncer-"))
    folder.chmod(0o777)
    port = _free_port()
    (folder / "userlist.txt").write_text('"postgres" ""\n', encoding="utf-8")
    (folder / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host=127.0.0.1 port={pg_server.port}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder / 'userlist.txt'}\n"
        "pool_mode = transaction\n"
        # Fewer server connections than clients: consecutive transactions change server connection.
        "default_pool_size = 2\nmax_client_conn = 200\n"
        f"logfile = {folder / 'pgbouncer.log'}\npidfile = {folder / 'pgbouncer.pid'}\n",
        encoding="utf-8",
    )
    for path in folder.iterdir():
        path.chmod(0o666)
    server = Bouncer(folder, port)
    server.start()
    yield server
    server.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pooled(bouncer: Bouncer, db_url: str) -> Iterator[Callable[[], Engine]]:
    """Engines on the test's database through the PgBouncer, as a station behind it makes them."""
    engines: list[Engine] = []

    def make() -> Engine:
        engine = create_db_engine(bouncer.url(make_url(db_url).database or ""), limits=POOLED, pool_size=2)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


def test_no_session_state_is_assumed_through_the_pooler(pooled: Callable[[], Engine]) -> None:
    engine = pooled()
    for _ in range(6):  # every transaction, whichever server connection it gets
        with engine.begin() as connection:
            assert connection.exec_driver_sql("SHOW statement_timeout").scalar_one() == "3s"
            assert connection.exec_driver_sql("SHOW timezone").scalar_one() == "UTC"
    started = time.monotonic()
    with pytest.raises(Exception, match="statement timeout"), engine.begin() as connection:
        connection.exec_driver_sql("SELECT pg_sleep(10)")
    assert time.monotonic() - started < 8


def test_leadership_through_the_pooler(pooled: Callable[[], Engine]) -> None:
    stations = [Leadership(pooled(), station=f"s{n}") for n in range(3)]
    try:
        assert [station.try_acquire() for station in stations] == [True, False, False]
        for _ in range(3):  # renewals land on other server connections: the leader stays the leader
            assert [station.try_acquire() for station in stations] == [True, False, False]
        stations[0].release()
        assert stations[1].try_acquire() and not stations[2].try_acquire()
    finally:
        for station in stations:
            station.release()


def test_claim_pack_pump_and_offline_replay_through_the_pooler(
    bouncer: Bouncer, pooled: Callable[[], Engine], db_url: str, tmp_path: Path
) -> None:
    direct = create_db_engine(db_url)
    direct_sessions = session_factory(direct)
    seed_demo_data(direct_sessions, packages=20, seed=5)
    sessions: sessionmaker[Session] = session_factory(pooled())
    station_id = StationService(sessions, name="bouncer-1", audit=AuditLog(sessions)).register()
    rival_id = StationService(sessions, name="bouncer-2", audit=AuditLog(sessions)).register()
    journal = Journal(tmp_path / "journal.sqlite3")
    cache = OfflineCache(tmp_path / "cache.sqlite3")
    cache.refresh(sessions)
    pump = JournalPump(journal, session_factory(pooled()), idle_interval_s=0.1, max_backoff_s=0.5)
    packing = PackingService(
        sessions,
        journal=journal,
        claims=ClaimService(sessions, station_id=station_id, lease=timedelta(minutes=5)),
        station="bouncer-1",
        clock=lambda: datetime.now(UTC),
        on_journaled=pump.wake,
        cache=cache,
    )
    rival = ClaimService(session_factory(pooled()), station_id=rival_id, lease=timedelta(minutes=5))
    with direct_sessions() as session:
        parcels = [
            (p.id, p.cargo_tracking_number or "", [line.barcode for line in p.lines for _ in range(line.quantity)])
            for p in session.scalars(select(PackageRow).order_by(PackageRow.id).limit(6)).all()
        ]
    pump.start()
    try:
        for index, (package_id, tracking, items) in enumerate(parcels):
            if index == 3:
                bouncer.stop()  # the pooler goes away: the station packs from its cache, the journal keeps it
            opened = packing.open(tracking, user_id=None)
            assert opened.outcome is OpenOutcome.OPENED, opened.message
            if index < 3:
                assert not rival.claim(package_id, user_id=None).won  # the claim holds across the pooler
            for code in items:
                packing.scan(code, user_id=None)
            assert packing.session is not None and packing.session.is_complete
        assert packing.offline and journal.stats().pending > 0
        bouncer.start()
        deadline = time.monotonic() + 60
        while journal.stats().pending and time.monotonic() < deadline:
            time.sleep(0.1)
        assert journal.stats().pending == 0, journal.stats()
    finally:
        pump.stop()
    ids = [package_id for package_id, _t, _i in parcels]
    with direct_sessions() as session:
        assert (
            session.scalar(select(func.count()).where(PackageRow.id.in_(ids), PackageRow.packed_at.is_not(None))) == 6
        )
        completes = session.scalar(
            select(func.count())
            .select_from(PackEvent)
            .where(PackEvent.kind == "complete", PackEvent.package_id.in_(ids))
        )
        assert completes == 6
        assert session.execute(text("SELECT count(*) FROM parcel_facts")).scalar_one() == 6
    direct.dispose()
