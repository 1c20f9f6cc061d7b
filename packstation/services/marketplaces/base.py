"""The one interface the sync service and the outbox use for every marketplace.

Threading: a client is used from APScheduler worker threads. Its HTTP pool and rate limiter are
thread-safe; it holds no other mutable state, so one client per marketplace account is shared.

Writes take a ``business_key`` the caller created and persisted before the first attempt. A retry
after a timeout is made safe by look-up-then-act (see ``transport``): the client checks the
marketplace's state before resending, and reports ``WriteOutcome.sent = False`` when the change was
already there. Stock pushes are absolute quantities, so a repeat cannot decrement twice.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType

from packstation.domain.marketplace import LabelFormat, Marketplace
from packstation.domain.outcomes import UnsuppliedReason
from packstation.i18n import _
from packstation.services.marketplaces.errors import Unsupported
from packstation.services.marketplaces.models import PackagePage, PackageQuery, RemotePackage, StatusReport
from packstation.services.marketplaces.writes import (
    MarketplaceLabel,
    StockBatchResult,
    StockPushReceipt,
    StockUpdate,
    UnsuppliedLine,
    WriteOutcome,
)


@dataclass(frozen=True)
class Capabilities:
    """What a marketplace's API can do; the UI hides what is missing instead of failing later."""

    picking_status: bool
    invoiced_status: bool
    unsupplied: bool
    marketplace_label: bool
    stock_batch_result: bool


class MarketplaceClient(abc.ABC):
    """A seller account at one marketplace."""

    marketplace: Marketplace
    capabilities: Capabilities

    @abc.abstractmethod
    def iter_package_pages(self, query: PackageQuery) -> Iterator[PackagePage]:
        """Yield the listing page by page, as received; memory stays at one page whatever the total."""

    def iter_packages(self, query: PackageQuery) -> Iterator[RemotePackage]:
        """Yield each package of the listing once (pages may repeat packages while data changes)."""
        return unique_packages(self.iter_package_pages(query))

    def iter_status_reports(self) -> Iterator[StatusReport]:
        """Statuses reported without the package (HB's shipped/delivered/cancelled feeds); none by default."""
        return iter(())

    @abc.abstractmethod
    def get_package(self, package_id: str) -> RemotePackage | None:
        """Read one package fresh (before printing or handing over); None if it no longer exists."""

    @abc.abstractmethod
    def mark_picking(self, package: RemotePackage, *, business_key: str) -> WriteOutcome:
        """Tell the marketplace the package is being packed (HB: create the package)."""

    def mark_invoiced(self, package: RemotePackage, *, invoice_number: str, business_key: str) -> WriteOutcome:
        """Tell the marketplace the invoice is issued."""
        raise self._unsupported(_("setting the Invoiced status"))

    def report_unsupplied(
        self,
        package: RemotePackage,
        lines: Sequence[UnsuppliedLine],
        *,
        reason: UnsuppliedReason,
        business_key: str,
    ) -> WriteOutcome:
        """Report lines the warehouse cannot supply; the marketplace answers with a new package."""
        raise self._unsupported(_("reporting unsupplied items"))

    def fetch_label(
        self, package: RemotePackage, *, preferred: LabelFormat = LabelFormat.ZPL, box_count: int = 1
    ) -> MarketplaceLabel | None:
        """The marketplace's own labels for the package (one per box), or None where we print our own.

        ``preferred`` is the format the station's printer takes; a marketplace that issues one format
        only returns that one, and the caller decides what a mismatch means. ``box_count`` is how many
        boxes the parcel went out in.
        """
        return None

    def label_needs_picking(self, cargo_tracking_number: str) -> bool:
        """True when the marketplace issues this parcel's label only once it holds the package as Picking."""
        return False

    def label_for(
        self,
        external_id: str,
        cargo_tracking_number: str,
        *,
        box_count: int = 1,
        preferred: LabelFormat = LabelFormat.ZPL,
    ) -> MarketplaceLabel | None:
        """The marketplace's label for a stored package, or None where we print our own.

        By default the package is read fresh first; a marketplace whose label needs only the tracking
        number (Trendyol) overrides this and reads no listing. ``box_count``: the parcel's boxes.
        """
        remote = self.get_package(external_id)
        if remote is None:
            raise LookupError(_("package {id} was not found at the marketplace").format(id=external_id))
        return self.fetch_label(remote, preferred=preferred)

    @abc.abstractmethod
    def push_stock(self, items: Sequence[StockUpdate], *, business_key: str) -> list[StockPushReceipt]:
        """Send stock (and prices) in as many batches as the marketplace's size limit needs."""

    @abc.abstractmethod
    def stock_result(self, batch_id: str) -> StockBatchResult:
        """Read the result of one batch."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the HTTP connections."""

    def __enter__(self) -> MarketplaceClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _unsupported(self, what: str) -> Unsupported:
        return Unsupported(
            _("{marketplace} offers no API for {what}").format(marketplace=self.marketplace.display_name, what=what),
            marketplace=self.marketplace,
        )


def unique_packages(pages: Iterable[PackagePage]) -> Iterator[RemotePackage]:
    """Drop repeats of a package already yielded with the same modification stamp.

    A newer version of an already-seen package is yielded again: the caller's upsert keeps the latest.
    Only (id, stamp) pairs are remembered, not packages, so memory stays small on large listings.
    """
    seen: dict[str, int | None] = {}
    for page in pages:
        for package in page.packages:
            stamp = package.last_modified_ms
            if package.package_id in seen and seen[package.package_id] == stamp:
                continue
            seen[package.package_id] = stamp
            yield package


def batched(items: Sequence[StockUpdate], size: int) -> Iterator[Sequence[StockUpdate]]:
    """Split ``items`` into chunks of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
