"""How the outbox pusher claims, retries and gives up: its settings, apart so the stock sender can read them too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

__all__ = ["PackedStatusPolicy", "PushSettings"]


class PackedStatusPolicy(StrEnum):
    """What a "packed" entry sends where the marketplace knows an Invoiced status (Trendyol)."""

    #: Invoiced with the invoice number when one is known; otherwise stop at Picking (with a note).
    INVOICED_WHEN_KNOWN = "invoiced_when_known"
    #: Never send Invoiced: the seller's e-invoicing software does it.
    PICKING_ONLY = "picking_only"


@dataclass(frozen=True)
class PushSettings:
    """How the pusher claims, retries and gives up."""

    batch_size: int = 50
    #: An in-flight claim older than this was lost with its station; the row is claimed again.
    lease: timedelta = timedelta(minutes=5)
    first_retry: timedelta = timedelta(seconds=30)
    max_retry: timedelta = timedelta(hours=1)
    #: Transient failures in a row before a row is given up and shown to a supervisor.
    max_attempts: int = 25
    packed_policy: PackedStatusPolicy = PackedStatusPolicy.INVOICED_WHEN_KNOWN
    #: How long after a stock push its batch result is read (and re-read while in progress).
    stock_result_delay: timedelta = timedelta(seconds=20)
    #: Trendyol keeps batch results 4 hours; give up following one well before.
    stock_result_timeout: timedelta = timedelta(hours=3)
    #: Trendyol refuses a byte-identical stock body within this window.
    duplicate_window: timedelta = timedelta(minutes=15)
