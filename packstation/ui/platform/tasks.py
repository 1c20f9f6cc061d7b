"""Run work off the GUI thread and get the result back on it.

    Task(lambda: queries.find_by_code(code), owner=view).on_success(view.show).on_failure(view.error).run()

The callable runs on a worker of the global thread pool; callbacks run on the GUI thread, and are
dropped if the owning widget was deleted meanwhile (a closed dialog must not be updated).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from shiboken6 import isValid

T = TypeVar("T")
log = logging.getLogger("packstation.ui.platform.tasks")


class _Relay(QObject):
    """Lives on the GUI thread; queued signals carry results back to it."""

    succeeded = Signal(object)
    failed = Signal(object)


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._parts: tuple[Callable[[], Any], _Relay] | None = (work, relay)

    def run(self) -> None:
        if self._parts is None:
            return
        # The pool deletes the C++ runnable, but its Python wrapper can stay a while after: it must hold
        # neither the work (and what the work captured) nor the relay.
        (work, relay), self._parts = self._parts, None
        try:
            result = work()
        except Exception as exc:  # delivered to the failure callback, which shows it
            log.debug("task failed", exc_info=True)
            relay.failed.emit(exc)
        else:
            relay.succeeded.emit(result)


_in_flight: set[_Relay] = set()  # keeps relays alive until their task reports back


class Task(Generic[T]):
    """A unit of background work with success and failure callbacks on the GUI thread."""

    def __init__(self, work: Callable[[], T], *, owner: QObject | None = None) -> None:
        self._work = work
        self._owner = owner
        self._success: Callable[[T], None] = lambda _result: None
        self._failure: Callable[[Exception], None] = self._log_failure

    @staticmethod
    def _log_failure(exc: Exception) -> None:
        log.error("background task failed: %s", exc, exc_info=exc)

    def on_success(self, callback: Callable[[T], None]) -> Task[T]:
        """Call ``callback(result)`` on the GUI thread when the work succeeds."""
        self._success = callback
        return self

    def on_failure(self, callback: Callable[[Exception], None]) -> Task[T]:
        """Call ``callback(exception)`` on the GUI thread when the work raises."""
        self._failure = callback
        return self

    def run(self, pool: QThreadPool | None = None) -> None:
        """Start the work on ``pool`` (the global pool by default)."""
        relay = _Relay()
        _in_flight.add(relay)
        success, failure, owner = self._success, self._failure, self._owner

        def owner_gone() -> bool:
            return owner is not None and not isValid(owner)

        def finished() -> None:
            # The relay's slots (these closures) refer to the relay and Qt holds the slots: a cycle Python's
            # collector cannot see. Deleting the relay drops its connections and with them the cycle (one
            # relay, its closures and its callbacks' captures leaked per task, thousands a shift, before).
            _in_flight.discard(relay)
            relay.deleteLater()

        @Slot(object)
        def done(result: object) -> None:
            finished()
            if not owner_gone():
                success(result)  # type: ignore[arg-type]

        @Slot(object)
        def failed(exc: object) -> None:
            finished()
            if owner_gone():
                log.warning("background task failed after its window closed: %s", exc)
            else:
                failure(exc)  # type: ignore[arg-type]

        relay.succeeded.connect(done)
        relay.failed.connect(failed)
        (pool or QThreadPool.globalInstance()).start(_Runnable(self._work, relay))
