"""Offline catch-up and the cost of durability.

- Replay 10,000 journaled operations (scans and completions of real parcels) into PostgreSQL:
  goal at most 3 s. Baseline in the same run: the same rows with one INSERT and commit each.
- Journaling added to a scan (durable SQLite append, synchronous=FULL): goal p99 at most 5 ms,
  reported beside the engine's own scan time.
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg2
from sqlalchemy import select

from benchmarks.common import percentiles
from packstation.db.engine import create_db_engine, session_factory
from packstation.db.local_server import LocalPostgres
from packstation.db.migrate import upgrade
from packstation.db.models.packages import PackageRow
from packstation.demo.data import seed_demo_data
from packstation.domain.outcomes import ScanOutcome
from packstation.domain.package import Package, PackageLine
from packstation.domain.packing import PackSession
from packstation.local_store.journal import Journal
from packstation.local_store.operations import Completed, Opened, Operation, PackedLine, Scanned
from packstation.services.journal.pump import JournalPump

OPERATIONS = 10_000


def _operations(parcels: list[PackageRow]) -> list[Operation]:
    ops: list[Operation] = []
    now = datetime.now(UTC)
    for parcel in parcels:
        ops.append(Operation(body=Opened(), station="bench", occurred_at=now, package_id=parcel.id))
        for line in parcel.lines:
            for _ in range(line.quantity):
                ops.append(
                    Operation(
                        body=Scanned(outcome=ScanOutcome.ACCEPTED, code=line.barcode, units=1, line_db_id=line.id),
                        station="bench",
                        occurred_at=now,
                        package_id=parcel.id,
                    )
                )
        ops.append(
            Operation(
                body=Completed(
                    lines=tuple(
                        PackedLine(line_id=ln.external_line_id, product_id=ln.product_id, units=ln.quantity)
                        for ln in parcel.lines
                    )
                ),
                station="bench",
                occurred_at=now,
                package_id=parcel.id,
            )
        )
        if len(ops) >= OPERATIONS:
            break
    return ops[:OPERATIONS]


def _replay(server: LocalPostgres, folder: Path) -> dict[str, object]:
    admin = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=server.port)
    admin.autocommit = True
    results: dict[str, object] = {}
    for name in ("pump", "naive"):
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        engine = create_db_engine(server.url(name))
        upgrade(engine)
        sessions = session_factory(engine)
        seed_demo_data(sessions, packages=4000, seed=3)
        with sessions() as session:
            parcels = list(session.scalars(select(PackageRow).order_by(PackageRow.id)).all())
            for parcel in parcels:
                _ = parcel.lines
        ops = _operations(parcels)
        journal = Journal(folder / f"{name}.sqlite3")
        journal.append_many(ops)
        pump = JournalPump(journal, sessions, batch_size=1000)
        started = time.perf_counter()
        if name == "pump":
            while pump.drain_once():
                pass
        else:  # one transaction per operation, as a naive uploader does
            for op in journal.pending(limit=OPERATIONS):
                with sessions.begin() as session:
                    pump._applier.apply(session, op)
                journal.acknowledge([op.op_id])
        results[name] = {"operations": len(ops), "seconds": round(time.perf_counter() - started, 3)}
        engine.dispose()
    admin.close()
    pump_s = results["pump"]["seconds"]  # type: ignore[index]
    naive_s = results["naive"]["seconds"]  # type: ignore[index]
    return {
        "goal": "10,000 operations in at most 3 s",
        **results,
        "speedup_vs_naive": round(naive_s / pump_s, 1),
        "met": pump_s <= 3.0,
    }


def _journaling(folder: Path) -> dict[str, object]:
    package = Package("P1", tuple(PackageLine(f"L{i}", f"86900000{i:04d}", 1000) for i in range(3)))
    session = PackSession(package)
    journal = Journal(folder / "latency.sqlite3")
    engine_samples, journal_samples = [], []
    for index in range(2000):
        started = time.perf_counter()
        result = session.scan(f"86900000{index % 3:04d}", at=datetime.now(UTC))
        scanned = time.perf_counter()
        journal.append(
            Operation(
                body=Scanned.of(result, line_db_id=None),
                station="bench",
                occurred_at=datetime.now(UTC),
                package_id=1,
            )
        )
        journal_samples.append(time.perf_counter() - scanned)
        engine_samples.append(scanned - started)
    journaling = percentiles(journal_samples)
    return {
        "goal": "journaling adds at most 5 ms p99 to a scan",
        "journal_append": journaling,
        "engine_scan_alone": percentiles(engine_samples),
        "met": journaling["p99_ms"] <= 5.0,
    }


def run() -> dict[str, object]:
    """Both measurements on a throwaway server and a local journal."""
    with tempfile.TemporaryDirectory() as folder:
        server = LocalPostgres(Path(folder) / "pg", durable=True)
        server.init()
        server.start()
        try:
            return {"replay": _replay(server, Path(folder)), "journaling": _journaling(Path(folder))}
        finally:
            server.destroy()
