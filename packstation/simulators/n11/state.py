"""The simulated N11 store's state: shipment packages, line statuses, price/stock tasks.

Built from N11's published REST material as gathered in ``reference/marketplaces.md`` §3 (developer.n11.com
pages quoted by third-party write-ups and several independent clients) and the documented-shape fixtures in
``tests/services/marketplaces/fixtures/n11`` (their README names each source), not from our client. N11
publishes no OpenAPI document: where the sources are silent the choice is marked UNCERTAIN at the value.
Thread-safe: every method takes the lock.
"""

from __future__ import annotations

import copy
import itertools
import random
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from packstation.services.marketplaces.fields import utc_to_gmt3_epoch_ms
from packstation.simulators.errors import SimError

#: Package statuses N11 lists, one per request (reference §3.2).
STATUSES = ("Created", "Picking", "Shipped", "Cancelled", "Delivered", "Unpacked", "UnSupplied")
#: Stock above this is refused (reference §3.3).
MAX_STOCK = 999_999
#: SKUs per price/stock task (reference §3.3).
MAX_SKUS = 1000
_SKU_FIELDS = {"stockCode", "quantity", "listPrice", "salePrice", "currencyType"}
_CURRENCIES = ("TL", "USD", "EUR")  # N11 lists these (IKINCIL source: UNCERTAIN beyond TL)
_PRODUCTS = (
    ("AYK-020-40", "8691003020409", "Koşu Ayakkabısı", "1599.90", (("Renk", "Siyah"), ("Beden", "40"))),
    ("ŞAL-İPEK-01", None, "İpek Şal, Gül Kurusu", "449.00", (("Renk", "Gül Kurusu"),)),
    ("ÇORAP-3LÜ-GRİ", "8691003020515", "Pamuklu Çorap 3'lü Gri", "89.50", (("Renk", "Gri"),)),
    ("ÇANTA-KÜÇÜK", "8691003020522", "Küçük Omuz Çantası", "699.99", (("Renk", "Siyah"),)),
)
_NAMES = ("Büşra Çelik", "Oğuz Şahin", "Gülşen Doğan", "İsmail Öztürk")


@dataclass
class N11SimConfig:
    """Who the store is and what it starts with."""

    app_key: str = "n11-app-key"
    app_secret: str = "n11-app-secret"
    seed: int = 1
    packages: int = 10
    #: False: the store has not yet asked N11 (sellerintegration@n11.com) to enable REST access; every call
    #: is refused as with wrong keys (research: /rest 403 "Authentication failed", /ms 401).
    rest_enabled: bool = True
    #: ``shipmentPackages`` requests per minute before 429 (reference §3.1: 1000/min; the answer's shape
    #: is not published: UNCERTAIN).
    list_rate_per_minute: int = 1000
    #: Page-queries a task stays ``IN_QUEUE`` before it is ``PROCESSED`` (N11 works tasks asynchronously).
    queued_polls: int = 0


@dataclass
class PriceStockTask:
    """A price/stock task: N11's answer and, once processed, each SKU's result."""

    id: int
    status: str
    reasons: list[str]
    skus: list[dict[str, Any]] = field(default_factory=list)
    polls: int = 0


class SimulatedN11:
    """One N11 store's delivery and product services."""

    def __init__(self, config: N11SimConfig | None = None, *, clock: Any = None) -> None:
        self.config = config or N11SimConfig()
        self._lock = threading.RLock()
        self._random = random.Random(self.config.seed)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._ids = itertools.count(1054400001)
        self._orders = itertools.count(2067885160001)
        self._lines = itertools.count(426700001)
        self._tasks = itertools.count(1092)
        #: Packages as N11 lists them (``content[]`` items), in creation order.
        self.packages: list[dict[str, Any]] = []
        self.tasks: dict[int, PriceStockTask] = {}
        #: stockCode -> stock the store last accepted.
        self.stock: dict[str, int] = {code: 10 for code, *_rest in _PRODUCTS}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        for _ in range(self.config.packages):
            self.add_package()

    def now(self) -> datetime:
        """The stand-in's clock (aware UTC)."""
        return self._clock()

    def _stamp(self, moment: datetime | None = None) -> int:
        """A date as N11 sends it: "GMT+3" epoch ms (Istanbul wall-clock digits read as UTC)."""
        return utc_to_gmt3_epoch_ms(moment or self.now())

    # -- packages -----------------------------------------------------------------------------------

    def add_package(
        self,
        *,
        lines: int | None = None,
        status: str = "Created",
        location_delivery: bool = False,
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """A customer's order becomes a package; returned as listed.

        ``location_delivery``: a "Konuma Özel Teslimat" package, which N11 lists with ``"id": null``
        (N11 changelog, via the fixture README). A product without a barcode gives a line with
        ``"barcode": null`` (barcodes are optional in N11's product create).
        """
        with self._lock:
            rnd = self._random
            created = self._stamp(at)
            name = rnd.choice(_NAMES)
            made: list[dict[str, Any]] = []
            total = 0.0
            for code, barcode, title, price, variants in rnd.sample(_PRODUCTS, lines or rnd.randint(1, 2)):
                made.append(
                    {
                        "orderLineId": next(self._lines),
                        "stockCode": code,
                        "productId": 1234500000 + rnd.randint(1, 99999),
                        "productName": title,
                        "barcode": barcode,
                        "quantity": (quantity := rnd.randint(1, 2)),
                        "price": float(price),
                        "dueAmount": float(price),
                        "sellerInvoiceAmount": float(price),
                        "vatRate": 20,
                        "orderItemLineItemStatusName": status,
                        "variantAttributes": [{"name": n, "value": v} for n, v in variants],
                        "sender": "SELLER",
                        "productOrigin": "TR",
                    }
                )
                total += float(price) * quantity
            address = {
                "address": "Menekşe Sk. No:12 D:3",
                "city": "Ankara",
                "district": "Çankaya",
                "neighborhood": "Bahçelievler Mah",
                "fullName": name,
                "gsm": "5320000000",
                "postalCode": "06490",
            }
            package = {
                "id": None if location_delivery else next(self._ids),
                "orderNumber": str(next(self._orders)),
                "shipmentPackageStatus": status,
                "lastModifiedDate": created,
                "agreedDeliveryDate": created + 2 * 86_400_000,
                "packageHistories": [{"createdDate": created, "status": f" {status}"}],  # sic: leading space
                "cargoTrackingNumber": str(811200000000000 + rnd.randint(1, 10**8)),
                "cargoSenderNumber": "",
                "cargoTrackingLink": "",
                "cargoProviderName": "Yurtiçi Kargo",
                "shipmentCompanyId": 344,
                "shipmentMethod": 1,
                "totalAmount": round(total, 2),
                "totalDiscountAmount": 0,
                "micro": False,
                "deliveryAddressType": "",
                "customerfullName": name,  # sic: lower-case f, as N11 spells it
                "customerEmail": "musteri@example.com",
                "customerId": rnd.randint(10000, 99999),
                "taxId": None,
                "taxOffice": None,
                "tcIdentityNumber": "",
                "shippingAddress": address,
                "billingAddress": {**address, "invoiceType": 1},
                "lines": made,
                "_createdDate": created,  # the order date the date filter reads without orderByField (not listed)
            }
            self.packages.append(package)
            return self.listed(package)

    @staticmethod
    def listed(package: dict[str, Any]) -> dict[str, Any]:
        """A package as ``content[]`` shows it (without the stand-in's own keys)."""
        return {key: copy.deepcopy(value) for key, value in package.items() if not key.startswith("_")}

    def package(self, package_id: int) -> dict[str, Any]:
        """The stored package ``package_id`` (for tests to change)."""
        with self._lock:
            return next(p for p in self.packages if p["id"] == package_id)

    def set_status(self, package: dict[str, Any], status: str) -> None:
        """N11 (or the carrier) moves a package on: its lines follow, ``lastModifiedDate`` moves."""
        with self._lock:
            package["shipmentPackageStatus"] = status
            for line in package["lines"]:
                line["orderItemLineItemStatusName"] = status
            package["lastModifiedDate"] = max(self._stamp(), package["lastModifiedDate"] + 1)
            package["packageHistories"].append({"createdDate": package["lastModifiedDate"], "status": f" {status}"})

    def picking(self, line_ids: list[int]) -> list[dict[str, Any]]:
        """``PUT /rest/order/v1/update`` Picking: per line, SUCCESS or FAIL with N11's reason text."""
        with self._lock:
            results = []
            for line_id in line_ids:
                found = next(
                    ((p, ln) for p in self.packages for ln in p["lines"] if ln["orderLineId"] == line_id), None
                )
                if found is None:
                    results.append({"lineId": line_id, "status": "FAIL", "reason": "Sipariş kalemi bulunamadı"})
                    continue
                package, line = found
                if line["orderItemLineItemStatusName"] != "Created":
                    results.append({"lineId": line_id, "status": "FAIL", "reason": "Kalem statüsü uygun değil"})
                    continue
                line["orderItemLineItemStatusName"] = "Picking"
                results.append({"lineId": line_id, "status": "SUCCESS", "reason": ""})
                if all(ln["orderItemLineItemStatusName"] == "Picking" for ln in package["lines"]):
                    self.set_status(package, "Picking")
            return results

    # -- price and stock tasks ------------------------------------------------------------------------

    def price_stock_task(self, payload: Any) -> PriceStockTask:
        """``POST /ms/product/tasks/price-stock-update``: a task ``IN_QUEUE``, or ``REJECT`` when the whole
        body is refused (reference §3.3: the answer is 200 either way)."""
        with self._lock:
            reasons = _refusals(payload)
            task = PriceStockTask(next(self._tasks), "REJECT" if reasons else "IN_QUEUE", reasons)
            if not reasons:
                skus = payload["skus"]
                task.reasons = [f"{len(skus)} sku işlenmeye alındı."]
                task.skus = [self._apply_sku(sku) for sku in skus]
            self.tasks[task.id] = task
            return task

    def _apply_sku(self, sku: dict[str, Any]) -> dict[str, Any]:
        code = sku["stockCode"]
        if code not in self.stock:
            return {"itemCode": code, "status": "FAIL", "sku": None, "reasons": ["Ürün bulunamadı"]}
        if "quantity" in sku:
            self.stock[code] = sku["quantity"]
        result = {"stock": self.stock[code]}
        if "salePrice" in sku:
            result |= {"salePrice": sku["salePrice"], "listPrice": sku["listPrice"]}
        return {"itemCode": code, "status": "SUCCESS", "sku": result, "reasons": []}

    def task_details(self, task_id: int, page: int, size: int) -> dict[str, Any]:
        """``POST /ms/product/task-details/page-query``: the task, its SKUs once processed."""
        with self._lock:
            task = self.tasks.get(task_id)
            if task is None:
                raise SimError(404, {"message": f"task {task_id} bulunamadı"})
            task.polls += 1
            if task.status == "IN_QUEUE" and task.polls > self.config.queued_polls:
                task.status = "PROCESSED"
            shown = task.skus[page * size : (page + 1) * size] if task.status == "PROCESSED" else []
            return {
                "taskId": task.id,
                "status": task.status,
                "reasons": list(task.reasons),
                "skus": {"content": shown, "page": page, "size": size, "totalElements": len(task.skus)},
            }


def _refusals(payload: Any) -> list[str]:
    """Why a price/stock body is refused as a whole (reference §3.3 rules); empty when it is taken."""
    if not isinstance(payload, dict) or set(payload) - {"integrator", "skus"}:
        return ["payload must hold only integrator and skus"]
    if not isinstance(payload.get("integrator"), str) or not payload["integrator"].strip():
        return ["integrator is required"]
    skus = payload.get("skus")
    if not isinstance(skus, list) or not skus:
        return ["skus is required"]
    if len(skus) > MAX_SKUS:
        return [f"at most {MAX_SKUS} skus per task"]
    reasons = []
    for n, sku in enumerate(skus):
        if not isinstance(sku, dict) or set(sku) - _SKU_FIELDS or not isinstance(sku.get("stockCode"), str):
            reasons.append(f"skus[{n}]: stockCode and only {sorted(_SKU_FIELDS)} are allowed")
            continue
        quantity = sku.get("quantity")
        if "quantity" in sku and (
            not isinstance(quantity, int) or isinstance(quantity, bool) or not 0 <= quantity <= MAX_STOCK
        ):
            reasons.append(f"skus[{n}]: quantity must be 0..{MAX_STOCK}")
        if ("listPrice" in sku) != ("salePrice" in sku):
            reasons.append(f"skus[{n}]: listPrice and salePrice go together")
        elif "listPrice" in sku:
            reasons.extend(_price_refusals(n, sku))
        if "quantity" not in sku and "listPrice" not in sku:
            reasons.append(f"skus[{n}]: nothing to update")
    return reasons


def _price_refusals(n: int, sku: dict[str, Any]) -> list[str]:
    try:
        listed, sale = Decimal(str(sku["listPrice"])), Decimal(str(sku["salePrice"]))
    except InvalidOperation:
        return [f"skus[{n}]: prices must be numbers with a dot"]
    if isinstance(sku["listPrice"], str) or isinstance(sku["salePrice"], str):
        return [f"skus[{n}]: prices must be numbers, not text"]
    reasons = []
    if _decimals(listed) > 2 or _decimals(sale) > 2:
        reasons.append(f"skus[{n}]: prices take at most 2 decimals")
    if listed < sale:
        reasons.append(f"skus[{n}]: Liste fiyatı satış fiyatından küçük olamaz")
    if sku.get("currencyType", "TL") not in _CURRENCIES:
        reasons.append(f"skus[{n}]: currencyType must be one of {', '.join(_CURRENCIES)}")
    return reasons


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def window_filter(
    packages: list[dict[str, Any]], start: int | None, end: int | None, *, by_modified: bool
) -> list[dict[str, Any]]:
    """Packages in ``start``..``end`` ("GMT+3" epoch ms): N11 clips a longer window to 15 days silently."""
    if start is None and end is None:
        return packages
    clip = 15 * 86_400_000
    if start is not None:
        end = min(end if end is not None else start + clip, start + clip)
    key = "lastModifiedDate" if by_modified else "_createdDate"
    return [p for p in packages if (start is None or p[key] >= start) and (end is None or p[key] <= end)]
