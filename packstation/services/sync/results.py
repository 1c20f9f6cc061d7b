"""What a package sync is told and what it reports: settings, results, superseded packages (Qt-free)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from packstation.domain.status import PackageStatus
from packstation.domain.sync import SetAside, Superseded


@dataclass(frozen=True)
class SyncSettings:
    """How far back and in which steps to list."""

    #: Re-read this much before the watermark: changes the marketplace stamped late or out of order.
    overlap: timedelta = timedelta(hours=1)
    #: Added to the overlap because the listing's dates have no certain time zone. Trendyol's stream
    #: spec says only "Unix timestamp in milliseconds" for lastModifiedStartDate/EndDate; a third party
    #: says GMT+3 (research/trendyol/FACTS.md §1c, UNCERTAIN). We send GMT+3; if Trendyol reads UTC,
    #: our start lands 3 hours late, and only this allowance keeps those 3 hours from being skipped.
    timezone_allowance: timedelta = timedelta(hours=3)
    first_sync_lookback: timedelta = timedelta(days=14)
    #: Longest window one listing may cover (Trendyol stream: 14 days, N11: 15).
    max_window: timedelta = timedelta(days=14) - timedelta(minutes=1)
    statuses: frozenset[PackageStatus] = frozenset()
    #: Pages downloaded ahead while earlier ones are written (0: strictly one after the other); also the
    #: most pages one transaction takes when the database falls behind.
    prefetch_pages: int = 8
    #: Batches written at once, each on its own connection (1: one after the other).
    writers: int = 2


#: ``on_page(pages_done, packages_received)`` after each page is stored (progress for the UI).
PageCallback = Callable[[int, int], None]


@dataclass
class Tally:
    """Counters of one sync (mutable; only ``PackageSync`` keeps one)."""

    pages: int = 0
    received: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    new_products: int = 0
    superseded: list[Superseded] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)
    #: Package ids stored by this sync that had an open set-aside exception (to resolve).
    recovered: set[str] = field(default_factory=set)

    def add(self, other: Tally) -> None:
        """Count ``other``'s batch in."""
        self.pages += other.pages
        self.received += other.received
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.new_products += other.new_products
        self.superseded.extend(other.superseded)
        self.set_aside.extend(other.set_aside)
        self.recovered |= other.recovered
