"""The simulated Hepsiburada merchant's state: open lines, packages, statuses, cancellations.

Built from HB's published material (/work/research/hepsiburada/FACTS.md §11 and the fixtures there), not
from our client: shapes and rules are the spec's. Thread-safe: every method takes the lock.
"""

from __future__ import annotations

import itertools
import random
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from packstation.simulators.errors import SimError
from packstation.simulators.hepsiburada import render
from packstation.simulators.hepsiburada.checks import hb_time
from packstation.simulators.hepsiburada.claims import HbSimClaims
from packstation.simulators.hepsiburada.labels import label_reply
from packstation.simulators.hepsiburada.model import HbPackage

#: Carriers that give shared barcodes ("ilk aşamada yalnızca HepsiJet ve Aras", DOCS-TXT).
MUTUAL_CARRIERS = frozenset({"HepsiJet", "Aras Kargo"})
CARRIERS = ("HepsiJet", "Aras Kargo", "Yurtiçi Kargo", "MNG Kargo")
_PRODUCTS = (
    ("SKU-TSHIRT-BLK-M", "HBV00000ABC12", "8690000000017", "Erkek Basic T-Shirt Siyah M", "149.90"),
    ("SKU-BOT-40", "HBV00000BOT40", "8690000000024", "Kadın Deri Bot Kahverengi 40", "1899.90"),
    ("SKU-ÇORAP-3", "HBV00000CRP03", "8690000000031", "Pamuklu Çorap 3'lü Gri", "89.50"),
    ("SKU-ŞAL-İPEK", "HBV00000SAL01", "8690000000048", "İpek Şal Güz Desenli", "449.00"),
    ("SKU-ÇANTA-KÜÇÜK", "HBV00000CNT02", "8690000000055", "Küçük Omuz Çantası Siyah", "699.99"),
)
_NAMES = ("Ayşe Yılmaz", "Mehmet Öztürk", "Zeynep Şahin", "İbrahim Çelik", "Gülşen Doğan", "Ömer Işık")
_TOWNS = (("ŞİŞLİ", "ESENTEPE", "İstanbul"), ("ÇANKAYA", "KIZILAY", "Ankara"), ("KARŞIYAKA", "BOSTANLI", "İzmir"))


@dataclass
class HbSimConfig:
    """Who the merchant is and what it starts with."""

    merchant_id: str = "b2910839-83b9-4d45-adb6-86bad457edcb"
    service_key: str = "Sk3yAbCd12Ef"
    #: The integrator user name; the User-Agent must equal it exactly (DOC changelog Ocak 2024).
    user_agent: str = "packstation_dev"
    seed: int = 1
    orders: int = 20
    #: HB packs every new order itself ("HB otomatik paketleme"); /orders then stays empty.
    auto_pack: bool = False
    #: Requests per second before 429 (DOC changelog Kasım 2025: 1000).
    rate_limit: int = 1000
    #: Carriers whose shared barcode comes as a picture only (HB lists png/jpg among the formats; which
    #: carriers give only those is not published: a stand-in switch, empty by default).
    picture_only_carriers: frozenset[str] = frozenset()
    #: ``cancelbymerchant`` reason ids taken: HB publishes 83 alone ("Ürün tedarik edilemedi", DOC); any other
    #: is refused here, so a client sending a guessed id fails in tests.
    cancel_reason_ids: frozenset[int] = frozenset({83})


class SimulatedHepsiburada:
    """One HB merchant's order service."""

    def __init__(self, config: HbSimConfig | None = None, *, clock: Any = None) -> None:
        self.config = config or HbSimConfig()
        self._lock = threading.RLock()
        self._random = random.Random(self.config.seed)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._numbers = itertools.count(5000030001)
        self._orders = itertools.count(4500100001)
        #: Open (and unpacked) lines by id, in creation order.
        self.open_lines: dict[str, dict[str, Any]] = {}
        self.packages: dict[str, HbPackage] = {}
        self.cancelled: list[dict[str, Any]] = []
        #: ``cancelbymerchant`` calls taken, in order: (line id, reason id).
        self.merchant_cancels: list[tuple[str, int]] = []
        #: Raw /packages elements served as they are (poison tests).
        self.raw_packages: list[Any] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        #: Requests answered 429 (past the per-second limit).
        self.throttled = 0
        #: merchantSku -> available stock, as the listing host last took it; and the uploads' results.
        self.stock: dict[str, int] = {}
        self.stock_uploads: dict[str, dict[str, Any]] = {}
        #: Customers' claims (returns) and the answers taken.
        self.claims = HbSimClaims(self._lock, self.now)
        for _ in range(self.config.orders):
            self.add_order()

    def now(self) -> datetime:
        """The simulator's clock."""
        return self._clock()

    # -- making orders ---------------------------------------------------------------------------

    def add_order(
        self,
        *,
        lines: int | None = None,
        carrier: str | None = None,
        at: datetime | None = None,
        like: str | None = None,
    ) -> str:
        """A customer pays for an order: its lines join the queue (or are packed, auto-packing). Its number.

        ``like``: an earlier order whose customer, delivery address and carrier this one shares (the same
        customer ordering again before the first parcel left).
        """
        with self._lock:
            rnd = self._random
            number = str(next(self._orders))
            customer = str(uuid.UUID(int=rnd.getrandbits(128)))
            name = rnd.choice(_NAMES)
            town, district, city = rnd.choice(_TOWNS)
            address_id = str(uuid.UUID(int=rnd.getrandbits(128)))
            cargo = carrier or rnd.choice(CARRIERS)
            same: dict[str, Any] | None = None
            if like is not None:
                same = self._a_line_of(like)
                customer, name, cargo = same["customerId"], same["customerName"], same["cargoCompany"]
            created = at or self.now()
            order_id = str(uuid.UUID(int=rnd.getrandbits(128)))
            made: list[dict[str, Any]] = []
            for sku, hb_sku, barcode, title, price in rnd.sample(_PRODUCTS, lines or rnd.randint(1, 3)):
                quantity = rnd.randint(1, 2)
                line_id = str(uuid.UUID(int=rnd.getrandbits(128)))
                address = {
                    "addressId": address_id,
                    "address": f"{district.title()} Mah. Gül Sk. No:{rnd.randint(1, 90)}",
                    "name": name,
                    "email": "musteri@example.com",
                    "countryCode": "TR",
                    "phoneNumber": f"90532{rnd.randint(1000000, 9999999)}",
                    "alternatePhoneNumber": "",
                    "district": district,
                    "city": city,
                    "town": town,
                    "postalCode": "34394",
                    "directions": "",
                }
                line = {
                    "id": line_id,
                    "orderId": order_id,
                    "orderNumber": number,
                    "orderDate": hb_time(created),
                    "dueDate": hb_time(created + timedelta(days=2)),
                    "lastStatusUpdateDate": hb_time(created),
                    "status": "Open",
                    "merchantId": self.config.merchant_id,
                    "merchantSKU": sku,
                    "sku": hb_sku,
                    "name": title,
                    "productBarcode": barcode,
                    "quantity": quantity,
                    "unitPrice": {"amount": float(price), "currency": "TRY"},
                    "totalPrice": {"amount": round(float(price) * quantity, 2), "currency": "TRY"},
                    "vat": 0,
                    "vatRate": 20,
                    "canCreatePackage": True,
                    "isCancellable": True,
                    "isCancellableByHbAdmin": True,
                    "isCargoChangable": True,
                    "isCustomized": False,
                    "isJetDelivery": False,
                    "isMicroExport": False,
                    "isSundayDelivery": False,
                    "customerId": customer,
                    "customerName": name,
                    "creditCardHolderName": "",
                    "shippingAddress": address,
                    "invoice": {
                        "turkishIdentityNumber": "11111111111",
                        "taxNumber": "",
                        "taxOffice": "",
                        "address": dict(address),
                    },
                    "cargoCompany": cargo,
                    "cargoCompanyModel": {
                        "id": 50,
                        "name": cargo,
                        "shortName": cargo[:2].upper(),
                        "logoUrl": "",
                        "trackingUrl": None,
                    },
                    "deliveryType": "StandardDelivery",
                    "deliveryOptionId": 1,
                    "deliveryNote": {"tags": [], "value": ""},
                    "dispatchTime": 2,
                    "pickUpTime": "",
                    "properties": [],
                    "productImageUrlFormat": "",
                    "customizedText01": "",
                    "customizedTextX": "",
                    "creationReason": "OrderCreated",
                }
                if same is not None:
                    line["shippingAddress"] = dict(same["shippingAddress"])
                    line["invoice"] = dict(same["invoice"])
                made.append(line)
                self.open_lines[line_id] = line
            if self.config.auto_pack:
                # HB packs an auto-packing merchant's lines itself within 15 minutes (DOC test-süreci page).
                self._pack([(line["id"], line["quantity"]) for line in made], parcels=1, deci=1.0)
            return number

    def _a_line_of(self, order_number: str) -> dict[str, Any]:
        for line in [*self.open_lines.values(), *(ln for p in self.packages.values() for ln in p.lines)]:
            if line["orderNumber"] == order_number:
                return line
        raise KeyError(f"no order {order_number}")

    def claim(self, order_number: str, *, quantity: int = 1, status: str = "AwaitingAction") -> dict[str, Any]:
        """A customer claims ``quantity`` units of one line of the order (packed or not)."""
        with self._lock:
            return self.claims.add(self._a_line_of(order_number), quantity=quantity, status=status)

    def lines_of(self, order_number: str) -> list[dict[str, Any]]:
        """The open lines of one order."""
        with self._lock:
            return [line for line in self.open_lines.values() if line["orderNumber"] == order_number]

    # -- packing -----------------------------------------------------------------------------------

    def create_package(self, requests: list[tuple[str, int]], *, parcels: int, deci: float) -> HbPackage:
        """``POST /packages``: the lines must be open, paid and mutually packable."""
        with self._lock:
            if not requests:
                raise SimError(400, "lineItemRequests is empty")
            for line_id, quantity in requests:
                line = self.open_lines.get(line_id)
                if line is None:
                    if any(c["lineItemId"] == line_id for c in self.cancelled):
                        raise SimError(409, f"line item {line_id} is cancelled")
                    raise SimError(404, f"line item {line_id} can not be found for packaging")
                if line["canCreatePackage"] is not True:
                    raise SimError(400, f"line item {line_id} can NOT be packaged (payment)")
                if quantity != line["quantity"]:
                    raise SimError(400, f"quantity {quantity} of line item {line_id} is not its open quantity")
            first = self.open_lines[requests[0][0]]
            for line_id, _quantity in requests[1:]:
                other = self.open_lines[line_id]
                if (other["customerId"], other["shippingAddress"]["addressId"]) != (
                    first["customerId"],
                    first["shippingAddress"]["addressId"],
                ):
                    raise SimError(400, f"line item {line_id} can not be packaged with {requests[0][0]}")
            return self._pack(requests, parcels=parcels, deci=deci)

    def _pack(self, requests: list[tuple[str, int]], *, parcels: int, deci: float) -> HbPackage:
        number = str(next(self._numbers))
        lines = [self.open_lines.pop(line_id) for line_id, _q in requests]
        package = HbPackage(
            guid=str(uuid.UUID(int=self._random.getrandbits(128))),
            number=number,
            barcode=f"622013{number}",
            lines=lines,
            packaged_at=self.now(),
            parcels=parcels,
            deci=deci,
        )
        self.packages[number] = package
        return package

    def packageable_with(self, line_id: str) -> list[dict[str, Any]]:
        """Other open lines going to the same customer and address (the line itself is not echoed)."""
        with self._lock:
            line = self.open_lines.get(line_id)
            if line is None:
                raise SimError(409, f"Bu ürün paketlenemez.(line item:{line_id} can NOT be packaged!!!)")
            key = (line["customerId"], line["shippingAddress"]["addressId"])
            return [
                {"lineItemId": other["id"], "orderNumber": other["orderNumber"], "quantity": other["quantity"]}
                for other in self.open_lines.values()
                if other["id"] != line_id and (other["customerId"], other["shippingAddress"]["addressId"]) == key
            ]

    # -- the listing host: stock --------------------------------------------------------------------

    def upload_stock(self, items: list[dict[str, Any]]) -> str:
        """``POST /listings/…/stock-uploads``: rows for SKUs the merchant lists are taken, the others fail.

        The result lists only the failing rows (``{status: "Done", errors: [...]}``, 3P from several clients).
        """
        with self._lock:
            known = {sku: hb for sku, hb, *_rest in _PRODUCTS}
            errors = []
            for number, item in enumerate(items):
                sku, hb_sku = item.get("merchantSku"), item.get("hepsiburadaSku")
                if sku in known and hb_sku in (None, known[sku]):
                    self.stock[sku] = int(item["availableStock"])
                elif hb_sku in known.values() and sku is None:
                    self.stock[next(s for s, h in known.items() if h == hb_sku)] = int(item["availableStock"])
                else:
                    errors.append(
                        {
                            "elementNo": number,
                            "hepsiburadaSku": hb_sku,
                            "merchantSku": sku,
                            "errors": ["Listing bulunamadı"],
                        }
                    )
            upload_id = str(uuid.UUID(int=self._random.getrandbits(128)))
            self.stock_uploads[upload_id] = {
                "id": upload_id,
                "status": "Done",
                "createdAt": hb_time(self.now()),
                "total": len(items),
                "errors": errors,
            }
            return upload_id

    # -- what happens after packing -----------------------------------------------------------------

    def ship(self, number: str) -> None:
        """The carrier collected the package."""
        with self._lock:
            package = self.packages[number]
            package.status, package.shipped_at = "InTransit", self.now()

    def unpack(self, number: str) -> None:
        """The seller (on HB's panel) or HB unpacks a packed package: its delivery barcode is void, and its
        lines go back to the open queue, to be packed again (SPEC "Paket Bozma"; the unpacked feed lists it)."""
        with self._lock:
            package = self.packages[number]
            if package.status != "Packaged":
                raise SimError(400, f"package {number} is {package.status} and can not be unpacked")
            package.status, package.unpacked_at = "Unpacked", self.now()
            for line in package.lines:
                line["lastStatusUpdateDate"] = hb_time(self.now())
                self.open_lines[line["id"]] = line
            if self.config.auto_pack:  # HB packs an auto-packing merchant's open lines again
                self._pack([(line["id"], line["quantity"]) for line in package.lines], parcels=1, deci=package.deci)

    def deliver(self, number: str) -> None:
        """The customer received it."""
        with self._lock:
            package = self.packages[number]
            package.status, package.delivered_at = "Delivered", self.now()

    def cancel_by_merchant(self, line_id: str, reason_id: int) -> None:
        """``POST /lineitems/…/id/{line}/cancelbymerchant``: the seller cancels a line not yet packed, whole.

        A packed line is refused (400: SPEC names "henüz paketlenmemiş kalem"), a cancelled one 409 (as when
        packing it), an unknown one 404. The feed lists it with ``cancelledBy`` "Merchant" and the reason id as
        ``cancelReasonCode`` (neither value is published: UNCERTAIN).
        """
        with self._lock:
            if reason_id not in self.config.cancel_reason_ids:
                raise SimError(400, f"reasonId {reason_id} is not a valid cancel reason")
            if any(c["lineItemId"] == line_id for c in self.cancelled):
                raise SimError(409, f"line item {line_id} is already cancelled")
            line = self.open_lines.get(line_id)
            if line is None:
                if any(ln["id"] == line_id for p in self.packages.values() for ln in p.lines):
                    raise SimError(400, f"line item {line_id} is packaged and can not be cancelled")
                raise SimError(404, f"line item {line_id} can not be found")
            del self.open_lines[line_id]
            self.cancelled.append(self._cancelled_entry(line, by="Merchant", code=str(reason_id)))
            self.merchant_cancels.append((line_id, reason_id))

    def _cancelled_entry(self, line: dict[str, Any], *, by: str, code: str) -> dict[str, Any]:
        return {
            "orderNumber": line["orderNumber"],
            "lineItemId": line["id"],
            "cancelDate": hb_time(self.now()),
            "cancelledBy": by,
            "cancelReasonCode": code,
            "merchantId": self.config.merchant_id,
            "quantity": line["quantity"],
            "sku": line["sku"],
            "merchantSku": line["merchantSKU"],
        }

    def cancel_order(self, order_number: str, *, by: str = "Customer") -> list[str]:
        """The customer cancels every open line of an order; the ids cancelled."""
        with self._lock:
            ids = [line["id"] for line in self.lines_of(order_number)]
            for line_id in ids:
                line = self.open_lines.pop(line_id)
                self.cancelled.append(self._cancelled_entry(line, by=by, code="CustomerRequest"))
            return ids

    # -- representations (SPEC shapes) -------------------------------------------------------------

    def package_json(self, package: HbPackage) -> dict[str, Any]:
        """``ExternalRawPackageRepresentation`` of ``package`` (see :mod:`.render`)."""
        return render.package_json(package)

    def thin_json(self, package: HbPackage, feed: str) -> dict[str, Any]:
        """A PascalCase item of ``/shipped``, ``/delivered`` or ``/undelivered``."""
        return render.thin_json(package, feed, merchant_id=self.config.merchant_id, now=self.now())

    def unpacked_json(self, package: HbPackage) -> dict[str, Any]:
        """``UnpackedDelivery`` of ``/packages/…/status/unpacked``."""
        return render.unpacked_json(package, now=self.now())

    def label(self, package: HbPackage, fmt: str) -> dict[str, Any]:
        """``BarcodeData`` of ``package`` in ``fmt`` (see :func:`.labels.label_reply`)."""
        first = package.lines[0]
        if first["cargoCompany"] in self.config.picture_only_carriers and fmt != "jpg":
            fmt = "png"  # this carrier gives pictures only
        boxes = [f"Paket: {package.number}  Koli {box}/{package.parcels}" for box in range(1, package.parcels + 1)]
        return label_reply(first["cargoCompany"], first["customerName"], package.barcode, boxes, fmt)
