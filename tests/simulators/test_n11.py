"""The N11 client against the strict N11 stand-in over real HTTP: listing one status at a time, packages
without an id or a barcode kept, Picking per line, price/stock tasks, the refusals named, and a sync into
PostgreSQL whose windows stay within N11's 15 days."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.domain.status import PackageStatus
from packstation.services.marketplaces import AuthError, PackageQuery, Rejected, RetryPolicy, StockUpdate
from packstation.services.marketplaces.fields import gmt3_epoch_to_utc
from packstation.services.marketplaces.n11.client import N11Client, N11Config
from packstation.services.marketplaces.writes import BatchState, ItemState
from packstation.services.sync.pull import PackageSync, SyncSettings
from packstation.simulators.n11 import N11Server, N11SimConfig, SimulatedN11, sim_credentials

FAST = RetryPolicy(max_attempts=2, base_delay=0.001, max_delay=0.01, max_total=2.0)


@pytest.fixture
def sim() -> SimulatedN11:
    return SimulatedN11(N11SimConfig(packages=0, seed=7))


@pytest.fixture
def server(sim: SimulatedN11) -> Iterator[N11Server]:
    with N11Server(sim) as running:
        yield running


def _client(server: N11Server, sim: SimulatedN11, **changes: object) -> N11Client:
    credentials = replace(sim_credentials(sim), **changes)  # type: ignore[arg-type]
    return N11Client(credentials, config=N11Config(base_url=server.base_url, retry=FAST))


def test_listing_takes_one_status_a_request_and_keeps_packages_without_id_or_barcode(
    server: N11Server, sim: SimulatedN11
) -> None:
    made = [sim.add_package(lines=1) for _ in range(3)]
    located = sim.add_package(lines=2, location_delivery=True)
    picking = sim.add_package(lines=1, status="Picking")
    shipped = sim.add_package(lines=1, status="Shipped")
    since = datetime.now(UTC) - timedelta(days=1)
    query = PackageQuery(
        statuses=frozenset({PackageStatus.CREATED, PackageStatus.PICKING}), modified_since=since, page_size=2
    )
    with _client(server, sim) as client:
        listed = list(client.iter_packages(query))
    keys = {p.package_id for p in listed}
    assert keys == {str(p["id"]) for p in [*made, picking]} | {
        f"order-{located['orderNumber']}-{located['lines'][0]['orderLineId']}"
    }
    assert str(shipped["id"]) not in keys
    # One status per request, every page asked for, nothing the stand-in refuses.
    statuses = [params["status"] for method, path, params in sim.requests if path.endswith("shipmentPackages")]
    assert statuses == ["Created", "Created", "Picking"]  # four Created in pages of two
    # A line without a barcode is scanned by its stock code.
    for package in listed:
        for line in package.lines:
            assert line.barcode and (line.barcode == line.stock_code or line.barcode.isdigit())


def test_picking_is_sent_per_line_and_refusals_come_back_per_line(server: N11Server, sim: SimulatedN11) -> None:
    created = sim.add_package(lines=2)
    with _client(server, sim) as client:
        (package,) = client.iter_packages(PackageQuery(package_ids=(str(created["id"]),)))
        outcome = client.mark_picking(package, business_key="n11-pick-1")
        assert outcome.sent and not outcome.line_errors
        assert sim.package(created["id"])["shipmentPackageStatus"] == "Picking"
        again = client.mark_picking(package, business_key="n11-pick-2")
    assert set(again.line_errors) == {str(line["orderLineId"]) for line in created["lines"]}
    assert set(again.line_errors.values()) == {"Kalem statüsü uygun değil"}


def test_stock_tasks_and_their_results(server: N11Server, sim: SimulatedN11) -> None:
    items = [
        StockUpdate(barcode="b1", quantity=5, stock_code="AYK-020-40"),
        StockUpdate(barcode="b2", stock_code="ÇANTA-KÜÇÜK", sale_price=Decimal("600.00"), list_price=Decimal("699.99")),
        StockUpdate(barcode="b3", quantity=1, stock_code="YOK-BÖYLE-BİR-ÜRÜN"),
    ]
    with _client(server, sim) as client:
        (receipt,) = client.push_stock(items, business_key="n11-stock-1")
        result = client.stock_result(receipt.batch_id)
        assert sim.stock["AYK-020-40"] == 5
        assert result.state is BatchState.COMPLETED
        assert [(i.key, i.state) for i in result.items] == [
            ("AYK-020-40", ItemState.SUCCESS),
            ("ÇANTA-KÜÇÜK", ItemState.SUCCESS),
            ("YOK-BÖYLE-BİR-ÜRÜN", ItemState.FAILED),
        ]
    # A body N11 refuses whole (no integrator name) comes back REJECT, with N11's reasons kept.
    with _client(server, sim, integrator="") as client, pytest.raises(Rejected) as caught:
        client.push_stock(items[:1], business_key="n11-stock-2")
    assert caught.value.marketplace_message == "integrator is required"


@pytest.mark.parametrize("cause", ["wrong secret", "REST access not enabled"])
def test_refusals_name_the_real_causes_on_both_services(server: N11Server, sim: SimulatedN11, cause: str) -> None:
    changes: dict[str, object] = {}
    if cause == "wrong secret":
        changes["app_secret"] = "wrong-secret"
    else:
        sim.config.rest_enabled = False
    with _client(server, sim, **changes) as client:
        with pytest.raises(AuthError) as listing:
            list(client.iter_packages(PackageQuery()))
        with pytest.raises(AuthError) as stock:
            client.push_stock([StockUpdate(barcode="b", quantity=1, stock_code="AYK-020-40")], business_key="k")
    for caught, status in ((listing, 403), (stock, 401)):
        message = str(caught.value)
        assert caught.value.status == status
        assert "appKey/appSecret are wrong" in message and "sellerintegration@n11.com" in message
        assert "User-Agent" not in message
    assert len(sim.requests) == 2  # a refusal is never retried


@pytest.mark.parametrize(
    "query",
    ["status=Created,Picking", "size=101", "page=-1", "createdDate=1", "orderByDirection=desc", "status=created"],
)
def test_the_stand_in_refuses_what_n11_does_not_take(server: N11Server, sim: SimulatedN11, query: str) -> None:
    request = urllib.request.Request(
        f"{server.base_url}/rest/delivery/v1/shipmentPackages?{query}",
        headers={"appkey": sim.config.app_key, "appsecret": sim.config.app_secret},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 400
    assert json.loads(caught.value.read())["status"] == "failure"


def test_a_long_window_is_clipped_by_n11_and_refused_by_the_client(server: N11Server, sim: SimulatedN11) -> None:
    old = sim.add_package(lines=1, at=datetime.now(UTC) - timedelta(days=20))
    start = datetime.now(UTC) - timedelta(days=25)
    with _client(server, sim) as client:
        with pytest.raises(ValueError, match="15 days"):
            list(client.iter_packages(PackageQuery(modified_since=start, modified_until=datetime.now(UTC))))
        listed = list(client.iter_packages(PackageQuery(modified_since=start)))
    assert [p.package_id for p in listed] == [str(old["id"])]


def test_sync_stores_every_package_within_fifteen_day_windows(
    db: Database, server: N11Server, sim: SimulatedN11
) -> None:
    ordinary = [sim.add_package(lines=1, at=datetime.now(UTC) - timedelta(days=days)) for days in (1, 12, 25)]
    located = sim.add_package(lines=1, location_delivery=True)
    with db.sessions.begin() as session:
        company = ClientCompany(name="Öztürk Tekstil")
        session.add(company)
        session.flush()
        account = MarketplaceAccountRow(
            name="n11-magaza", kind="n11", seller_id="", base_url=server.base_url, client_company_id=company.id
        )
        session.add(account)
        session.flush()
        account_id = account.id
    settings = SyncSettings(first_sync_lookback=timedelta(days=30))  # catch-up after a long stop
    with _client(server, sim) as client:
        result = PackageSync(db.sessions, settings=settings).sync_account(account_id, client)
    assert result.set_aside == ()
    windows = [
        (int(params["startDate"]), int(params["endDate"]))
        for _method, path, params in sim.requests
        if path.endswith("shipmentPackages") and "endDate" in params
    ]
    assert len(windows) >= 2
    assert all(gmt3_epoch_to_utc(end) - gmt3_epoch_to_utc(start) <= timedelta(days=15) for start, end in windows)
    with db.sessions() as session:
        stored = set(session.scalars(select(PackageRow.external_id).where(PackageRow.account_id == account_id)))
        barcodes = set(session.scalars(select(PackageLineRow.barcode)))
    line = located["lines"][0]
    assert stored == {str(p["id"]) for p in ordinary} | {f"order-{located['orderNumber']}-{line['orderLineId']}"}
    assert (line["barcode"] or line["stockCode"]) in barcodes
