"""Reading pages ahead: order kept, runs bounded, the producer's error raised where it happened."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from packstation.services.sync.prefetch import prefetched_runs


def test_items_arrive_in_order_and_runs_gather_what_is_waiting() -> None:
    produced = threading.Event()

    def source() -> Iterator[int]:
        yield from range(10)
        produced.set()

    runs = prefetched_runs(source(), depth=10, most=4)
    first = next(runs)
    produced.wait(5)  # everything else is now waiting in the queue
    rest = list(runs)
    assert [item for run in [first, *rest] for item in run] == list(range(10))
    assert all(1 <= len(run) <= 4 for run in [first, *rest])
    assert max(len(run) for run in rest) == 4  # a slow consumer takes several items at once


def test_the_producers_error_comes_after_the_items_before_it() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("page 3 is malformed")

    seen = []
    with pytest.raises(ValueError, match="page 3"):
        for run in prefetched_runs(source(), depth=4, most=1):
            seen.extend(run)
    assert seen == [1, 2]


def test_stopping_early_stops_the_producer() -> None:
    made = []

    def source() -> Iterator[int]:
        for number in range(1000):
            made.append(number)
            yield number

    runs = prefetched_runs(source(), depth=2, most=2)
    next(runs)
    runs.close()
    assert len(made) < 10


def test_no_read_ahead_is_one_item_per_run() -> None:
    assert list(prefetched_runs(iter("abc"), depth=0, most=5)) == [["a"], ["b"], ["c"]]
