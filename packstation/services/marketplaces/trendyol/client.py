"""Trendyol seller API client: packages, statuses, unsupplied lines, common labels, stock batches.

Paths and limits follow ``reference/marketplaces.md`` §1 and research/trendyol/FACTS.md; whatever they
mark UNCERTAIN (paged path, order polling limit, time encoding) is a field of :class:`TrendyolConfig`.

The old paged list (``/order/sellers/{id}/orders``) is never needed: the sync reads the stream, a
common label needs only the tracking number, and a write is checked through the v2 paged list by id
or, when that is retired too (426), through the stream.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from packstation.db.storable import json_holds_nul
from packstation.domain.marketplace import Marketplace
from packstation.domain.outcomes import UnsuppliedReason
from packstation.domain.status import PICKING_OR_PAST, PackageStatus
from packstation.i18n import _
from packstation.services.marketplaces.base import Capabilities, MarketplaceClient, unique_packages
from packstation.services.marketplaces.credentials import TrendyolCredentials
from packstation.services.marketplaces.errors import (
    EndpointRetired,
    MarketplaceError,
    Rejected,
    Unsupported,
    Unverified,
)
from packstation.services.marketplaces.fields import utc_to_epoch_ms, utc_to_gmt3_epoch_ms, without_nul
from packstation.services.marketplaces.models import ListingMode, PackagePage, PackageQuery, RemotePackage
from packstation.services.marketplaces.ratelimit import RateLimiter
from packstation.services.marketplaces.transport import Reply, Transport
from packstation.services.marketplaces.trendyol.claims import TrendyolClaims
from packstation.services.marketplaces.trendyol.config import (
    PRODUCTION_URL,
    STAGE_URL,
    TrendyolConfig,
    TrendyolLimits,
)
from packstation.services.marketplaces.trendyol.labels import CommonLabels
from packstation.services.marketplaces.trendyol.parser import (
    parse_paged_page,
    parse_stream_page,
)
from packstation.services.marketplaces.trendyol.stock import StockBatches
from packstation.services.marketplaces.writes import (
    UnsuppliedLine,
    WriteOutcome,
)

log = logging.getLogger("packstation.services.marketplaces.trendyol.client")


#: Trendyol's unsupplied ``reasonId`` enum is exactly 500, 501, 502, 504, 505, 506 [SPEC
#: cancelOrderPackageItem; names from the EN doc, FACTS.md §4]. There is no "other": a reason without
#: an equivalent is refused, never sent as a false one (500 "Stock Out" would misreport the seller).
REASON_IDS = {
    UnsuppliedReason.OUT_OF_STOCK: 500,  # Stock Out
    UnsuppliedReason.DEFECTIVE: 501,  # Defective Product
    UnsuppliedReason.WRONG_PRICE: 502,  # Incorrect Price
    UnsuppliedReason.INTEGRATION_ERROR: 504,  # Integration Problem
    UnsuppliedReason.BULK_PURCHASE: 505,  # Bulk purchase
    UnsuppliedReason.FORCE_MAJEURE: 506,  # Force Majeure
}
# Statuses at or past each target (Picking: PICKING_OR_PAST): finding one means an earlier attempt got through.
_PAST_INVOICED = PICKING_OR_PAST - {PackageStatus.PICKING}


def _reply_text(reply: Reply) -> str | None:
    """A reply body as text for the database (None when it is not UTF-8: the parsed copy serves then)."""
    try:
        return reply.content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


class TrendyolClient(CommonLabels, StockBatches, TrendyolClaims, MarketplaceClient):
    """One Trendyol seller account."""

    marketplace = Marketplace.TRENDYOL
    capabilities = Capabilities(
        picking_status=True,
        invoiced_status=True,
        unsupplied=True,
        marketplace_label=True,
        stock_batch_result=True,
    )

    def __init__(self, credentials: TrendyolCredentials, *, config: TrendyolConfig | None = None) -> None:
        self.config = config or TrendyolConfig()
        self._seller = credentials.seller_id
        self._http = Transport(
            marketplace=self.marketplace,
            base_url=self.config.base_url,
            headers={"User-Agent": credentials.user_agent, "Accept": "application/json"},
            auth=(credentials.api_key, credentials.api_secret),
            limiter=RateLimiter(self.config.limits.as_mapping()),
            retry=self.config.retry,
            timeouts=self.config.timeouts,
            logger=logging.getLogger("packstation.services.marketplaces.trendyol.client.http"),
        )

    def close(self) -> None:
        """Release the HTTP connections."""
        self._http.close()

    # -- reading -----------------------------------------------------------------------------

    def iter_package_pages(self, query: PackageQuery, *, mode: ListingMode | None = None) -> Iterator[PackagePage]:
        """Yield pages of the stream (default) or the paged list; id/order look-ups always use the list."""
        chosen = mode or self.config.listing_mode
        if query.package_ids or query.order_number:
            chosen = ListingMode.PAGED
        if chosen is ListingMode.STREAM:
            return self._stream_pages(query)
        return self._paged_pages(query)

    def _stream_pages(self, query: PackageQuery) -> Iterator[PackagePage]:
        path = self.config.stream_path.format(seller_id=self._seller)
        params: dict[str, str | int] = {"size": min(query.page_size or self.config.page_size, 200)}
        if query.statuses:
            params["packageItemStatuses"] = ",".join(sorted(status.value for status in query.statuses))
        if query.modified_since is not None:
            params["lastModifiedStartDate"] = self._encode_time(query.modified_since)
        if query.modified_until is not None:
            params["lastModifiedEndDate"] = self._encode_time(query.modified_until)

        def fetch(params: dict[str, str | int]) -> tuple[Any, str | None]:
            reply = self._http.request("GET", path, group="list_packages", params=params)
            return self._page_body(reply, path)

        # The next page is requested as soon as this one's cursor is known, and downloads while this
        # one is parsed: a cursor stream cannot be read in parallel, but it can be read ahead.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="trendyol-read-ahead") as ahead:
            body, text = fetch(params)
            number = 0
            while True:
                cursor = body.get("nextCursor") if isinstance(body, dict) and body.get("hasMore") else None
                # The cursor must go back exactly as received, with the same filters (else Trendyol says 400).
                following = ahead.submit(fetch, {**params, "nextCursor": cursor}) if cursor else None
                # A malformed page, or a reader that stops early, leaves the executor waiting for the
                # page in flight (bounded by the timeouts) and discarding it.
                page = parse_stream_page(body, number, endpoint=path, local_epoch=self.config.local_epoch)
                # Item positions must match packages for the reply text to serve as raw payloads.
                page = replace(page, reply_json=None if page.set_aside else text)
                log.debug("stream page=%d packages=%d has_more=%s", number, len(page.packages), page.has_more)
                yield page
                if following is None:
                    return
                body, text = following.result()
                number += 1

    def _paged_pages(self, query: PackageQuery) -> Iterator[PackagePage]:
        path = self.config.paged_path.format(seller_id=self._seller)
        size = min(query.page_size or self.config.page_size, 200)
        params: dict[str, str | int] = {
            "size": size,
            "orderByField": "PackageLastModifiedDate",
            "orderByDirection": "DESC",
        }
        if query.statuses:
            params["status"] = ",".join(sorted(status.value for status in query.statuses))
        if query.modified_since is not None:
            params["startDate"] = self._encode_time(query.modified_since)
        if query.modified_until is not None:
            params["endDate"] = self._encode_time(query.modified_until)
        if query.package_ids:
            params["shipmentPackageIds"] = ",".join(query.package_ids)
        if query.order_number:
            params["orderNumber"] = query.order_number
        number = 0
        while True:
            if (number + 1) * size > self.config.paged_record_cap:
                # v2 reaches 10,000 packages by paging; the rest must come through the stream.
                raise Rejected(
                    _("Trendyol's paged list reaches only {cap} packages; list this window through the stream").format(
                        cap=self.config.paged_record_cap
                    ),
                    marketplace=self.marketplace,
                    endpoint=path,
                )
            reply = self._http.request("GET", path, group="list_packages", params={**params, "page": number})
            body, text = self._page_body(reply, path)
            page = parse_paged_page(body, endpoint=path, local_epoch=self.config.local_epoch)
            page = replace(page, reply_json=None if page.set_aside else text)
            yield page
            if not page.has_more:
                return
            number += 1

    def get_package(self, package_id: str) -> RemotePackage | None:
        """Read one package fresh by its shipment package id (the configured paged path, v2 by default)."""
        query = PackageQuery(package_ids=(package_id,), page_size=10)
        for package in unique_packages(self._paged_pages(query)):
            if package.package_id == package_id:
                return package
        return None

    def _look_up(self, package_id: str, attempted: datetime) -> tuple[RemotePackage | None, bool]:
        """The package as Trendyol has it now, for checking a write first tried at ``attempted``.

        Returns ``(package, exhaustive)``: exhaustive means None is "Trendyol has no such package";
        otherwise None is "not modified since the attempt". Any failure to check is :class:`Unverified`
        (transient), so the write is retried later instead of being marked failed.
        """
        try:
            if self.config.write_check is ListingMode.PAGED:
                try:
                    return self.get_package(package_id), True
                except EndpointRetired as retired:
                    log.warning("paged look-up retired, checking the stream package=%s error=%s", package_id, retired)
            return self._stream_look_up(package_id, attempted), False
        except MarketplaceError as error:
            if error.transient:
                raise
            raise Unverified(
                _("could not check at Trendyol whether package {id} already changed: {error}").format(
                    id=package_id, error=error
                ),
                marketplace=self.marketplace,
                endpoint=error.endpoint,
            ) from error

    def _stream_look_up(self, package_id: str, attempted: datetime) -> RemotePackage | None:
        """Scan the stream (newest change first) for ``package_id`` among packages modified since
        ``attempted`` minus the look-back (wide enough for a misread time zone)."""
        query = PackageQuery(modified_since=attempted - self.config.write_check_lookback)
        for number, page in enumerate(self._stream_pages(query)):
            for package in page.packages:
                if package.package_id == package_id:
                    return package  # the stream is newest first: the first copy is the current one
            if page.has_more and number + 1 >= self.config.write_check_max_pages:
                raise Unverified(
                    _("package {id} was not among the first {pages} pages of recent Trendyol changes").format(
                        id=package_id, pages=self.config.write_check_max_pages
                    ),
                    marketplace=self.marketplace,
                    endpoint=self.config.stream_path,
                )
        return None

    def successors_of(self, package: RemotePackage) -> list[RemotePackage]:
        """The packages Trendyol created from ``package`` (after a split or an unsupplied line)."""
        query = PackageQuery(order_number=package.order_number)
        return [p for p in self.iter_packages(query) if package.package_id in p.origin_package_ids]

    # -- writing -----------------------------------------------------------------------------

    def mark_picking(self, package: RemotePackage, *, business_key: str) -> WriteOutcome:
        """Set Picking, listing every line with its full quantity."""
        body = {"status": "Picking", "lines": self._lines_body(package), "params": {}}
        return self._update_status(package, body, PICKING_OR_PAST, business_key)

    def mark_invoiced(self, package: RemotePackage, *, invoice_number: str, business_key: str) -> WriteOutcome:
        """Set Invoiced (only after Picking); the invoice number goes inside ``params``."""
        if not invoice_number.strip():
            raise ValueError(f"invoice number is empty for package {package.package_id}")
        body = {
            "status": "Invoiced",
            "lines": self._lines_body(package),
            "params": {"invoiceNumber": invoice_number.strip()},
        }
        return self._update_status(package, body, _PAST_INVOICED, business_key)

    def report_unsupplied(
        self,
        package: RemotePackage,
        lines: Sequence[UnsuppliedLine],
        *,
        reason: UnsuppliedReason,
        business_key: str,
    ) -> WriteOutcome:
        """Cancel lines as unsupplied; Trendyol then replaces the package (see :meth:`successors_of`)."""
        reason_id = REASON_IDS.get(reason)
        if reason_id is None:
            raise Unsupported(
                _(
                    "Trendyol has no unsupplied reason matching '{reason}'; choose one of: out of stock, "
                    "defective, wrong price, integration error, bulk purchase, force majeure"
                ).format(reason=reason.value),
                marketplace=self.marketplace,
            )
        known = {line.line_id: line.quantity for line in package.lines}
        for line in lines:
            if line.line_id not in known or line.quantity > known[line.line_id]:
                raise ValueError(f"line {line.line_id} x{line.quantity} is not in package {package.package_id}")
        path = f"/order/sellers/{self._seller}/shipment-packages/{package.package_id}/items/unsupplied"
        body = {
            "lines": [{"lineId": _long(line.line_id), "quantity": line.quantity} for line in lines],
            "reasonId": reason_id,
        }
        attempted = datetime.now(UTC)

        def applied() -> bool:
            fresh, exhaustive = self._look_up(package.package_id, attempted)
            if fresh is None:
                return exhaustive  # gone from the paged list: replaced; absent from the stream: untouched
            return fresh.status.is_superseded

        return self._write(
            "PUT",
            path=path,
            body=body,
            group="unsupplied",
            business_key=business_key,
            applied=applied,
            package_id=package.package_id,
        )

    def _update_status(
        self, package: RemotePackage, body: dict[str, Any], done: frozenset[PackageStatus], business_key: str
    ) -> WriteOutcome:
        path = f"/order/sellers/{self._seller}/shipment-packages/{package.package_id}"
        attempted = datetime.now(UTC)

        def applied() -> bool:
            fresh, _exhaustive = self._look_up(package.package_id, attempted)
            return fresh is not None and fresh.status in done

        return self._write(
            "PUT",
            path=path,
            body=body,
            group="update_package",
            business_key=business_key,
            applied=applied,
            package_id=package.package_id,
        )

    def _write(
        self,
        method: str,
        *,
        path: str,
        body: dict[str, Any],
        group: str,
        business_key: str,
        applied: Callable[[], bool],
        package_id: str,
    ) -> WriteOutcome:
        """Send a write; a refusal caused by our own earlier success counts as done (look-up-then-act)."""
        log.info("write group=%s package=%s business_key=%s", group, package_id, business_key)
        try:
            reply = self._http.request(
                method,
                path,
                group=group,
                body=body,
                business_key=business_key,
                headers=self._key_header(business_key),
                already_applied=applied,
            )
        except Rejected:
            # An outbox retry after a crash or timeout lands here: Trendyol refuses Picking on a package
            # that is already Picking. If the package shows our change, the write is done.
            if applied():
                log.info("write found applied group=%s package=%s business_key=%s", group, package_id, business_key)
                return WriteOutcome(business_key=business_key, sent=False)
            raise
        return WriteOutcome(business_key=business_key, sent=not reply.already_applied)

    # -- helpers -----------------------------------------------------------------------------

    def _encode_time(self, moment: Any) -> int:
        return utc_to_gmt3_epoch_ms(moment) if self.config.local_epoch else utc_to_epoch_ms(moment)

    def _page_body(self, reply: Reply, path: str) -> tuple[Any, str | None]:
        """A listing reply parsed, and its text for storage; a reply carrying a NUL (which
        PostgreSQL cannot store) is cleaned of it and its text is not used."""
        body = self._json(reply, path)
        if json_holds_nul(reply.content):
            return without_nul(body), None
        return body, _reply_text(reply)

    @staticmethod
    def _lines_body(package: RemotePackage) -> list[dict[str, Any]]:
        return [{"lineId": _long(line.line_id), "quantity": line.quantity} for line in package.lines]


def _long(identifier: str) -> int | str:
    """Trendyol wants line ids as JSON numbers (longs); Python ints keep every digit."""
    return int(identifier) if identifier.isdigit() else identifier


__all__ = [
    "PRODUCTION_URL",
    "STAGE_URL",
    "TrendyolClient",
    "TrendyolConfig",
    "TrendyolLimits",
]
