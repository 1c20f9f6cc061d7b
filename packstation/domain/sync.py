"""What a marketplace sync and an outbox push report: plain values, published to the window in events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from packstation.domain.status import PackageStatus


@dataclass(frozen=True)
class SetAside:
    """A package of a listing that could not be read or stored: recorded as a sync exception, never
    allowed to stop the rest of the listing. It is tried again when the marketplace changes it."""

    package_id: str
    reason: str
    order_number: str = ""
    last_modified_ms: int | None = None


@dataclass(frozen=True)
class Superseded:
    """A stored package the marketplace cancelled or replaced during this sync (a packer must stop)."""

    package_id: int
    external_id: str
    status: PackageStatus


@dataclass(frozen=True)
class SyncResult:
    """What one sync did. ``written = new + updated``; ``unchanged`` copies matched what was stored."""

    account_id: int
    pages: int
    received: int
    written: int
    new_products: int
    linked_successors: int
    since: datetime
    watermark: datetime
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    superseded: tuple[Superseded, ...] = field(default=())
    #: Packages that could not be read or stored (each is an open sync exception now).
    set_aside: tuple[SetAside, ...] = field(default=())


@dataclass(frozen=True)
class PushResult:
    """What one push cycle did."""

    sent: int = 0
    settled: int = 0  # done without a call (nothing left to send: cancelled, already there, note)
    retrying: int = 0
    waiting: int = 0  # stock batches whose result is not in yet
    failed: int = 0
    errors: tuple[str, ...] = ()

    def __add__(self, other: PushResult) -> PushResult:
        return PushResult(
            self.sent + other.sent,
            self.settled + other.settled,
            self.retrying + other.retrying,
            self.waiting + other.waiting,
            self.failed + other.failed,
            self.errors + other.errors,
        )
