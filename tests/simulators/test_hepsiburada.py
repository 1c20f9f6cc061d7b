"""The strict HB stand-in keeps HB's rules, and the real client works against it over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from packstation.domain.marketplace import LabelFormat, RasterFormat
from packstation.domain.status import PackageStatus
from packstation.services.marketplaces import (
    AuthError,
    HepsiburadaCredentials,
    PackageQuery,
    Rejected,
    RetryPolicy,
    Timeouts,
)
from packstation.services.marketplaces.hepsiburada.client import HepsiburadaClient, NoMutualBarcode
from packstation.services.marketplaces.hepsiburada.config import HepsiburadaConfig
from packstation.simulators.hepsiburada import HbSimConfig, HepsiburadaServer, SimulatedHepsiburada, sim_credentials

FAST = RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.01, max_total=5.0)


@pytest.fixture
def sim() -> SimulatedHepsiburada:
    return SimulatedHepsiburada(HbSimConfig(orders=120, seed=5))


@pytest.fixture
def server(sim: SimulatedHepsiburada) -> Iterator[HepsiburadaServer]:
    with HepsiburadaServer(sim) as running:
        yield running


def _config(server: HepsiburadaServer, **changes: object) -> HepsiburadaConfig:
    settings: dict[str, object] = {"oms_url": server.base_url, "retry": FAST, "timeouts": Timeouts(2, 5, 5, 2)}
    return HepsiburadaConfig(**(settings | changes))  # type: ignore[arg-type]


@pytest.fixture
def client(sim: SimulatedHepsiburada, server: HepsiburadaServer) -> Iterator[HepsiburadaClient]:
    with HepsiburadaClient(sim_credentials(sim), config=_config(server)) as running:
        yield running


@pytest.fixture
def http(sim: SimulatedHepsiburada, server: HepsiburadaServer) -> Iterator[httpx.Client]:
    headers = {"User-Agent": sim.config.user_agent}
    auth = (sim.config.merchant_id, sim.config.service_key)
    with httpx.Client(base_url=server.base_url, headers=headers, auth=auth) as raw:
        yield raw


def _orders(sim: SimulatedHepsiburada) -> str:
    return f"/orders/merchantid/{sim.config.merchant_id}"


def test_orders_need_offset_and_limit_up_to_100(http: httpx.Client, sim: SimulatedHepsiburada) -> None:
    refused = http.get(_orders(sim), params={"limit": 10})
    assert refused.status_code == 400
    assert refused.json() == {"message": "Bad Request limit and offset parameters are required"}
    assert http.get(_orders(sim), params={"offset": 0, "limit": 101}).status_code == 400
    assert http.get(_orders(sim), params={"offset": 0, "limit": 10, "page": 1}).status_code == 400
    page = http.get(_orders(sim), params={"offset": 0, "limit": 100})
    assert page.status_code == 200 and set(page.json()) == {"totalCount", "limit", "offset", "pageCount", "items"}
    assert all(name in page.headers for name in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"))


def test_iso_dates_answer_an_empty_page(http: httpx.Client, sim: SimulatedHepsiburada) -> None:
    iso = http.get(_orders(sim), params={"offset": 0, "limit": 100, "begindate": "2020-01-01T00:00:00Z"})
    assert iso.status_code == 200 and iso.json()["items"] == []
    old = http.get(_orders(sim), params={"offset": 0, "limit": 100, "begindate": "2020-01-01 00:00"})
    assert old.json()["items"] == []  # 24 h from 2020: nothing


def test_packages_need_capital_offset_and_a_timespan(http: httpx.Client, sim: SimulatedHepsiburada) -> None:
    path = f"/packages/merchantid/{sim.config.merchant_id}"
    assert http.get(path, params={"limit": 10, "offset": 0, "timespan": 24}).status_code == 400
    assert http.get(path, params={"limit": 10, "Offset": 0}).status_code == 400
    assert http.get(path, params={"limit": 11, "Offset": 0, "timespan": 24}).status_code == 400
    assert http.get(path, params={"limit": 10, "Offset": 0, "timespan": 24}).json() == []


def test_status_feeds_refuse_dates(http: httpx.Client, sim: SimulatedHepsiburada) -> None:
    path = f"/orders/merchantid/{sim.config.merchant_id}/cancelled"
    refused = http.get(path, params={"offset": 0, "limit": 50, "begindate": "2026-01-01 00:00"})
    assert refused.status_code == 400 and refused.json() == "WrongDateFormat"


def test_a_decorated_user_agent_gets_401_naming_it(sim: SimulatedHepsiburada, server: HepsiburadaServer) -> None:
    wrong = HepsiburadaCredentials(sim.config.merchant_id, sim.config.service_key, user_agent="x - packstation_dev")
    with HepsiburadaClient(wrong, config=_config(server)) as client, pytest.raises(AuthError) as refused:
        list(client.iter_package_pages(PackageQuery()))
    assert refused.value.status == 401 and "User-Agent" in str(refused.value)


def test_the_queue_is_read_whole_without_dates(client: HepsiburadaClient, sim: SimulatedHepsiburada) -> None:
    packages = [p for page in client.iter_package_pages(PackageQuery()) for p in page.packages]
    assert sum(len(p.lines) for p in packages) == len(sim.open_lines) > 100
    assert all(line.product_name and line.stock_code for p in packages for line in p.lines)
    asked = [params for method, path, params in sim.requests if path.endswith(sim.config.merchant_id)]
    assert all("begindate" not in params for params in asked)


def test_pack_label_and_statuses(client: HepsiburadaClient, sim: SimulatedHepsiburada) -> None:
    order = sim.add_order(lines=2, carrier="HepsiJet")
    package = next(
        p for page in client.iter_open_order_pages(PackageQuery()) for p in page.packages if p.package_id == order
    )
    number = client.mark_picking(package, business_key="b1").new_package_ids[0]
    assert sim.packages[number].lines and not sim.lines_of(order)
    label = client.label_by_number(number, preferred=LabelFormat.ZPL)
    assert label is not None and label.documents[0].startswith(b"^XA")
    packed = [p for page in client.iter_packed_pages(PackageQuery()) for p in page.packages]
    assert [(p.package_id, p.raw["packageNumber"]) for p in packed] == [(order, number)]
    sim.ship(number)
    reports = list(client.iter_status_reports())
    assert [(r.key, r.package_number, r.status) for r in reports] == [(order, number, PackageStatus.SHIPPED)]


def test_a_carrier_without_shared_barcodes(client: HepsiburadaClient, sim: SimulatedHepsiburada) -> None:
    order = sim.add_order(lines=1, carrier="Yurtiçi Kargo")
    package = next(
        p for page in client.iter_open_order_pages(PackageQuery()) for p in page.packages if p.package_id == order
    )
    number = client.mark_picking(package, business_key="b2").new_package_ids[0]
    with pytest.raises(NoMutualBarcode) as refused:
        client.label_by_number(number)
    assert "mutual barcodes" in str(refused.value)


def test_lines_of_different_customers_cannot_share_a_package(
    client: HepsiburadaClient, sim: SimulatedHepsiburada
) -> None:
    first, second = sim.add_order(lines=1), sim.add_order(lines=1)
    line = sim.lines_of(first)[0]["id"]
    assert client.packageable_with(line) == []
    other = sim.lines_of(second)[0]
    with pytest.raises(Exception, match="can not be packaged"):
        sim.create_package(
            [(line, sim.open_lines[line]["quantity"]), (other["id"], other["quantity"])], parcels=1, deci=1
        )


def test_auto_packing_merchants_get_their_work_from_packages(
    sim: SimulatedHepsiburada, server: HepsiburadaServer
) -> None:
    auto = SimulatedHepsiburada(HbSimConfig(orders=4, auto_pack=True, seed=2))
    with HepsiburadaServer(auto) as running, HepsiburadaClient(sim_credentials(auto), config=_config(running)) as c:
        packages = [p for page in c.iter_package_pages(PackageQuery()) for p in page.packages]
    assert not auto.open_lines
    assert len(packages) == 4 and all(p.status is PackageStatus.PICKING for p in packages)
    assert all(p.status.is_packable for p in packages)


def test_rate_limit_reset_is_honoured(sim: SimulatedHepsiburada, server: HepsiburadaServer) -> None:
    sim.config.rate_limit = 3
    slow_backoff = RetryPolicy(max_attempts=8, base_delay=5, max_total=30)
    with HepsiburadaClient(sim_credentials(sim), config=_config(server, retry=slow_backoff)) as c:
        started = time.monotonic()
        for _ in range(2):  # 6 requests at 3 per second: the client waits out X-RateLimit-Reset
            list(c.iter_open_order_pages(PackageQuery(page_size=100)))
        elapsed = time.monotonic() - started
    assert sim.throttled == 0  # waited before the window ran out: no 429 earned
    assert elapsed < 5  # the window's reset, not a 5 s backoff


def test_the_client_refuses_lines_hb_would_not_pack(client: HepsiburadaClient, sim: SimulatedHepsiburada) -> None:
    first, second = sim.add_order(lines=1), sim.add_order(lines=1)
    packages = {p.package_id: p for page in client.iter_open_order_pages(PackageQuery()) for p in page.packages}
    mixed = replace(packages[first], lines=packages[first].lines + packages[second].lines)
    with pytest.raises(Rejected, match="cannot pack lines"):
        client.mark_picking(mixed, business_key="mixed")
    assert not [r for r in sim.requests if r[0] == "POST"]


def test_a_429_waits_for_x_ratelimit_reset(
    sim: SimulatedHepsiburada, server: HepsiburadaServer, http: httpx.Client
) -> None:
    sim.config.rate_limit = 1
    slow_backoff = RetryPolicy(max_attempts=4, base_delay=10, max_total=60)
    with HepsiburadaClient(sim_credentials(sim), config=_config(server, retry=slow_backoff)) as c:
        http.get(_orders(sim), params={"offset": 0, "limit": 1})  # someone else spends the window
        started = time.monotonic()
        list(c.iter_open_order_pages(PackageQuery(page_size=100)))
        elapsed = time.monotonic() - started
    assert sim.throttled >= 1
    assert elapsed < 8  # HB's reset (under a second each), not the 10 s backoff


def test_the_unpacked_feed_pages_like_packages_and_answers_the_spec_shape(
    http: httpx.Client, sim: SimulatedHepsiburada
) -> None:
    order = next(iter(sim.open_lines.values()))["orderNumber"]
    package = sim.create_package([(line["id"], line["quantity"]) for line in sim.lines_of(order)], parcels=1, deci=1)
    base = f"/packages/merchantid/{sim.config.merchant_id}"
    assert http.post(f"{base}/packagenumber/{package.number}/unpack").status_code == 200
    assert {line["id"] for line in sim.lines_of(order)} == {line["id"] for line in package.lines}  # open again
    path = f"{base}/status/unpacked"
    assert http.get(path, params={"limit": 10, "offset": 0, "timespan": 24}).status_code == 400  # lower-case
    assert http.get(path, params={"limit": 11, "Offset": 0, "timespan": 24}).status_code == 400
    assert http.get(path, params={"limit": 10, "Offset": 0}).status_code == 400  # no window
    (envelope,) = http.get(path, params={"limit": 10, "Offset": 0, "timespan": 24}).json()  # an array of envelopes
    assert set(envelope) == {"items", "limit", "offset", "pageCount", "totalCount"}
    assert [set(item) for item in envelope["items"]] == [{"barcode", "packageNumber", "unpackedDate"}]
    assert envelope["items"][0]["packageNumber"] == package.number
    # Unpacked twice is refused, as a package that is no longer packed.
    assert http.post(f"{base}/packagenumber/{package.number}/unpack").status_code == 400


def test_stock_uploads_take_spec_rows_only(http: httpx.Client, sim: SimulatedHepsiburada) -> None:
    path = f"/listings/merchantid/{sim.config.merchant_id}/stock-uploads"
    assert http.post(path, json=[{"merchantSku": "SKU-BOT-40", "stock": 3}]).status_code == 400
    assert http.post(path, json={"listings": [{"merchantSku": "SKU-BOT-40", "availableStock": 3}]}).status_code == 400
    upload = http.post(
        path, json=[{"merchantSku": "SKU-BOT-40", "availableStock": 3}, {"merchantSku": "NOPE", "availableStock": 1}]
    )
    result = http.get(f"{path}/id/{upload.json()['id']}").json()
    assert result["status"] == "Done" and [e["merchantSku"] for e in result["errors"]] == ["NOPE"]
    assert sim.stock == {"SKU-BOT-40": 3}


def test_picture_labels_are_real_pictures(client: HepsiburadaClient, sim: SimulatedHepsiburada) -> None:
    order = sim.add_order(lines=1, carrier="Aras Kargo")
    package = sim.create_package([(line["id"], line["quantity"]) for line in sim.lines_of(order)], parcels=2, deci=1)
    client.config = replace(client.config, label_format=RasterFormat.JPEG)
    label = client.label_by_number(package.number)
    assert label is not None and label.format is RasterFormat.JPEG and len(label.documents) == 2
    assert all(document.startswith(b"\xff\xd8\xff") for document in label.documents)
    sim.config.picture_only_carriers = frozenset({"Aras Kargo"})
    client.config = replace(client.config, label_format=None)
    label = client.label_by_number(package.number)  # asked for ZPL: this carrier gives a PNG
    assert label is not None and label.format is RasterFormat.PNG
    assert label.documents[0].startswith(b"\x89PNG\r\n\x1a\n")
