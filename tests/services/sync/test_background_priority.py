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
