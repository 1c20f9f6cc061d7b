"""Hepsiburada client: the open-line queue, packing lines into packages, packed packages, labels, stock.

HB has no Picking status: packing (``POST /packages``) is the one preparation step, and it creates the
package number. Until then an order's lines have no package, so open orders are keyed by order number
and :meth:`HepsiburadaClient.mark_picking` returns the new package number, which the caller stores.

Listing: ``GET /orders`` is the queue of open lines (a packed or cancelled line leaves it), read whole
with ``offset``/``limit`` and no dates, as HB's own examples do: a date filter covers 24 hours at most and
filters on line creation (DOC changelog Ocak 2023), so windows would lose lines after any downtime. Then
``GET /packages`` (by packaging date, ``timespan`` hours) brings the packed packages, including those an
auto-packing merchant's lines became within 15 minutes (DOC test-süreci page), and the shipped,
delivered, undelivered and cancelled feeds report statuses (:meth:`iter_status_reports`).

Authentication: Basic ``merchantId:serviceKey`` and a User-Agent that is exactly the integrator's user
name (DOC changelog Ocak/Ağustos 2024); a wrong one gets 401 with an empty body, so a 401 names both.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from packstation.domain.marketplace import LabelFormat, Marketplace
from packstation.domain.status import PackageStatus
from packstation.i18n import _
from packstation.services.marketplaces.base import Capabilities, MarketplaceClient, batched
from packstation.services.marketplaces.credentials import HepsiburadaCredentials
from packstation.services.marketplaces.errors import AuthError, MalformedReply, NotFound, Rejected
from packstation.services.marketplaces.hepsiburada.config import (
    ORDERS_PAGE_MAX,
    PACKAGES_PAGE_MAX,
    HepsiburadaConfig,
)
from packstation.services.marketplaces.hepsiburada.parser import (
    NO_MUTUAL_BARCODE,
    aside,
    cancelled_item,
    envelope_items,
    group_open_lines,
    parse_label,
    parse_package,
    status_item,
)
from packstation.services.marketplaces.models import PackagePage, PackageQuery, RemotePackage, StatusReport
from packstation.services.marketplaces.ratelimit import RateLimiter
from packstation.services.marketplaces.transport import Reply, Transport, parse_json, retry_after_seconds
from packstation.services.marketplaces.writes import (
    BatchState,
    ItemState,
    MarketplaceLabel,
    StockBatchResult,
    StockItemResult,
    StockPushReceipt,
    StockUpdate,
    WriteOutcome,
)

__all__ = ["HepsiburadaClient", "HepsiburadaConfig", "NoMutualBarcode"]

log = logging.getLogger("packstation.services.marketplaces.hepsiburada.client")
_HB = Marketplace.HEPSIBURADA
_DONE_UPLOAD = ("done", "completed", "finished", "success")
#: The thin status feeds, in the order they are applied (a later one wins within one sync).
_STATUS_FEEDS = (
    ("shipped", PackageStatus.SHIPPED),
    ("undelivered", PackageStatus.UNDELIVERED),
    ("delivered", PackageStatus.DELIVERED),
)


class NoMutualBarcode(Rejected):
    """HB's 400 "Cargo company does not provide mutual barcodes": the station prints its own label."""


class HepsiburadaClient(MarketplaceClient):
    """One Hepsiburada merchant, packing through the API (the station packs the lines)."""

    marketplace = _HB
    capabilities = Capabilities(
        picking_status=True, invoiced_status=False, unsupplied=False, marketplace_label=True, stock_batch_result=True
    )

    def __init__(self, credentials: HepsiburadaCredentials, *, config: HepsiburadaConfig | None = None) -> None:
        self.config = config or HepsiburadaConfig()
        self._merchant = credentials.merchant_id
        self._user_agent = credentials.user_agent
        #: Orders with cancelled lines, as of this client's last listing (one sync of an account at a time).
        self._cancelled_orders: frozenset[str] = frozenset()
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

    def close(self) -> None:
        """Release both connection pools."""
        self._oms.close()
        self._listing.close()

    def _call(self, transport: Transport, method: str, path: str, **kwargs: Any) -> Reply:
        """One request; a 401 names every cause HB gives it the same answer for."""
        try:
            reply = transport.request(method, path, group="oms" if transport is self._oms else "listing", **kwargs)
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
        """
        if query.modified_until is not None:
            yield PackagePage((), 0, False)
            return
        # Orders with cancelled lines: their lines left are keyed apart from the cancelled package.
        self._cancelled_orders = frozenset(report.key for report in self._cancelled_reports())
        number = 0
        for page in self.iter_open_order_pages(query):
            yield PackagePage(page.packages, number, True, total_elements=page.total_elements, set_aside=page.set_aside)
            number += 1
        for page in self.iter_packed_pages(query):  # always at least one page; the last has has_more False
            yield PackagePage(page.packages, number, page.has_more, set_aside=page.set_aside)
            number += 1

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
            packages, set_aside = [], []
            for item in body:
                try:
                    packages.append(parse_package(item, endpoint=path, cancelled_orders=self._cancelled_orders))
                except MalformedReply as error:
                    log.error("package set aside endpoint=%s error=%s", path, error)
                    set_aside.append(aside(error))
            # Paging counters come in headers whose names HB does not publish (UNCERTAIN): a short page ends.
            has_more = len(body) == limit
            yield PackagePage(tuple(packages), number, has_more, set_aside=tuple(set_aside))
            if not has_more:
                return
            offset += limit
            number += 1

    def iter_status_reports(self) -> Iterator[StatusReport]:
        """Shipped, undelivered and delivered packages, then cancelled lines (each feed: the last month).

        These feeds refuse any date ("WrongDateFormat", OVL), so none is sent.
        """
        if not self.config.follow_statuses:
            return
        for feed, status in _STATUS_FEEDS:
            path = f"/packages/merchantid/{self._merchant}/{feed}"
            for item in self._envelope_pages(path):
                try:
                    yield status_item(item, status, endpoint=path)
                except MalformedReply as error:
                    log.error("status report set aside endpoint=%s error=%s", path, error)
        yield from self._cancelled_reports()

    def _cancelled_reports(self) -> Iterator[StatusReport]:
        """``/orders/…/cancelled``: cancelled lines of the last month (no dates: they are refused)."""
        path = f"/orders/merchantid/{self._merchant}/cancelled"
        for item in self._envelope_pages(path):
            try:
                yield cancelled_item(item, endpoint=path)
            except MalformedReply as error:
                log.error("status report set aside endpoint=%s error=%s", path, error)

    def _envelope_pages(self, path: str) -> Iterator[Any]:
        limit, offset = self.config.status_page_size, 0
        while True:
            reply = self._call(self._oms, "GET", path, params={"offset": offset, "limit": limit})
            items, total = envelope_items(parse_json(reply.content, marketplace=_HB, endpoint=path), endpoint=path)
            yield from items
            offset += len(items)
            if not items or total is None or offset >= total:
                return

    def get_package(self, package_id: str) -> RemotePackage | None:
        """A packed package by package number or by its (single) order number; scans ``lookup_pages`` pages."""
        return self._find_packed(
            lambda p: p.package_id == package_id or str(p.raw.get("packageNumber", "")) == package_id
        )

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
        self, package: RemotePackage, *, business_key: str, parcel_quantity: int = 1
    ) -> tuple[str, str, bool]:
        """``POST /packages``: (package number, delivery barcode, whether it was sent) for the package's lines,
        going out in ``parcel_quantity`` boxes.

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
            "deci": self.config.parcel_deci,
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
            return str(found[0].raw.get("packageNumber")), found[0].cargo_tracking_number, False
        answer = parse_json(reply.content, marketplace=_HB, endpoint=path)
        number = answer.get("packageNumber") if isinstance(answer, Mapping) else None
        if not number:
            raise MalformedReply(_("Hepsiburada sent no packageNumber"), marketplace=_HB, endpoint=path)
        return str(number), str(answer.get("barcode") or ""), True

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
        number = str(package.raw.get("packageNumber") or "")
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
        """``POST /listings/.../stock-uploads``; keyed by ``hepsiburadaSku`` and/or ``merchantSku``."""
        for item in items:
            if not item.marketplace_sku and not item.stock_code:
                raise ValueError(f"Hepsiburada needs hepsiburadaSku or merchantSku for {item.barcode!r}")
            if item.quantity is None or item.sale_price is not None:
                raise ValueError(f"Hepsiburada stock upload takes quantities only ({item.barcode!r})")
        path = f"/listings/merchantid/{self._merchant}/stock-uploads"
        receipts = []
        for index, chunk in enumerate(batched(items, self.config.stock_batch_size)):
            key = f"{business_key}/{index}"
            body = [_stock_item(item) for item in chunk]
            log.info("stock upload items=%d business_key=%s", len(chunk), key)
            reply = self._call(self._listing, "POST", path, body=body, business_key=key)
            answer = parse_json(reply.content, marketplace=_HB, endpoint=path)
            upload_id = answer.get("id") if isinstance(answer, Mapping) else None
            if not upload_id:
                raise MalformedReply(_("Hepsiburada sent no upload id"), marketplace=_HB, endpoint=path)
            receipts.append(StockPushReceipt(key, str(upload_id), len(chunk)))
        return receipts

    def stock_result(self, batch_id: str) -> StockBatchResult:
        """An upload's result; HB lists only the failing items, so ``items`` holds failures."""
        path = f"/listings/merchantid/{self._merchant}/stock-uploads/id/{batch_id}"
        reply = self._call(self._listing, "GET", path)
        body = parse_json(reply.content, marketplace=_HB, endpoint=path)
        if not isinstance(body, Mapping):
            raise MalformedReply(_("Hepsiburada sent an invalid upload result"), marketplace=_HB, endpoint=path)
        status = str(body.get("status", "")).lower()
        failures = tuple(
            StockItemResult(
                key=str(error.get("merchantSku") or error.get("hepsiburadaSku") or ""),
                state=ItemState.FAILED,
                reasons=tuple(str(reason) for reason in error.get("errors") or ()),
            )
            for error in body.get("errors") or ()
            if isinstance(error, Mapping)
        )
        state = BatchState.COMPLETED if status in _DONE_UPLOAD else BatchState.IN_PROGRESS
        return StockBatchResult(batch_id=batch_id, state=state, items=failures, raw=dict(body))


def _stock_item(item: StockUpdate) -> dict[str, Any]:
    body: dict[str, Any] = {"availableStock": item.quantity}
    if item.marketplace_sku:
        body["hepsiburadaSku"] = item.marketplace_sku
    if item.stock_code:
        body["merchantSku"] = item.stock_code
    return body
