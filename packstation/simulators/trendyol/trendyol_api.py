"""The Trendyol API subset the simulator speaks, as functions of (state, request) -> JSON reply.

Routes (relative to ``/integration``): the v2 paged and the stream package lists, the status update
(Picking before Invoiced), unsupplied lines, price-and-inventory batches with their results, and the
common label. Refusals carry Trendyol's error shapes and, where Trendyol is known to, Turkish messages.

Strict where the published material is (research/trendyol/FACTS.md): a query parameter a route does not
document is refused with 400; the old paged list answers 426 (switched off for v2); v2 reaches 10,000
packages by paging and only the last month.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
import time
import uuid
from collections.abc import Mapping
from typing import Any

from packstation.domain.status import PackageStatus
from packstation.simulators.errors import SimError
from packstation.simulators.trendyol.catalog import GMT3_MS, SimPackage, package_id_of_tracking
from packstation.simulators.trendyol.claims import ISSUE_REASONS
from packstation.simulators.trendyol.errors import refusal
from packstation.simulators.trendyol.render import common_label_zpl, encoded_packages
from packstation.simulators.trendyol.state import (
    ListFilter,
    SimulatedMarketplace,
    now_iso,
)

MAX_PAGE = 200
PAGED_WINDOW = 10_000
MAX_WINDOW_MS = 14 * 86_400_000
#: v2 serves only the last month (FACTS.md §1b; 31 days, the longest month).
HISTORY_MS = 31 * 86_400_000
DUPLICATE_SECONDS = 15 * 60
MAX_STOCK = 20_000
LABEL_PREFIXES = ("733", "726")
_UNSUPPLIED_REASONS = {500, 501, 502, 504, 505, 506}
_PAGED_PARAMS = frozenset(
    {
        "startDate",
        "endDate",
        "page",
        "size",
        "orderNumber",
        "status",
        "orderByField",
        "orderByDirection",
        "shipmentPackageIds",
    }
)
#: The parameters each listing documents [SPEC getShipmentPackages / getShipmentPackagesStream].
_KNOWN_PARAMS = {
    "stream": frozenset({"size", "nextCursor", "packageItemStatuses", "lastModifiedStartDate", "lastModifiedEndDate"}),
    "paged": _PAGED_PARAMS,
    "paged_v2": _PAGED_PARAMS,
    "claims": frozenset({"startDate", "endDate", "page", "size", "claimItemStatus", "orderNumber", "claimIds"}),
    "claim_issue": frozenset({"claimIssueReasonId", "claimItemIdList", "description"}),
}

Reply = tuple[int, Any]


def _int_param(params: Mapping[str, str], name: str, default: int | None = None) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return default
    if not value.lstrip("-").isdigit():
        raise refusal(400, "invalid.parameter", f"{name} must be a number, got {value!r}")
    return int(value)


def _statuses(raw: str | None) -> frozenset[PackageStatus]:
    if not raw:
        return frozenset()
    statuses = set()
    for part in raw.split(","):
        status = PackageStatus.parse(part)
        if status is PackageStatus.UNKNOWN:
            raise refusal(400, "invalid.status", f"Geçersiz statü: {part.strip()}")
        statuses.add(status)
    return frozenset(statuses)


def _window(params: Mapping[str, str], start: str, end: str, *, as_utc: bool = False) -> tuple[int | None, int | None]:
    """Date bounds arrive as "GMT+3" epoch ms (or, ``as_utc``, read as plain UTC); the state compares UTC ms."""
    low, high = _int_param(params, start), _int_param(params, end)
    if low is not None and high is not None and high - low > MAX_WINDOW_MS:
        raise refusal(400, "date.range.exceeded", "Tarih aralığı en fazla 14 gün olabilir.")
    shift = 0 if as_utc else GMT3_MS
    return (low - shift if low is not None else None, high - shift if high is not None else None)


def _size(params: Mapping[str, str], default: int) -> int:
    size = _int_param(params, "size", default) or default
    if not 1 <= size <= MAX_PAGE:
        raise refusal(400, "invalid.size", f"size en fazla {MAX_PAGE} olabilir.")
    return size


def stream(sim: SimulatedMarketplace, params: Mapping[str, str]) -> Reply:
    """``GET orders/stream``: keyset cursor over (lastModifiedDate, id) descending."""
    size = _size(params, 50)
    low, high = _window(params, "lastModifiedStartDate", "lastModifiedEndDate", as_utc=sim.config.stream_dates_as_utc)
    flt = ListFilter(statuses=_statuses(params.get("packageItemStatuses")), lm_from=low, lm_to=high)
    fingerprint = hashlib.sha1(repr((sorted(s.value for s in flt.statuses), low, high)).encode()).hexdigest()[:12]
    after = None
    if "nextCursor" in params:
        after = _decode_cursor(params["nextCursor"], fingerprint)
    content: list[SimPackage] = []
    has_more = False
    for package in sim.iter_desc(flt, after):
        if len(content) == size:
            has_more = True
            break
        content.append(package)
    cursor = ""
    if has_more:
        last = content[-1]
        cursor = _encode_cursor(last.last_modified_ms, last.package_id, fingerprint)
    body = {"content": encoded_packages(sim.rendered, content), "size": len(content), "hasMore": has_more}
    if cursor:
        body["nextCursor"] = cursor
    return 200, body


def _encode_cursor(stamp: int, package_id: int, fingerprint: str) -> str:
    raw = json.dumps([stamp, package_id, fingerprint]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, fingerprint: str) -> tuple[int, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, package_id, used = json.loads(raw)
    except (ValueError, TypeError) as exc:
        raise refusal(400, "invalid.cursor", "Geçersiz nextCursor değeri.") from exc
    if used != fingerprint:
        raise refusal(400, "cursor.filter.mismatch", "nextCursor farklı filtrelerle kullanılamaz.")
    return int(stamp), int(package_id)


def paged_v2(sim: SimulatedMarketplace, params: Mapping[str, str]) -> Reply:
    """``GET v2/orders``: the paged list, only for the last month."""
    low = _int_param(params, "startDate")
    if low is not None and low - GMT3_MS < int(time.time() * 1000) - HISTORY_MS:
        raise refusal(400, "date.range.exceeded", "Sadece son 1 aya ait siparişler sorgulanabilir.")
    return paged_list(sim, params)


def paged(sim: SimulatedMarketplace, params: Mapping[str, str]) -> Reply:
    """``GET orders``: 0-based pages over a listing computed at request time (so pages can overlap)."""
    if sim.config.retire_old_paged:
        # No source shows Trendyol's real 426 body, so this one claims nothing beyond the status.
        raise refusal(426, "upgrade.required", "Bu servis kullanımdan kaldırıldı; v2/orders kullanın.")
    return paged_list(sim, params)


def paged_list(sim: SimulatedMarketplace, params: Mapping[str, str]) -> Reply:
    """0-based pages over a listing computed at request time (so pages can overlap)."""
    size = _size(params, MAX_PAGE)
    page = _int_param(params, "page", 0) or 0
    if page < 0 or (page + 1) * size > PAGED_WINDOW:
        raise refusal(400, "page.window.exceeded", "page x size en fazla 10000 olabilir; stream servisini kullanın.")
    if params.get("shipmentPackageIds"):
        ids = [int(part) for part in params["shipmentPackageIds"].split(",") if part.strip().isdigit()]
        packages = [p for p in (sim.package(i) for i in ids[:50]) if p is not None]
    elif params.get("orderNumber"):
        packages = sim.packages_of_order(params["orderNumber"].strip())
    else:
        low, high = _window(params, "startDate", "endDate")
        flt = ListFilter(statuses=_statuses(params.get("status")), lm_from=low, lm_to=high)
        ids = sim.matching_ids(flt)
        if params.get("orderByDirection", "DESC").upper() == "ASC":
            ids.reverse()
        total = len(ids)
        chosen = [sim.package(i) for i in ids[page * size : (page + 1) * size]]
        return 200, _page_body(sim, [p for p in chosen if p is not None], page, size, total)
    statuses = _statuses(params.get("status"))
    packages = [p for p in packages if not statuses or p.status in statuses]
    return 200, _page_body(sim, packages[page * size : (page + 1) * size], page, size, len(packages))


def _page_body(sim: SimulatedMarketplace, packages: list[Any], page: int, size: int, total: int) -> dict[str, Any]:
    return {
        "page": page,
        "size": size,
        "totalPages": (total + size - 1) // size,
        "totalElements": total,
        "content": encoded_packages(sim.rendered, packages),
    }


def _package_or_404(sim: SimulatedMarketplace, raw_id: str) -> Any:
    package = sim.package(int(raw_id)) if raw_id.isdigit() else None
    if package is None:
        raise refusal(404, "shipment.package.not.found", f"{raw_id} numaralı paket bulunamadı.")
    return package


def _line_quantities(body: Any, package: Any) -> dict[int, int]:
    lines = body.get("lines") if isinstance(body, dict) else None
    if not isinstance(lines, list) or not lines:
        raise refusal(400, "lines.required", "lines alanı zorunludur.")
    known = {line.line_id: line.quantity for line in package.lines}
    result: dict[int, int] = {}
    for line in lines:
        line_id, quantity = (line.get("lineId"), line.get("quantity")) if isinstance(line, dict) else (None, None)
        if not isinstance(line_id, int) or line_id not in known:
            raise refusal(400, "line.not.found", f"{line_id} numaralı kalem bu pakette değil.")
        if not isinstance(quantity, int) or not 0 < quantity <= known[line_id]:
            raise refusal(400, "invalid.quantity", f"{line_id} kalemi için geçersiz adet: {quantity}")
        result[line_id] = quantity
    return result


def update_status(sim: SimulatedMarketplace, raw_id: str, body: Any) -> Reply:
    """``PUT shipment-packages/{id}``: Picking from Created, Invoiced from Picking; nothing else."""
    with sim.lock:
        package = _package_or_404(sim, raw_id)
        target = PackageStatus.parse(str(body.get("status", ""))) if isinstance(body, dict) else None
        if target not in (PackageStatus.PICKING, PackageStatus.INVOICED):
            raise refusal(400, "status.not.allowed", "Sadece Picking ve Invoiced statüleri gönderilebilir.")
        quantities = _line_quantities(body, package)
        if quantities != {line.line_id: line.quantity for line in package.lines}:
            raise refusal(400, "lines.incomplete", "Paketteki tüm kalemler tam adetleriyle gönderilmelidir.")
        required = PackageStatus.CREATED if target is PackageStatus.PICKING else PackageStatus.PICKING
        if package.status is not required:
            raise refusal(
                400,
                "shipment.package.status.invalid",
                f"Paket {package.status.value} statüsündeyken {target.value} statüsüne güncellenemez.",
            )
        params = body.get("params") or {}
        if target is PackageStatus.INVOICED and not str(params.get("invoiceNumber", "")).strip():
            raise refusal(400, "invoice.number.required", "Invoiced için params.invoiceNumber zorunludur.")
        sim.store_change(dataclasses.replace(package, status=target), status_note=target.value)
    return 200, None


def unsupplied(sim: SimulatedMarketplace, raw_id: str, body: Any) -> Reply:
    """``PUT shipment-packages/{id}/items/unsupplied``: the package is replaced by a new one."""
    with sim.lock:
        package = _package_or_404(sim, raw_id)
        if package.status not in (PackageStatus.CREATED, PackageStatus.PICKING):
            raise refusal(
                400,
                "shipment.package.status.invalid",
                f"Paket {package.status.value} statüsünde; tedarik edilemedi bildirilemez.",
            )
        cut = _line_quantities(body, package)
        if body.get("reasonId") not in _UNSUPPLIED_REASONS:
            raise refusal(400, "invalid.reason", f"Geçersiz reasonId: {body.get('reasonId')}")
        sim.successor_for_unsupplied(package, cut)
    return 200, None


def push_stock(sim: SimulatedMarketplace, raw_body: bytes, body: Any) -> Reply:
    """``POST price-and-inventory``: queue a batch; a byte-identical body within 15 min is refused."""
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise refusal(400, "items.required", "items alanı zorunludur.")
    if len(items) > 1000:
        raise refusal(400, "items.too.many", "Bir istekte en fazla 1000 ürün gönderilebilir.")
    digest = hashlib.sha256(raw_body).digest()
    now = time.monotonic()
    with sim.lock:
        sent = sim.recent_stock_bodies.get(digest)
        if sent is not None and now - sent < DUPLICATE_SECONDS:
            raise refusal(400, "request.duplicate", "15 dakika boyunca aynı isteği tekrarlı olarak atamazsınız!")
        sim.recent_stock_bodies[digest] = now
        results = [_stock_item(sim, item) for item in items]
        batch_id = f"{uuid.UUID(int=sim.rng.getrandbits(128))}-{int(time.time())}"
        stamp = int(time.time() * 1000)
        sim.batches[batch_id] = {
            "batchRequestId": batch_id,
            "items": results,
            "creationDate": stamp,
            "lastModification": stamp,
            "sourceType": "API",
            "itemCount": len(results),
            "failedItemCount": sum(1 for r in results if r["status"] == "FAILED"),
            "batchRequestType": "ProductInventoryUpdate",
        }
    return 200, {"batchRequestId": batch_id}


def _stock_item(sim: SimulatedMarketplace, item: Any) -> dict[str, Any]:
    request = dict(item) if isinstance(item, dict) else {"item": item}
    request["updateRequestDate"] = now_iso()
    reasons = []
    barcode = str(request.get("barcode", ""))
    quantity = request.get("quantity")
    if barcode not in sim.products_by_barcode:
        reasons.append("Ürün bulunamadı.")
    if quantity is not None and (not isinstance(quantity, int) or not 0 <= quantity <= MAX_STOCK):
        reasons.append(f"Stok adedi 0 ile {MAX_STOCK} arasında olmalıdır.")
    sale, listed = request.get("salePrice"), request.get("listPrice")
    if sale is not None and listed is not None and listed < sale:
        reasons.append("Liste fiyatı satış fiyatından düşük olamaz.")
    if not reasons and isinstance(quantity, int):
        sim.stock[barcode] = quantity
    return {"requestItem": request, "status": "FAILED" if reasons else "SUCCESS", "failureReasons": reasons}


def batch_result(sim: SimulatedMarketplace, batch_id: str) -> Reply:
    """``GET batch-requests/{id}``; stock batches carry no top-level status, as on Trendyol."""
    with sim.lock:
        batch = sim.batches.get(batch_id)
    if batch is None:
        raise refusal(404, "batch.not.found", f"{batch_id} bulunamadı.")
    return 200, batch


def _label_error(status: int, code: int, kind: str, title: str) -> SimError:
    return SimError(status, {"error": {"status": status, "errors": [{"code": code, "type": kind, "title": title}]}})


def create_label(sim: SimulatedMarketplace, tracking: str, body: Any) -> Reply:
    """``POST common-label/{tracking}``: TEX/Aras, Trendyol-paid, after Picking; one label per box.

    Body [SPEC common-label.json]: ``format`` (required, only "ZPL"), ``boxQuantity``, ``volumetricHeight``.
    """
    if not isinstance(body, dict) or body.get("format") != "ZPL":
        raise _label_error(400, 1001, "BadRequestException", "format must be ZPL")
    unknown = sorted(set(body) - {"format", "boxQuantity", "volumetricHeight"})
    if unknown:
        raise _label_error(400, 1001, "BadRequestException", f"Unknown field: {', '.join(unknown)}")
    boxes = body.get("boxQuantity", 1)
    if not isinstance(boxes, int) or isinstance(boxes, bool) or boxes < 1:
        raise _label_error(400, 1001, "BadRequestException", f"Invalid boxQuantity: {boxes!r}")
    package_id = package_id_of_tracking(tracking)
    package = sim.package(package_id) if package_id is not None else None
    if package is None or package.tracking_number != tracking:
        raise _label_error(400, 1001, "BadRequestException", "Please check the cargo tracking number you provided")
    if package.carrier_prefix not in LABEL_PREFIXES or package.seller_pays:
        raise _label_error(400, 1003, "BadRequestException", "Common label is not available for this carrier")
    if package.status not in (PackageStatus.PICKING, PackageStatus.INVOICED):
        raise _label_error(400, 1004, "BadRequestException", "Package must be Picking or Invoiced")
    with sim.lock:
        sim.labels[tracking] = [common_label_zpl(package, box=index, boxes=boxes) for index in range(1, boxes + 1)]
        sim.label_requests.append({"tracking": tracking, **body})
    return 200, None


def get_label(sim: SimulatedMarketplace, tracking: str) -> Reply:
    """``GET common-label/{tracking}``: ``{"data":[{"label","format"}]}``."""
    with sim.lock:
        labels = sim.labels.get(tracking)
    if labels is None:
        raise _label_error(404, 1002, "NotFoundException", "Shipment not found")
    return 200, {"data": [{"label": one, "format": "ZPL"} for one in labels]}


_ROUTES = (
    ("GET", re.compile(r"/order/sellers/(?P<sid>\d+)/orders/stream"), "stream"),
    ("GET", re.compile(r"/order/sellers/(?P<sid>\d+)/orders"), "paged"),
    ("GET", re.compile(r"/order/sellers/(?P<sid>\d+)/v2/orders"), "paged_v2"),
    (
        "PUT",
        re.compile(r"/order/sellers/(?P<sid>\d+)/shipment-packages/(?P<id>[^/]+)/items/unsupplied"),
        "unsupplied",
    ),
    ("PUT", re.compile(r"/order/sellers/(?P<sid>\d+)/shipment-packages/(?P<id>[^/]+)"), "status"),
    ("POST", re.compile(r"/inventory/sellers/(?P<sid>\d+)/products/price-and-inventory"), "stock"),
    ("GET", re.compile(r"/product/sellers/(?P<sid>\d+)/products/batch-requests/(?P<id>[^/]+)"), "batch"),
    ("GET", re.compile(r"/order/sellers/(?P<sid>\d+)/claims"), "claims"),
    ("PUT", re.compile(r"/order/sellers/(?P<sid>\d+)/claims/(?P<id>[^/]+)/items/approve"), "approve_claim"),
    ("POST", re.compile(r"/order/sellers/(?P<sid>\d+)/claims/(?P<id>[^/]+)/issue"), "claim_issue"),
    ("GET", re.compile(r"/order/claim-issue-reasons"), "claim_issue_reasons"),
    ("POST", re.compile(r"/sellers/(?P<sid>\d+)/common-label/(?P<id>[^/]+)"), "create_label"),
    ("GET", re.compile(r"/sellers/(?P<sid>\d+)/common-label/(?P<id>[^/]+)"), "get_label"),
)


def _call(
    name: str, sim: SimulatedMarketplace, *, params: Mapping[str, str], ident: str, body: Any, raw_body: bytes
) -> Reply:
    if name == "stream":
        return stream(sim, params)
    if name == "paged":
        return paged(sim, params)
    if name == "paged_v2":
        return paged_v2(sim, params)
    if name == "status":
        return update_status(sim, ident, body or {})
    if name == "unsupplied":
        return unsupplied(sim, ident, body or {})
    if name == "stock":
        return push_stock(sim, raw_body, body)
    if name == "batch":
        return batch_result(sim, ident)
    if name == "claims":
        return sim.claims.page(params)
    if name == "approve_claim":
        return sim.claims.approve(ident, body)
    if name == "claim_issue_reasons":
        return 200, list(ISSUE_REASONS)
    if name == "create_label":
        return create_label(sim, ident, body)
    return get_label(sim, ident)


def dispatch(
    sim: SimulatedMarketplace,
    method: str,
    path: str,
    params: Mapping[str, str],
    raw_body: bytes,
    *,
    content_type: str = "",
) -> Reply:
    """Route one authenticated request."""
    wrong_method = False
    for route_method, pattern, name in _ROUTES:
        match = pattern.fullmatch(path)
        if match is None:
            continue
        if route_method != method:
            wrong_method = True
            continue
        if match.groupdict().get("sid", sim.config.seller_id) != sim.config.seller_id:
            raise refusal(403, "seller.mismatch", "Satıcı kimliği API bilgileriyle eşleşmiyor.")
        unknown = sorted(set(params) - _KNOWN_PARAMS.get(name, frozenset()))
        if unknown:
            raise refusal(400, "invalid.parameter", f"Bilinmeyen parametre: {', '.join(unknown)}")
        if name == "claim_issue":  # multipart, not JSON
            return sim.claims.issue(match.group("id"), params, raw_body, content_type)
        body: Any = None
        if raw_body:
            try:
                body = json.loads(raw_body)
            except ValueError as exc:
                raise refusal(400, "invalid.json", "İstek gövdesi geçerli JSON değil.") from exc
        return _call(name, sim, params=params, ident=match.groupdict().get("id", ""), body=body, raw_body=raw_body)
    if wrong_method:
        raise refusal(405, "method.not.allowed", f"{method} {path} desteklenmiyor.")
    raise refusal(404, "not.found", f"{path} bulunamadı.")


def endpoint_of(method: str, path: str) -> str:
    """The endpoint a request counts against for the burst rule ("the same endpoint")."""
    for route_method, pattern, name in _ROUTES:
        if route_method == method and pattern.fullmatch(path):
            return name
    return f"{method} {path}"
