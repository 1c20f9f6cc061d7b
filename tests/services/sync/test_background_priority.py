"""Scheduler threads run nicer than the packing thread (Linux: threads have their own nice value)."""

from __future__ import annotations

import os
import sys
import threading
from datetime import UTC, datetime

import pytest

from packstation.services.sync.background import BACKGROUND_NICENESS, lower_thread_priority

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")


def test_only_the_calling_thread_becomes_nicer() -> None:
    main_before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen: dict[str, int] = {}

    def background() -> None:
        tid = threading.get_native_id()
        seen["before"] = os.getpriority(os.PRIO_PROCESS, tid)
        seen["lowered"] = int(lower_thread_priority())
        seen["after"] = os.getpriority(os.PRIO_PROCESS, tid)

    worker = threading.Thread(target=background)
    worker.start()
    worker.join()
    assert seen["lowered"] == 1
    assert seen["after"] == min(19, seen["before"] + BACKGROUND_NICENESS)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main_before


def test_apscheduler_runs_jobs_on_the_niced_threads_the_station_asks_for() -> None:
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler

    done = threading.Event()
    nice: list[int] = []
    scheduler = BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(2, pool_kwargs={"initializer": lower_thread_priority})}
    )
    # An interval job, as the station's are (a one-off job races the shutdown while being removed).
    scheduler.add_job(
        lambda: (nice.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id())), done.set()),
        "interval",
        minutes=10,
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    try:
        assert done.wait(10)
    finally:
        scheduler.shutdown()
    assert nice[0] >= min(19, os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) + BACKGROUND_NICENESS)


def test_the_scheduler_pool_starts_every_thread_at_once_so_overlapping_jobs_add_none() -> None:
    """A pool that grows on demand reached a new size hours into a shift, when a PostgreSQL restart made
    the jobs waiting for it overlap: growth a soak cannot tell from a leak."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from packstation.services.sync.background import BackgroundPool

    def scheduler_threads() -> list[threading.Thread]:
        return [thread for thread in threading.enumerate() if thread.name.startswith("scheduler")]

    before = len(scheduler_threads())
    pool = BackgroundPool(4)
    started = scheduler_threads()
    assert len(started) - before == 4
    release = threading.Event()
    running = threading.Barrier(5, timeout=10)

    def stalled() -> None:  # a job waiting for the database, as all of them do while it restarts
        running.wait()
        release.wait(10)

    scheduler = BackgroundScheduler(executors={"default": pool})
    for number in range(4):
        scheduler.add_job(stalled, "interval", minutes=10, id=f"job-{number}", next_run_time=datetime.now(UTC))
    scheduler.start()
    try:
        running.wait()  # all four jobs at once
        assert len(scheduler_threads()) - before == 4, "no thread beyond those started with the pool"
        nice = os.getpriority(os.PRIO_PROCESS, started[-1].native_id or 0)
        assert nice >= min(19, os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) + BACKGROUND_NICENESS)
    finally:
        release.set()
        scheduler.shutdown()
