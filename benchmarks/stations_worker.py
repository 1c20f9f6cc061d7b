"""One headless station for ``bench_stations``: the composition root's services in their own process, no Qt.

``start_services`` builds exactly what the station window runs on (packing service and claims, the
durable journal and its pump, the print queue to a TCP printer, heartbeats, the offline cache, the
marketplace jobs with their leadership), so every figure is the product's own path. The packer is this
process: it opens parcels by tracking number and scans their items, at a human pace or flat out.

Protocol with the parent (one JSON line each way):
  argv[1]  the station's brief (JSON: url, name, folder, printer, simulator, parcels, pace, seconds)
  stdout   ``ready`` once the services run and the offline cache holds the ready parcels
  stdin    ``go`` (the clock starts for every station together)
  stdout   ``result {...}`` with the samples, then the process exits.
"""

from __future__ import annotations

import json
import os
import random
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

#: A packer's rhythm at human pace: a parcel every 20 s, an item every ~2 s within it.
PARCEL_EVERY_S = 20.0
SCAN_GAP_S = (1.2, 2.8)


@dataclass(frozen=True)
class Parcel:
    """A parcel handed to this station: its tracking number and the item barcodes to scan, one per unit."""

    tracking: str
    scans: tuple[str, ...]


def _wait_for_cache(settings: Any, timeout_s: float = 600) -> None:
    """The station's first copy of the ready parcels is start-up work, done before the clock runs."""
    from packstation.services.packing.offline_cache import CACHE_FILE, OfflineCache

    cache = OfflineCache(settings.data_dir() / CACHE_FILE)
    deadline = time.monotonic() + timeout_s
    while cache.counts()[1] is None:
        if time.monotonic() > deadline:
            raise TimeoutError("the offline cache was not filled in time")
        time.sleep(0.2)


class _Sections:
    """Where the packing thread's time goes: wall and CPU seconds spent inside named sections.

    ``database``: the driver's ``execute`` and ``commit`` (statements on the wire and in PostgreSQL,
    the commit's WAL flush included); ``journal``: the station's own SQLite journal write. What is
    left of an open is the thread's CPU outside them (Python) and what it waited for that is neither
    (a core, the GIL, a lock).
    """

    def __init__(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine
        from sqlalchemy.orm import Session

        from packstation.local_store.journal import Journal

        self._local = threading.local()
        event.listen(Engine, "before_cursor_execute", lambda *_: self.start("database"))
        event.listen(Engine, "after_cursor_execute", lambda *_: self.stop("database"))
        event.listen(Engine, "commit", lambda *_: self.start("database"))
        event.listen(Session, "after_commit", lambda *_: self.stop("database"))
        append_many = Journal.append_many

        def timed_append(journal: Journal, *args: Any, **kwargs: Any) -> None:
            self.start("journal")
            try:
                append_many(journal, *args, **kwargs)
            finally:
                self.stop("journal")

        Journal.append_many = timed_append  # type: ignore[method-assign]

    def _state(self) -> dict[str, Any]:
        if not hasattr(self._local, "state"):
            self._local.state = {"open": None, "wall": {}, "cpu": 0.0}
        return self._local.state  # type: ignore[no-any-return]

    def start(self, name: str) -> None:
        """Enter section ``name`` on this thread."""
        self._state()["open"] = (name, time.perf_counter(), time.thread_time())

    def stop(self, name: str) -> None:
        """Leave section ``name`` (nothing when it was not entered)."""
        state = self._state()
        if state["open"] is None or state["open"][0] != name:
            return
        _name, wall0, cpu0 = state["open"]
        state["wall"][name] = state["wall"].get(name, 0.0) + time.perf_counter() - wall0
        state["cpu"] += time.thread_time() - cpu0
        state["open"] = None

    def snapshot(self) -> tuple[float, float, float, float]:
        """Now: wall clock, thread CPU, seconds in ``database``, in ``journal``, for this thread."""
        state = self._state()
        outside = time.thread_time() - state["cpu"]
        return time.perf_counter(), outside, state["wall"].get("database", 0.0), state["wall"].get("journal", 0.0)


def _pack(context: Any, parcels: list[Parcel], *, pace: str, seconds: float, user_id: int) -> dict[str, Any]:
    """Pack parcels until the time is up or they run out; every latency as the packer would feel it."""
    rng = random.Random(context.settings.station.name)
    sections = _Sections()
    opens: list[float] = []
    open_parts: list[tuple[float, ...]] = []  # per open: total, database, journal, CPU outside them
    scans: list[float] = []
    completed: dict[str, float] = {}  # tracking -> wall-clock time the last scan returned
    refused: list[str] = []
    started = time.monotonic()
    end = started + seconds
    if pace == "human":  # stations do not start their parcels in lockstep
        time.sleep(rng.uniform(0, PARCEL_EVERY_S))
    for parcel in parcels:
        cycle = time.monotonic()
        if cycle >= end:
            break
        before = sections.snapshot()
        result = context.packing.open(parcel.tracking, user_id=user_id)
        after = sections.snapshot()
        opens.append(after[0] - before[0])
        open_parts.append(tuple(b - a for a, b in zip(before, after, strict=True)))
        if result.outcome.value != "opened":
            refused.append(f"{parcel.tracking}: {result.outcome.value}")
            continue
        for code in parcel.scans:
            if pace == "human":
                time.sleep(rng.uniform(*SCAN_GAP_S))
            t0 = time.perf_counter()
            scan = context.packing.scan(code, user_id=user_id)
            scans.append(time.perf_counter() - t0)
            if scan.package_complete:
                completed[parcel.tracking] = time.time()
        if parcel.tracking not in completed:
            refused.append(f"{parcel.tracking}: not complete after its scans")
            context.packing.abort(user_id=user_id)
        if pace == "human":
            time.sleep(max(0.0, cycle + PARCEL_EVERY_S - time.monotonic()))
    return {
        "opens": opens,
        "open_parts": open_parts,
        "scans": scans,
        "completed": completed,
        "refused": refused[:20],
        "refused_count": len(refused),
        "elapsed_s": time.monotonic() - started,
    }


def main(argv: list[str]) -> int:
    """Start the station, say ready, pack when told, report."""
    brief = json.loads(argv[0])
    from benchmarks.stations_rig import station_settings
    from packstation.composition import start_services
    from packstation.domain.events import EventBus
    from packstation.local_store.journal import Journal

    settings = station_settings(brief)
    if os.environ.get("BENCH_STATIONS_DEBUG"):  # the station's own log, to see why a figure is what it is
        import logging

        from packstation.logging_setup import configure_logging

        configure_logging(level=logging.INFO, log_dir=Path(os.environ["BENCH_STATIONS_DEBUG"]) / brief["name"])
    context = start_services(settings, EventBus(), demo=False)
    try:
        _wait_for_cache(settings)
        parcels = [Parcel(p["tracking"], tuple(p["scans"])) for p in brief["parcels"]]
        if parcels:  # warm-up, as after a station's start: the first open loads the catalogue
            context.packing.open(parcels[0].tracking, user_id=brief["user_id"])
            context.packing.abort(user_id=brief["user_id"])
        print("ready", flush=True)
        if sys.stdin.readline().strip() != "go":
            return 1
        # Who leads is read at the end of the measured window, the same instant for every station: read
        # after each one's tail (the last parcel, the drain), a station that closed first has handed the
        # lease on and two stations would each have been leader, one after the other.
        leader_at_end: list[bool] = []
        timer = threading.Timer(
            brief["seconds"],
            lambda: leader_at_end.append(bool(context.jobs is not None and context.jobs.leadership.is_leader)),
        )
        timer.start()
        cpu0, wall0 = time.process_time(), time.monotonic()
        outcome = _pack(context, parcels, pace=brief["pace"], seconds=brief["seconds"], user_id=brief["user_id"])
        timer.join()
        # Every thread of the station (pump, printer, sync, cache, heartbeats), over the measured window.
        outcome["process_cpu_s"] = time.process_time() - cpu0
        outcome["window_s"] = time.monotonic() - wall0
        # The last scans are in the journal: give the pump and the labels a moment to finish them.
        journal = Journal(settings.data_dir() / "journal.sqlite3")
        deadline = time.monotonic() + 30
        while journal.stats().pending and time.monotonic() < deadline:
            time.sleep(0.1)
        journal.close()
        outcome["leader"] = bool(leader_at_end and leader_at_end[0])
        outcome["finished_at"] = datetime.now(UTC).isoformat()
        print("result " + json.dumps(outcome), flush=True)
        time.sleep(brief.get("linger_s", 3.0))  # labels still queued reach the printer
    finally:
        context.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
