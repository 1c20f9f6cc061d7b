"""Read an iterator ahead on a helper thread, so a slow producer (HTTP) overlaps a slow consumer (SQL)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")

_DONE = object()


class _Failure:
    """Carries the producer's exception to the consumer."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetched(source: Iterator[T], *, depth: int = 2) -> Iterator[T]:
    """Yield ``source``'s items in order while up to ``depth`` further items are produced ahead.

    The producer's exception is re-raised at the position it happened. When the consumer stops early
    (``break``, an exception, ``close()``), the producer stops after its current item.
    """
    for run in prefetched_runs(source, depth=depth, most=1):
        yield from run


def prefetched_runs(source: Iterator[T], *, depth: int = 2, most: int = 1) -> Iterator[list[T]]:
    """Like :func:`prefetched`, but yield the next item together with those already waiting (up to ``most``).

    A consumer slower than the producer gets bigger runs (fewer, larger transactions); a faster one
    gets each item as soon as it arrives, never waiting to fill a run.
    """
    if depth <= 0:
        for item in source:
            yield [item]
        return
    items: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        # Wake up now and then to notice that the consumer went away.
        while not stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in source:
                if not put(item):
                    return
        except BaseException as error:  # handed to the consumer, which raises it
            put(_Failure(error))
            return
        put(_DONE)

    worker = threading.Thread(target=produce, name="sync-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item: object = items.get()
            run: list[T] = []
            while True:
                if item is _DONE or isinstance(item, _Failure):
                    break
                run.append(item)  # type: ignore[arg-type]
                if len(run) >= most:
                    item = None
                    break
                try:
                    item = items.get_nowait()
                except queue.Empty:
                    item = None
                    break
            if run:
                yield run
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
    finally:
        stop.set()
        worker.join(timeout=5)
