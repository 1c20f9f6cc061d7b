"""Ingest benchmark, HTTP + parse part: pull 50,000 packages (~3 lines each) from the simulator.

The simulator runs as a separate process (its CLI), so this process's timings and tracemalloc figures
are the client's alone. Two passes over the Trendyol stream endpoint at zero latency:

1. throughput: packages/second pulled and parsed into ``RemotePackage`` values;
2. memory: tracemalloc peak growth while streaming 2,000 and 10,000 packages (equal peaks: pages are
   streamed, not accumulated), against the memory the packages take when kept (sampled and scaled).

The PostgreSQL upsert (COPY vs naive ORM) is added later by the sync service's owner.
"""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
from typing import Any

from packstation.services.marketplaces import (
    ListingMode,
    PackageQuery,
    RateLimit,
    TrendyolClient,
    TrendyolConfig,
    TrendyolCredentials,
)
from packstation.services.marketplaces.trendyol_config import TrendyolLimits

PACKAGES = 50_000
PAGE_SIZE = 200
SEED = 42
SAMPLE = 2_000
MEMORY_SHORT = 2_000
MEMORY_LONG = 10_000


def _start_simulator() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "packstation.services.marketplaces.simulator",
            "--port",
            "0",
            "--seed",
            str(SEED),
            "--packages",
            str(PACKAGES),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("listening "):
        process.kill()
        raise RuntimeError(f"simulator did not start: {line!r}")
    return process, line.split()[1]


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
    """Measure and return the figures (seconds, bytes, packages/second)."""
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


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
