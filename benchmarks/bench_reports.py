"""Dashboard and report queries over 10 million pack events: rollups against the raw events.

One throwaway PostgreSQL. 1.67 million parcels of six events each (open, four scans, complete; about
2 % wrong items and 1 % unknown barcodes) over the 90 local days up to today, from 80 packers at 40
stations for 10 clients on 20 marketplace accounts, are generated in SQL (``generate_series``) with
triggers and foreign keys off, then the rollups are built by ``pack_rollups_rebuild()``, the same
function a repair uses. Figures:

* the dashboard snapshot (``ReportQueries.dashboard``: total, timeline, per packer, per station,
  stations, sync, exceptions) for today, cycling through no filter, a client, a packer and a station,
  and for the last 7 days; from the rollups and, as the baseline, from the raw events;
* a month's report (the snapshot of 30 days plus the PDF) and the month's 3PL billing;
* replaying 10,000 journaled operations through ``JournalPump`` into the 10-million-event table with
  the rollup trigger, beside the same replay with the trigger disabled.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg2

from benchmarks.common import percentiles
from packstation.db.engine import create_db_engine, session_factory
from packstation.db.local_server import LocalPostgres
from packstation.db.migrate import upgrade
from packstation.domain.outcomes import ScanOutcome
from packstation.local_store.journal import Journal
from packstation.local_store.operations import Completed, Opened, Operation, OperationBody, Scanned
from packstation.services.access.audit import AuditLog
from packstation.services.journal.pump import JournalPump
from packstation.services.reports import FigureSource, ReportFilter, ReportQueries
from packstation.services.reports.billing import BillingPlans, BillingService, Plan, parse_tiers
from packstation.services.reports.model import DEFAULT_TIME_ZONE
from packstation.services.reports.pdf import write_throughput_pdf

# × 6 events = 10,000,002 pack events; BENCH_REPORTS_PARCELS=50000 makes a quick smoke run.
PARCELS = int(os.environ.get("BENCH_REPORTS_PARCELS", "1666667"))
EVENTS_PER_PARCEL = 6
DAYS = 90
PACKERS, STATIONS, CLIENTS, ACCOUNTS = 80, 40, 10, 20
RUNS_ROLLUP = 40
RUNS_RAW = 4
REPLAY_OPS = 10_000

SETUP_SQL = f"""
INSERT INTO client_companies (name) SELECT 'Müşteri ' || g FROM generate_series(1, {CLIENTS}) g;
INSERT INTO marketplace_accounts (name, kind, seller_id, base_url, client_company_id)
  SELECT 'hesap-' || g, (ARRAY['trendyol', 'hepsiburada', 'n11'])[1 + g % 3], g::text, 'http://x', 1 + g % {CLIENTS}
  FROM generate_series(1, {ACCOUNTS}) g;
INSERT INTO stations (name, last_heartbeat_at) SELECT 'İstasyon ' || g, now() FROM generate_series(1, {STATIONS}) g;
INSERT INTO users (username, full_name, role, password_hash)
  SELECT 'packer' || g, 'Paketçi Ş. ' || g, 'packer', 'x' FROM generate_series(1, {PACKERS}) g;
"""

# Parcel g completes at an evenly spread moment of the 90 days; packer and station follow from g.
PACKAGES_SQL = f"""
INSERT INTO packages (id, account_id, external_id, order_number, status, packed_at)
  SELECT g, 1 + g %% {ACCOUNTS}, 'EXT' || g, 'ORD' || g, 'Picking',
         %(start)s + (g::float8 / {PARCELS}) * interval '{DAYS} days'
  FROM generate_series(1, {PARCELS}) g
"""
EVENTS_SQL = f"""
INSERT INTO pack_events (op_id, package_id, station_id, user_id, kind, outcome, quantity, occurred_at)
SELECT gen_random_uuid(), p.id, 1 + (p.id % {PACKERS}) % {STATIONS}, 1 + p.id % {PACKERS},
       CASE s WHEN 0 THEN 'open' WHEN {EVENTS_PER_PARCEL - 1} THEN 'complete' ELSE 'scan' END,
       CASE WHEN s BETWEEN 1 AND {EVENTS_PER_PARCEL - 2} THEN
         CASE WHEN (p.id * 7 + s) % 50 = 0 THEN 'wrong_item' WHEN (p.id * 11 + s) % 97 = 0 THEN 'unknown_barcode'
              ELSE 'accepted' END END,
       CASE WHEN s BETWEEN 1 AND {EVENTS_PER_PARCEL - 2} THEN 1 ELSE 0 END,
       p.packed_at - ({EVENTS_PER_PARCEL - 1} - s) * (interval '15 seconds' + (p.id % 13) * interval '1 second')
FROM packages p CROSS JOIN generate_series(0, {EVENTS_PER_PARCEL - 1}) s
"""
EVENT_INDEXES = {
    "pk_pack_events": "ALTER TABLE pack_events ADD CONSTRAINT pk_pack_events PRIMARY KEY (op_id)",
    "ix_pack_events_occurred": "CREATE INDEX ix_pack_events_occurred ON pack_events (occurred_at)",
    "ix_pack_events_user_time": "CREATE INDEX ix_pack_events_user_time ON pack_events (user_id, occurred_at)",
    "ix_pack_events_station_time": "CREATE INDEX ix_pack_events_station_time ON pack_events (station_id, occurred_at)",
    "ix_pack_events_package": "CREATE INDEX ix_pack_events_package ON pack_events (package_id)",
}


def _generate(dsn: dict[str, Any], start: datetime) -> dict[str, float]:
    timings: dict[str, float] = {}
    connection = psycopg2.connect(**dsn)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'; SET work_mem = '256MB'")
        cursor.execute(SETUP_SQL)
        # Bulk load: no FK checks, no per-statement rollup (rebuilt below), indexes built after.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("ALTER TABLE pack_events DROP CONSTRAINT pk_pack_events")
        for name in list(EVENT_INDEXES)[1:]:
            cursor.execute(f"DROP INDEX {name}")
        began = time.perf_counter()
        cursor.execute(PACKAGES_SQL, {"start": start})
        cursor.execute("SELECT setval('packages_id_seq', (SELECT max(id) FROM packages))")
        cursor.execute(EVENTS_SQL)
        timings["insert_s"] = time.perf_counter() - began
        began = time.perf_counter()
        for statement in EVENT_INDEXES.values():
            cursor.execute(statement)
        timings["index_s"] = time.perf_counter() - began
        cursor.execute("SET session_replication_role = origin")
        began = time.perf_counter()
        cursor.execute("SELECT pack_rollups_rebuild()")
        timings["rollup_rebuild_s"] = time.perf_counter() - began
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM pack_events")
        timings["events"] = float(cursor.fetchone()[0])
        cursor.execute("SELECT count(*), (SELECT count(*) FROM parcel_facts) FROM pack_hourly")
        hourly, facts = cursor.fetchone()
        timings["pack_hourly_rows"], timings["parcel_facts_rows"] = float(hourly), float(facts)
    connection.close()
    return {k: round(v, 2) for k, v in timings.items()}


def _time(work: Any, runs: int) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        samples.append(time.perf_counter() - began)
    return percentiles(samples)


def _replay(sessions: Any, dsn: dict[str, Any], folder: Path, *, trigger: bool, first_package: int) -> float:
    """Journal REPLAY_OPS operations (open, 4 scans, complete per parcel) and time the pump draining them."""
    connection = psycopg2.connect(**dsn)
    connection.autocommit = True
    parcels = REPLAY_OPS // EVENTS_PER_PARCEL + 1
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO packages (id, account_id, external_id, order_number, status)"
            " SELECT g, 1 + g %% %s, 'R' || g, 'R' || g, 'Picking' FROM generate_series(%s, %s) g",
            (ACCOUNTS, first_package, first_package + parcels - 1),
        )
        cursor.execute(f"ALTER TABLE pack_events {'ENABLE' if trigger else 'DISABLE'} TRIGGER pack_events_rollup")
    journal = Journal(folder / f"replay-{trigger}.sqlite3")
    now = datetime.now(UTC)
    ops = []
    for index in range(REPLAY_OPS):
        parcel, step = divmod(index, EVENTS_PER_PARCEL)
        scan = Scanned(outcome=ScanOutcome.ACCEPTED, units=1, code="8690000000000")
        body: OperationBody = {0: Opened(), EVENTS_PER_PARCEL - 1: Completed()}.get(step, scan)
        ops.append(
            Operation(
                body=body,
                station="İstasyon 1",
                occurred_at=now + timedelta(seconds=index),
                package_id=first_package + parcel,
                user_id=1,
            )
        )
    journal.append_many(ops)
    pump = JournalPump(journal, sessions, batch_size=500)
    began = time.perf_counter()
    while pump.drain_once():
        pass
    elapsed = time.perf_counter() - began
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE pack_events ENABLE TRIGGER pack_events_rollup")
    connection.close()
    journal.close()
    return round(elapsed, 3)


def run() -> dict[str, object]:
    """Generate 10M events, then time the dashboard, the month report, billing and a pump replay."""
    server = LocalPostgres()
    server.init()
    server.start()
    folder = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    results: dict[str, object] = {}
    try:
        dsn = {"dbname": "postgres", "user": "postgres", "host": "127.0.0.1", "port": server.port}
        engine = create_db_engine(server.url(), application_name="bench-reports")
        upgrade(engine)
        tz = DEFAULT_TIME_ZONE
        today = datetime.now(tz).date()
        start = datetime.combine(today - timedelta(days=DAYS - 1), datetime.min.time(), tzinfo=tz)
        results["generate"] = _generate(dsn, start)
        sessions = session_factory(engine)
        rollup = ReportQueries(sessions, tz=tz)
        raw = ReportQueries(sessions, tz=tz, source=FigureSource.RAW)
        day_filters = [
            ReportFilter(today, today),
            ReportFilter(today, today, client_company_id=3),
            ReportFilter(today, today, user_id=17),
            ReportFilter(today, today, station_id=5, marketplace="trendyol"),
        ]
        week = ReportFilter(today - timedelta(days=6), today)
        month = ReportFilter(today - timedelta(days=29), today)
        assert rollup.dashboard(day_filters[0]).total == raw.dashboard(day_filters[0]).total, "rollup != raw"
        cycle = iter(range(10**9))

        def dashboard_today(queries: ReportQueries) -> None:
            queries.dashboard(day_filters[next(cycle) % len(day_filters)])

        results["dashboard_today"] = {
            "rollup": _time(lambda: dashboard_today(rollup), RUNS_ROLLUP),
            "baseline_raw": _time(lambda: dashboard_today(raw), RUNS_RAW),
        }
        # The raw baseline over 7 and 30 days takes minutes at this size: measured only for today.
        results["dashboard_7_days"] = {"rollup": _time(lambda: rollup.dashboard(week), RUNS_ROLLUP // 2)}

        def month_report(queries: ReportQueries) -> None:
            write_throughput_pdf(folder / "month.pdf", queries.dashboard(month), scope="all")

        results["month_report_pdf"] = {"rollup": _time(lambda: month_report(rollup), 5)}
        plans = BillingPlans(sessions, audit=AuditLog(sessions))
        plans.set_from_command_line(Plan(tiers=parse_tiers("100:5,250:4.5,500:4,750:3.5,1000:3,*:2.5")))
        billing = BillingService(sessions, plans=plans, tz=tz)
        period = f"{today:%Y-%m}"
        results["billing_month"] = _time(lambda: billing.invoice(period), 5)
        first = 10_000_000
        results["pump_replay_10000_ops_s"] = {
            "with_rollup_trigger": _replay(sessions, dsn, folder, trigger=True, first_package=first),
            "baseline_without_trigger": _replay(sessions, dsn, folder, trigger=False, first_package=first + 10_000),
        }
        engine.dispose()
    finally:
        server.destroy()
    entry = results["dashboard_today"]
    assert isinstance(entry, dict)
    entry["speedup_p50"] = round(entry["baseline_raw"]["p50_ms"] / max(entry["rollup"]["p50_ms"], 0.001), 1)
    return results
