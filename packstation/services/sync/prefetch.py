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


def prefetched_runs(source: Iterator[T], *, depth: int = 2, most: int = 1) -> Iterator[list[T]]:
    """Yield ``source``'s items in order, in runs: the next item with those already waiting (up to ``most``),
    while up to ``depth`` further items are produced ahead on a helper thread.

    A consumer slower than the producer gets bigger runs (fewer, larger transactions); a faster one
    gets each item as soon as it arrives, never waiting to fill a run. The producer's exception is
    re-raised at the position it happened. When the consumer stops early (``break``, an exception,
    ``close()``), the producer stops after its current item.
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
            run: list[object] = [items.get()]
            while len(run) < most and run[-1] is not _DONE and not isinstance(run[-1], _Failure):
                try:
                    run.append(items.get_nowait())
                except queue.Empty:
                    break
            end = run.pop() if run[-1] is _DONE or isinstance(run[-1], _Failure) else None  # the producer's last
            if run:
                yield run  # type: ignore[misc]
            if end is _DONE:
                return
            if isinstance(end, _Failure):
                raise end.error
    finally:
        stop.set()
        worker.join(timeout=5)
