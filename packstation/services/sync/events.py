"""Events the marketplace jobs publish (plain frozen dataclasses; the UI bridge turns them into signals)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from packstation.domain.status import PackageStatus
from packstation.services.outbox.pusher import PushResult
from packstation.services.sync.pull import SyncResult


class SyncPhase(StrEnum):
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
