"""The events services publish, as one union of frozen dataclasses, and the bus that carries them.

Subscribers are called on the publisher's thread; the GUI's bridge (``ui/shell/bridge.py``) re-posts each
event to the GUI thread and emits it on the one signal of its type. A new event is added here, to
:data:`Event`, and to the bridge; a test fails while the bridge has no signal for it.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias

from packstation.domain.marketplace import LabelFormat
from packstation.domain.print_jobs import PrintJob
from packstation.domain.status import PackageStatus
from packstation.domain.sync import PushResult, SyncResult

log = logging.getLogger("packstation.domain.events")


# -- the station -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DatabaseStatus:
    """Whether the shared database answers, as last seen by the station's heartbeat."""

    online: bool
    detail: str
    checked_at: datetime


@dataclass(frozen=True)
class PumpStatus:
    """Published after every journal pump cycle: the station's offline state at a glance.

    ``pending`` counts every operation not yet in PostgreSQL, ``parked`` those of them set aside
    (refused, waiting for a supervisor); ``oldest_at`` is the oldest of all of them.
    """

    online: bool
    pending: int
    oldest_at: datetime | None
    parked: int
    detail: str = ""

    @property
    def waiting(self) -> int:
        """Operations still to upload (pending and not parked)."""
        return self.pending - self.parked


# -- labels and printers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelPreview:
    """A label as it was sent to the printer, for the preview pane."""

    package_external_id: str
    job_id: str
    #: The bytes the printer got: ZPL (with the font job it needs first) or a PDF.
    data: bytes
    width_mm: float
    height_mm: float
    dpi: int
    format: LabelFormat = LabelFormat.ZPL
    #: For the packer: why our own label was printed where the marketplace's was asked for, and when
    #: customer text had to be shortened or simplified to print (empty otherwise).
    note: str = ""


@dataclass(frozen=True)
class LabelProblem:
    """A parcel's label could not be produced (the marketplace did not give its label, say): nothing printed."""

    package_external_id: str
    message: str


class PrintJobEventKind(enum.Enum):
    """What happened to a print job."""

    QUEUED = "queued"
    PRINTING = "printing"
    PRINTED = "printed"
    RETRY_SCHEDULED = "retry_scheduled"
    FAILED = "failed"


@dataclass(frozen=True)
class PrintJobEvent:
    """A print job's new state (published from a printer's thread or the caller's)."""

    kind: PrintJobEventKind
    job: PrintJob


# -- marketplaces ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncStatus:
    """Marketplace sync state for the status bar."""

    accounts: int
    running: bool
    detail: str


class SyncPhase(enum.StrEnum):
    """What a running sync is doing."""

    PULL = "pull"
    PUSH = "push"


@dataclass(frozen=True)
class SyncProgress:
    """A sync is running: ``done`` pages (pull) or rows (push) so far; ``total`` when known."""

    account: str
    phase: SyncPhase
    done: int
    total: int | None = None


@dataclass(frozen=True)
class SyncFinished:
    """A pull of one account ended, with its result or the error a user should read."""

    account: str
    result: SyncResult | None
    error: str | None = None


@dataclass(frozen=True)
class OutboxPushed:
    """A push cycle ended (all accounts)."""

    result: PushResult
    pending: int


@dataclass(frozen=True)
class PackageCancelled:
    """A sync saw a package turn Cancelled or UnSupplied: a packer working on it must stop now."""

    package_id: int
    external_id: str
    status: PackageStatus


@dataclass(frozen=True)
class LeadershipChanged:
    """This station started or stopped running the marketplace jobs."""

    is_leader: bool


#: Every event a service publishes. The bridge has one signal per member.
Event: TypeAlias = (
    DatabaseStatus
    | PumpStatus
    | LabelPreview
    | LabelProblem
    | PrintJobEvent
    | SyncStatus
    | SyncProgress
    | SyncFinished
    | OutboxPushed
    | PackageCancelled
    | LeadershipChanged
)
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
