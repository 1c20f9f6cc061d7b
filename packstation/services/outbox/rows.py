"""What the outbox pusher hands its handlers (a claimed row) and gets back (its outcome)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from packstation.domain.status import OutboxKind, OutboxState


@dataclass(frozen=True)
class Claimed:
    """A claimed outbox row, as the handlers see it."""

    id: int
    account_id: int
    kind: OutboxKind
    business_key: str
    package_id: int | None
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class Outcome:
    """How a row ends this cycle."""

    state: OutboxState
    sent: bool = False
    note: str = ""
    error: str = ""
    reference: str | None = None
    retry_at: datetime | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    #: A message for a supervisor (a ``sync_error`` exception is filed with it).
    escalate: str = ""


def picking_key(package_id: int | None) -> str:
    """The business key of a package's Picking: one per package, whoever sends it (the pusher, or the label)."""
    return f"{package_id}:picking"


def packed_key(package_id: int | None) -> str:
    """The business key of a package's packed status (Invoiced, or HB's package creation)."""
    return f"{package_id}:packed"
