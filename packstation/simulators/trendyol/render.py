"""Simulated packages as Trendyol's JSON, and the common label as ZPL.

Dates go out the way Trendyol sends them: order, deadline and modification stamps as "GMT+3" epoch ms
(Istanbul wall clock read as UTC), history stamps as true epoch ms.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from packstation.simulators.trendyol.catalog import GMT3_MS, Naming, SimPackage

_ASCII_FOLD = str.maketrans("çğıöşüÇĞİÖŞÜâîûÂÎÛ", "cgiosuCGIOSUaiuAIU")
_DAY_MS = 86_400_000


def package_json(package: SimPackage) -> dict[str, Any]:
    """The ShipmentPackage object in the package's field-name generation."""
    new = package.naming in (Naming.NEW, Naming.BOTH)
    old = package.naming in (Naming.OLD, Naming.BOTH)
    customer = package.customer
    total = sum((line.product.price * line.quantity for line in package.lines), Decimal(0))
    address = {
        "id": customer.customer_id + 7,
        "firstName": customer.first_name,
        "lastName": customer.last_name,
        "fullName": f"{customer.first_name} {customer.last_name}",
        "company": "",
        "address1": f"{customer.neighbourhood} {customer.street} No:{customer.building}",
        "address2": "",
        "city": customer.city,
        "cityCode": customer.city_code,
        "district": customer.district,
        "neighborhood": customer.neighbourhood,
        "postalCode": customer.postal_code,
        "countryCode": "TR",
        "phone": None,
        "fullAddress": (
            f"{customer.neighbourhood} {customer.street} No:{customer.building} {customer.district} {customer.city}"
        ),
    }
    data: dict[str, Any] = {
        "orderNumber": package.order_number,
        "orderDate": package.order_ms + GMT3_MS,
        "lastModifiedDate": package.last_modified_ms + GMT3_MS,
        "agreedDeliveryDate": package.order_ms + 2 * _DAY_MS + GMT3_MS,
        "status": package.status.value,
        "shipmentPackageStatus": package.status.value,
        "packageHistories": [{"createdDate": ms, "status": status} for ms, status in package.history],
        # New-generation packages send the 20-digit tracking number as a JSON number, as Trendyol does.
        "cargoTrackingNumber": int(package.tracking_number) if new else package.tracking_number,
        "cargoTrackingLink": f"https://kargotakip.trendyol.com/?token=sim{package.package_id}",
        "cargoProviderName": package.carrier_name,
        "cargoDeci": 0,
        "deliveryType": "normal",
        "deliveryAddressType": "Shipment",
        "customerFirstName": customer.first_name,
        "customerLastName": customer.last_name,
        "customerEmail": f"pf+{customer.customer_id}@trendyolmail.com",
        "customerId": customer.customer_id,
        "commercial": False,
        "micro": False,
        "createdBy": package.created_by,
        "originPackageIds": list(package.origin_ids) or None,
        "currencyCode": "TRY",
        "shipmentAddress": address,
        "invoiceAddress": dict(address),
        "lines": [_line_json(line, package, new=new, old=old) for line in package.lines],
        # Fields this client has never heard of must not break it.
        "simulatorNote": {"generation": package.naming.value},
    }
    if package.seller_pays:
        data["whoPays"] = 1
    if new:
        data["shipmentPackageId"] = package.package_id
        data["packageTotalPrice"] = total
        data["packageGrossAmount"] = total
    if old:
        data["id"] = package.package_id
        data["totalPrice"] = total
        data["grossAmount"] = total
    return data


def _line_json(line: Any, package: SimPackage, *, new: bool, old: bool) -> dict[str, Any]:
    product = line.product
    data: dict[str, Any] = {
        "barcode": product.barcode,
        "productName": product.name,
        "productColor": product.colour,
        # Trendyol's productSize sometimes starts with a space; so does ours, to keep clients honest.
        "productSize": f" {product.size}" if line.line_id % 4 == 0 else product.size,
        "quantity": line.quantity,
        "vatRate": 20,
        "currencyCode": "TRY",
        "orderLineItemStatusName": package.status.value,
    }
    if new:
        data |= {
            "lineId": line.line_id,
            "stockCode": product.stock_code,
            "lineUnitPrice": product.price,
            "lineGrossAmount": product.price * line.quantity,
            "contentId": product.content_id,
        }
    if old:
        data |= {
            "id": line.line_id,
            "merchantSku": product.stock_code,
            "price": product.price,
            "amount": product.price * line.quantity,
            "productCode": product.content_id,
        }
    return data


def fold_ascii(value: str) -> str:
    """Turkish letters to ASCII, for a ZPL label that must stay plain ASCII."""
    return value.translate(_ASCII_FOLD).encode("ascii", "replace").decode("ascii")


def common_label_zpl(package: SimPackage, *, box: int = 1, boxes: int = 1) -> str:
    """A 100x130 mm carrier label (8 dots/mm) with the tracking number as Code 128, for box ``box`` of ``boxes``."""
    customer = package.customer
    name = fold_ascii(f"{customer.first_name} {customer.last_name}")
    street = fold_ascii(f"{customer.neighbourhood} {customer.street} No:{customer.building}")
    town = fold_ascii(f"{customer.district} / {customer.city}")
    carrier = fold_ascii(package.carrier_name)
    return (
        "^XA^PW800^LL1040^LH0,0\n"
        f"^FO40,40^A0N,40,40^FD{carrier}^FS\n"
        f"^FO40,100^A0N,30,30^FDSiparis: {package.order_number}^FS\n"
        f"^FO40,160^A0N,34,34^FD{name}^FS\n"
        f"^FO40,205^A0N,28,28^FD{street}^FS\n"
        f"^FO40,245^A0N,28,28^FD{town}^FS\n"
        f"^FO40,330^BY3^BCN,220,Y,N,N^FD{package.tracking_number}^FS\n"
        f"^FO40,640^A0N,28,28^FDPaket: {package.package_id}^FS\n"
        f"^FO40,700^A0N,40,40^FDKoli {box}/{boxes}^FS\n"
        "^XZ\n"
    )


def json_bytes(body: Any) -> bytes:
    """A reply body as Trendyol sends it: compact UTF-8 JSON, amounts as plain numbers."""

    def default(value: object) -> object:
        if isinstance(value, Decimal):
            return float(value)
        raise TypeError(f"cannot encode {type(value).__name__}")

    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=default).encode("utf-8")


@dataclass(frozen=True)
class Encoded:
    """A listing's ``content``, each package already encoded (see :func:`encoded_packages`)."""

    items: tuple[bytes, ...]

    def decoded(self) -> list[Any]:
        """The packages as JSON values (for a fault that edits them)."""
        return [json.loads(item) for item in self.items]


def encoded_packages(cache: dict[int, tuple[int, str, bytes]], packages: list[SimPackage]) -> Encoded:
    """``packages`` as JSON, each encoded once per version (a change always brings a new stamp)."""
    items = []
    for package in packages:
        version = (package.last_modified_ms, package.status.value)
        cached = cache.get(package.package_id)
        if cached is None or cached[:2] != version:
            cached = cache[package.package_id] = (*version, json_bytes(package_json(package)))
        items.append(cached[2])
    return Encoded(tuple(items))


def body_bytes(body: Any) -> bytes:
    """Encode a reply body; a listing's pre-encoded content is spliced in as it is."""
    if isinstance(body, dict) and isinstance(body.get("content"), Encoded):
        rest = json_bytes({key: value for key, value in body.items() if key != "content"})
        content = b'{"content":[' + b",".join(body["content"].items) + b"]"
        return content + (b"," + rest[1:] if len(rest) > 2 else b"}")
    return json_bytes(body)
