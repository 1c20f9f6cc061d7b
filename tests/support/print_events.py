"""Print-queue events collected from the printers' threads, waited for by job and kind."""

from __future__ import annotations

import threading
import time

from packstation.devices.printers import PrintJobEvent, PrintJobEventKind


class Events:
    """An ``on_event`` callback for a :class:`PrintQueue` that tests can wait on."""

    def __init__(self) -> None:
        self.items: list[PrintJobEvent] = []
        self._changed = threading.Condition()

    def __call__(self, event: PrintJobEvent) -> None:
        with self._changed:
            self.items.append(event)
            self._changed.notify_all()

    def wait(self, job_id: str, *kinds: PrintJobEventKind, timeout: float = 30.0) -> PrintJobEvent:
        """The first event of ``job_id`` of one of ``kinds``; fails the test after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for event in self.items:
                    if event.job.id == job_id and event.kind in kinds:
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(e.kind, e.job.id, e.job.last_error) for e in self.items]
                    raise AssertionError(f"no {kinds} for {job_id}: {seen}")
                self._changed.wait(remaining)

    def kinds(self, job_id: str) -> list[PrintJobEventKind]:
        """The kinds of ``job_id``'s events so far, in order."""
        with self._changed:
            return [event.kind for event in self.items if event.job.id == job_id]
