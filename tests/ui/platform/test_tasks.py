"""Background tasks hand their result to the GUI thread and leave nothing behind.

A relay that kept itself alive (its slots refer to it, and Qt holds the slots) grew a station by a few
objects a task, thousands of tasks a shift: found by the 3,000-parcel soak's memory growth.
"""

from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Callable

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QThreadPool

from packstation.ui.platform import tasks
from packstation.ui.platform.tasks import Task

pytestmark = pytest.mark.gui


class _Result:
    """A task's result that can be watched (a rendered preview, a page of rows)."""


def _alive(relays: list[weakref.ref[tasks._Relay]]) -> int:
    gc.collect()
    return sum(1 for relay in relays if relay() is not None)


def _run_events_until(condition: Callable[[], bool], timeout_s: float = 10) -> None:
    """The station's event loop, as its main loop runs it (deferred deletes included)."""
    app = QCoreApplication.instance()
    assert app is not None
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_finished_tasks_leave_no_relay_behind(qapp: object) -> None:
    results: list[object] = []
    big = [_Result()]
    watched = weakref.ref(big[0])
    relays: list[weakref.ref[tasks._Relay]] = []

    def run(task: Task[object]) -> None:
        # Only this test's relays are counted: other windows' tasks may be in flight meanwhile.
        known = set(tasks._in_flight)
        task.run()
        relays.extend(weakref.ref(relay) for relay in tasks._in_flight - known)

    for number in range(200):
        run(Task(lambda number=number: number).on_success(results.append))
    run(Task(lambda: 1 / 0).on_failure(lambda exc: results.append(type(exc))))
    run(Task(big.pop).on_success(lambda _data: None))
    _run_events_until(lambda: len(results) == 201)
    QThreadPool.globalInstance().waitForDone()
    _run_events_until(lambda: _alive(relays) == 0, timeout_s=2)

    assert len(relays) == 202
    assert sorted(r for r in results if isinstance(r, int)) == list(range(200))
    assert ZeroDivisionError in results
    assert _alive(relays) == 0, "finished tasks left their relays (and what their callbacks hold) behind"
    assert watched() is None, "a task's result outlived its callback"
