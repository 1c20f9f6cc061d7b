"""N11 REST client: shipment packages, Picking per line, price/stock tasks.

Shapes follow ``reference/marketplaces.md`` §3 and research/n11/FACTS.md (field names there are
UNCERTAIN in detail; readers accept the documented alternatives). N11 takes one status per request and
clips date windows to 15 days silently, so the client lists each status in turn and refuses longer
windows instead of missing packages.

Two kinds of package N11 does send and we must not lose: a line with ``"barcode": null`` (barcodes are
optional in N11's product create) is packed through its stock code, and a "Konuma Özel Teslimat"
package with ``"id": null`` is stored under its order number (see :func:`package_key`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from packstation.db.storable import json_holds_nul
from packstation.domain.marketplace import Marketplace
from packstation.domain.outcomes import UnsuppliedReason
from packstation.domain.retry import RetryPolicy
from packstation.domain.status import PICKING_OR_PAST, PackageStatus
from packstation.services.marketplaces.base import Capabilities, MarketplaceClient, batched
from packstation.services.marketplaces.credentials import N11Credentials
from packstation.services.marketplaces.errors import MalformedReply, Rejected, malformed_package
from packstation.services.marketplaces.fields import (
    FieldProblem,
    epoch_ms,
    gmt3_epoch_to_utc,
    id_text,
    money,
    positive_int,
    read_packages,
    text,
    utc_to_gmt3_epoch_ms,
    without_nul,
)
from packstation.services.marketplaces.models import PackagePage, PackageQuery, RemoteAddress, RemoteLine, RemotePackage
from packstation.services.marketplaces.ratelimit import RateLimit, RateLimiter
from packstation.services.marketplaces.transport import Timeouts, Transport, parse_json
from packstation.services.marketplaces.writes import (
    BatchState,
    ItemState,
    StockBatchResult,
    StockItemResult,
    StockPushReceipt,
    StockUpdate,
    WriteOutcome,
)

log = logging.getLogger("packstation.services.marketplaces.n11.client")
_N11 = Marketplace.N11
MAX_WINDOW = timedelta(days=15)
MAX_STOCK = 999_999
_LIST_LIMIT = RateLimit(1000, 60.0)
_WRITE_LIMIT = RateLimit(300, 60.0)


@dataclass(frozen=True)
class N11Config:
    """Host, paging and limits for one N11 store."""

    base_url: str = "https://api.n11.com"
    page_size: int = 100  # max 100
    stock_batch_size: int = 1000
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    list_limit: RateLimit = _LIST_LIMIT
    write_limit: RateLimit = _WRITE_LIMIT


def _address(data: Any, name: str) -> RemoteAddress | None:
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise FieldProblem(name, "is not an object")
    return RemoteAddress(
        full_name=text(data, "fullName"),
        address1=text(data, "address"),
        neighborhood=text(data, "neighborhood"),
        district=text(data, "district"),
        city=text(data, "city"),
        postal_code=text(data, "postalCode"),
        country_code="TR",
        phone=text(data, "gsm"),
    )


def _scan_code(line: Mapping[str, Any]) -> str:
    """What the packer scans for a line: its barcode, or its stock code when N11 sends ``"barcode": null``.

    Barcodes are optional in N11's product create (research/n11/FACTS.md §3: "Ulusal barkod, Hayır"), and
    product rows were observed with ``barcode: null``; such a line is still packed, by the seller's stock
    code (on the item's own label), which the pack screen then shows where the barcode would be.
    """
    barcode = id_text(line, "barcode", required=False).replace(" ", "")
    if barcode:
        return barcode
    stock_code = id_text(line, "stockCode", required=False)
    if not stock_code:
        raise FieldProblem("barcode", "and stockCode are both missing: the line cannot be scanned")
    return stock_code


def _line(data: Any, index: int) -> RemoteLine:
    if not isinstance(data, Mapping):
        raise FieldProblem(f"lines[{index}]", "is not an object")
    try:
        attributes = {
            str(a.get("name", "")).strip().lower(): str(a.get("value", "")).strip()
            for a in data.get("variantAttributes") or ()
            if isinstance(a, Mapping)
        }
        return RemoteLine(
            line_id=id_text(data, "orderLineId", "id"),
            barcode=_scan_code(data),
            quantity=positive_int(data, "quantity"),
            stock_code=text(data, "stockCode"),
            product_name=text(data, "productName"),
            color=attributes.get("renk", ""),
            size=attributes.get("beden", "") or attributes.get("numara", ""),
            unit_price=money(data, "price"),
            status_raw=text(data, "orderItemLineItemStatusName"),
            marketplace_sku=text(data, "productId"),
        )
    except FieldProblem as problem:
        raise FieldProblem(f"lines[{index}].{problem.field}", problem.problem) from problem


#: Prefix of the key of a package N11 sent without an id (never a numeric N11 package id).
ORDER_KEY_PREFIX = "order-"


def package_key(data: Mapping[str, Any]) -> str:
    """The package id, or for a package N11 sends with ``"id": null`` ("Konuma Özel Teslimat",
    location-specific delivery: documented in N11's changelog, FACTS.md §3) a key from its order
    number and first line id, so it is stored and shown instead of dropped."""
    if data.get("id") is not None:
        return id_text(data, "id")
    order = id_text(data, "orderNumber")
    lines = data.get("lines")
    first = lines[0] if isinstance(lines, list) and lines and isinstance(lines[0], Mapping) else {}
    line = id_text(first, "orderLineId", "id", required=False)
    return f"{ORDER_KEY_PREFIX}{order}-{line}" if line else f"{ORDER_KEY_PREFIX}{order}"


def parse_package(data: Any, *, endpoint: str = "") -> RemotePackage:
    """One ``content[]`` item of ``shipmentPackages``."""
    if not isinstance(data, Mapping):
        raise MalformedReply("N11 sent a package that is not an object", marketplace=_N11, endpoint=endpoint)
    package_id = ""
    try:
        package_id = package_key(data)
        status_raw = text(data, "shipmentPackageStatus", "status")  # may carry stray spaces
        if not status_raw:
            raise FieldProblem("shipmentPackageStatus", "is missing")
        raw_lines = data.get("lines")
        if not isinstance(raw_lines, list) or not raw_lines:
            raise FieldProblem("lines", "is missing or empty")
        modified = epoch_ms(data, "lastModifiedDate")
        deadline = epoch_ms(data, "agreedDeliveryDate")
        shipping = _address(data.get("shippingAddress"), "shippingAddress")
        return RemotePackage(
            marketplace=_N11,
            package_id=package_id,
            order_number=id_text(data, "orderNumber"),  # growing to 13 digits: text, never int
            status=PackageStatus.parse(status_raw),
            status_raw=status_raw,
            lines=tuple(_line(line, n) for n, line in enumerate(raw_lines)),
            cargo_tracking_number=id_text(data, "cargoTrackingNumber", required=False),
            cargo_provider=text(data, "cargoProviderName"),
            customer_name=text(data, "customerfullName", "customerFullName"),
            shipment_address=shipping,
            invoice_address=_address(data.get("billingAddress"), "billingAddress"),
            last_modified=gmt3_epoch_to_utc(modified) if modified is not None else None,
            last_modified_ms=modified,
            ship_by=gmt3_epoch_to_utc(deadline) if deadline is not None else None,
            total_price=money(data, "totalAmount"),
            raw=dict(data),
        )
    except FieldProblem as problem:
        raise malformed_package(_N11, package_id, problem.field, problem.problem, endpoint=endpoint) from problem


#: N11's ``cancelReasonId`` for lines a seller cannot supply (``splitPackageByQuantity`` ``cancelledItems``;
#: 3P write-up citing developer.n11.com "Miktar Bazlı Paket Bölme / Sipariş Ürün İptali"). N11, unlike
#: Trendyol, publishes an "other" (65).
REASON_IDS = {
    UnsuppliedReason.OUT_OF_STOCK: 61,
    UnsuppliedReason.DEFECTIVE: 62,
    UnsuppliedReason.WRONG_PRICE: 63,
    UnsuppliedReason.FORCE_MAJEURE: 64,
    UnsuppliedReason.OTHER: 65,
}


class N11Client(MarketplaceClient):
    """One N11 store."""

    marketplace = _N11
    capabilities = Capabilities(
        picking_status=True, invoiced_status=False, unsupplied=False, marketplace_label=False, stock_batch_result=True
    )

    def __init__(self, credentials: N11Credentials, *, config: N11Config | None = None) -> None:
        self.config = config or N11Config()
        self._integrator = credentials.integrator
        self._http = Transport(
            marketplace=_N11,
            base_url=self.config.base_url,
            # N11 authenticates by these two headers; there is no Authorization header.
            headers={"appkey": credentials.app_key, "appsecret": credentials.app_secret, "Accept": "application/json"},
            auth=None,
            limiter=RateLimiter({"list": self.config.list_limit, "write": self.config.write_limit}),
            retry=self.config.retry,
            timeouts=self.config.timeouts,
            logger=logging.getLogger("packstation.services.marketplaces.n11.client.http"),
        )

    def close(self) -> None:
        """Release the HTTP connections."""
        self._http.close()

    def iter_package_pages(self, query: PackageQuery) -> Iterator[PackagePage]:
        """``GET /rest/delivery/v1/shipmentPackages``, one status at a time, 0-based pages."""
        since, until = query.modified_since, query.modified_until
        if since is not None and until is not None and until - since > MAX_WINDOW:
            raise ValueError("N11 clips date windows to 15 days; split the window")
        base: dict[str, str | int] = {
            "size": min(query.page_size or self.config.page_size, 100),
            "orderByDirection": "DESC",
        }
        if query.modified_since is not None:
            base["startDate"] = utc_to_gmt3_epoch_ms(query.modified_since)
            base["orderByField"] = "true"  # filter on lastModifiedDate rather than order date
        if query.modified_until is not None:
            base["endDate"] = utc_to_gmt3_epoch_ms(query.modified_until)
        if query.package_ids:
            base["packageIds"] = ",".join(query.package_ids)
        if query.order_number:
            base["orderNumber"] = query.order_number
        statuses = sorted(status.value for status in query.statuses) or [""]
        number = 0
        for status in statuses:
            params = {**base, "status": status} if status else dict(base)
            page = 0
            while True:
                path = "/rest/delivery/v1/shipmentPackages"
                reply = self._http.request("GET", path, group="list", params={**params, "page": page})
                body = parse_json(reply.content, marketplace=_N11, endpoint=path)
                if json_holds_nul(reply.content):
                    body = without_nul(body)  # PostgreSQL stores no NUL, in text or in the raw payload
                if not isinstance(body, Mapping) or not isinstance(body.get("content"), list):
                    raise MalformedReply("N11 sent a package list without 'content'", marketplace=_N11, endpoint=path)
                packages, set_aside = read_packages(
                    body["content"], partial(parse_package, endpoint=path), id_names=("id", "orderNumber")
                )
                try:
                    more = page + 1 < int(body.get("totalPages") or 0)
                except (TypeError, ValueError) as exc:
                    raise MalformedReply("N11 sent an invalid page header", marketplace=_N11, endpoint=path) from exc
                # The documented envelope is {pageCount, totalPages, page, size, content}; totalElements
                # is not confirmed (FACTS.md §3), so it is only passed on when present.
                total = body.get("totalElements")
                yield PackagePage(
                    packages,
                    number,
                    more,
                    total_elements=total if isinstance(total, int) else None,
                    set_aside=set_aside,
                )
                number += 1
                if not more:
                    break
                page += 1

    def get_package(self, package_id: str) -> RemotePackage | None:
        """Read one package by id (a package N11 keeps without an id: by its order number)."""
        if package_id.startswith(ORDER_KEY_PREFIX):
            order = package_id.removeprefix(ORDER_KEY_PREFIX).split("-", 1)[0]
            query = PackageQuery(order_number=order)
        else:
            query = PackageQuery(package_ids=(package_id,))
        for package in self.iter_packages(query):
            if package.package_id == package_id:
                return package
        return None

    def mark_picking(self, package: RemotePackage, *, business_key: str) -> WriteOutcome:
        """Accept the package's lines (``PUT /rest/order/v1/update``); N11 answers per line.

        Retry safety: after an ambiguous failure the client re-reads the package and sends nothing if
        it is already Picking (or later).
        """
        path = "/rest/order/v1/update"
        body = {"lines": [{"lineId": _long(line.line_id)} for line in package.lines], "status": "Picking"}

        def applied() -> bool:
            fresh = self.get_package(package.package_id)
            return fresh is not None and fresh.status in PICKING_OR_PAST

        log.info("picking package=%s business_key=%s", package.package_id, business_key)
        reply = self._http.request(
            "PUT", path, group="write", body=body, business_key=business_key, already_applied=applied
        )
        if reply.already_applied:
            return WriteOutcome(business_key, sent=False)
        answer = parse_json(reply.content, marketplace=_N11, endpoint=path) if reply.content else {}
        errors = {}
        for item in answer.get("content") or () if isinstance(answer, Mapping) else ():
            if isinstance(item, Mapping) and str(item.get("status", "")).upper() not in ("SUCCESS", "OK", ""):
                errors[str(item.get("lineId", ""))] = str(item.get("reason") or item.get("message") or "")
        if errors:
            log.warning("picking refused lines=%s package=%s business_key=%s", errors, package.package_id, business_key)
        return WriteOutcome(business_key, line_errors=errors)

    def push_stock(self, items: Sequence[StockUpdate], *, business_key: str) -> list[StockPushReceipt]:
        """``POST /ms/product/tasks/price-stock-update`` keyed by ``stockCode``, 1000 per task."""
        for item in items:
            if not item.stock_code:
                raise ValueError(f"N11 keys stock by stockCode; none for {item.barcode!r}")
            if item.quantity is not None and item.quantity > MAX_STOCK:
                raise ValueError(f"stock {item.quantity} for {item.stock_code} is above N11's {MAX_STOCK}")
        path = "/ms/product/tasks/price-stock-update"
        receipts = []
        for index, chunk in enumerate(batched(items, self.config.stock_batch_size)):
            key = f"{business_key}/{index}"
            body = {"payload": {"integrator": self._integrator, "skus": [_sku(item) for item in chunk]}}
            log.info("stock task items=%d business_key=%s", len(chunk), key)
            reply = self._http.request("POST", path, group="write", body=body, business_key=key)
            answer = parse_json(reply.content, marketplace=_N11, endpoint=path)
            if not isinstance(answer, Mapping) or answer.get("id") is None:
                raise MalformedReply("N11 sent no task id", marketplace=_N11, endpoint=path)
            if str(answer.get("status", "")).upper() == "REJECT":
                reasons = "; ".join(str(r) for r in answer.get("reasons") or ())
                raise Rejected(
                    "N11 rejected the stock task", marketplace=_N11, marketplace_message=reasons, endpoint=path
                )
            receipts.append(StockPushReceipt(key, str(answer["id"]), len(chunk)))
        return receipts

    def stock_result(self, batch_id: str) -> StockBatchResult:
        """``POST /ms/product/task-details/page-query`` for one task."""
        path = "/ms/product/task-details/page-query"
        body = {"taskId": _long(batch_id), "pageable": {"page": 0, "size": 1000}}
        reply = self._http.request("POST", path, group="list", body=body)
        answer = parse_json(reply.content, marketplace=_N11, endpoint=path)
        if not isinstance(answer, Mapping):
            raise MalformedReply("N11 sent an invalid task result", marketplace=_N11, endpoint=path)
        skus = answer.get("skus") or {}
        items = tuple(
            StockItemResult(
                key=str(sku.get("itemCode", "")),
                state={"SUCCESS": ItemState.SUCCESS, "FAIL": ItemState.FAILED}.get(
                    str(sku.get("status", "")).upper(), ItemState.PENDING
                ),
                reasons=tuple(str(r) for r in sku.get("reasons") or ()),
            )
            for sku in (skus.get("content") or () if isinstance(skus, Mapping) else ())
            if isinstance(sku, Mapping)
        )
        state = {"PROCESSED": BatchState.COMPLETED, "REJECT": BatchState.REJECTED}.get(
            str(answer.get("status", "")).upper(), BatchState.IN_PROGRESS
        )
        return StockBatchResult(batch_id=batch_id, state=state, items=items, raw=dict(answer))


def _long(identifier: str) -> int | str:
    return int(identifier) if identifier.isdigit() else identifier


def _sku(item: StockUpdate) -> dict[str, Any]:
    body: dict[str, Any] = {"stockCode": item.stock_code}
    if item.quantity is not None:
        body["quantity"] = item.quantity
    if item.sale_price is not None:
        # N11 wants both prices together, two decimals, in TL.
        body |= {"listPrice": item.list_price, "salePrice": item.sale_price, "currencyType": "TL"}
    return body
