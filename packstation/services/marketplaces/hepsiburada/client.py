"""Hepsiburada client: the open-line queue, packing lines into packages, packed packages, labels, stock.

HB has no Picking status: packing (``POST /packages``) is the one preparation step, and it creates the
package number. Until then an order's lines have no package, so open orders are keyed by order number
and :meth:`HepsiburadaClient.mark_picking` returns the new package number, which the caller stores.

Listing: ``GET /orders`` is the queue of open lines (a packed or cancelled line leaves it), read whole
with ``offset``/``limit`` and no dates, as HB's own examples do: a date filter covers 24 hours at most and
filters on line creation (DOC changelog Ocak 2023), so windows would lose lines after any downtime. Then
``GET /packages`` (by packaging date, ``timespan`` hours) brings the packed packages, including those an
auto-packing merchant's lines became within 15 minutes (DOC test-süreci page), and the shipped,
delivered, undelivered, unpacked and cancelled feeds report statuses (:meth:`iter_status_reports`).
During a sync both listings are keyed around what the station holds (:mod:`.arrange`): lines HB gave
back after an unpack are new work after the spent package, and open orders to one delivery are offered
to HB as one package.

Labels (:meth:`label_by_number`): HB's shared barcode by package number, as ZPL, PDF or a PNG/JPEG picture
(:mod:`.labels`); a carrier without one answers 400 and the station prints its own (:class:`NoMutualBarcode`).

Authentication: Basic ``merchantId:serviceKey`` and a User-Agent that is exactly the integrator's user
name (DOC changelog Ocak/Ağustos 2024); a wrong one gets 401 with an empty body, so a 401 names both.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from packstation.domain.marketplace import LabelFormat, Marketplace
from packstation.domain.outcomes import UnsuppliedReason
from packstation.domain.returns import ClaimItemStatus
from packstation.domain.status import PackageStatus
from packstation.i18n import _
from packstation.services.marketplaces.base import Capabilities, MarketplaceClient
from packstation.services.marketplaces.claims import ClaimPage, ClaimReason, RemoteClaim
from packstation.services.marketplaces.credentials import HepsiburadaCredentials
from packstation.services.marketplaces.errors import AuthError, MalformedReply, MarketplaceError, NotFound, Rejected
from packstation.services.marketplaces.hepsiburada import stock
from packstation.services.marketplaces.hepsiburada.arrange import Gone, arrange_open, arrange_packed
from packstation.services.marketplaces.hepsiburada.cancel import LineCanceller
from packstation.services.marketplaces.hepsiburada.claims import HepsiburadaClaims
from packstation.services.marketplaces.hepsiburada.config import (
    ORDERS_PAGE_MAX,
    PACKAGES_PAGE_MAX,
    HepsiburadaConfig,
)
from packstation.services.marketplaces.hepsiburada.feeds import StatusFeeds
from packstation.services.marketplaces.hepsiburada.labels import NO_MUTUAL_BARCODE, parse_label
from packstation.services.marketplaces.hepsiburada.parser import (
    aside,
    envelope_items,
    group_open_lines,
    parse_package,
)
from packstation.services.marketplaces.models import PackagePage, PackageQuery, RemotePackage, StatusReport
from packstation.services.marketplaces.ratelimit import RateLimiter
from packstation.services.marketplaces.transport import Reply, Transport, parse_json, retry_after_seconds
from packstation.services.marketplaces.writes import (
    MarketplaceLabel,
    StockBatchResult,
    StockPushReceipt,
    StockUpdate,
    UnsuppliedLine,
    WriteOutcome,
)

__all__ = ["HepsiburadaClient", "HepsiburadaConfig", "NoMutualBarcode"]

log = logging.getLogger("packstation.services.marketplaces.hepsiburada.client")
_HB = Marketplace.HEPSIBURADA


class NoMutualBarcode(Rejected):
    """HB's 400 "Cargo company does not provide mutual barcodes": the station prints its own label."""


class HepsiburadaClient(MarketplaceClient):
    """One Hepsiburada merchant, packing through the API (the station packs the lines)."""

    marketplace = _HB
    capabilities = Capabilities(
        picking_status=True, invoiced_status=False, unsupplied=True, marketplace_label=True, stock_batch_result=True
    )

    def __init__(self, credentials: HepsiburadaCredentials, *, config: HepsiburadaConfig | None = None) -> None:
        self.config = config or HepsiburadaConfig()
        self._merchant = credentials.merchant_id
        self._user_agent = credentials.user_agent
        #: Orders with cancelled lines, as of this client's last listing (one sync of an account at a time).
        self._cancelled_orders: frozenset[str] = frozenset()
        #: Packages HB unpacked and lines it cancelled, as of the last listing.
        self._gone = Gone()
        common: dict[str, Any] = {
            "marketplace": _HB,
            # Exactly the integrator username: a decorated value gets 401 (looks like bad credentials).
            "headers": {"User-Agent": credentials.user_agent, "Accept": "application/json"},
            "auth": (credentials.merchant_id, credentials.service_key),
            "retry": self.config.retry,
            "timeouts": self.config.timeouts,
            "logger": logging.getLogger("packstation.services.marketplaces.hepsiburada.client.http"),
        }
        self._oms = Transport(
            base_url=self.config.oms_url, limiter=RateLimiter({"oms": self.config.order_limit}), **common
        )
        self._listing = Transport(
            base_url=self.config.listing_url, limiter=RateLimiter({"listing": self.config.listing_limit}), **common
        )
        self._feeds = StatusFeeds(self._oms_call, self._merchant, self.config)
        # The claim-list host is the order host (SDK host table); another one is a setting, with its own pool.
        self._claims_http: Transport | None = None
        if self.config.claims_url and self.config.claims_url != self.config.oms_url:
            self._claims_http = Transport(
                base_url=self.config.claims_url, limiter=RateLimiter({"oms": self.config.order_limit}), **common
            )
        self._claims = HepsiburadaClaims(self._claims_call, self._merchant, self.config)

    def close(self) -> None:
        """Release both connection pools."""
        self._oms.close()
        self._listing.close()
        if self._claims_http is not None:
            self._claims_http.close()

    def _call(self, transport: Transport, method: str, path: str, **kwargs: Any) -> Reply:
        """One request; a 401 names every cause HB gives it the same answer for."""
        try:
            reply = transport.request(method, path, group="listing" if transport is self._listing else "oms", **kwargs)
        except AuthError as error:
            if error.status != 401:
                raise
            raise AuthError(
                _(
                    "Hepsiburada refused the credentials (HTTP 401). Check the merchant id and service key, and "
                    "that the User-Agent {agent!r} is exactly the integrator user name registered in the "
                    "merchant panel (authorising an integrator can take about 2 hours)."
                ).format(agent=self._user_agent),
                marketplace=_HB,
                status=401,
                marketplace_message=error.marketplace_message,
                endpoint=path,
            ) from error
        if reply.headers.get("X-RateLimit-Remaining") == "0":
            # HB's window is spent: wait out X-RateLimit-Reset (seconds, DOC changelog Kasım 2025) instead
            # of earning a 429 with the next call.
            wait = retry_after_seconds(reply.headers.get("X-RateLimit-Reset"))
            if wait:
                log.info("rate limit window spent, waiting %.2f s path=%s", wait, path)
                time.sleep(min(wait, self.config.retry.retry_after_cap))
        return reply

    # -- listing ----------------------------------------------------------------------------------

    def iter_package_pages(self, query: PackageQuery) -> Iterator[PackagePage]:
        """The open-line queue, then the packed packages of the last ``packages_timespan_hours``.

        The query's dates are not sent: the queue is read whole every time (see the module text). A sync
        cut into windows reads it in the open-ended last window only; earlier windows get an empty page.
        With the station's :class:`LocalView` in the query, the queue is read to its end before anything is
        yielded and keyed around what the station holds (see :mod:`.arrange`): lines HB unpacked are new
        work, and orders to one delivery are combined.
        """
        if query.modified_until is not None:
            yield PackagePage((), 0, False)
            return
        # Orders with cancelled lines: their lines left are keyed apart from the cancelled package.
        cancelled = list(self._feeds.cancelled())
        self._cancelled_orders = frozenset(report.key for report in cancelled)
        # What HB took back: the station's packages holding it are spent (see arrange.is_spent).
        self._gone = Gone(
            unpacked=frozenset(report.package_number for report in self._feeds.unpacked()),
            cancelled_lines=frozenset(line for report in cancelled for line in report.line_ids),
        )
        number = 0
        for page in self._open_pages(query):
            yield PackagePage(page.packages, number, True, total_elements=page.total_elements, set_aside=page.set_aside)
            number += 1
        for page in self.iter_packed_pages(query):  # always at least one page; the last has has_more False
            yield PackagePage(page.packages, number, page.has_more, set_aside=page.set_aside)
            number += 1

    def _open_pages(self, query: PackageQuery) -> Iterator[PackagePage]:
        if query.local is None:
            yield from self.iter_open_order_pages(query)
            return
        pages = list(self.iter_open_order_pages(query))  # the queue as a whole: orders combine across pages
        arranged = arrange_open(
            [p for page in pages for p in page.packages],
            query.local,
            self._gone,
            combine=self.config.combine_orders,
            packable_with=self._packable_with_or_none,
        )
        size = self.config.orders_page_size
        set_aside = tuple(item for page in pages for item in page.set_aside)
        for start in range(0, max(len(arranged), 1), size):
            chunk = tuple(arranged[start : start + size])
            yield PackagePage(chunk, start // size, True, total_elements=len(arranged), set_aside=set_aside)
            set_aside = ()

    def _packable_with_or_none(self, line_id: str) -> list[str] | None:
        """``packageable_with`` for combining: None when HB could not say now (the orders stay apart)."""
        try:
            return self.packageable_with(line_id)
        except MarketplaceError as error:
            log.warning("packageablewith unanswered line=%s error=%s", line_id, error)
            return None

    def iter_open_order_pages(self, query: PackageQuery) -> Iterator[PackagePage]:
        """``GET /orders``: open lines grouped per order, ``offset``/``limit`` paging, no dates."""
        path = f"/orders/merchantid/{self._merchant}"
        limit = min(query.page_size or self.config.orders_page_size, ORDERS_PAGE_MAX)
        offset, number = 0, 0
        while True:
            reply = self._call(self._oms, "GET", path, params={"offset": offset, "limit": limit})
            items, total = envelope_items(parse_json(reply.content, marketplace=_HB, endpoint=path), endpoint=path)
            packages, set_aside = group_open_lines(items, endpoint=path, cancelled_orders=self._cancelled_orders)
            for item in set_aside:
                log.error("open lines set aside endpoint=%s error=%s", path, item.reason)
            offset += len(items)
            # The queue shifts while we read it (lines get packed); a line skipped now is read next sync.
            has_more = bool(items) and total is not None and offset < total
            yield PackagePage(tuple(packages), number, has_more, total_elements=total, set_aside=tuple(set_aside))
            if not has_more:
                return
            number += 1

    def iter_packed_pages(self, query: PackageQuery, *, timespan_hours: int | None = None) -> Iterator[PackagePage]:
        """``GET /packages``: packed packages, a bare array; capital ``Offset`` (SPEC), ``timespan`` in hours."""
        path = f"/packages/merchantid/{self._merchant}"
        limit = min(query.page_size or self.config.packages_page_size, PACKAGES_PAGE_MAX)
        hours = timespan_hours or self.config.packages_timespan_hours
        offset, number = 0, 0
        while True:
            params = {"timespan": hours, "limit": limit, "Offset": offset}
            reply = self._call(self._oms, "GET", path, params=params)
            body = parse_json(reply.content, marketplace=_HB, endpoint=path)
            if not isinstance(body, list):
                raise MalformedReply(
                    _("Hepsiburada sent a package list that is not an array"), marketplace=_HB, endpoint=path
                )
            packages: list[RemotePackage] = []
            set_aside = []
            for item in body:
                try:
                    packages.append(parse_package(item, endpoint=path, cancelled_orders=self._cancelled_orders))
                except MalformedReply as error:
                    log.error("package set aside endpoint=%s error=%s", path, error)
                    set_aside.append(aside(error))
            if query.local is not None:
                packages = arrange_packed(packages, query.local, self._gone)
            # Paging counters come in headers whose names HB does not publish (UNCERTAIN): a short page ends.
            has_more = len(body) == limit
            yield PackagePage(tuple(packages), number, has_more, set_aside=tuple(set_aside))
            if not has_more:
                return
            offset += limit
            number += 1

    def iter_status_reports(self) -> Iterator[StatusReport]:
        """Shipped, undelivered and delivered packages, then unpacked packages, then cancelled lines."""
        if not self.config.follow_statuses:
            return iter(())
        return self._feeds.status_reports()

    def get_package(self, package_id: str) -> RemotePackage | None:
        """A packed package by package number or by its (single) order number; scans ``lookup_pages`` pages."""
        return self._find_packed(lambda p: package_id in (p.package_id, p.package_number))

    def _find_packed(self, predicate: Callable[[RemotePackage], bool]) -> RemotePackage | None:
        for page in self.iter_packed_pages(PackageQuery()):
            for package in page.packages:
                if predicate(package):
                    return package
            if page.number + 1 >= self.config.lookup_pages:
                return None
        return None

    # -- writes -----------------------------------------------------------------------------------

    def mark_picking(self, package: RemotePackage, *, business_key: str) -> WriteOutcome:
        """Pack the lines into one package (``POST /packages``); returns the package number."""
        number, _barcode, sent = self.create_package(package, business_key=business_key)
        return WriteOutcome(business_key, sent=sent, new_package_ids=(number,))

    def create_package(
        self, package: RemotePackage, *, business_key: str, parcel_quantity: int = 1, deci: Decimal | None = None
    ) -> tuple[str, str, bool]:
        """``POST /packages``: (package number, delivery barcode, whether it was sent) for the package's lines,
        going out in ``parcel_quantity`` boxes of ``deci`` desi in all (None: ``parcel_deci``, the setting).

        Body per SPEC ``CreatePackageRequest``: ``lineItemRequests [{id, quantity}]``, ``parcelQuantity``,
        ``deci``; answer 201 ``{barcode, packageNumber}`` (the barcode is the carrier's delivery number).
        Retry safety: HB has no idempotency key, so after an ambiguous failure the client looks for a packed
        package holding these lines and, if there is one, reports it instead of packing again.
        """
        path = f"/packages/merchantid/{self._merchant}"
        self._check_packable_together(package)
        body = {
            "lineItemRequests": [{"id": line.line_id, "quantity": line.quantity} for line in package.lines],
            "parcelQuantity": parcel_quantity,
            # SPEC types deci as a number; two decimals, as desi is written.
            "deci": float(round(deci, 2)) if deci is not None else self.config.parcel_deci,
        }
        line_ids = {line.line_id for line in package.lines}
        found: list[RemotePackage] = []

        def applied() -> bool:
            match = self._find_packed(lambda p: line_ids <= {line.line_id for line in p.lines})
            if match is not None:
                found.append(match)
            return match is not None

        log.info("pack order=%s lines=%d business_key=%s", package.order_number, len(line_ids), business_key)
        reply = self._call(self._oms, "POST", path, body=body, business_key=business_key, already_applied=applied)
        if reply.already_applied:
            return found[0].package_number, found[0].cargo_tracking_number, False
        answer = parse_json(reply.content, marketplace=_HB, endpoint=path)
        number = answer.get("packageNumber") if isinstance(answer, Mapping) else None
        if not number:
            raise MalformedReply(_("Hepsiburada sent no packageNumber"), marketplace=_HB, endpoint=path)
        return str(number), str(answer.get("barcode") or ""), True

    def report_unsupplied(
        self,
        package: RemotePackage,
        lines: Sequence[UnsuppliedLine],
        *,
        reason: UnsuppliedReason,
        business_key: str,
    ) -> WriteOutcome:
        """Cancel lines the seller cannot supply (``cancelbymerchant``, see :mod:`.cancel`)."""
        canceller = LineCanceller(self._oms_call, self._feeds, self._merchant, self.config)
        return canceller.cancel(package, lines, reason=reason, business_key=business_key)

    def _check_packable_together(self, package: RemotePackage) -> None:
        """Refuse, naming the lines, a package HB would not make: lines for another customer or address."""
        if len(package.lines) < 2:
            return
        first, *others = (line.line_id for line in package.lines)
        joinable = set(self.packageable_with(first))
        apart = [line for line in others if line not in joinable]
        if apart:
            raise Rejected(
                _(
                    "Hepsiburada cannot pack lines {lines} together with line {first} (another customer or address)"
                ).format(lines=", ".join(apart), first=first),
                marketplace=_HB,
            )

    def packageable_with(self, line_id: str) -> list[str]:
        """Lines that may share a package with ``line_id`` (``GET …/packageablewith``; 404 = none)."""
        path = f"/lineitems/merchantid/{self._merchant}/packageablewith/lineitemid/{line_id}"
        try:
            reply = self._call(self._oms, "GET", path)
        except NotFound:
            return []
        body = parse_json(reply.content, marketplace=_HB, endpoint=path)
        items = body.get("lineItems") if isinstance(body, Mapping) else None
        if not isinstance(items, list):
            raise MalformedReply(_("Hepsiburada sent no 'lineItems'"), marketplace=_HB, endpoint=path)
        return [str(item.get("lineItemId")) for item in items if isinstance(item, Mapping) and item.get("lineItemId")]

    def label_by_number(
        self, package_number: str, *, preferred: LabelFormat = LabelFormat.ZPL, tracking: str = ""
    ) -> MarketplaceLabel | None:
        """HB's shared-barcode label of package ``package_number``; raises :class:`NoMutualBarcode` when the
        carrier gives none (print ours), None when the merchant is not on the shared-barcode model."""
        wanted = self.config.label_format or preferred
        path = f"/packages/merchantid/{self._merchant}/packagenumber/{package_number}/labels"
        try:
            reply = self._call(self._oms, "GET", path, params={"format": self.config.label_format_name(wanted)})
        except Rejected as error:
            if error.status == 400 and NO_MUTUAL_BARCODE.casefold() in str(error.marketplace_message).casefold():
                raise NoMutualBarcode(
                    _("Hepsiburada: the carrier gives no shared barcode for package {package}").format(
                        package=package_number
                    ),
                    marketplace=_HB,
                    status=400,
                    # HB sends the text as a JSON string: shown without its quotes.
                    marketplace_message=error.marketplace_message.strip().strip('"'),
                    endpoint=path,
                ) from error
            raise
        body = parse_json(reply.content, marketplace=_HB, endpoint=path)
        label = parse_label(body, package_number=package_number, tracking=tracking, config=self.config, endpoint=path)
        log.info(
            "label package=%s asked=%s mutual_barcode=%s documents=%d",
            package_number,
            wanted.value,
            label is not None,
            len(label.documents) if label else 0,
        )
        return label

    def fetch_label(
        self, package: RemotePackage, *, preferred: LabelFormat = LabelFormat.ZPL, box_count: int = 1
    ) -> MarketplaceLabel | None:
        """HB's label of a packed package (its package number comes from the package HB listed).

        HB learns the box count when the package is created (``parcelQuantity``), not here."""
        number = package.package_number
        if package.status is PackageStatus.CREATED or not number:
            # Open order lines have no package number yet: HB makes the label of a packed package only.
            raise NotFound(
                _("Hepsiburada issues the label of order {order} only after it is packed.").format(
                    order=package.order_number
                ),
                marketplace=_HB,
            )
        return self.label_by_number(number, preferred=preferred, tracking=package.cargo_tracking_number)

    def push_stock(self, items: Sequence[StockUpdate], *, business_key: str) -> list[StockPushReceipt]:
        """``POST /listings/.../stock-uploads`` in batches (see :mod:`.stock`)."""
        return stock.push_stock(
            self._listing_call,
            self._merchant,
            items,
            business_key=business_key,
            batch_size=self.config.stock_batch_size,
        )

    def stock_result(self, batch_id: str) -> StockBatchResult:
        """An upload's result; HB lists only the failing items, so ``items`` holds failures."""
        return stock.stock_result(self._listing_call, self._merchant, batch_id)

    def _oms_call(self, method: str, path: str, **kwargs: Any) -> Reply:
        return self._call(self._oms, method, path, **kwargs)

    def _listing_call(self, method: str, path: str, **kwargs: Any) -> Reply:
        return self._call(self._listing, method, path, **kwargs)

    def iter_claim_pages(
        self,
        *,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
        status: ClaimItemStatus | None = None,
        order_number: str = "",
    ) -> Iterator[ClaimPage]:
        """Claims awaiting the seller, page by page (see :mod:`.claims`)."""
        return self._claims.iter_claim_pages(
            created_from=created_from, created_to=created_to, status=status, order_number=order_number
        )

    def claim(self, claim_id: str, *, order_number: str) -> RemoteClaim | None:
        """One claim (by its number) as HB holds it now."""
        return self._claims.claim(claim_id, order_number=order_number)

    def approve_claim_items(
        self, claim_id: str, item_ids: Sequence[str], *, order_number: str, business_key: str
    ) -> WriteOutcome:
        """Accept a claim, all its units (HB answers claims whole)."""
        return self._claims.approve_claim_items(
            claim_id, item_ids, order_number=order_number, business_key=business_key
        )

    def reject_claim_items(
        self,
        claim_id: str,
        item_ids: Sequence[str],
        *,
        reason_id: str,
        description: str,
        files: Sequence[tuple[str, bytes, str]] = (),
        order_number: str,
        business_key: str,
    ) -> WriteOutcome:
        """Reject a claim, all its units, with a reason and statement (evidence files are not sent: URLs only)."""
        return self._claims.reject_claim_items(
            claim_id,
            item_ids,
            reason_id=reason_id,
            description=description,
            files=files,
            order_number=order_number,
            business_key=business_key,
        )

    def claim_issue_reasons(self) -> list[ClaimReason]:
        """The rejection reasons the bench offers: HB publishes none, so the configured one, or none at all
        (the bench then says the marketplace lists no reasons)."""
        reason = self.config.claim_rejection_reason
        return [ClaimReason(name=reason, external_id=reason)] if reason else []

    def _claims_call(self, method: str, path: str, **kwargs: Any) -> Reply:
        return self._call(self._claims_http or self._oms, method, path, **kwargs)
