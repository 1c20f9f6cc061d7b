"""Trendyol replies into frozen values.

Trendyol renamed many fields on 8 Dec 2025 (``id`` → ``shipmentPackageId``, ``merchantSku`` →
``stockCode``, ``price`` → ``lineUnitPrice`` ...). Every reader asks for the new name first and the old
one second, so replies of either generation, or a mix, parse the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from packstation.domain.marketplace import Marketplace
from packstation.domain.status import PackageStatus
from packstation.domain.sync import SetAside
from packstation.services.marketplaces.errors import MalformedReply, malformed_package
from packstation.services.marketplaces.fields import (
    FieldProblem,
    epoch_ms,
    gmt3_epoch_to_utc,
    id_text,
    money,
    positive_int,
    read_packages,
    text,
    utc_epoch_to_utc,
)
from packstation.services.marketplaces.models import PackagePage, RemoteAddress, RemoteLine, RemotePackage
from packstation.services.marketplaces.writes import BatchState, ItemState, StockBatchResult, StockItemResult

_TY = Marketplace.TRENDYOL


def parse_address(data: Any, field: str) -> RemoteAddress | None:
    """A ``shipmentAddress``/``invoiceAddress`` object (None when absent)."""
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise FieldProblem(field, f"is a {type(data).__name__}, expected an object")
    first, last = text(data, "firstName"), text(data, "lastName")
    return RemoteAddress(
        full_name=text(data, "fullName") or f"{first} {last}".strip(),
        company=text(data, "company"),
        address1=text(data, "address1"),
        address2=text(data, "address2"),
        neighborhood=text(data, "neighborhood"),
        district=text(data, "district", "countyName"),
        city=text(data, "city", "stateName"),
        postal_code=text(data, "postalCode"),
        country_code=text(data, "countryCode"),
        phone=text(data, "phone"),
        full_address=text(data, "fullAddress"),
        tax_number=text(data, "taxNumber"),
        tax_office=text(data, "taxOffice"),
    )


def parse_line(data: Any, index: int) -> RemoteLine:
    """One element of ``lines``."""
    if not isinstance(data, Mapping):
        raise FieldProblem(f"lines[{index}]", "is not an object")
    try:
        return RemoteLine(
            line_id=id_text(data, "lineId", "id"),
            # Trendyol joins barcodes with inner spaces; do the same so scans match.
            barcode=id_text(data, "barcode").replace(" ", ""),
            quantity=positive_int(data, "quantity"),
            stock_code=text(data, "stockCode", "merchantSku"),
            product_name=text(data, "productName"),
            color=text(data, "productColor"),
            size=text(data, "productSize"),  # may come with a leading space
            unit_price=money(data, "lineUnitPrice", "price"),
            currency=text(data, "currencyCode") or "TRY",
            status_raw=text(data, "orderLineItemStatusName"),
            marketplace_sku=text(data, "contentId", "productCode"),
        )
    except FieldProblem as problem:
        raise FieldProblem(f"lines[{index}].{problem.field}", problem.problem) from problem


def parse_package(data: Any, *, endpoint: str = "", local_epoch: bool = True) -> RemotePackage:
    """One ShipmentPackage (a ``content[]`` item, or a webhook body).

    ``local_epoch``: read order/deadline stamps as Istanbul wall clock ("GMT+3"), as Trendyol documents.
    """
    if not isinstance(data, Mapping):
        raise MalformedReply("Trendyol sent a package that is not an object", marketplace=_TY, endpoint=endpoint)
    package_id = ""
    try:
        package_id = id_text(data, "shipmentPackageId", "id")
        # The 29 Aug 2025 incident dropped shipmentPackageStatus on some queries: fall back to status.
        status_raw = text(data, "shipmentPackageStatus", "status")
        if not status_raw:
            raise FieldProblem("status", "is missing")
        raw_lines = data.get("lines")
        if not isinstance(raw_lines, list) or not raw_lines:
            raise FieldProblem("lines", "is missing or empty")
        lines = tuple(parse_line(line, index) for index, line in enumerate(raw_lines))
        decode = gmt3_epoch_to_utc if local_epoch else utc_epoch_to_utc
        stamps = {
            name: (decode(ms) if (ms := epoch_ms(data, name)) is not None else None)
            for name in ("orderDate", "agreedDeliveryDate")
        }
        last_modified_ms = epoch_ms(data, "lastModifiedDate")
        origins = data.get("originPackageIds") or ()
        if not isinstance(origins, list | tuple):
            origins = (origins,)
        origin_ids = tuple(id_text({"originPackageIds": origin}, "originPackageIds") for origin in origins)
        first, last = text(data, "customerFirstName"), text(data, "customerLastName")
        return RemotePackage(
            marketplace=_TY,
            package_id=package_id,
            order_number=id_text(data, "orderNumber"),
            status=PackageStatus.parse(status_raw),
            status_raw=status_raw,
            lines=lines,
            cargo_tracking_number=id_text(data, "cargoTrackingNumber", required=False),
            cargo_provider=text(data, "cargoProviderName"),
            customer_name=f"{first} {last}".strip(),
            shipment_address=parse_address(data.get("shipmentAddress"), "shipmentAddress"),
            invoice_address=parse_address(data.get("invoiceAddress"), "invoiceAddress"),
            order_date=stamps["orderDate"],
            last_modified=decode(last_modified_ms) if last_modified_ms is not None else None,
            last_modified_ms=last_modified_ms,
            ship_by=stamps["agreedDeliveryDate"],
            total_price=money(data, "packageTotalPrice", "totalPrice"),
            currency=text(data, "currencyCode") or "TRY",
            created_by=text(data, "createdBy"),
            origin_package_ids=origin_ids,
            marketplace_pays_shipping=data.get("whoPays") is None,
            raw=dict(data),
        )
    except FieldProblem as problem:
        raise malformed_package(_TY, package_id, problem.field, problem.problem, endpoint=endpoint) from problem


def _content(body: Any, endpoint: str) -> list[Any]:
    if not isinstance(body, Mapping) or not isinstance(body.get("content"), list):
        raise MalformedReply("Trendyol sent a package list without 'content'", marketplace=_TY, endpoint=endpoint)
    content: list[Any] = body["content"]
    return content


def _packages(
    content: list[Any], endpoint: str, local_epoch: bool
) -> tuple[tuple[RemotePackage, ...], tuple[SetAside, ...]]:
    """Every package of a page; one that cannot be read is set aside, never failing the page."""
    return read_packages(
        content,
        lambda item: parse_package(item, endpoint=endpoint, local_epoch=local_epoch),
        id_names=("shipmentPackageId", "id"),
    )


def parse_stream_page(body: Any, number: int, *, endpoint: str = "", local_epoch: bool = True) -> PackagePage:
    """A reply of ``orders/stream``: ``{content, size, hasMore, nextCursor}``."""
    content = _content(body, endpoint)
    has_more = bool(body.get("hasMore"))
    cursor = body.get("nextCursor") or ""
    if has_more and not cursor:
        raise MalformedReply(
            "Trendyol said more packages follow but sent no nextCursor", marketplace=_TY, endpoint=endpoint
        )
    packages, set_aside = _packages(content, endpoint, local_epoch)
    return PackagePage(
        packages=packages, number=number, has_more=has_more, next_cursor=str(cursor), set_aside=set_aside
    )


def parse_paged_page(body: Any, *, endpoint: str = "", local_epoch: bool = True) -> PackagePage:
    """A reply of the paged ``orders`` list: ``{page, size, totalPages, totalElements, content}``."""
    content = _content(body, endpoint)
    try:
        page = int(body.get("page", 0))
        total_pages = int(body.get("totalPages", 0))
        total = body.get("totalElements")
    except (TypeError, ValueError) as exc:
        raise MalformedReply("Trendyol sent an invalid page header", marketplace=_TY, endpoint=endpoint) from exc
    packages, set_aside = _packages(content, endpoint, local_epoch)
    return PackagePage(
        packages=packages,
        number=page,
        has_more=page + 1 < total_pages,
        total_elements=int(total) if total is not None else None,
        set_aside=set_aside,
    )


def parse_batch_result(body: Any, *, endpoint: str = "") -> StockBatchResult:
    """A ``batch-requests/{id}`` reply; stock batches may lack a top-level status, so items decide."""
    if not isinstance(body, Mapping) or not isinstance(body.get("items", []), list):
        raise MalformedReply("Trendyol sent an invalid batch result", marketplace=_TY, endpoint=endpoint)
    items = []
    for index, item in enumerate(body.get("items", [])):
        if not isinstance(item, Mapping):
            raise MalformedReply(f"Trendyol batch item {index} is not an object", marketplace=_TY, endpoint=endpoint)
        request = item.get("requestItem") or {}
        status = str(item.get("status", "")).upper()
        state = {"SUCCESS": ItemState.SUCCESS, "FAILED": ItemState.FAILED}.get(status, ItemState.PENDING)
        reasons = tuple(str(reason) for reason in item.get("failureReasons") or ())
        items.append(StockItemResult(key=str(request.get("barcode", "")), state=state, reasons=reasons))
    top = str(body.get("status", "")).upper()
    pending = any(item.state is ItemState.PENDING for item in items)
    # An empty item list without a verdict means Trendyol has not processed the batch yet.
    if top == "IN_PROGRESS" or pending or (not items and top != "COMPLETED"):
        batch_state = BatchState.IN_PROGRESS
    else:
        batch_state = BatchState.COMPLETED
    return StockBatchResult(
        batch_id=str(body.get("batchRequestId", "")), state=batch_state, items=tuple(items), raw=dict(body)
    )
