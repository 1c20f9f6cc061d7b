"""A print job as the station keeps it: its state and what is known about it (the bytes stay in the store)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from packstation.domain.marketplace import LabelFormat


class JobState(enum.Enum):
    """Where a print job is in its life."""

    QUEUED = "queued"
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"


@dataclass(frozen=True)
class PrintJob:
    """A print job as stored (without its bytes; ``JobStore.data`` reads those)."""

    id: str
    printer_uri: str
    kind: LabelFormat
    needs_setup: bool
    description: str
    state: JobState
    attempts: int
    next_attempt_at: float
    last_error: str | None
    #: The job this one reprints, so the caller can audit reprints.
    reprint_of: str | None
    created_at: float
    updated_at: float
    #: Sends the printer did not confirm (the connection died right after); each led to a resend.
    unconfirmed_sends: int = 0

    @property
    def is_reprint(self) -> bool:
        """True for a reprint of an earlier job."""
        return self.reprint_of is not None
