"""The Trendyol parser and client against payloads built from Trendyol's published material.

The fixtures under ``fixtures/trendyol/`` are copies of research/trendyol/fixtures: reconstructions from
Trendyol's OpenAPI documents (taha-kanar/trendyol-sdk ``openapi/*.json``, commit dc55f6c5…), the 2025 EN
doc scrape and the SDK's live-observed overlay. ``fixtures/trendyol/SOURCES.md`` names the source of each
file. They are NOT produced by our simulator, so they check our reading of Trendyol, not our own echo.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from packstation.domain.marketplace import Marketplace
from packstation.domain.status import PackageStatus
from packstation.services.marketplaces import (
    AuthError,
    DuplicateRequest,
    EndpointRetired,
    ListingMode,
    PackageQuery,
    RateLimited,
    Rejected,
    RetryPolicy,
    TrendyolClient,
    TrendyolConfig,
    TrendyolCredentials,
)
from packstation.services.marketplaces.transport import error_for_reply
from packstation.services.marketplaces.trendyol.parser import (
    parse_batch_result,
    parse_paged_page,
    parse_stream_page,
)
from packstation.services.marketplaces.writes import BatchState, ItemState

FIXTURES = Path(__file__).parent / "fixtures" / "trendyol"
FAST = RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.01, max_total=2.0)


def _load(name: str, *, exact: bool = True) -> Any:
    """A fixture; ``exact``: decimals as Decimal, as the client's own parser reads them."""
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return json.loads(text, parse_float=Decimal) if exact else json.loads(text)


def test_current_field_names_parse_with_exact_ids_money_and_turkish_text() -> None:
    page = parse_paged_page(_load("GET_order_sellers_orders.page0.json"))
    assert [p.package_id for p in page.packages] == ["3330111111", "3330222222", "3330333333", "3330444444"]
    assert page.set_aside == () and page.total_elements == 4 and not page.has_more
    picking = page.packages[1]
    assert picking.status is PackageStatus.PICKING and picking.order_number == "10654422222"
    assert picking.cargo_tracking_number == "7330027504222222"  # a JSON number, kept as exact text
    assert picking.customer_name == "Ayşe Yılmaz"
    assert picking.shipment_address is not None and picking.shipment_address.district == "Şişli"
    assert picking.shipment_address.city == "İstanbul"
    assert [(line.line_id, line.barcode, line.stock_code, line.quantity) for line in picking.lines] == [
        ("56040601", "8683772071731", "SKU-TSH-M", 1),
        ("56040602", "8683772071748", "SKU-SCK-STD", 3),
    ]
    assert picking.lines[1].product_name == "Çorap 3'lü" and picking.lines[0].size == "M"
    assert picking.lines[0].unit_price == Decimal("199.9") and picking.total_price == Decimal("379.6")
    # orderDate is documented as "GMT+3" epoch ms: 1762253333685 is 10:48:53.685 Istanbul, 07:48 UTC.
    assert picking.order_date == datetime(2025, 11, 4, 7, 48, 53, 685000, tzinfo=UTC)


def test_awaiting_is_not_packable_and_a_cancel_remainder_names_its_origin() -> None:
    page = parse_paged_page(_load("GET_order_sellers_orders.page0.json"))
    awaiting, remainder = page.packages[2], page.packages[3]
    assert awaiting.status is PackageStatus.AWAITING and not awaiting.status.is_packable
    assert remainder.created_by == "cancel" and remainder.origin_package_ids == ("3330444000",)
    assert remainder.is_successor


def test_legacy_field_names_from_the_guide_sample_parse_the_same_way() -> None:
    (package,) = parse_paged_page(_load("GET_order_sellers_orders.legacy_field_names.json")).packages
    assert package.package_id == "11650604"  # "id", the pre-Dec-2025 name of shipmentPackageId
    line = package.lines[0]
    assert line.line_id and line.barcode and line.stock_code  # "id", "merchantSku"
    assert line.unit_price is not None  # "price"
    assert not package.marketplace_pays_shipping  # whoPays = 1: the seller pays the carrier


def test_stream_pages_follow_the_cursor_until_it_is_empty() -> None:
    first = parse_stream_page(_load("GET_order_sellers_orders_stream.first.json"), 0)
    last = parse_stream_page(_load("GET_order_sellers_orders_stream.last.json"), 1)
    assert first.has_more and first.next_cursor.startswith("eyJ")
    assert not last.has_more and last.next_cursor == ""
    assert [p.package_id for p in first.packages + last.packages] == ["3330222222", "3330111111", "3330444444"]


def test_v2_page_and_the_unreachable_rest_of_a_large_listing() -> None:
    v2 = parse_paged_page(_load("GET_order_sellers_v2_orders.page0.json"))
    assert [p.package_id for p in v2.packages] == ["3330111111", "3330222222"]
    capped = parse_paged_page(_load("GET_order_sellers_v2_orders.over_10000_cap.json"))
    assert capped.total_elements == 12540 and capped.has_more  # 63 pages claimed, 50 reachable


def test_stock_batch_results_have_no_top_level_status_for_inventory() -> None:
    done = parse_batch_result(_load("GET_product_sellers_products_batch-requests.inventory_done.json"))
    assert done.state is BatchState.COMPLETED
    assert [item.state for item in done.items].count(ItemState.FAILED) == 1
    assert done.failed[0].reasons
    pending = parse_batch_result(_load("GET_product_sellers_products_batch-requests.product_create_in_progress.json"))
    assert pending.state is BatchState.IN_PROGRESS


def test_published_error_bodies_become_the_right_errors() -> None:
    bodies = _load("error_bodies.json")

    def error(status: int, body: Any) -> Exception:
        if isinstance(body, bytes):
            content = body
        else:
            content = body.encode() if isinstance(body, str) else json.dumps(body, default=str).encode()
        return error_for_reply(Marketplace.TRENDYOL, status, content, "/x")

    assert isinstance(error(401, bodies["401 any (doc)"]), AuthError)
    duplicate = bodies["400 price-and-inventory repeated identical body (message text from doc; envelope UNCERTAIN)"]
    assert isinstance(error(400, duplicate), DuplicateRequest)
    label = error(400, _load("POST_sellers_common-label.error_400.json"))
    assert isinstance(label, Rejected) and "cargo tracking number" in str(label)
    assert isinstance(
        error(429, bodies["429 body text (doc: 'too.many.requests'; exact content type UNCERTAIN)"]), RateLimited
    )
    # No source shows Trendyol's real 426 body: only the status is relied on.
    assert isinstance(error(426, b""), EndpointRetired)


def test_the_client_reads_the_published_shapes_over_http(loopback_api: Any) -> None:
    """The real client over real HTTP, served the fixtures: the stream with its cursor, v2 by id,
    and the two-box common label, with the User-Agent Trendyol requires."""
    stream = [
        _load("GET_order_sellers_orders_stream.first.json", exact=False),
        _load("GET_order_sellers_orders_stream.last.json", exact=False),
    ]
    labels = _load("GET_sellers_common-label.two_boxes.json", exact=False)

    def route(seen: Any) -> tuple[int, Any]:
        assert seen.headers["user-agent"] == "987654 - SelfIntegration"
        assert seen.headers["authorization"].startswith("Basic ")
        if seen.path.endswith("/orders/stream"):
            return 200, stream[1 if "nextCursor" in seen.query else 0]
        if seen.path.endswith("/v2/orders"):
            wanted = seen.query["shipmentPackageIds"]
            page = _load("GET_order_sellers_v2_orders.page0.json", exact=False)
            page["content"] = [p for p in page["content"] if str(p["shipmentPackageId"]) == wanted]
            return 200, page
        if "/common-label/" in seen.path:
            return (200, None) if seen.method == "POST" else (200, labels)
        return 404, {"error": "not found", "message": seen.path}

    loopback_api.route = route
    config = TrendyolConfig(base_url=loopback_api.url, retry=FAST, listing_mode=ListingMode.STREAM)
    with TrendyolClient(TrendyolCredentials("987654", "key", "secret"), config=config) as client:
        listed = [p.package_id for p in client.iter_packages(PackageQuery())]
        assert listed == ["3330222222", "3330111111", "3330444444"]
        fresh = client.get_package("3330222222")
        assert fresh is not None and fresh.status is PackageStatus.PICKING
        label = client.label_for("3330111111", "7330027504111111", box_count=2)
    assert label is not None and len(label.documents) == 2
    assert all(document.startswith(b"^XA") for document in label.documents)
    assert not [s for s in loopback_api.seen if s.path == "/order/sellers/987654/orders"]  # retired: never


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("GET_order_sellers_*orders*.json")))
def test_every_listing_fixture_parses_without_setting_anything_aside(name: str) -> None:
    body = _load(name)
    page = parse_stream_page(body, 0) if "stream" in name else parse_paged_page(body)
    assert page.set_aside == ()
