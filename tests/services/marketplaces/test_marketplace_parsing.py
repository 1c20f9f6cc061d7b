"""Parsing of Trendyol packages and the field readers, on the reference's sample shapes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from packstation.domain.marketplace import Marketplace
from packstation.domain.status import PackageStatus
from packstation.services.marketplaces import MalformedReply
from packstation.services.marketplaces.fields import (
    gmt3_epoch_to_utc,
    turkish_local_time,
    utc_to_epoch_ms,
    utc_to_gmt3_epoch_ms,
)
from packstation.services.marketplaces.transport import parse_json
from packstation.services.marketplaces.trendyol.parser import parse_batch_result, parse_package
from packstation.services.marketplaces.writes import BatchState, ItemState

# The reference's ShipmentPackage sample (Dec 2025 names), as raw JSON text so numbers arrive as JSON does.
SAMPLE = """{
  "shipmentPackageId": 3330111111, "orderNumber": "10654411111", "orderDate": 1762253333685,
  "lastModifiedDate": 1762865408581, "agreedDeliveryDate": 1762858136000, "status": "Created",
  "shipmentPackageStatus": "Created",
  "packageHistories": [{"createdDate": 1762253333685, "status": "Awaiting"}],
  "cargoTrackingNumber": 72602420957047276000, "cargoProviderName": "Aras Kargo Marketplace",
  "customerFirstName": "Ayse", "customerLastName": "Yilmaz", "createdBy": "split",
  "originPackageIds": [3330000001], "packageTotalPrice": 498.90, "currencyCode": "TRY",
  "shipmentAddress": {"firstName": "Ayse", "lastName": "Yilmaz", "address1": "Buyukdere Cd. No:1",
    "city": "İstanbul", "district": "Şişli", "neighborhood": "Esentepe Mah", "postalCode": "34394",
    "countryCode": "TR", "phone": null},
  "lines": [{"lineId": 56040534, "barcode": "8683772071724", "stockCode": "SKU-123",
    "productName": "Kadın Siyah Pantolon, L", "productColor": "Siyah", "productSize": " L", "quantity": 2,
    "contentId": 11954798, "lineUnitPrice": 249.45, "orderLineItemStatusName": "Created",
    "fastDeliveryOptions": [{"type": "SameDayShipping"}], "cancelledBy": null}],
  "someFieldFrom2027": {"nested": [1, 2, 3]}
}"""


def _sample() -> dict[str, Any]:
    return parse_json(SAMPLE.encode(), marketplace=Marketplace.TRENDYOL, endpoint="test")


def test_reference_sample_parses_exactly() -> None:
    package = parse_package(_sample())
    assert package.package_id == "3330111111" and package.order_number == "10654411111"
    assert package.cargo_tracking_number == "72602420957047276000"  # beyond int64, every digit kept
    assert package.status is PackageStatus.CREATED and package.is_successor
    assert package.origin_package_ids == ("3330000001",) and package.created_by == "split"
    assert package.total_price == Decimal("498.90")
    assert package.customer_name == "Ayse Yilmaz"
    assert package.shipment_address is not None and package.shipment_address.full_name == "Ayse Yilmaz"
    (line,) = package.lines
    assert (line.line_id, line.stock_code, line.size, line.quantity) == ("56040534", "SKU-123", "L", 2)
    assert line.unit_price == Decimal("249.45") and line.marketplace_sku == "11954798"
    # orderDate digits read as Istanbul wall clock: 10:48:53.685 there is 07:48:53.685 UTC.
    assert package.order_date == datetime(2025, 11, 4, 7, 48, 53, 685000, tzinfo=UTC)
    assert package.raw["someFieldFrom2027"] == {"nested": [1, 2, 3]}
    assert package.marketplace_pays_shipping


def test_old_field_names_give_the_same_package() -> None:
    old = _sample()
    old["id"] = old.pop("shipmentPackageId")
    old["totalPrice"] = old.pop("packageTotalPrice")
    line = old["lines"][0]
    for new_name, old_name in [
        ("lineId", "id"),
        ("stockCode", "merchantSku"),
        ("lineUnitPrice", "price"),
        ("contentId", "productCode"),
    ]:
        line[old_name] = line.pop(new_name)
    assert parse_package(old) == parse_package(_sample())


def test_missing_package_status_falls_back_and_unknown_is_kept() -> None:
    data = _sample()
    del data["shipmentPackageStatus"]  # the 29 Aug 2025 incident
    data["status"] = " ReadyForPickup "
    package = parse_package(data)
    assert package.status is PackageStatus.UNKNOWN and package.status_raw == "ReadyForPickup"
    assert PackageStatus.parse("unpacked") is PackageStatus.UNPACKED
    assert PackageStatus.parse("AT_COLLECTION_POINT") is PackageStatus.AT_COLLECTION_POINT


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.pop("shipmentPackageId"), "shipmentPackageId/id"),
        (lambda d: d.pop("lines"), "lines"),
        (lambda d: d["lines"][0].pop("barcode"), "lines[0].barcode"),
        (lambda d: d["lines"][0].update(quantity=0), "lines[0].quantity"),
        (lambda d: d["lines"][0].update(quantity=Decimal("1.5")), "lines[0].quantity"),
        (lambda d: d.update(orderDate="yesterday"), "orderDate"),
        (lambda d: d.update(shipmentAddress=[1]), "shipmentAddress"),
        (lambda d: d.update(cargoTrackingNumber=Decimal("7.5")), "cargoTrackingNumber"),
        (lambda d: d.update(orderNumber=True), "orderNumber"),
    ],
)
def test_malformed_package_names_package_and_field(mutate: Any, field: str) -> None:
    data = _sample()
    mutate(data)
    with pytest.raises(MalformedReply) as caught:
        parse_package(data)
    assert caught.value.field == field
    if field != "shipmentPackageId/id":
        assert caught.value.package_id == "3330111111" and "3330111111" in str(caught.value)


def test_integral_decimal_ids_stay_exact() -> None:
    data = json.loads(SAMPLE, parse_float=Decimal)
    data["cargoTrackingNumber"] = Decimal("7.2602420957047276E+19")
    assert parse_package(data).cargo_tracking_number == "72602420957047276000"


def test_time_encodings_round_trip() -> None:
    moment = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert gmt3_epoch_to_utc(utc_to_gmt3_epoch_ms(moment)) == moment
    assert utc_to_gmt3_epoch_ms(moment) - utc_to_epoch_ms(moment) == 3 * 3600 * 1000
    # Before 2016 Turkey kept daylight saving: winter 2015 was UTC+2.
    winter_2015 = datetime(2015, 1, 10, 12, tzinfo=UTC)
    assert utc_to_gmt3_epoch_ms(winter_2015) - utc_to_epoch_ms(winter_2015) == 2 * 3600 * 1000
    with pytest.raises(ValueError, match="aware"):
        utc_to_gmt3_epoch_ms(datetime(2026, 1, 1))
    assert turkish_local_time("23-11-2025 14:05:00") == datetime(2025, 11, 23, 11, 5, tzinfo=UTC)
    assert turkish_local_time("2025-11-23T14:05:00Z") == datetime(2025, 11, 23, 14, 5, tzinfo=UTC)
    assert turkish_local_time("") is None


def test_batch_result_judged_by_items_when_top_status_is_absent() -> None:
    body = {
        "batchRequestId": "c57e",
        "items": [
            {"requestItem": {"barcode": "111"}, "status": "SUCCESS", "failureReasons": []},
            {"requestItem": {"barcode": "222"}, "status": "FAILED", "failureReasons": ["Ürün bulunamadı."]},
        ],
    }
    result = parse_batch_result(body)
    assert result.state is BatchState.COMPLETED
    assert [(i.key, i.state) for i in result.items] == [("111", ItemState.SUCCESS), ("222", ItemState.FAILED)]
    assert parse_batch_result({"batchRequestId": "x", "items": []}).state is BatchState.IN_PROGRESS
    assert parse_batch_result({"batchRequestId": "x", "status": "IN_PROGRESS", "items": body["items"]}).state is (
        BatchState.IN_PROGRESS
    )


def test_istanbul_offset_before_2016_is_respected() -> None:
    assert gmt3_epoch_to_utc(0) == datetime(1970, 1, 1, tzinfo=UTC) - timedelta(hours=2)  # 1970: UTC+2
