"""Hepsiburada client: open order lines, packing them into packages, packed packages, labels, stock uploads.

HB has no Picking status: packing (``POST /packages``) is the one preparation step, and it creates the
package number. Until then an order's lines have no package, so open orders are keyed by order number
and :meth:`HepsiburadaClient.mark_picking` returns the new package number. Shapes follow
``reference/marketplaces.md`` §2 (the ``/orders`` line fields are [UNCERTAIN]; readers accept both the
packed-item and the flat spellings).

Labels: a merchant on HB's shared-barcode model ("ortak barkod", ``hasMerchantMutualBarcode``) must put
HB's label on the parcel; :meth:`HepsiburadaClient.fetch_label` reads it (ZPL text, or base64 PDF) and
returns None for other merchants, who print our own. The format names are [UNCERTAIN], so configurable.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from packstation.i18n import _
from packstation.services.marketplaces.base import Capabilities, MarketplaceClient, batched
from packstation.services.marketplaces.credentials import HepsiburadaCredentials
from packstation.services.marketplaces.errors import MalformedReply, NotFound, malformed_package
from packstation.services.marketplaces.fields import (
    ISTANBUL,
    FieldProblem,
    id_text,
    money,
    positive_int,
    text,
    turkish_local_time,
)
from packstation.services.marketplaces.models import (
    Marketplace,
    PackagePage,
    PackageQuery,
    PackageStatus,
    RemoteAddress,
    RemoteLine,
    RemotePackage,
)
from packstation.services.marketplaces.ratelimit import RateLimit, RateLimiter
from packstation.services.marketplaces.transport import RetryPolicy, Timeouts, Transport, parse_json
from packstation.services.marketplaces.writes import (
    BatchState,
    ItemState,
    LabelFormat,
    MarketplaceLabel,
    StockBatchResult,
    StockItemResult,
    StockPushReceipt,
    StockUpdate,
    WriteOutcome,
)

log = logging.getLogger("packstation.services.marketplaces.hepsiburada.client")
_HB = Marketplace.HEPSIBURADA
# Package statuses of HB: a packed package waits for the carrier, which is our "being prepared".
_PACKAGE_STATUS = {
    "open": PackageStatus.PICKING,
    "packaged": PackageStatus.PICKING,
    "intransit": PackageStatus.SHIPPED,
    "delivered": PackageStatus.DELIVERED,
    "undelivered": PackageStatus.UNDELIVERED,
    "unpacked": PackageStatus.UNPACKED,
    "cancelled": PackageStatus.CANCELLED,
}
_DONE_UPLOAD = ("done", "completed", "finished", "success")
_ORDER_LIMIT = RateLimit(1000, 1.0)
_LISTING_LIMIT = RateLimit(180, 60.0)


@dataclass(frozen=True)
class HepsiburadaConfig:
    """Hosts, paging and limits for one HB merchant."""

    oms_url: str = "https://oms-external.hepsiburada.com"
    listing_url: str = "https://listing-external.hepsiburada.com"
    orders_page_size: int = 100  # max 100 on /orders
    packages_page_size: int = 10  # max 10 on /packages
    #: Stop scanning packed packages for a look-up after this many pages.
    lookup_pages: int = 20
    parcel_deci: int = 1
    stock_batch_size: int = 1000
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    order_limit: RateLimit = _ORDER_LIMIT
    listing_limit: RateLimit = _LISTING_LIMIT
    #: How ``labels?format=`` and the reply's ``format`` spell ZPL and PDF [UNCERTAIN]; compared ignoring case.
    label_zpl_format: str = "ZPL"
    label_pdf_format: str = "PDF"
    #: Always ask for this format; None: the format the station's printer takes.
    label_format: LabelFormat | None = None

    def label_format_name(self, fmt: LabelFormat) -> str:
        """The ``format`` value HB uses for ``fmt``."""
        return self.label_pdf_format if fmt is LabelFormat.PDF else self.label_zpl_format


def _address(data: Mapping[str, Any]) -> RemoteAddress:
    nested = data.get("shippingAddress")
    if isinstance(nested, Mapping):  # the /orders line shape
        return RemoteAddress(
            full_name=text(nested, "name", "fullName"),
            address1=text(nested, "address"),
            neighborhood=text(nested, "district"),
            district=text(nested, "town"),
            city=text(nested, "city"),
            country_code=text(nested, "countryCode"),
            phone=text(nested, "phoneNumber"),
        )
    return RemoteAddress(
        full_name=text(data, "recipientName", "customerName"),
        company=text(data, "companyName"),
        address1=text(data, "shippingAddressDetail"),
        neighborhood=text(data, "shippingDistrict"),
        district=text(data, "shippingTown"),
        city=text(data, "shippingCity"),
        country_code=text(data, "shippingCountryCode"),
        phone=text(data, "phoneNumber"),
        tax_number=text(data, "taxNumber"),
        tax_office=text(data, "taxOffice"),
    )


def _line(data: Any, index: int) -> RemoteLine:
    if not isinstance(data, Mapping):
        raise FieldProblem(f"items[{index}]", "is not an object")
    try:
        price = data.get("price") if isinstance(data.get("price"), Mapping) else {}
        return RemoteLine(
            line_id=id_text(data, "lineItemId", "id"),
            barcode=id_text(data, "productBarcode", "barcode").replace(" ", ""),
            quantity=positive_int(data, "quantity"),
            stock_code=text(data, "merchantSku"),
            product_name=text(data, "productName"),
            unit_price=money(data, "price", "unitPrice"),
            currency=text(price, "currency") or "TRY",
            status_raw=text(data, "status"),
            marketplace_sku=text(data, "hbSku"),
        )
    except FieldProblem as problem:
        raise FieldProblem(f"items[{index}].{problem.field}", problem.problem) from problem


def parse_package(data: Any, *, endpoint: str = "") -> RemotePackage:
    """One element of ``GET /packages`` (a packed package)."""
    if not isinstance(data, Mapping):
        raise MalformedReply("Hepsiburada sent a package that is not an object", marketplace=_HB, endpoint=endpoint)
    number = ""
    try:
        number = id_text(data, "packageNumber")
        items = data.get("items")
        if not isinstance(items, list) or not items:
            raise FieldProblem("items", "is missing or empty")
        lines = tuple(_line(item, n) for n, item in enumerate(items))
        status_raw = text(data, "status")
        status = _PACKAGE_STATUS.get(status_raw.lower().replace(" ", ""), PackageStatus.UNKNOWN)
        return RemotePackage(
            marketplace=_HB,
            package_id=number,
            order_number=id_text(data, "orderNumber", required=False) or id_text(items[0], "orderNumber"),
            status=status,
            status_raw=status_raw,
            lines=lines,
            cargo_tracking_number=id_text(data, "barcode", required=False),
            cargo_provider=text(data, "cargoCompany"),
            customer_name=text(data, "customerName"),
            shipment_address=_address(data),
            order_date=turkish_local_time(text(data, "orderDate"), "orderDate"),
            ship_by=turkish_local_time(text(data, "dueDate"), "dueDate"),
            total_price=money(data, "totalPrice"),
            raw=dict(data),
        )
    except FieldProblem as problem:
        raise malformed_package(_HB, number, problem.field, problem.problem, endpoint=endpoint) from problem


def group_open_lines(items: Sequence[Any], *, endpoint: str = "") -> list[RemotePackage]:
    """Open ``/orders`` line items, grouped by order number into to-be-packed packages."""
    orders: dict[str, list[Mapping[str, Any]]] = {}
    for n, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise malformed_package(_HB, "", f"items[{n}]", "is not an object", endpoint=endpoint)
        try:
            orders.setdefault(id_text(item, "orderNumber"), []).append(item)
        except FieldProblem as problem:
            raise malformed_package(_HB, "", problem.field, problem.problem, endpoint=endpoint) from problem
    packages = []
    for order_number, group in orders.items():
        try:
            first = group[0]
            packages.append(
                RemotePackage(
                    marketplace=_HB,
                    package_id=order_number,  # no package yet: packing creates its number
                    order_number=order_number,
                    status=PackageStatus.CREATED,
                    status_raw=text(first, "status") or "Open",
                    lines=tuple(_line(item, n) for n, item in enumerate(group)),
                    cargo_provider=text(first, "cargoCompany"),
                    customer_name=text(first, "customerName"),
                    shipment_address=_address(first),
                    order_date=turkish_local_time(text(first, "orderDate"), "orderDate"),
                    ship_by=turkish_local_time(text(first, "dueDate"), "dueDate"),
                    raw={"items": list(group)},
                )
            )
        except FieldProblem as problem:
            raise malformed_package(_HB, order_number, problem.field, problem.problem, endpoint=endpoint) from problem
    return packages


class HepsiburadaClient(MarketplaceClient):
    """One Hepsiburada merchant, packing through the API (the station packs the lines)."""

    marketplace = _HB
    capabilities = Capabilities(
        picking_status=True, invoiced_status=False, unsupplied=False, marketplace_label=True, stock_batch_result=True
    )

    def __init__(self, credentials: HepsiburadaCredentials, *, config: HepsiburadaConfig | None = None) -> None:
        self.config = config or HepsiburadaConfig()
        self._merchant = credentials.merchant_id
        common = {
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
        )  # type: ignore[arg-type]
        self._listing = Transport(
            base_url=self.config.listing_url, limiter=RateLimiter({"listing": self.config.listing_limit}), **common
        )  # type: ignore[arg-type]

    def close(self) -> None:
        """Release both connection pools."""
        self._oms.close()
        self._listing.close()

    def iter_package_pages(self, query: PackageQuery) -> Iterator[PackagePage]:
        """Open (paid, unpacked) orders, the station's work list."""
        return self.iter_open_order_pages(query)

    def iter_open_order_pages(self, query: PackageQuery) -> Iterator[PackagePage]:
        """``GET /orders``: open line items grouped per order, ``offset``/``limit`` paging."""
        path = f"/orders/merchantid/{self._merchant}"
        limit = min(query.page_size or self.config.orders_page_size, 100)
        params = {"limit": limit, **self._dates(query)}
        offset, number = 0, 0
        while True:
            reply = self._oms.request("GET", path, group="oms", params={**params, "offset": offset})
            body = parse_json(reply.content, marketplace=_HB, endpoint=path)
            if not isinstance(body, Mapping) or not isinstance(body.get("items"), list):
                raise MalformedReply("Hepsiburada sent an order list without 'items'", marketplace=_HB, endpoint=path)
            items = body["items"]
            total = body.get("totalCount")
            offset += len(items)
            has_more = bool(items) and isinstance(total, int) and offset < total
            yield PackagePage(tuple(group_open_lines(items, endpoint=path)), number, has_more, total_elements=total)
            if not has_more:
                return
            number += 1

    def iter_packed_pages(self, query: PackageQuery) -> Iterator[PackagePage]:
        """``GET /packages``: packed packages. Note the capital ``Offset`` (lowercase is ignored)."""
        path = f"/packages/merchantid/{self._merchant}"
        limit = min(query.page_size or self.config.packages_page_size, 10)
        offset, number = 0, 0
        while True:
            params = {"Offset": offset, "limit": limit, **self._dates(query)}
            reply = self._oms.request("GET", path, group="oms", params=params)
            body = parse_json(reply.content, marketplace=_HB, endpoint=path)
            if not isinstance(body, list):
                raise MalformedReply("Hepsiburada sent a package list that is not an array", marketplace=_HB)
            packages = tuple(parse_package(item, endpoint=path) for item in body)
            has_more = len(body) == limit
            yield PackagePage(packages, number, has_more)
            if not has_more:
                return
            offset += limit
            number += 1

    def get_package(self, package_id: str) -> RemotePackage | None:
        """Find a packed package by number (scans at most ``lookup_pages`` pages)."""
        return self._find_packed(lambda p: p.package_id == package_id)

    def _find_packed(self, predicate: Callable[[RemotePackage], bool]) -> RemotePackage | None:
        for page in self.iter_packed_pages(PackageQuery()):
            for package in page.packages:
                if predicate(package):
                    return package
            if page.number + 1 >= self.config.lookup_pages:
                return None
        return None

    def mark_picking(self, package: RemotePackage, *, business_key: str) -> WriteOutcome:
        """Pack the order's lines into one package (``POST /packages``); returns the package number.

        Retry safety: HB has no idempotency key, so after an ambiguous failure the client looks for a
        packed package holding these line ids and, if there is one, reports it instead of packing again.
        """
        path = f"/packages/merchantid/{self._merchant}"
        body = {
            "lineItemRequests": [{"id": line.line_id, "quantity": line.quantity} for line in package.lines],
            "parcelQuantity": 1,
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
        reply = self._oms.request(
            "POST", path, group="oms", body=body, business_key=business_key, already_applied=applied
        )
        if reply.already_applied:
            return WriteOutcome(business_key, sent=False, new_package_ids=(found[0].package_id,))
        answer = parse_json(reply.content, marketplace=_HB, endpoint=path)
        number = answer.get("packageNumber") if isinstance(answer, Mapping) else None
        if not number:
            raise MalformedReply("Hepsiburada sent no packageNumber", marketplace=_HB, endpoint=path)
        return WriteOutcome(business_key, new_package_ids=(str(number),))

    def fetch_label(
        self, package: RemotePackage, *, preferred: LabelFormat = LabelFormat.ZPL
    ) -> MarketplaceLabel | None:
        """HB's common barcode label of a packed package, one document per box, in ``preferred`` format
        (unless the config fixes one); None when the merchant is not on the shared-barcode model."""
        if package.status is PackageStatus.CREATED:
            # Open order lines have no package number yet: HB makes the label of a packed package only.
            raise NotFound(
                _("Hepsiburada issues the label of order {order} only after it is packed.").format(
                    order=package.order_number
                ),
                marketplace=_HB,
            )
        number = package.package_id
        wanted = self.config.label_format or preferred
        path = f"/packages/merchantid/{self._merchant}/packagenumber/{number}/labels"
        reply = self._oms.request("GET", path, group="oms", params={"format": self.config.label_format_name(wanted)})
        body = parse_json(reply.content, marketplace=_HB, endpoint=path)
        label = parse_label(
            body, package_number=number, tracking=package.cargo_tracking_number, config=self.config, endpoint=path
        )
        log.info(
            "label package=%s asked=%s mutual_barcode=%s format=%s documents=%d",
            number,
            wanted.value,
            label is not None,
            label.format.value if label else "-",
            len(label.documents) if label else 0,
        )
        return label

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
            reply = self._listing.request("POST", path, group="listing", body=body, business_key=key)
            answer = parse_json(reply.content, marketplace=_HB, endpoint=path)
            upload_id = answer.get("id") if isinstance(answer, Mapping) else None
            if not upload_id:
                raise MalformedReply("Hepsiburada sent no upload id", marketplace=_HB, endpoint=path)
            receipts.append(StockPushReceipt(key, str(upload_id), len(chunk)))
        return receipts

    def stock_result(self, batch_id: str) -> StockBatchResult:
        """An upload's result; HB lists only the failing items, so ``items`` holds failures."""
        path = f"/listings/merchantid/{self._merchant}/stock-uploads/id/{batch_id}"
        reply = self._listing.request("GET", path, group="listing")
        body = parse_json(reply.content, marketplace=_HB, endpoint=path)
        if not isinstance(body, Mapping):
            raise MalformedReply("Hepsiburada sent an invalid upload result", marketplace=_HB, endpoint=path)
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

    @staticmethod
    def _dates(query: PackageQuery) -> dict[str, str]:
        """HB reads ``yyyy-MM-dd HH:mm`` as Turkey local time; ISO text silently returns nothing."""
        params = {}
        if query.modified_since is not None:
            params["begindate"] = query.modified_since.astimezone(ISTANBUL).strftime("%Y-%m-%d %H:%M")
        if query.modified_until is not None:
            params["enddate"] = query.modified_until.astimezone(ISTANBUL).strftime("%Y-%m-%d %H:%M")
        return params


def parse_label(
    body: Any, *, package_number: str, tracking: str, config: HepsiburadaConfig, endpoint: str = ""
) -> MarketplaceLabel | None:
    """Check a ``labels`` reply strictly: ``{"data": [...], "format": "...", "hasMerchantMutualBarcode": bool}``.

    None when ``hasMerchantMutualBarcode`` is false (the seller prints its own label). Each ``data`` entry is
    one box: ZPL as text (or base64 of it), PDF as base64. Anything else is a :class:`MalformedReply`.
    """

    def malformed(problem: str) -> MalformedReply:
        message = _("Hepsiburada sent an unusable label for package {package}: {problem}").format(
            package=package_number, problem=problem
        )
        return MalformedReply(message, marketplace=_HB, package_id=package_number, endpoint=endpoint)

    if not isinstance(body, Mapping):
        raise malformed(_("the reply is not a JSON object"))
    mutual = body.get("hasMerchantMutualBarcode")
    if not isinstance(mutual, bool):
        raise malformed(_("'hasMerchantMutualBarcode' is missing or not true/false"))
    if not mutual:
        return None
    named = body.get("format")
    formats = {config.label_zpl_format.casefold(): LabelFormat.ZPL, config.label_pdf_format.casefold(): LabelFormat.PDF}
    fmt = formats.get(named.strip().casefold()) if isinstance(named, str) else None
    if fmt is None:
        raise malformed(_("format {format!r} is not one the station prints (ZPL or PDF)").format(format=named))
    data = body.get("data")
    if not isinstance(data, list) or not data:
        raise malformed(_("'data' holds no label"))
    documents = []
    for index, entry in enumerate(data, start=1):
        if not isinstance(entry, str) or not entry.strip():
            raise malformed(_("label {index} is empty or not text").format(index=index))
        document = _label_document(entry, fmt)
        if document is None:
            raise malformed(_("label {index} is not a {format} document").format(index=index, format=fmt.value))
        documents.append(document)
    return MarketplaceLabel(cargo_tracking_number=tracking, format=fmt, documents=tuple(documents))


def _label_document(entry: str, fmt: LabelFormat) -> bytes | None:
    """The bytes of one label entry, or None when it is not what ``fmt`` says."""
    if fmt is LabelFormat.ZPL and _is_zpl(entry.encode("utf-8")):
        return entry.encode("utf-8")
    try:
        decoded = base64.b64decode("".join(entry.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    if fmt is LabelFormat.PDF:
        return decoded if decoded.startswith(b"%PDF-") else None
    return decoded if _is_zpl(decoded) else None


def _is_zpl(data: bytes) -> bool:
    text = data.strip()
    return text.startswith(b"^XA") and text.endswith(b"^XZ")


def _stock_item(item: StockUpdate) -> dict[str, Any]:
    body: dict[str, Any] = {"availableStock": item.quantity}
    if item.marketplace_sku:
        body["hepsiburadaSku"] = item.marketplace_sku
    if item.stock_code:
        body["merchantSku"] = item.stock_code
    return body
