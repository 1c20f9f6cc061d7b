"""Hepsiburada replies → frozen values, each shape read with its own field names.

HB uses different names for the same thing on different feeds (SPEC = HB's Swagger as republished in
taha-kanar/hepsiburada-sdk ``openapi/order.json``; VER = that repo's live key probe):

- ``GET /orders`` (open lines, ``model.LineRepresentation``): ``id``, ``merchantSKU`` (capital SKU), ``sku``
  (HB SKU), ``name``, ``productBarcode``, ``unitPrice {amount, currency}``, ``shippingAddress {…}``.
- ``GET /packages`` (a bare array of ``ExternalRawPackageRepresentation``): lines ``lineItemId``, ``hbSku``,
  ``merchantSku`` (lower-case ku), ``productName``, ``price``; address fields flat on the package.
- ``/shipped|delivered|undelivered``: PascalCase items; ``/orders/…/cancelled``: camelCase cancelled lines.

Local identity: open lines have no package yet, so they are grouped by order number, which is the
local package's key. A package HB made from one order keeps that key (the station's packages and most
auto-packed ones); only a package mixing several orders is keyed by its package number.

Poison input: text is stripped of NUL and other control characters and bounded in length here, and raw
payloads lose NULs (PostgreSQL's jsonb refuses them). A package that still cannot be read raises a
:class:`MalformedReply` naming it; the client sets it aside and the rest of the page goes on.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from packstation.domain.marketplace import Marketplace
from packstation.domain.status import PackageStatus
from packstation.domain.sync import SetAside
from packstation.i18n import _
from packstation.services.marketplaces.errors import MalformedReply, malformed_package
from packstation.services.marketplaces.fields import (
    FieldProblem,
    id_text,
    money,
    positive_int,
    text,
    turkish_local_time,
)
from packstation.services.marketplaces.models import RemoteAddress, RemoteLine, RemotePackage, StatusReport

_HB = Marketplace.HEPSIBURADA
#: Longest identifier we accept (HB's are GUIDs and 10-digit numbers); a longer one refuses the package.
ID_LIMIT = 64
#: Longest free text we keep; longer text is cut (an address or a name, never an identifier).
TEXT_LIMIT = 1000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[\t\r\n]+")

#: HB package status words (DOCS-TXT order statuses; ``Open`` on /packages = packed, ready to ship).
PACKAGE_STATUS = {
    "open": PackageStatus.PICKING,
    "packaged": PackageStatus.PICKING,
    "intransit": PackageStatus.SHIPPED,
    "shipped": PackageStatus.SHIPPED,
    "delivered": PackageStatus.DELIVERED,
    "undelivered": PackageStatus.UNDELIVERED,
    "unpacked": PackageStatus.UNPACKED,
    "cancelled": PackageStatus.CANCELLED,
    "cancelledbymerchant": PackageStatus.CANCELLED,
    "cancelledbycustomer": PackageStatus.CANCELLED,
    "cancelledbysap": PackageStatus.CANCELLED,
}


def clean(value: str, limit: int = TEXT_LIMIT) -> str:
    """Text without control characters (line breaks become spaces), at most ``limit`` characters."""
    if _CONTROL.search(value) or "\n" in value or "\r" in value or "\t" in value:
        value = _CONTROL.sub("", _SPACES.sub(" ", value)).strip()
    return value[:limit]


def _text(data: Mapping[str, Any], *names: str, limit: int = TEXT_LIMIT) -> str:
    return clean(text(data, *names), limit)


def _id(data: Mapping[str, Any], *names: str, required: bool = True) -> str:
    value = clean(id_text(data, *names, required=required), ID_LIMIT + 1)
    if len(value) > ID_LIMIT:
        raise FieldProblem("/".join(names), f"is longer than {ID_LIMIT} characters")
    if required and not value:
        raise FieldProblem("/".join(names), "is empty")
    return value


def clean_raw(value: Any) -> Any:
    """A payload without NUL characters anywhere (PostgreSQL's jsonb cannot store them)."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, Mapping):
        return {clean_raw(key): clean_raw(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_raw(item) for item in value]
    return value


def _open_address(line: Mapping[str, Any]) -> RemoteAddress | None:
    """``shippingAddress`` of an open line (``AddressRepresentation``: town = ilçe, district = mahalle)."""
    address = line.get("shippingAddress")
    if not isinstance(address, Mapping):
        return None
    return RemoteAddress(
        full_name=_text(address, "name"),
        address1=_text(address, "address"),
        neighborhood=_text(address, "district"),
        district=_text(address, "town"),
        city=_text(address, "city"),
        postal_code=_text(address, "postalCode"),
        country_code=_text(address, "countryCode"),
        phone=_text(address, "phoneNumber"),
    )


def _package_address(package: Mapping[str, Any]) -> RemoteAddress:
    """The flat shipping fields of a ``/packages`` package."""
    return RemoteAddress(
        full_name=_text(package, "recipientName") or _text(package, "customerName"),
        company=_text(package, "companyName"),
        address1=_text(package, "shippingAddressDetail"),
        neighborhood=_text(package, "shippingDistrict"),
        district=_text(package, "shippingTown"),
        city=_text(package, "shippingCity"),
        country_code=_text(package, "shippingCountryCode"),
        phone=_text(package, "phoneNumber"),
        tax_number=_text(package, "taxNumber"),
        tax_office=_text(package, "taxOffice"),
    )


def _product_name(name: str, stock_code: str, barcode: str) -> str:
    # A blank name leaves the packer guessing; the seller's SKU or the barcode at least identifies it.
    return name or stock_code or barcode


def open_line(item: Any, index: int) -> RemoteLine:
    """One ``/orders`` line (``LineRepresentation``)."""
    if not isinstance(item, Mapping):
        raise FieldProblem(f"items[{index}]", "is not an object")
    try:
        price = item.get("unitPrice")
        stock_code = _text(item, "merchantSKU", limit=ID_LIMIT * 4)
        barcode = _id(item, "productBarcode", required=False).replace(" ", "")
        hb_sku = _text(item, "sku", limit=ID_LIMIT)
        # A line without an EAN is still packable by the seller's SKU (scanned from the shelf label).
        barcode = barcode or stock_code or hb_sku
        if not barcode:
            raise FieldProblem("productBarcode", "is missing, and so are merchantSKU and sku")
        return RemoteLine(
            line_id=_id(item, "id"),
            barcode=barcode,
            quantity=positive_int(item, "quantity"),
            stock_code=stock_code,
            product_name=_product_name(_text(item, "name"), stock_code, barcode),
            unit_price=money(item, "unitPrice"),
            currency=(_text(price, "currency", limit=8) if isinstance(price, Mapping) else "") or "TRY",
            status_raw=_text(item, "status", limit=40),
            marketplace_sku=hb_sku,
            order_number=_id(item, "orderNumber", required=False),
        )
    except FieldProblem as problem:
        raise FieldProblem(f"items[{index}].{problem.field}", problem.problem) from problem


def package_line(item: Any, index: int) -> RemoteLine:
    """One line of a ``/packages`` package (``PackageLine``)."""
    if not isinstance(item, Mapping):
        raise FieldProblem(f"items[{index}]", "is not an object")
    try:
        price = item.get("price")
        stock_code = _text(item, "merchantSku", limit=ID_LIMIT * 4)
        hb_sku = _text(item, "hbSku", limit=ID_LIMIT)
        barcode = _id(item, "productBarcode", required=False).replace(" ", "") or stock_code or hb_sku
        if not barcode:
            raise FieldProblem("productBarcode", "is missing, and so are merchantSku and hbSku")
        return RemoteLine(
            line_id=_id(item, "lineItemId"),
            barcode=barcode,
            quantity=positive_int(item, "quantity"),
            stock_code=stock_code,
            product_name=_product_name(_text(item, "productName"), stock_code, barcode),
            unit_price=money(item, "price"),
            currency=(_text(price, "currency", limit=8) if isinstance(price, Mapping) else "") or "TRY",
            marketplace_sku=hb_sku,
            order_number=_id(item, "orderNumber", required=False),
        )
    except FieldProblem as problem:
        raise FieldProblem(f"items[{index}].{problem.field}", problem.problem) from problem


def group_open_lines(
    items: Sequence[Any], *, endpoint: str = "", cancelled_orders: Collection[str] = ()
) -> tuple[list[RemotePackage], list[SetAside]]:
    """Open ``/orders`` lines grouped by order number into to-be-packed packages, and the groups set aside.

    A line that cannot be read sets its whole order aside (packing half an order would be wrong); the
    other orders of the page are returned.
    """
    orders: dict[str, list[tuple[int, Any]]] = {}
    set_aside: list[SetAside] = []
    for n, item in enumerate(items):
        try:
            if not isinstance(item, Mapping):
                raise FieldProblem(f"items[{n}]", "is not an object")
            orders.setdefault(_id(item, "orderNumber"), []).append((n, item))
        except FieldProblem as problem:
            set_aside.append(aside(malformed_package(_HB, "", problem.field, problem.problem, endpoint=endpoint)))
    packages = []
    for order_number, group in orders.items():
        try:
            packages.append(_open_package(order_number, group, cancelled_orders))
        except FieldProblem as problem:
            error = malformed_package(_HB, order_number, problem.field, problem.problem, endpoint=endpoint)
            set_aside.append(aside(error))
    return packages, set_aside


def aside(error: MalformedReply) -> SetAside:
    """The listing entry for a package that could not be read: named by the package the error names."""
    return SetAside(error.package_id or "", str(error))


def _open_package(order_number: str, group: list[tuple[int, Any]], cancelled_orders: Collection[str]) -> RemotePackage:
    first = group[0][1]
    lines = tuple(open_line(item, n) for n, item in group)
    key = local_key("", [order_number], [line.line_id for line in lines], cancelled_orders)
    if not all(item.get("canCreatePackage", True) is not False for _n, item in group):
        # HB: "Ödemenin alınıp alınmadığı" — the payment is not through; it must not be packed yet.
        status = PackageStatus.AWAITING
    else:
        status = PackageStatus.CREATED
    return RemotePackage(
        marketplace=_HB,
        package_id=key,  # no package yet: packing creates its number
        order_number=order_number,
        status=status,
        status_raw=_text(first, "status", limit=40) or "Open",
        lines=lines,
        cargo_provider=_text(first, "cargoCompany", limit=100),
        customer_name=_text(first, "customerName"),
        shipment_address=_open_address(first),
        order_date=turkish_local_time(_text(first, "orderDate", limit=40), "orderDate"),
        ship_by=turkish_local_time(_text(first, "dueDate", limit=40), "dueDate"),
        raw=clean_raw({"items": [item for _n, item in group]}),
    )


def package_key(package_number: str, order_numbers: Sequence[str]) -> str:
    """The local key of an HB package: its order number when it holds one order, else its package number."""
    distinct = set(order_numbers)
    return next(iter(distinct)) if len(distinct) == 1 else package_number


def local_key(
    package_number: str, order_numbers: Sequence[str], line_ids: Sequence[str], cancelled_orders: Collection[str]
) -> str:
    """The local key of open lines or a package.

    One order's lines are keyed by the order number. When some lines of that order were cancelled, the
    package with the cancelled lines stops (cancelled) and the lines left are a new package: keyed by the
    order number and a digest of their line ids, so the cancelled one is never reopened by the lines left.
    """
    key = package_key(package_number, order_numbers)
    if key in cancelled_orders and key != package_number:
        return f"{key}/{lines_digest(line_ids)}"
    return key


def lines_digest(line_ids: Collection[str]) -> str:
    """A short, stable name for a set of lines (part of the key of lines left after a cancellation)."""
    return hashlib.sha1("\n".join(sorted(line_ids)).encode()).hexdigest()[:10]


def parse_package(data: Any, *, endpoint: str = "", cancelled_orders: Collection[str] = ()) -> RemotePackage:
    """One element of ``GET /packages`` (a packed package); raises :class:`MalformedReply` naming it."""
    if not isinstance(data, Mapping):
        raise MalformedReply("Hepsiburada sent a package that is not an object", marketplace=_HB, endpoint=endpoint)
    number = ""
    try:
        number = _id(data, "packageNumber")
        items = data.get("items")
        if not isinstance(items, list) or not items:
            raise FieldProblem("items", "is missing or empty")
        lines = tuple(package_line(item, n) for n, item in enumerate(items))
        orders = [_id(item, "orderNumber") for item in items]
        status_raw = _text(data, "status", limit=40)
        status = PACKAGE_STATUS.get(status_raw.lower().replace(" ", ""), PackageStatus.UNKNOWN)
        return RemotePackage(
            marketplace=_HB,
            package_id=local_key(number, orders, [line.line_id for line in lines], cancelled_orders),
            order_number=orders[0],
            status=status,
            status_raw=status_raw,
            lines=lines,
            cargo_tracking_number=_id(data, "barcode", required=False),
            cargo_provider=_text(data, "cargoCompany", limit=100),
            customer_name=_text(data, "customerName"),
            shipment_address=_package_address(data),
            order_date=turkish_local_time(_text(data, "orderDate", limit=40), "orderDate"),
            ship_by=turkish_local_time(_text(data, "dueDate", limit=40), "dueDate"),
            total_price=money(data, "totalPrice"),
            package_number=number,
            raw=clean_raw(dict(data)),
        )
    except FieldProblem as problem:
        raise malformed_package(_HB, number, problem.field, problem.problem, endpoint=endpoint) from problem


def status_item(item: Any, status: PackageStatus, *, endpoint: str = "") -> StatusReport:
    """One PascalCase item of ``/packages/…/shipped|delivered|undelivered``."""
    if not isinstance(item, Mapping):
        raise malformed_package(_HB, "", "items[]", "is not an object", endpoint=endpoint)
    number = ""
    try:
        number = _id(item, "PackageNumber")
        listed = item.get("OrderNumbers")
        orders = [clean(str(o), ID_LIMIT) for o in listed if o] if isinstance(listed, list) else []
        orders = orders or [_id(item, "OrderNumber")]
        return StatusReport(
            package_number=number,
            key=package_key(number, orders),
            status=status,
            cargo_tracking_number=_id(item, "Barcode", required=False),
        )
    except FieldProblem as problem:
        raise malformed_package(_HB, number, problem.field, problem.problem, endpoint=endpoint) from problem


def cancelled_item(item: Any, *, endpoint: str = "") -> StatusReport:
    """One cancelled line of ``/orders/…/cancelled``: the order it belongs to stops."""
    if not isinstance(item, Mapping):
        raise malformed_package(_HB, "", "items[]", "is not an object", endpoint=endpoint)
    order = ""
    try:
        order = _id(item, "orderNumber")
        return StatusReport(
            package_number="", key=order, status=PackageStatus.CANCELLED, line_ids=(_id(item, "lineItemId"),)
        )
    except FieldProblem as problem:
        raise malformed_package(_HB, order, problem.field, problem.problem, endpoint=endpoint) from problem


def unpacked_page(body: Any, *, endpoint: str) -> tuple[list[Any], int | None]:
    """Items and total of ``/packages/…/status/unpacked``.

    SPEC types the reply as an *array* of ``DeletedDeliveriesWithPagination`` envelopes (``{items, limit,
    offset, pageCount, totalCount}``), unlike every other feed; the SDK's paginator reads it as one envelope.
    No live recording exists (UNCERTAIN), so an array of envelopes, one envelope, and a bare array of
    ``UnpackedDelivery`` items are all read.
    """
    if isinstance(body, Mapping):
        return envelope_items(body, endpoint=endpoint)
    if not isinstance(body, list):
        raise MalformedReply(
            _("Hepsiburada sent an unpacked list that is not an array"), marketplace=_HB, endpoint=endpoint
        )
    items: list[Any] = []
    total: int | None = None
    for element in body:
        if isinstance(element, Mapping) and isinstance(element.get("items"), list):
            page, count = envelope_items(element, endpoint=endpoint)
            items.extend(page)
            total = count if total is None or count is None else max(total, count)
        else:
            items.append(element)
    return items, total


def unpacked_item(item: Any, *, endpoint: str = "") -> StatusReport:
    """One ``UnpackedDelivery`` (``{barcode, packageNumber, unpackedDate}``): HB unpacked the package, its
    lines went back to the open queue, and its delivery barcode is void."""
    if not isinstance(item, Mapping):
        raise malformed_package(_HB, "", "items[]", "is not an object", endpoint=endpoint)
    number = ""
    try:
        number = _id(item, "packageNumber")
        # Its delivery barcode (``barcode``) is void now: it is not offered as the package's tracking number.
        return StatusReport(package_number=number, key=number, status=PackageStatus.UNPACKED)
    except FieldProblem as problem:
        raise malformed_package(_HB, number, problem.field, problem.problem, endpoint=endpoint) from problem


def envelope_items(body: Any, *, endpoint: str) -> tuple[list[Any], int | None]:
    """``items`` and ``totalCount`` of HB's paged envelope ``{totalCount, limit, offset, pageCount, items}``."""
    if not isinstance(body, Mapping) or not isinstance(body.get("items"), list):
        raise MalformedReply(_("Hepsiburada sent a list without 'items'"), marketplace=_HB, endpoint=endpoint)
    total = body.get("totalCount")
    return body["items"], total if isinstance(total, int) and not isinstance(total, bool) else None
