"""The N11 client against a loopback HTTP API speaking N11's documented shapes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from packstation.domain.status import PackageStatus
from packstation.services.marketplaces import (
    AuthError,
    BatchState,
    ItemState,
    N11Credentials,
    PackageQuery,
    Rejected,
    RetryPolicy,
    StockUpdate,
)
from packstation.services.marketplaces.n11.client import N11Client, N11Config

CREDENTIALS = N11Credentials("n11-app-key", "n11-app-secret", integrator="PackStation")
FAST = RetryPolicy(max_attempts=4, base_delay=0.001, max_delay=0.01, max_total=5.0)
# 2025-11-11 15:50:08.581 Istanbul, sent as "GMT+3" epoch ms (the digits read as UTC).
MODIFIED_GMT3 = 1762876208581


def _package(package_id: int | None, status: str, *, order: str = "2067885153311") -> dict[str, Any]:
    return {
        "id": package_id,
        "orderNumber": order,
        "shipmentPackageStatus": status,
        "lastModifiedDate": MODIFIED_GMT3,
        "agreedDeliveryDate": MODIFIED_GMT3 + 86_400_000,
        "cargoTrackingNumber": "811234567890123",
        "cargoProviderName": "Yurtiçi Kargo",
        "customerfullName": "Büşra Çelik",
        "totalAmount": 1599.9,
        "unknownFutureField": {"x": 1},
        "shippingAddress": {
            "address": "Menekşe Sk. 12",
            "city": "Ankara",
            "district": "Çankaya",
            "neighborhood": "Bahçelievler",
            "fullName": "Büşra Çelik",
            "gsm": "5320000000",
        },
        "billingAddress": {
            "address": "Menekşe Sk. 12",
            "city": "Ankara",
            "district": "Çankaya",
            "fullName": "Büşra Çelik",
            "invoiceType": 1,
        },
        "lines": [
            {
                "orderLineId": 426659152,
                "stockCode": "AYK-020-40",
                "productId": 1234567890,
                "productName": "Koşu Ayakkabısı",
                "barcode": "869 1003020409",
                "quantity": 1,
                "price": 1599.9,
                "orderItemLineItemStatusName": status.strip(),
                "variantAttributes": [{"name": "Renk", "value": "Siyah"}, {"name": "Beden", "value": "40"}],
            }
        ],
    }


def _client(url: str) -> N11Client:
    return N11Client(CREDENTIALS, config=N11Config(base_url=url, retry=FAST))


def _authorised(seen: Any) -> bool:
    headers = seen.headers
    return headers.get("appkey") == "n11-app-key" and headers.get("appsecret") == "n11-app-secret"


def test_listing_one_status_per_request_with_paging(loopback_api: Any) -> None:
    data = {
        "Created": [_package(1001, " Created"), _package(None, "Created"), _package(1002, "Created")],
        "Picking": [_package(1003, "Picking", order="206788515332")],
    }

    def route(seen: Any) -> tuple[int, Any]:
        if not _authorised(seen) or "authorization" in seen.headers:
            return 403, b"Authentication failed"
        assert seen.path == "/rest/delivery/v1/shipmentPackages" and "," not in seen.query["status"]
        rows, page, size = data[seen.query["status"]], int(seen.query["page"]), int(seen.query["size"])
        return 200, {
            "content": rows[page * size : (page + 1) * size],
            "page": page,
            "size": size,
            "totalPages": -(-len(rows) // size),
            "totalElements": len(rows),
        }

    loopback_api.route = route
    since = datetime(2025, 11, 10, 12, 0, tzinfo=UTC)
    query = PackageQuery(
        statuses=frozenset({PackageStatus.CREATED, PackageStatus.PICKING}), modified_since=since, page_size=2
    )
    with _client(loopback_api.url) as client:
        listed = list(client.iter_packages(query))
    # The id-less "Konuma Özel Teslimat" package is kept, under its order number and first line id.
    assert [p.package_id for p in listed] == ["1001", "order-2067885153311-426659152", "1002", "1003"]
    first = listed[0]
    assert first.status is PackageStatus.CREATED and first.status_raw == "Created"
    assert first.order_number == "2067885153311"
    assert first.last_modified == datetime(2025, 11, 11, 12, 50, 8, 581000, tzinfo=UTC)
    assert first.last_modified_ms == MODIFIED_GMT3
    line = first.lines[0]
    assert (line.line_id, line.barcode, line.color, line.size) == ("426659152", "8691003020409", "Siyah", "40")
    assert line.unit_price == Decimal("1599.9") and first.raw["unknownFutureField"] == {"x": 1}
    assert first.shipment_address is not None and first.shipment_address.phone == "5320000000"
    statuses = [s.query["status"] for s in loopback_api.seen]
    assert statuses == ["Created", "Created", "Picking"]
    # 12:00 UTC is 15:00 in Istanbul: sent as Istanbul wall-clock epoch ms.
    assert loopback_api.seen[0].query["startDate"] == str(
        int(datetime(2025, 11, 10, 15, tzinfo=UTC).timestamp() * 1000)
    )
    assert loopback_api.seen[0].query["orderByField"] == "true"


def test_picking_reports_per_line_refusals(loopback_api: Any) -> None:
    def route(seen: Any) -> tuple[int, Any]:
        if seen.method == "PUT":
            return 200, {"content": [{"lineId": 426659152, "status": "FAIL", "reason": "Kalem statüsü uygun değil"}]}
        return 200, {"content": [], "totalPages": 0}

    loopback_api.route = route
    from packstation.services.marketplaces.n11.client import parse_package

    package = parse_package(_package(1001, "Created"))
    with _client(loopback_api.url) as client:
        outcome = client.mark_picking(package, business_key="n11-pick-1")
    assert loopback_api.seen[0].path == "/rest/order/v1/update"
    assert loopback_api.seen[0].body == {"lines": [{"lineId": 426659152}], "status": "Picking"}
    assert outcome.line_errors == {"426659152": "Kalem statüsü uygun değil"}


def test_stock_task_and_result(loopback_api: Any) -> None:
    def route(seen: Any) -> tuple[int, Any]:
        if seen.path == "/ms/product/tasks/price-stock-update":
            return 200, {"id": 1092, "type": "SKU_UPDATE", "status": "IN_QUEUE", "reasons": ["2 sku işlenmeye alındı."]}
        assert seen.body == {"taskId": 1092, "pageable": {"page": 0, "size": 1000}}
        return 200, {
            "taskId": 1092,
            "status": "PROCESSED",
            "skus": {
                "content": [
                    {"itemCode": "AYK-1", "status": "SUCCESS", "sku": {"stock": 5}, "reasons": []},
                    {"itemCode": "AYK-2", "status": "FAIL", "reasons": ["Liste fiyatı satış fiyatından küçük olamaz"]},
                ]
            },
        }

    loopback_api.route = route
    items = [
        StockUpdate(barcode="b1", quantity=5, stock_code="AYK-1"),
        StockUpdate(barcode="b2", stock_code="AYK-2", sale_price=Decimal("1600.00"), list_price=Decimal("2000.00")),
    ]
    with _client(loopback_api.url) as client:
        (receipt,) = client.push_stock(items, business_key="n11-stock-1")
        result = client.stock_result(receipt.batch_id)
    assert receipt.batch_id == "1092"
    assert loopback_api.seen[0].body == {
        "payload": {
            "integrator": "PackStation",
            "skus": [
                {"stockCode": "AYK-1", "quantity": 5},
                {"stockCode": "AYK-2", "listPrice": 2000.0, "salePrice": 1600.0, "currencyType": "TL"},
            ],
        }
    }
    assert result.state is BatchState.COMPLETED
    assert [(i.key, i.state) for i in result.items] == [("AYK-1", ItemState.SUCCESS), ("AYK-2", ItemState.FAILED)]


def test_rejected_stock_task_keeps_n11_reasons(loopback_api: Any) -> None:
    loopback_api.route = lambda seen: (200, {"id": 5, "status": "REJECT", "reasons": ["Geçersiz stok kodu"]})
    with _client(loopback_api.url) as client, pytest.raises(Rejected) as caught:
        client.push_stock([StockUpdate(barcode="b", quantity=1, stock_code="X")], business_key="n11-stock-2")
    assert caught.value.marketplace_message == "Geçersiz stok kodu"


def test_plain_text_403_is_an_auth_error(loopback_api: Any) -> None:
    loopback_api.route = lambda seen: (403, b"Authentication failed")
    with _client(loopback_api.url) as client, pytest.raises(AuthError) as caught:
        list(client.iter_packages(PackageQuery()))
    assert caught.value.marketplace_message == "Authentication failed"
    assert "n11-app-secret" not in repr(CREDENTIALS) and "n11-app-secret" not in str(caught.value)


def test_malformed_package_and_long_window(loopback_api: Any) -> None:
    broken = _package(1009, "Created")
    broken["lines"][0]["quantity"] = "iki"
    loopback_api.route = lambda seen: (200, {"content": [broken], "totalPages": 1})
    with _client(loopback_api.url) as client:
        (page,) = list(client.iter_package_pages(PackageQuery()))
        assert page.packages == ()
        assert [item.package_id for item in page.set_aside] == ["1009"]
        assert "lines[0].quantity" in page.set_aside[0].reason
        start = datetime(2025, 11, 1, tzinfo=UTC)
        with pytest.raises(ValueError, match="15 days"):
            list(client.iter_packages(PackageQuery(modified_since=start, modified_until=start + timedelta(days=16))))
