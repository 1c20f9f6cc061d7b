"""The warehouse around ``bench_stations``: PostgreSQL seeded with a million parcels, the marketplace's
parcels synced on top, packers, a TCP printer stand-in per station, three supervisor dashboards and a
sampler that watches PostgreSQL (connections, wait events, CPU, WAL) and the station processes (RSS).
"""

from __future__ import annotations

import os
import re
import selectors
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
import psycopg2

from packstation.db.local_server import LocalPostgres
from packstation.devices.printers.host_status import HOST_STATUS_QUERY, format_host_status

PACKAGES = 1_000_000

SEED_SQL = """
INSERT INTO client_companies (name) VALUES ('Bench Ayakkabı');
INSERT INTO marketplace_accounts (name, kind, seller_id, base_url, client_company_id)
VALUES ('bench', 'trendyol', '100200', 'http://127.0.0.1:9', 1);
INSERT INTO packages (id, account_id, external_id, order_number, status, cargo_tracking_number, packing_slip_code,
                      customer_name, address_line, district, city, order_date, raw)
SELECT g, 1, (4000000000 + g)::text, (9000000000 + g / 2)::text, 'Created', (7330000000000000 + g)::text,
       'PS:' || (4000000000 + g), 'Şükrü Gökçe ' || g, 'Atatürk Cad. No:' || (g % 200), 'Merkez', 'Iğdır',
       now() - interval '30 days' - (g % 1000) * interval '1 minute', '{{}}'::jsonb
FROM generate_series(1, {packages}) AS g;
INSERT INTO package_lines (package_id, external_line_id, barcode, product_name, colour, size, quantity)
SELECT g, g || '-1', 'SKU' || (g % 5000), 'Örgü Sneaker', 'Siyah', '39', 1 + g % 2
FROM generate_series(1, {packages}) AS g;
SELECT setval(pg_get_serial_sequence('packages', 'id'), {packages});
ANALYZE;
"""

#: The simulator's parcels a station packs: 3 to 6 units to scan (the issue's "3-6 item scans"), on a
#: carrier whose label the station prints itself, so the label figure is the station's own. Trendyol's
#: common label (carriers 733, 726) costs three marketplace calls first (Picking, create, read; see
#: services/outbox/picking_first.py) under limits that Trendyol counts per seller account, not per
#: station; the soak benchmark packs such parcels.
READY_PARCELS_SQL = """
SELECT p.cargo_tracking_number, p.external_id, array_agg(l.barcode ORDER BY l.id),
       array_agg(l.quantity ORDER BY l.id)
  FROM packages p JOIN package_lines l ON l.package_id = p.id
 WHERE p.id > %(seeded)s AND p.packed_at IS NULL AND p.status IN ('Created', 'Picking')
   AND p.cargo_tracking_number IS NOT NULL
   AND (NOT %(own_label)s OR left(p.cargo_tracking_number, 3) NOT IN ('733', '726'))
 GROUP BY p.id HAVING sum(l.quantity) BETWEEN %(low)s AND %(high)s ORDER BY p.id
"""


def admin(server: LocalPostgres) -> Any:
    """A psycopg2 connection as the superuser, autocommit."""
    connection = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=server.port)
    connection.autocommit = True
    return connection


def seed(server: LocalPostgres, packers: int, packages: int = PACKAGES) -> tuple[str, list[int]]:
    """Schema, ``packages`` parcels (a million) and ``packers`` users (one per station); the URL and the user ids."""
    from packstation.db.engine import create_db_engine, session_factory
    from packstation.db.migrate import upgrade
    from packstation.domain.status import Role
    from packstation.services.access.audit import AuditLog
    from packstation.services.access.users import Credentials, UserService

    url = server.url()
    engine = create_db_engine(url)
    upgrade(engine)
    connection = admin(server)
    with connection.cursor() as cursor:
        cursor.execute(SEED_SQL.format(packages=packages))
        # pg_stat_wal's write/sync times (where the WAL time goes) need this.
        cursor.execute("ALTER SYSTEM SET track_wal_io_timing = on")
        cursor.execute("SELECT pg_reload_conf()")
    connection.close()
    sessions = session_factory(engine)
    users = UserService(sessions, credentials=Credentials(sessions), audit=AuditLog(sessions))
    ids = [
        users.add_user(f"packer{n}", role=Role.PACKER, password="bench-password", full_name=f"Paketçi {n} Gökçe")
        for n in range(packers)
    ]
    engine.dispose()
    return url, ids


def allow_connections(server: LocalPostgres, needed: int) -> None:
    """Raise ``max_connections`` to ``needed`` (a restart) when the server's setting is lower.

    Eighty stations hold 240 connections: above the embedded server's 200, a step of ``--find-max``
    would fail on "too many clients" instead of on a goal.
    """
    connection = admin(server)
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        current = int(cursor.fetchone()[0])
        if current < needed:
            cursor.execute(f"ALTER SYSTEM SET max_connections = {int(needed)}")
    connection.close()
    if current < needed:
        server.stop()
        server.start()


def sync_marketplace(url: str, simulator: str) -> float:
    """Bring the simulator's parcels into PostgreSQL once, as the morning's first sync does; seconds taken."""
    from packstation.db.engine import create_db_engine, session_factory
    from packstation.services.marketplaces import TrendyolCredentials
    from packstation.services.marketplaces.trendyol.client import TrendyolClient
    from packstation.services.marketplaces.trendyol.config import TrendyolConfig
    from packstation.services.sync.pull import PackageSync

    started = time.perf_counter()
    engine = create_db_engine(url)
    client = TrendyolClient(
        TrendyolCredentials("100200", "sim-api-key", "sim-api-secret"), config=TrendyolConfig(base_url=simulator)
    )
    try:
        PackageSync(session_factory(engine)).sync_account(1, client)
    finally:
        client.close()
        engine.dispose()
    return time.perf_counter() - started


def ready_parcels(
    server: LocalPostgres, seeded: int = PACKAGES, *, units: tuple[int, int] = (3, 6), own_label_only: bool = True
) -> list[dict[str, Any]]:
    """Every synced parcel still to pack with ``units`` units: its tracking number and one scan per unit."""
    connection = admin(server)
    with connection.cursor() as cursor:
        cursor.execute(
            READY_PARCELS_SQL, {"seeded": seeded, "low": units[0], "high": units[1], "own_label": own_label_only}
        )
        rows = cursor.fetchall()
    connection.close()
    # A tracking number shared by two parcels (a split order) opens a choice, not a parcel: skip those.
    shared = Counter(row[0] for row in rows)
    return [
        {
            "tracking": tracking,
            "external_id": external_id,
            "scans": [code for code, count in zip(codes, counts, strict=True) for _ in range(count)],
        }
        for tracking, external_id, codes, counts in rows
        if shared[tracking] == 1
    ]


def add_badge_user(url: str, badge: str) -> int:
    """A packer who logs in with ``badge`` (the soak's station window asks for a login)."""
    from packstation.db.engine import create_db_engine, session_factory
    from packstation.domain.status import Role
    from packstation.services.access.audit import AuditLog
    from packstation.services.access.users import Credentials, UserService

    engine = create_db_engine(url)
    sessions = session_factory(engine)
    users = UserService(sessions, credentials=Credentials(sessions), audit=AuditLog(sessions))
    user_id = users.add_user("soak", role=Role.PACKER, password="bench-password", full_name="Şule Soak", badge=badge)
    engine.dispose()
    return user_id


def station_settings(brief: dict[str, Any]) -> Any:
    """The station's configuration file, as a warehouse would write it, and the settings read from it."""
    import tomli_w

    from packstation.config import load_settings

    folder = Path(brief["folder"])
    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "database": {"url": brief["url"]},
        "station": {"name": brief["name"], "data_dir": str(folder)},
        "printer": {"uri": brief["printer"]},
        "marketplaces": [
            {
                "name": "bench",
                "kind": "trendyol",
                "base_url": brief["simulator"],
                "seller_id": "100200",
                "client": "Bench Ayakkabı",
                "sync_interval_s": 15,
            }
        ],
    }
    path = folder / "config.toml"
    path.write_bytes(tomli_w.dumps(config).encode("utf-8"))
    return load_settings(path, environ={"XDG_CONFIG_HOME": str(folder)})


class PrinterSink:
    """TCP printers on loopback, one port per station; notes when each tracking number first arrives.

    The label (ours or the marketplace's) carries the tracking number in plain text, so the first
    appearance of it on the wire is the label's first byte, give or take the bytes before it in one
    ``send`` (the whole label goes in one).
    """

    TRACKING = re.compile(rb"\d{20}")

    def __init__(self, count: int) -> None:
        self._selector = selectors.DefaultSelector()
        self.uris: list[str] = []
        self.arrived: dict[str, float] = {}
        self._tails: dict[socket.socket, bytes] = {}
        self._stop = threading.Event()
        for _ in range(count):
            listener = socket.socket()
            listener.bind(("127.0.0.1", 0))
            listener.listen(8)
            listener.setblocking(False)
            self._selector.register(listener, selectors.EVENT_READ, "listener")
            self.uris.append(f"tcp://127.0.0.1:{listener.getsockname()[1]}")
        self._thread = threading.Thread(target=self._serve, name="printer-sink", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            for key, _mask in self._selector.select(timeout=0.2):
                sock = key.fileobj
                assert isinstance(sock, socket.socket)
                if key.data == "listener":
                    client, _address = sock.accept()
                    client.setblocking(False)
                    self._tails[client] = b""
                    self._selector.register(client, selectors.EVENT_READ, "client")
                    continue
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    self._selector.unregister(sock)
                    self._tails.pop(sock, None)
                    sock.close()
                    continue
                now = time.time()
                if HOST_STATUS_QUERY in data:  # the print queue asks a Zebra for its status: a ready one answers
                    sock.setblocking(True)
                    sock.sendall(format_host_status())
                    sock.setblocking(False)
                window = self._tails[sock] + data
                for match in self.TRACKING.finditer(window):
                    self.arrived.setdefault(match.group().decode(), now)
                self._tails[sock] = window[-24:]

    def close(self) -> None:
        """Stop serving and close every socket."""
        self._stop.set()
        self._thread.join(timeout=5)
        for key in list(self._selector.get_map().values()):
            key.fileobj.close()  # type: ignore[union-attr]
        self._selector.close()


def postgres_cpu_s(server: LocalPostgres) -> float:
    """CPU seconds PostgreSQL used so far: the postmaster, its live backends and the ones that exited."""
    pid = int((server.pgdata / "postmaster.pid").read_text().split()[0])
    master = psutil.Process(pid)
    times = master.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in master.children():
        try:
            child_times = child.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += child_times.user + child_times.system
    return total


@dataclass
class Sampler:
    """Once a second: client connections, what active backends wait on, the stations' RSS, the load average."""

    server: LocalPostgres
    pids: list[int]
    connections_max: int = 0
    waits: Counter[str] = field(default_factory=Counter)
    active_samples: int = 0
    rss_mb_max: float = 0.0
    # The machine's 1-minute load average at the last sample (runnable tasks and tasks waiting on the disk;
    # an average over the last minute, so read at the end of the window, past the stations' start-up).
    load_end: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Sample on a thread of its own until :meth:`stop`."""
        self._thread = threading.Thread(target=self._run, name="sampler", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        connection = admin(self.server)
        processes = [psutil.Process(pid) for pid in self.pids]
        with connection.cursor() as cursor:
            while not self._stop.wait(1.0):
                cursor.execute(
                    "SELECT state, coalesce(wait_event_type || ':' || wait_event, 'CPU') FROM pg_stat_activity"
                    " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                    " AND application_name LIKE 'packstation/bench-%%'"  # the stations', not the dashboards'
                )
                rows = cursor.fetchall()
                self.load_end = os.getloadavg()[0]
                self.connections_max = max(self.connections_max, len(rows))
                for state, wait in rows:
                    if state == "active":
                        self.waits[wait] += 1
                        self.active_samples += 1
                for process in processes:
                    try:
                        self.rss_mb_max = max(self.rss_mb_max, process.memory_info().rss / 2**20)
                    except psutil.NoSuchProcess:
                        continue
        connection.close()

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


def wal_stats(server: LocalPostgres) -> dict[str, float]:
    """pg_stat_wal and the commit count, to subtract a window's start from its end."""
    connection = admin(server)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w.wal_records, w.wal_bytes, w.wal_write, w.wal_sync, w.wal_write_time, w.wal_sync_time,"
            " (SELECT sum(xact_commit) FROM pg_stat_database) FROM pg_stat_wal w"
        )
        row = cursor.fetchone()
    connection.close()
    names = ("wal_records", "wal_bytes", "wal_write", "wal_sync", "wal_write_ms", "wal_sync_ms", "commits")
    return {name: float(value or 0) for name, value in zip(names, row, strict=True)}


def pump_lags(server: LocalPostgres, since: float) -> list[float]:
    """Seconds from each scan (its time on the station) to its row in PostgreSQL (the pump's transaction).

    ``recorded_at`` is the pump transaction's start, so the few milliseconds of that transaction itself
    are not included.
    """
    connection = admin(server)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT extract(epoch FROM recorded_at - occurred_at) FROM pack_events"
            " WHERE kind = 'scan' AND occurred_at >= to_timestamp(%s)",
            (since,),
        )
        lags = [max(0.0, float(lag)) for (lag,) in cursor.fetchall()]
    connection.close()
    return lags


class Dashboards:
    """Three supervisors' dashboards, each refreshing every 5 s on its own engine, as the screen does."""

    def __init__(self, url: str, count: int = 3, every_s: float = 5.0) -> None:
        self._url = url
        self._every = every_s
        self.samples: list[float] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, name=f"dashboard-{n}", daemon=True) for n in range(count)]

    def start(self) -> None:
        """Start refreshing."""
        for thread in self._threads:
            thread.start()

    def _run(self) -> None:
        from packstation.db.engine import create_db_engine, session_factory
        from packstation.services.reports.queries import ReportQueries

        engine = create_db_engine(self._url, application_name="packstation/dashboard", pool_size=1)
        queries = ReportQueries(session_factory(engine))
        try:
            while not self._stop.wait(self._every):
                started = time.perf_counter()
                try:
                    queries.dashboard(queries.today())
                except Exception as exc:  # a dashboard that fails is a finding, not the end of the run
                    self.errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                self.samples.append(time.perf_counter() - started)
        finally:
            engine.dispose()

    def stop(self) -> None:
        """Stop refreshing."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)
