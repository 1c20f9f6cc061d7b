"""The stand-in's package representations, in the spec's shapes and key sets (SPEC; VER live key probe)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from packstation.simulators.hepsiburada.checks import hb_time
from packstation.simulators.hepsiburada.model import HbPackage


def package_json(package: HbPackage) -> dict[str, Any]:
    """``ExternalRawPackageRepresentation`` with ``PackageLine`` items (SPEC + VER key set)."""
    first = package.lines[0]
    address = first["shippingAddress"]
    total = sum(line["totalPrice"]["amount"] for line in package.lines)
    return {
        "id": package.guid,
        "status": package.status,
        "customerId": first["customerId"],
        "orderDate": first["orderDate"],
        "dueDate": first["dueDate"],
        "estimatedArrivalDate": first["dueDate"],
        "unpackedDate": hb_time(package.unpacked_at) if package.unpacked_at else None,
        "barcode": package.barcode,
        "packageNumber": package.number,
        "cargoCompany": first["cargoCompany"],
        "isCargoChangable": True,
        "shippingAddressDetail": address["address"],
        "recipientName": address["name"],
        "shippingCountryCode": address["countryCode"],
        "shippingDistrict": address["district"],
        "shippingTown": address["town"],
        "shippingCity": address["city"],
        "email": address["email"],
        "phoneNumber": address["phoneNumber"],
        "customerName": first["customerName"],
        "companyName": "",
        "billingAddress": address["address"],
        "billingCity": address["city"],
        "billingTown": address["town"],
        "billingDistrict": address["district"],
        "billingPostalCode": address["postalCode"],
        "billingCountryCode": "TR",
        "taxOffice": None,
        "taxNumber": "",
        "identityNo": "11111111111",
        "shippingTotalPrice": None,
        "customsTotalPrice": None,
        "totalPrice": {"amount": round(total, 2), "currency": "TRY"},
        "totalDeci": package.deci,
        "items": [
            {
                "lineItemId": line["id"],
                "listingId": str(uuid.uuid5(uuid.NAMESPACE_OID, line["sku"])),
                "merchantId": line["merchantId"],
                "hbSku": line["sku"],
                "merchantSku": line["merchantSKU"],
                "productBarcode": line["productBarcode"],
                "productName": line["name"],
                "quantity": line["quantity"],
                "price": line["unitPrice"],
                "totalPrice": line["totalPrice"],
                "vat": line["vat"],
                "vatRate": line["vatRate"],
                "orderNumber": line["orderNumber"],
                "orderDate": line["orderDate"],
                "deliveryType": line["deliveryType"],
                "pickupTime": None,
                "isMicroExport": line["isMicroExport"],
                "creationReason": line["creationReason"],
                "deci": package.deci,
            }
            for line in package.lines
        ],
    }


def thin_json(package: HbPackage, feed: str, *, merchant_id: str, now: datetime) -> dict[str, Any]:
    """A PascalCase item of ``/shipped``, ``/delivered`` or ``/undelivered`` (SPEC; VER)."""
    orders = sorted({line["orderNumber"] for line in package.lines})
    item: dict[str, Any] = {
        "Id": package.guid,
        "Barcode": package.barcode,
        "PackageNumber": package.number,
        "OrderNumber": orders[0],
        "OrderNumbers": orders,
        "MerchantId": merchant_id,
    }
    if feed == "shipped":
        item |= {"ShippedDate": hb_time(package.shipped_at or now), "Deci": package.deci, "EtgbNo": ""}
    elif feed == "delivered":
        item |= {"DeliveredDate": hb_time(package.delivered_at or now), "EtgbNo": ""}
    return item


def unpacked_json(package: HbPackage, *, now: datetime) -> dict[str, Any]:
    """``UnpackedDelivery`` of ``/packages/…/status/unpacked`` (SPEC)."""
    return {
        "barcode": package.barcode,
        "packageNumber": package.number,
        "unpackedDate": hb_time(package.unpacked_at or now),
    }
