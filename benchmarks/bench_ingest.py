"""Ingest benchmark, HTTP + parse part: pull 50,000 packages (~3 lines each) from the simulator.

The simulator runs as a separate process (its CLI), so this process's timings and tracemalloc figures
are the client's alone. Two passes over the Trendyol stream endpoint at zero latency:

1. throughput: packages/second pulled and parsed into ``RemotePackage`` values;
2. memory: tracemalloc peak growth while streaming 2,000 and 10,000 packages (equal peaks: pages are
   streamed, not accumulated), against the memory the packages take when kept (sampled and scaled).

3. end to end into PostgreSQL: ``PackageSync`` ingests all 50,000 packages (HTTP, parsing, products,
   upserts with the raw payload) into an empty database; packages/second, and two ratios from the same
   run: against PostgreSQL ``COPY`` of the same package and line rows (the physical limit: no HTTP, no
   parsing, no conflict handling), and against a naive ORM ingest (one ``merge()`` per package and line,
   a commit per package) measured on the first 2,000 packages and scaled. RSS is sampled during the
   sync to show memory stays flat.
"""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from benchmarks.common import start_simulator
from packstation.services.marketplaces import (
    ListingMode,
    PackageQuery,
    RateLimit,
    TrendyolClient,
    TrendyolConfig,
    TrendyolCredentials,
)
from packstation.services.marketplaces.trendyol.config import TrendyolLimits

PACKAGES = 50_000
PAGE_SIZE = 200
SEED = 42
SAMPLE = 2_000
MEMORY_SHORT = 2_000
MEMORY_LONG = 10_000


def _start_simulator() -> tuple[subprocess.Popen[str], str]:
    return start_simulator(seed=SEED, packages=PACKAGES)


def _client(base_url: str) -> TrendyolClient:
    unlimited = TrendyolLimits(**{name: RateLimit(1_000_000, 1.0) for name in TrendyolLimits.__dataclass_fields__})
    config = TrendyolConfig(base_url=base_url, page_size=PAGE_SIZE, listing_mode=ListingMode.STREAM, limits=unlimited)
    return TrendyolClient(TrendyolCredentials("100200", "sim-api-key", "sim-api-secret"), config=config)


def _stream(client: TrendyolClient, limit: int | None = None) -> tuple[int, int, int]:
    packages = lines = pages = 0
    for page in client.iter_package_pages(PackageQuery()):
        pages += 1
        packages += len(page.packages)
        lines += sum(len(package.lines) for package in page.packages)
        if limit is not None and packages >= limit:
            break
    return packages, lines, pages


def _streamed_peak(client: TrendyolClient, limit: int) -> int:
    """tracemalloc peak growth (bytes) while streaming ``limit`` packages."""
    tracemalloc.reset_peak()
    baseline = tracemalloc.get_traced_memory()[0]
    _stream(client, limit)
    return tracemalloc.get_traced_memory()[1] - baseline


def run() -> dict[str, Any]:
    """Both parts: the client alone, then end to end into PostgreSQL."""
    return {"client": run_client(), "postgres": run_postgres()}


def run_client() -> dict[str, Any]:
    """The client alone: pull and parse throughput, streamed memory (seconds, bytes, packages/second)."""
    process, base_url = _start_simulator()
    try:
        with _client(base_url) as client:
            started = time.perf_counter()
            packages, lines, pages = _stream(client)
            seconds = time.perf_counter() - started

            # tracemalloc slows allocation-heavy code ~3x, so it watches a shorter run at two lengths:
            # if pages are streamed, the peak does not grow with the number of packages.
            tracemalloc.start()
            short_peak = _streamed_peak(client, MEMORY_SHORT)
            long_peak = _streamed_peak(client, MEMORY_LONG)
            tracemalloc.reset_peak()
            before_sample = tracemalloc.get_traced_memory()[0]
            kept = []
            for package in client.iter_packages(PackageQuery(page_size=PAGE_SIZE)):
                kept.append(package)
                if len(kept) == SAMPLE:
                    break
            per_package = (tracemalloc.get_traced_memory()[0] - before_sample) / SAMPLE
            del kept
            tracemalloc.stop()
    finally:
        process.terminate()
        process.wait(timeout=10)
    accumulated = per_package * MEMORY_LONG
    return {
        "packages": packages,
        "lines": lines,
        "pages": pages,
        "seconds": round(seconds, 2),
        "packages_per_second": round(packages / seconds),
        f"streamed_peak_growth_mb_{MEMORY_SHORT}": round(short_peak / 2**20, 1),
        f"streamed_peak_growth_mb_{MEMORY_LONG}": round(long_peak / 2**20, 1),
        "kept_bytes_per_package": round(per_package),
        f"accumulated_estimate_mb_{MEMORY_LONG}": round(accumulated / 2**20, 1),
        "streamed_vs_accumulated": round(long_peak / accumulated, 3),
        "accumulated_estimate_mb_all": round(per_package * packages / 2**20, 1),
    }


# -- end to end into PostgreSQL ---------------------------------------------------------------------

NAIVE_SAMPLE = 2_000


def _rss_mb() -> float:
    """Resident memory of this process (Linux ``/proc``), in MB."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _account(sessions: Any) -> int:
    from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow

    with sessions.begin() as session:
        company = ClientCompany(name="Bench")
        session.add(company)
        session.flush()
        account = MarketplaceAccountRow(
            name="bench", kind="trendyol", seller_id="100200", base_url="http://127.0.0.1", client_company_id=company.id
        )
        session.add(account)
        session.flush()
        return int(account.id)


def _sync(sessions: Any, base_url: str) -> dict[str, Any]:
    from datetime import timedelta

    from packstation.services.sync.pull import PackageSync, SyncSettings

    account_id = _account(sessions)
    samples: list[float] = []
    sync = PackageSync(sessions, settings=SyncSettings(first_sync_lookback=timedelta(days=13)))
    with _client(base_url) as client:
        started = time.perf_counter()
        result = sync.sync_account(account_id, client, on_page=lambda pages, _n: samples.append(_rss_mb()))
        seconds = time.perf_counter() - started
    tenth = samples[len(samples) // 10]
    return {
        "packages": result.new,
        "seconds": round(seconds, 2),
        "packages_per_second": round(result.new / seconds),
        "rss_mb_at_10pct": round(tenth, 1),
        "rss_mb_at_end": round(samples[-1], 1),
    }


def _copy_rows(base_url: str) -> tuple[io.StringIO, io.StringIO, int]:
    """The package and line rows the sync writes, as COPY text (built before the clock starts)."""
    from packstation.services.sync.rows import json_text, line_row, package_row

    packages, lines = io.StringIO(), io.StringIO()
    package_columns = list(package_row(1, _sample_package(base_url)))
    count = 0

    def text(value: Any) -> str:
        if value is None:
            return "\\N"
        if isinstance(value, dict):
            value = json_text(value)
        return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")

    with _client(base_url) as client:
        for page in client.iter_package_pages(PackageQuery()):
            for package in page.packages:
                count += 1
                row = package_row(1, package)
                packages.write("\t".join([str(count)] + [text(row[c]) for c in package_columns]) + "\n")
                for line in package.lines:
                    values = line_row(count, line, None)
                    lines.write("\t".join(text(v) for v in values.values()) + "\n")
    packages.seek(0)
    lines.seek(0)
    return packages, lines, count


def _sample_package(base_url: str) -> Any:
    with _client(base_url) as client:
        return next(iter(client.iter_packages(PackageQuery(page_size=1))))


def _copy(url: str, base_url: str) -> dict[str, Any]:
    import psycopg2

    from packstation.services.sync.rows import line_row, package_row

    packages, lines, count = _copy_rows(base_url)
    sample = _sample_package(base_url)
    package_columns = ["id", *package_row(1, sample)]
    line_columns = list(line_row(1, sample.lines[0], None))
    connection = psycopg2.connect(url.replace("postgresql+psycopg2", "postgresql"))
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO client_companies (id, name) VALUES (1, 'Bench');"
                "INSERT INTO marketplace_accounts (id, name, kind, seller_id, base_url, client_company_id) "
                "VALUES (1, 'bench', 'trendyol', '100200', 'http://127.0.0.1', 1)"
            )
        connection.commit()
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.copy_expert(f"COPY packages ({', '.join(package_columns)}) FROM STDIN", packages)
            cursor.copy_expert(f"COPY package_lines ({', '.join(line_columns)}) FROM STDIN", lines)
        connection.commit()
        seconds = time.perf_counter() - started
    finally:
        connection.close()
    return {"packages": count, "seconds": round(seconds, 2), "packages_per_second": round(count / seconds)}


def _naive(sessions: Any, base_url: str) -> dict[str, Any]:
    from sqlalchemy import select

    from packstation.db.models.packages import PackageLineRow, PackageRow
    from packstation.services.sync.rows import jsonable, line_row, package_row

    account_id = _account(sessions)
    done = 0
    with _client(base_url) as client:
        started = time.perf_counter()
        for package in client.iter_packages(PackageQuery(page_size=PAGE_SIZE)):
            with sessions() as session:
                existing = session.scalar(
                    select(PackageRow.id).where(
                        PackageRow.account_id == account_id, PackageRow.external_id == package.package_id
                    )
                )
                row = package_row(account_id, package)
                row["raw"] = jsonable(row["raw"])
                stored = session.merge(PackageRow(id=existing, **row))
                session.flush()
                for line in package.lines:
                    session.merge(PackageLineRow(**line_row(stored.id, line, None)))
                session.commit()
            done += 1
            if done == NAIVE_SAMPLE:
                break
        seconds = time.perf_counter() - started
    return {
        "packages": done,
        "seconds": round(seconds, 2),
        "packages_per_second": round(done / seconds, 1),
        "note": f"measured on the first {NAIVE_SAMPLE} packages; throughput scales linearly",
    }


def run_postgres() -> dict[str, Any]:
    """Sync, COPY and the naive ORM ingest, each into its own empty database of one durable server."""
    import psycopg2

    from packstation.db.engine import create_db_engine, session_factory
    from packstation.db.local_server import LocalPostgres
    from packstation.db.migrate import upgrade

    process, base_url = _start_simulator()
    with tempfile.TemporaryDirectory() as folder:
        server = LocalPostgres(Path(folder) / "pg", durable=True)
        server.init()
        server.start()
        try:
            admin = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=server.port)
            admin.autocommit = True
            figures: dict[str, Any] = {}
            for name in ("sync", "copy", "naive"):
                with admin.cursor() as cursor:
                    cursor.execute(f"CREATE DATABASE {name}")
                engine = create_db_engine(server.url(name))
                upgrade(engine)
                sessions = session_factory(engine)
                if name == "sync":
                    figures[name] = _sync(sessions, base_url)
                elif name == "copy":
                    figures[name] = _copy(server.url(name), base_url)
                else:
                    figures[name] = _naive(sessions, base_url)
                engine.dispose()
            admin.close()
        finally:
            server.destroy()
            process.terminate()
            process.wait(timeout=10)
    sync_rate = figures["sync"]["packages_per_second"]
    vs_copy = sync_rate / figures["copy"]["packages_per_second"]
    vs_naive = sync_rate / figures["naive"]["packages_per_second"]
    return {
        "goal": "sync at least 0.5x COPY's throughput and at least 30x the naive ORM ingest, memory flat",
        **figures,
        "sync_vs_copy": round(vs_copy, 2),
        "sync_vs_naive": round(vs_naive, 1),
        "met": vs_copy >= 0.5 and vs_naive >= 30,
    }


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
