"""Plain-Python events that services publish and the GUI bridge turns into Qt signals.

Subscribers are called on the publisher's thread; the GUI side re-posts to the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

log = logging.getLogger("packstation.domain.events")


@dataclass(frozen=True)
class DatabaseStatus:
    """Whether the shared database answers, as last seen by the station."""

    online: bool
    detail: str
    checked_at: datetime


@dataclass(frozen=True)
class SyncStatus:
    """Marketplace sync state for the status bar."""

    accounts: int
    running: bool
    detail: str


# Any frozen dataclass a service publishes (DatabaseStatus, SyncStatus, PumpStatus, LabelPreview,
# PrintJobEvent, ...); the bridge routes each type to its own signal.
Event = object
Subscriber = Callable[[Event], None]


class EventBus:
    """Thread-safe publish/subscribe; a failing subscriber is logged and does not stop the others."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, subscriber: Subscriber) -> None:
        """Call ``subscriber`` for every event published from now on."""
        with self._lock:
            self._subscribers.append(subscriber)

    def publish(self, event: Event) -> None:
        """Deliver ``event`` to every subscriber."""
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(event)
            except Exception:
                log.exception("event subscriber failed event=%s", type(event).__name__)
