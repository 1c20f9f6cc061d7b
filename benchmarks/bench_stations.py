"""N headless stations, each its own process, against one PostgreSQL holding a million parcels.

Every station runs the product's services (``start_services`` without Qt: packing and claims, the
journal and its pump, labels to a TCP printer stand-in, heartbeats, the offline cache and the
marketplace jobs, of which the elected leader syncs the simulated Trendyol every 15 s and pushes the
parcels' statuses). Three supervisor dashboards refresh every 5 s. Each packer opens a parcel by its
tracking number and scans its 3-6 items: one parcel per 20 s (human pace) or without pause
(``--pace stress``).

  python -m benchmarks stations --stations 20 --minutes 2
  python -m benchmarks stations --stations 50 --minutes 3 --pace stress
  python -m benchmarks stations --find-max --minutes 2      # steps N until a goal fails

A single station runs first in the same invocation, on the same database: the baseline.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from benchmarks import stations_rig as rig
from benchmarks.common import percentiles, start_simulator
from packstation.db.local_server import LocalPostgres

GOALS = {
    "open_p99_ms": 30.0,
    "pump_lag_p99_ms": 2000.0,
    "scan_durable_p99_ms": 16.0,
    "pg_connections_per_station": 3.0,
}
GOAL_TEXT = (
    "at 50 stations, human pace: open p99 <= 30 ms, pump lag p99 <= 2000 ms, scan durable p99 <= 16 ms, "
    "<= 3 PostgreSQL connections per station"
)
HUMAN_PARCELS_PER_MIN = 3
STRESS_PARCELS_PER_MIN = 40  # sizes the simulator's parcels (a station packs faster only on more cores)
FIND_MAX_STEPS = (10, 20, 30, 40, 50, 60, 80)


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks stations", description=__doc__.split("\n")[0])
    parser.add_argument("--stations", type=int, default=50, help="stations packing together (default 50)")
    parser.add_argument("--minutes", type=float, default=3.0, help="measured minutes per run (default 3)")
    parser.add_argument("--pace", choices=("human", "stress"), default="human")
    parser.add_argument("--find-max", action="store_true", help="step N and report the largest that meets the goals")
    parser.add_argument("--packages", type=int, default=rig.PACKAGES, help="parcels seeded in PostgreSQL")
    parser.add_argument("--no-baseline", action="store_true", help="skip the single-station run")
    return parser.parse_args(argv)


def _parcels_needed(stations: int, minutes: float, pace: str) -> int:
    rate = HUMAN_PARCELS_PER_MIN if pace == "human" else STRESS_PARCELS_PER_MIN
    return stations * (math.ceil(minutes * rate) + 2)


class _Pool:
    """The synced parcels not handed out yet: no parcel goes to two stations or two runs."""

    def __init__(self, parcels: list[dict[str, Any]]) -> None:
        self._parcels = parcels

    def take(self, count: int) -> list[dict[str, Any]]:
        taken, self._parcels = self._parcels[:count], self._parcels[count:]
        return taken

    def __len__(self) -> int:
        return len(self._parcels)


def _start_station(brief: dict[str, Any]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "benchmarks.stations_worker", json.dumps(brief)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=None if os.environ.get("BENCH_STATIONS_DEBUG") else subprocess.DEVNULL,
        text=True,
        env={
            **os.environ,
            "PACKSTATION_SECRET_BENCH_API_KEY": "sim-api-key",
            "PACKSTATION_SECRET_BENCH_API_SECRET": "sim-api-secret",
        },
    )


def _read_line(process: subprocess.Popen[str], prefix: str) -> str:
    assert process.stdout is not None
    while True:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"a station exited before '{prefix}' (exit code {process.wait()})")
        if line.startswith(prefix):
            return line[len(prefix) :].strip()


@dataclass(frozen=True)
class Warehouse:
    """What every run shares: the server, its URL, the simulator, the parcels, the packers, a folder."""

    server: LocalPostgres
    url: str
    simulator: str
    pool: _Pool
    users: list[int]
    folder: Path


def run_stations(warehouse: Warehouse, *, stations: int, minutes: float, pace: str) -> dict[str, Any]:
    """One run: start ``stations`` processes, wait until all are ready, measure ``minutes``, collect."""
    per_station = _parcels_needed(1, minutes, pace)
    sink = rig.PrinterSink(stations)
    processes = []
    try:
        for n in range(stations):
            brief = {
                "url": warehouse.url,
                "name": f"bench-{stations}-{n:02d}",
                "folder": str(warehouse.folder / f"s{stations}-{n}"),
                "printer": sink.uris[n],
                "simulator": warehouse.simulator,
                "parcels": warehouse.pool.take(per_station),
                "pace": pace,
                "seconds": minutes * 60,
                "user_id": warehouse.users[n % len(warehouse.users)],
            }
            processes.append(_start_station(brief))
        for process in processes:
            _read_line(process, "ready")
        server = warehouse.server
        dashboards = rig.Dashboards(warehouse.url)
        sampler = rig.Sampler(server, [p.pid for p in processes])
        wal_before, cpu_before = rig.wal_stats(server), rig.postgres_cpu_s(server)
        started = time.time()
        sampler.start()
        dashboards.start()
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        results = [json.loads(_read_line(process, "result")) for process in processes]
        cpu_s = rig.postgres_cpu_s(server) - cpu_before
        wal_after = rig.wal_stats(server)
        dashboards.stop()
        sampler.stop()
        for process in processes:
            process.wait(timeout=60)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        sink.close()
    wal = {k: round(wal_after[k] - wal_before[k], 1) for k in wal_after}
    return _summary(
        server, results, sink=sink, sampler=sampler, dashboards=dashboards, started=started, cpu_s=cpu_s, wal=wal
    )


def _summary(
    server: LocalPostgres,
    results: list[dict[str, Any]],
    *,
    sink: rig.PrinterSink,
    sampler: rig.Sampler,
    dashboards: rig.Dashboards,
    started: float,
    cpu_s: float,
    wal: dict[str, float],
) -> dict[str, Any]:
    stations = len(results)
    opens = [s for r in results for s in r["opens"]]
    scans = [s for r in results for s in r["scans"]]
    completed = {t: at for r in results for t, at in r["completed"].items()}
    labels = [sink.arrived[t] - at for t, at in completed.items() if t in sink.arrived]
    lags = rig.pump_lags(server, started)
    active = max(1, sampler.active_samples)
    figures: dict[str, Any] = {
        "stations": stations,
        "parcels": len(completed),
        "open_p99_ms": percentiles(opens)["p99_ms"] if opens else None,
        "scan_durable_p99_ms": percentiles(scans)["p99_ms"] if scans else None,
        "pump_lag_p99_ms": percentiles(lags)["p99_ms"] if lags else None,
        "label_first_byte_p99_ms": percentiles(labels)["p99_ms"] if labels else None,
        "pg_connections_max": sampler.connections_max,
        "pg_cpu_s": round(cpu_s, 1),
        "station_rss_mb_max": round(sampler.rss_mb_max, 1),
        "detail": {
            "open": percentiles(opens) if opens else None,
            "scan_durable": percentiles(scans) if scans else None,
            "pump_lag": percentiles(lags) if lags else None,
            "label_first_byte": percentiles(labels) if labels else None,
            "labels_missing": len(completed) - len(labels),
            "dashboard": percentiles(dashboards.samples) if dashboards.samples else None,
            "dashboard_errors": dashboards.errors[:5],
            "refused": sum(r["refused_count"] for r in results),
            "refused_examples": [x for r in results for x in r["refused"]][:5],
            # Stations that counted themselves sync leader at the end of the measured window: one.
            "leaders": sum(1 for r in results if r["leader"]),
            "scans": len(scans),
            # Where the time goes: what active backends waited on (share of samples; "CPU" = running).
            "pg_active_waits": {k: round(v / active, 3) for k, v in sampler.waits.most_common(8)},
            "pg_active_backends_avg": round(sampler.active_samples / max(1, len(results)) / 1, 2),
            "open_parts": _open_parts(results),
            "station_cpu": _station_cpu(results),
            "load_average_end": round(sampler.load_end, 1),
            "wal": wal,
        },
    }
    figures["goals_met"] = _met(figures, stations)
    return figures


def _open_parts(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Where an open's time goes, for all opens and for the slowest 5 %: mean ms in the database (the
    driver's ``execute`` and ``commit``: wire, server, WAL flush), in the station's journal write
    (SQLite), on the packing thread's CPU outside those (Python), and the rest (waiting for a core,
    the GIL or a lock)."""
    parts = sorted((tuple(p) for r in results for p in r["open_parts"]), reverse=True)
    if not parts:
        return {}

    def mean(rows: list[tuple[float, ...]]) -> dict[str, float]:
        total, cpu, database, journal = (sum(row[i] for row in rows) / len(rows) * 1000 for i in range(4))
        return {
            "n": len(rows),
            "total_ms": round(total, 2),
            "database_ms": round(database, 2),
            "journal_ms": round(journal, 2),
            "station_cpu_ms": round(cpu, 2),
            "waiting_ms": round(max(0.0, total - database - journal - cpu), 2),
        }

    return {"all": mean(parts), "slowest_5pct": mean(parts[: max(1, len(parts) // 20)])}


def _station_cpu(results: list[dict[str, Any]]) -> dict[str, float]:
    """The stations' own CPU in the measured window: each on average, and all of them in cores."""
    cpu = [r["process_cpu_s"] / r["window_s"] for r in results if r.get("window_s")]
    return {
        "per_station_cores_avg": round(sum(cpu) / len(cpu), 3) if cpu else 0.0,
        "all_stations_cores": round(sum(cpu), 2),
        "machine_cores": float(os.cpu_count() or 1),
    }


def _met(figures: dict[str, Any], stations: int) -> dict[str, bool]:
    def under(key: str) -> bool:
        return figures[key] is not None and figures[key] <= GOALS[key]

    return {
        "open_p99_ms": under("open_p99_ms"),
        "pump_lag_p99_ms": under("pump_lag_p99_ms"),
        "scan_durable_p99_ms": under("scan_durable_p99_ms"),
        "pg_connections_per_station": figures["pg_connections_max"] <= GOALS["pg_connections_per_station"] * stations,
    }


def _out_of_memory(count: int, runs: list[dict[str, Any]]) -> str | None:
    """Why ``count`` stations would not fit in this machine's free memory (None: they would).

    The estimate is the previous step's largest station RSS for each station, with a quarter to spare:
    a step that swaps or meets the OOM killer measures the machine, not the product.
    """
    if not runs:
        return None
    needed_mb = count * runs[-1]["station_rss_mb_max"] * 1.25
    free_mb = psutil.virtual_memory().available / 2**20
    if needed_mb <= free_mb:
        return None
    return f"{count} stations need about {needed_mb:,.0f} MB, {free_mb:,.0f} MB are free"


def run(argv: list[str] | None = None) -> dict[str, object]:
    """Seed once, run the baseline and the asked-for runs, print what met the goals."""
    args = _arguments(argv or [])
    counts = list(FIND_MAX_STEPS) if args.find_max else [args.stations]
    needed = sum(_parcels_needed(n, args.minutes, args.pace) for n in counts)
    needed += 0 if args.no_baseline else _parcels_needed(1, args.minutes, args.pace)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server = LocalPostgres(folder / "pg", durable=True)
        server.init()
        server.start()
        simulator_process = None
        try:
            started = time.perf_counter()
            url, users = rig.seed(server, packers=max(counts), packages=args.packages)
            rig.allow_connections(server, max(counts) * 3 + 50)  # dashboards, the sampler, the tools
            seed_s = time.perf_counter() - started
            # About 40 % of the simulator's parcels have 3-6 units; ask for enough of them.
            simulator_process, simulator = start_simulator(seed=17, packages=int(needed / 0.07) + 200)
            sync_s = rig.sync_marketplace(url, simulator)
            pool = _Pool(rig.ready_parcels(server, args.packages))
            warehouse = Warehouse(server, url, simulator, pool, users, folder)
            result: dict[str, object] = {
                "packages_in_postgres": args.packages + len(pool),
                "seed_seconds": round(seed_s, 1),
                "first_sync_seconds": round(sync_s, 1),
                "pace": args.pace,
                "minutes": args.minutes,
                "goals": {**GOALS, "text": GOAL_TEXT},
            }
            if not args.no_baseline:
                result["baseline"] = run_stations(warehouse, stations=1, minutes=args.minutes, pace=args.pace)
                print(f"[bench] stations baseline: {json.dumps(result['baseline'])}", file=sys.stderr)
            runs = []
            stopped: str | None = None
            for count in counts:
                stopped = _out_of_memory(count, runs) if args.find_max else None
                if stopped is not None:
                    print(f"[bench] stations {count}: not run: {stopped}", file=sys.stderr)
                    break
                figures = run_stations(warehouse, stations=count, minutes=args.minutes, pace=args.pace)
                print(f"[bench] stations {count}: {json.dumps(figures)}", file=sys.stderr)
                runs.append(figures)
                if args.find_max and not all(figures["goals_met"].values()):
                    break
            if args.find_max:
                passing = [r["stations"] for r in runs if all(r["goals_met"].values())]
                result["max_stations_meeting_goals"] = max(passing) if passing else 0
                result["steps"] = runs
                result["stopped_because"] = stopped or "a goal failed"
            else:
                result.update(runs[0])
            return result
        finally:
            if simulator_process is not None:
                simulator_process.terminate()
                simulator_process.wait(timeout=10)
            server.destroy()


if __name__ == "__main__":
    print(json.dumps(run(sys.argv[1:]), indent=2, ensure_ascii=False))
