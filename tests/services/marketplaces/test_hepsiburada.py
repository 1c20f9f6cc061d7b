"""The Hepsiburada client against a loopback HTTP API speaking HB's documented shapes."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from packstation.services.marketplaces import (
    AuthError,
    BatchState,
    HepsiburadaCredentials,
    MalformedReply,
    PackageQuery,
    PackageStatus,
    RetryPolicy,
    StockUpdate,
)
from packstation.services.marketplaces.hepsiburada.client import HepsiburadaClient, HepsiburadaConfig

MERCHANT = "7f1c3a0e-merchant"
CREDENTIALS = HepsiburadaCredentials(MERCHANT, "AbCd3fGh1jKl", user_agent="ayakkabi_dev")
FAST = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.01, max_total=5.0)


def _order_line(order: str, line: str, barcode: str, quantity: int) -> dict[str, Any]:
    return {
        "id": line,
        "orderNumber": order,
        "orderDate": "2025-11-23T14:05:00",
        "status": "Open",
        "merchantSku": f"SKU-{barcode[-4:]}",
        "hbSku": f"HBV{barcode[-6:]}",
        "productBarcode": barcode,
        "productName": "Deri Bot Siyah, 40",
        "quantity": quantity,
        "price": {"currency": "TRY", "amount": 1899.9},
        "customerName": "Zeynep Şahin",
        "cargoCompany": "Aras Kargo",
        "dueDate": "2025-11-25T12:00:00",
        "shippingAddress": {
            "name": "Zeynep Şahin",
            "address": "Gül Sk. No:3",
            "town": "Kadıköy",
            "district": "Moda",
            "city": "İstanbul",
            "countryCode": "TR",
        },
    }


def _packed(number: str, line_ids: list[str]) -> dict[str, Any]:
    return {
        "id": f"guid-{number}",
        "packageNumber": number,
        "barcode": f"62201{number}",
        "status": "Open",
        "cargoCompany": "Aras Kargo",
        "orderDate": "2018-12-23T13:28:27.45",
        "dueDate": "2018-12-28T12:00:00",
        "customerName": "Ali Kaya",
        "recipientName": "Ali Kaya",
        "shippingAddressDetail": "Çınar Sk. 5",
        "shippingCity": "İzmir",
        "shippingTown": "BORNOVA",
        "shippingDistrict": "KAZIMDİRİK",
        "shippingCountryCode": "TR",
        "totalPrice": {"currency": "TRY", "amount": 129.9},
        "items": [
            {
                "lineItemId": line,
                "productBarcode": "8691003000368",
                "merchantSku": "SKU-1",
                "hbSku": "HBV000001",
                "productName": "Babet",
                "quantity": 1,
                "orderNumber": "4411",
                "price": {"currency": "TRY", "amount": 129.9},
            }
            for line in line_ids
        ],
    }


def _client(url: str, **changes: Any) -> HepsiburadaClient:
    config = HepsiburadaConfig(oms_url=url, listing_url=url, retry=FAST, **changes)
    return HepsiburadaClient(CREDENTIALS, config=config)


def _authorised(seen: Any) -> bool:
    expected = "Basic " + base64.b64encode(f"{MERCHANT}:AbCd3fGh1jKl".encode()).decode()
    return seen.headers.get("authorization") == expected and seen.headers.get("user-agent") == "ayakkabi_dev"


def test_open_orders_are_grouped_per_order_and_paged(loopback_api: Any) -> None:
    lines = [
        _order_line("4401", "line-a", "8691003000368", 1),
        _order_line("4401", "line-b", "8691003000375", 2),
        _order_line("4402", "line-c", "8691003000382", 1),
    ]

    def route(seen: Any) -> tuple[int, Any]:
        if not _authorised(seen):
            return 401, b""
        assert seen.path == f"/orders/merchantid/{MERCHANT}"
        offset, limit = int(seen.query["offset"]), int(seen.query["limit"])
        return 200, {
            "items": lines[offset : offset + limit],
            "limit": limit,
            "offset": offset,
            "pageCount": 2,
            "totalCount": len(lines),
        }

    loopback_api.route = route
    since = datetime(2025, 11, 23, 9, 0, tzinfo=UTC)
    with _client(loopback_api.url) as client:
        pages = list(client.iter_package_pages(PackageQuery(modified_since=since, page_size=2)))
    assert [len(page.packages) for page in pages] == [1, 1]  # 4401's two lines came on page 0
    first = pages[0].packages[0]
    assert first.package_id == first.order_number == "4401" and first.status is PackageStatus.CREATED
    assert [(x.line_id, x.quantity) for x in first.lines] == [("line-a", 1), ("line-b", 2)]
    assert first.lines[0].unit_price == Decimal("1899.9") and first.lines[0].marketplace_sku == "HBV000368"
    assert first.shipment_address is not None and first.shipment_address.district == "Kadıköy"
    assert first.order_date == datetime(2025, 11, 23, 11, 5, tzinfo=UTC)  # 14:05 in Istanbul
    # Dates go out as Turkey-local "yyyy-MM-dd HH:mm"; ISO would silently return nothing.
    assert loopback_api.seen[0].query["begindate"] == "2025-11-23 12:00"


def test_packed_packages_use_capital_offset(loopback_api: Any) -> None:
    packed = [_packed(f"0131{n:05d}", [f"l{n}"]) for n in range(13)]

    def route(seen: Any) -> tuple[int, Any]:
        if "offset" in seen.query:  # HB ignores lowercase and serves page 1 forever
            return 200, packed[:10]
        offset, limit = int(seen.query["Offset"]), int(seen.query["limit"])
        return 200, packed[offset : offset + limit]

    loopback_api.route = route
    with _client(loopback_api.url) as client:
        listed = [p for page in client.iter_packed_pages(PackageQuery()) for p in page.packages]
    assert [p.package_id for p in listed] == [f"0131{n:05d}" for n in range(13)]
    package = listed[0]
    assert package.status is PackageStatus.PICKING and package.cargo_tracking_number == "62201013100000"
    assert package.order_number == "4411" and package.total_price == Decimal("129.9")
    assert package.order_date == datetime(2018, 12, 23, 10, 28, 27, 450000, tzinfo=UTC)


def test_packing_returns_the_package_number(loopback_api: Any) -> None:
    def route(seen: Any) -> tuple[int, Any]:
        assert seen.method == "POST" and seen.path == f"/packages/merchantid/{MERCHANT}"
        return 201, {"barcode": "6220131054891", "packageNumber": "013105889"}

    loopback_api.route = route
    package = _open_package()
    with _client(loopback_api.url, parcel_deci=3) as client:
        outcome = client.mark_picking(package, business_key="pack-1")
    assert outcome.sent and outcome.new_package_ids == ("013105889",)
    assert loopback_api.seen[-1].body == {
        "lineItemRequests": [{"id": "line-a", "quantity": 1}, {"id": "line-b", "quantity": 2}],
        "parcelQuantity": 1,
        "deci": 3,
    }


def _open_package() -> Any:
    from packstation.services.marketplaces.hepsiburada.client import group_open_lines

    (package,) = group_open_lines(
        [_order_line("4401", "line-a", "8691003000368", 1), _order_line("4401", "line-b", "8691003000375", 2)]
    )
    return package


def test_packing_that_failed_ambiguously_is_not_repeated(loopback_api: Any) -> None:
    packed: list[dict[str, Any]] = []

    def route(seen: Any) -> tuple[int, Any]:
        if seen.method == "POST":
            packed.append(_packed("013199999", ["line-a", "line-b"]))
            return 502, b"Bad Gateway"  # the package was created, the reply was lost
        return 200, packed

    loopback_api.route = route
    with _client(loopback_api.url) as client:
        outcome = client.mark_picking(_open_package(), business_key="pack-2")
    assert not outcome.sent and outcome.new_package_ids == ("013199999",)
    assert [s.method for s in loopback_api.seen] == ["POST", "GET"]


def test_stock_upload_and_result(loopback_api: Any) -> None:
    def route(seen: Any) -> tuple[int, Any]:
        if seen.method == "POST":
            return 200, {"id": "upload-77"}
        return 200, {
            "id": "upload-77",
            "status": "Done",
            "total": 2,
            "errors": [
                {"elementNo": 1, "hepsiburadaSku": "HBV2", "merchantSku": "SKU-2", "errors": ["Listing bulunamadı"]}
            ],
        }

    loopback_api.route = route
    items = [
        StockUpdate(barcode="b1", quantity=4, stock_code="SKU-1", marketplace_sku="HBV1"),
        StockUpdate(barcode="b2", quantity=0, stock_code="SKU-2"),
    ]
    with _client(loopback_api.url) as client:
        (receipt,) = client.push_stock(items, business_key="stock-1")
        result = client.stock_result(receipt.batch_id)
        with pytest.raises(ValueError, match="hepsiburadaSku or merchantSku"):
            client.push_stock([StockUpdate(barcode="b3", quantity=1)], business_key="stock-2")
    assert loopback_api.seen[0].path == f"/listings/merchantid/{MERCHANT}/stock-uploads"
    assert loopback_api.seen[0].body == [
        {"availableStock": 4, "hepsiburadaSku": "HBV1", "merchantSku": "SKU-1"},
        {"availableStock": 0, "merchantSku": "SKU-2"},
    ]
    assert loopback_api.seen[1].path == f"/listings/merchantid/{MERCHANT}/stock-uploads/id/upload-77"
    assert result.state is BatchState.COMPLETED
    assert [(f.key, f.reasons) for f in result.failed] == [("SKU-2", ("Listing bulunamadı",))]


def test_wrong_user_agent_is_an_auth_error(loopback_api: Any) -> None:
    loopback_api.route = lambda seen: (200, []) if _authorised(seen) else (401, b"Missing Credentials!")
    bad = HepsiburadaCredentials(MERCHANT, "AbCd3fGh1jKl", user_agent=f"{MERCHANT} - ayakkabi_dev")
    config = HepsiburadaConfig(oms_url=loopback_api.url, listing_url=loopback_api.url, retry=FAST)
    with HepsiburadaClient(bad, config=config) as client, pytest.raises(AuthError) as caught:
        list(client.iter_packed_pages(PackageQuery()))
    assert caught.value.status == 401 and caught.value.marketplace_message == "Missing Credentials!"
    assert "AbCd3fGh1jKl" not in repr(bad) and len(loopback_api.seen) == 1


def test_package_without_items_is_malformed(loopback_api: Any) -> None:
    broken = _packed("013100001", ["x"])
    broken["items"] = []
    loopback_api.route = lambda seen: (200, [broken])
    with _client(loopback_api.url) as client, pytest.raises(MalformedReply) as caught:
        list(client.iter_packed_pages(PackageQuery()))
    assert caught.value.package_id == "013100001" and caught.value.field == "items"
