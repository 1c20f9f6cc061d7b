"""The scheduler's threads: all started with the station, and giving way to the packer.

A station has two cores more often than eight. The marketplace sync, the outbox push and the
stock push are CPU-heavy for seconds at a time and nobody waits for them; the packing thread
is short and somebody always waits for it. On Linux each thread has its own nice value, so the
scheduler's worker threads are made nicer when they start (elsewhere this is a no-op).
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import sys
import threading

from apscheduler.executors.pool import BasePoolExecutor

log = logging.getLogger("packstation.services.sync.background")

#: Added to a background thread's nice value (0 normal, 19 lowest).
BACKGROUND_NICENESS = 10
#: The scheduler's threads: one for each job a station with a marketplace account runs (ten), so that no
#: job waits for a thread while others wait for the database.
SCHEDULER_THREADS = 10
#: How long start-up waits for the scheduler's threads to be running.
_START_TIMEOUT_S = 10.0


def lower_thread_priority(niceness: int = BACKGROUND_NICENESS) -> bool:
    """Make the calling thread ``niceness`` nicer; False where the platform has no per-thread priority."""
    if not sys.platform.startswith("linux"):
        return False
    thread = threading.get_native_id()
    try:
        current = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(19, current + niceness))
    except OSError as exc:  # a sandbox may forbid it; the station works either way
        log.debug("cannot lower the priority of thread %d: %s", thread, exc)
        return False
    return True


class BackgroundPool(BasePoolExecutor):  # type: ignore[misc]  # APScheduler 3 ships no type hints
    """APScheduler's thread pool with every thread started at once, at the background priority.

    A ``concurrent.futures`` pool starts a thread only when a job finds none idle, so a station's pool
    reached a new size hours into a shift, when a PostgreSQL restart made the jobs waiting for it overlap
    as never before: growth, bounded but indistinguishable from a leak. Started whole, the scheduler's
    threads are as many at the end of a shift as at start-up, and a thread that appears later is a leak.
    """

    def __init__(self, threads: int = SCHEDULER_THREADS) -> None:
        pool = concurrent.futures.ThreadPoolExecutor(
            threads, thread_name_prefix="scheduler", initializer=lower_thread_priority
        )
        # Each task waits at the barrier until all are running: none is idle while the next is submitted,
        # so each submission starts a thread of its own.
        all_running = threading.Barrier(threads, timeout=_START_TIMEOUT_S)
        for started in [pool.submit(all_running.wait) for _ in range(threads)]:
            try:
                started.result()
            except threading.BrokenBarrierError:  # a slow start-up: the rest start as jobs need them
                log.warning("scheduler threads not all started in %.0f s", _START_TIMEOUT_S)
                break
        super().__init__(pool)
