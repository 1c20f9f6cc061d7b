"""The N11 client against payloads built from N11's documented shapes (``fixtures/n11/README.md``):
null barcodes and null package ids are kept, the refusals are named, and sync windows stay within 15 days."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow
from packstation.db.models.catalog import ProductRow
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.services.marketplaces import AuthError, N11Credentials, PackageQuery, RetryPolicy
from packstation.services.marketplaces.fields import gmt3_epoch_to_utc
from packstation.services.marketplaces.n11.client import N11Client, N11Config, parse_package
from packstation.services.sync.pull import PackageSync, SyncSettings

FIXTURES = Path(__file__).parent / "fixtures" / "n11"
FAST = RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.01, max_total=2.0)
PAGE = "GET_rest_delivery_v1_shipmentPackages.page0.json"


def _load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _client(url: str) -> N11Client:
    return N11Client(
        N11Credentials("key", "secret", integrator="PackStation"), config=N11Config(base_url=url, retry=FAST)
    )


def test_documented_packages_parse_including_null_barcode_and_null_id() -> None:
    normal, location, pickup = (parse_package(item) for item in _load(PAGE)["content"])
    assert normal.package_id == "1054320011" and normal.lines[0].barcode == "8691003020409"
    assert normal.customer_name == "Büşra Çelik" and normal.lines[0].color == "Siyah"
    # "Konuma Özel Teslimat": no package id; kept under its order number and first line id.
    assert location.package_id == "order-2067885153322-426659301"
    assert location.order_number == "2067885153322"
    (line,) = location.lines
    # No barcode: the stock code is what the packer scans, and what the pack screen shows.
    assert line.barcode == line.stock_code == "ŞAL-İPEK-01" and line.product_name == "İpek Şal, Gül Kurusu"
    assert pickup.status.value == "Picking" and pickup.shipment_address is not None
    assert pickup.shipment_address.full_name == "" and pickup.shipment_address.district == "Kadıköy"


def test_a_line_with_neither_barcode_nor_stock_code_sets_its_package_aside(loopback_api: Any) -> None:
    page = _load(PAGE)
    page["content"][1]["lines"][0]["stockCode"] = None
    loopback_api.route = lambda seen: (200, page)
    with _client(loopback_api.url) as client:
        (listed,) = list(client.iter_package_pages(PackageQuery()))
    assert [p.package_id for p in listed.packages] == ["1054320011", "1054320033"]
    assert [item.order_number for item in listed.set_aside] == ["2067885153322"]
    assert "cannot be scanned" in listed.set_aside[0].reason


@pytest.mark.parametrize(
    ("status", "key"),
    [
        (403, "403 /rest text/plain (N11-TR, fake key)"),
        (400, "400 /rest JSON (N11-EN §11 q2, wrong secret)"),
        (401, "401 /ms JSON (N11-TR and N11-EN)"),
    ],
)
def test_every_documented_refusal_names_the_real_causes(loopback_api: Any, status: int, key: str) -> None:
    body = _load("error_bodies.json")[key]
    loopback_api.route = lambda seen: (status, body)
    with _client(loopback_api.url) as client, pytest.raises(AuthError) as caught:
        list(client.iter_packages(PackageQuery()))
    message = str(caught.value)
    assert "appKey/appSecret are wrong" in message and "sellerintegration@n11.com" in message
    assert "User-Agent" not in message  # N11 checks none
    assert len(loopback_api.seen) == 1  # a refusal is never retried


@pytest.fixture
def n11_account(db: Database) -> int:
    with db.sessions.begin() as session:
        company = ClientCompany(name="Öztürk Tekstil")
        session.add(company)
        session.flush()
        account = MarketplaceAccountRow(
            name="N11 mağaza", kind="n11", seller_id="", base_url="http://127.0.0.1", client_company_id=company.id
        )
        session.add(account)
        session.flush()
        return account.id


def test_sync_stores_every_package_and_keeps_windows_within_fifteen_days(
    db: Database, loopback_api: Any, n11_account: int
) -> None:
    page = _load(PAGE)

    def route(seen: Any) -> tuple[int, Any]:
        start, end = int(seen.query["startDate"]), seen.query.get("endDate")
        if end is not None:
            assert gmt3_epoch_to_utc(int(end)) - gmt3_epoch_to_utc(start) <= timedelta(days=15)
        return 200, page

    loopback_api.route = route
    settings = SyncSettings(first_sync_lookback=timedelta(days=30))  # catch-up after a long stop
    with _client(loopback_api.url) as client:
        result = PackageSync(db.sessions, settings=settings).sync_account(n11_account, client)
    assert result.set_aside == ()
    assert len(loopback_api.seen) >= 3  # 30 days need at least three windows of at most 15
    with db.sessions() as session:
        stored = set(session.scalars(select(PackageRow.external_id).where(PackageRow.account_id == n11_account)))
        assert stored == {"1054320011", "order-2067885153322-426659301", "1054320033"}
        # The barcode-less line is packable: scanning its stock code finds it and its product.
        line = session.execute(
            select(PackageLineRow.barcode, PackageLineRow.stock_code, ProductRow.stock_code)
            .join(ProductRow, ProductRow.id == PackageLineRow.product_id)
            .where(PackageLineRow.external_line_id == "426659301")
        ).one()
        assert tuple(line) == ("ŞAL-İPEK-01", "ŞAL-İPEK-01", "ŞAL-İPEK-01")
    assert result.since <= datetime.now(UTC) - timedelta(days=29)
