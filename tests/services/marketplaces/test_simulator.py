"""The simulator itself: deterministic seeds, valid barcodes, lazy large seeds, Trendyol's refusals, admin API."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import httpx

from packstation.domain.gtin import is_valid_gtin
from packstation.domain.status import PackageStatus
from packstation.simulators.trendyol import (
    SimulatedMarketplace,
    SimulatorConfig,
    SimulatorServer,
)
from packstation.simulators.trendyol.catalog import CITIES, FIRST_NAMES
from packstation.simulators.trendyol.render import package_json


def _headers(sim: SimulatedMarketplace, *, agent: str | None = None) -> dict[str, str]:
    token = base64.b64encode(f"{sim.config.api_key}:{sim.config.api_secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", "User-Agent": agent or f"{sim.config.seller_id} - SelfIntegration"}


def _get(server: SimulatorServer, sim: SimulatedMarketplace, path: str, **params: Any) -> httpx.Response:
    url = f"{server.base_url}/order/sellers/{sim.config.seller_id}{path}"
    return httpx.get(url, params=params, headers=_headers(sim), timeout=5)


def test_same_seed_same_shop_and_turkish_realism() -> None:
    one = SimulatedMarketplace(SimulatorConfig(seed=3, packages=50, anchor_ms=1_790_000_000_000))
    two = SimulatedMarketplace(SimulatorConfig(seed=3, packages=50, anchor_ms=1_790_000_000_000))
    other = SimulatedMarketplace(SimulatorConfig(seed=4, packages=50, anchor_ms=1_790_000_000_000))
    ids = one.matching_ids()
    assert [package_json(one.package(i)) for i in ids] == [package_json(two.package(i)) for i in ids]  # type: ignore[arg-type]
    assert [one.package(i).lines for i in ids] != [other.package(i).lines for i in ids]  # type: ignore[union-attr]
    assert all(is_valid_gtin(product.barcode) and product.barcode.startswith("869") for product in one.catalogue)
    packages = [one.package(i) for i in ids]
    assert all(p is not None and p.customer.first_name in FIRST_NAMES for p in packages)
    assert {p.customer.city for p in packages if p} <= {city for city, _code, _districts in CITIES}
    assert any(len(p.lines) > 1 for p in packages if p) and any(
        line.quantity > 1 for p in packages if p for line in p.lines
    )
    assert all(p is not None and len(p.tracking_number) == 20 for p in packages)


def test_fifty_thousand_packages_are_made_on_demand() -> None:
    # How long that takes is benchmarks/bench_simulator.py's business (a wall-clock bound flakes here).
    sim = SimulatedMarketplace(SimulatorConfig(seed=9, packages=50_000))
    newest = sim.package(sim.matching_ids()[0])
    assert newest is not None
    assert len(sim.matching_ids(flt=_created_only())) < 50_000


def _created_only() -> Any:
    from packstation.simulators.trendyol.state import ListFilter

    return ListFilter(statuses=frozenset({PackageStatus.CREATED}))


def test_trendyol_refusals(server: SimulatorServer, sim: SimulatedMarketplace) -> None:
    first = _get(server, sim, "/orders/stream", size=10).json()
    mismatch = _get(
        server, sim, "/orders/stream", size=10, packageItemStatuses="Created", nextCursor=first["nextCursor"]
    )
    assert mismatch.status_code == 400 and mismatch.json()["errors"][0]["key"] == "cursor.filter.mismatch"
    window = _get(server, sim, "/orders/stream", lastModifiedStartDate=0, lastModifiedEndDate=15 * 86_400_000)
    assert window.status_code == 400 and "14 gün" in window.json()["errors"][0]["message"]
    assert _get(server, sim, "/v2/orders", page=50, size=200).status_code == 400  # the 10,000-record window
    assert _get(server, sim, "/v2/orders", size=500).status_code == 400
    assert _get(server, sim, "/orders", size=50).status_code == 426  # the old paged list is retired
    unknown = _get(server, sim, "/orders/stream", supplierId=sim.config.seller_id)
    assert unknown.status_code == 400 and "supplierId" in unknown.json()["errors"][0]["message"]
    old_month = _get(server, sim, "/v2/orders", startDate=int((time.time() - 40 * 86_400) * 1000))
    assert old_month.status_code == 400  # v2 covers the last month only
    no_agent = httpx.get(
        f"{server.base_url}/order/sellers/{sim.config.seller_id}/orders",
        headers={**_headers(sim), "User-Agent": "python-httpx"},
        timeout=5,
    )
    assert no_agent.status_code == 403
    assert httpx.get(f"{server.base_url}/nowhere", headers=_headers(sim), timeout=5).status_code == 404


def test_admin_api_injects_faults_and_changes_packages(server: SimulatorServer, sim: SimulatedMarketplace) -> None:
    reply = httpx.post(
        f"{server.admin_url}/faults", json={"kind": "rate_limit", "count": 1, "retry_after": 2}, timeout=5
    )
    assert reply.status_code == 201 and sim.faults.pending == 1
    limited = _get(server, sim, "/orders/stream")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "2"
    assert _get(server, sim, "/orders/stream").status_code == 200
    added = httpx.post(f"{server.admin_url}/packages", timeout=5).json()["shipmentPackageId"]
    newest = _get(server, sim, "/orders/stream", size=1).json()["content"][0]
    assert newest["shipmentPackageId"] == added and newest["status"] == "Created"
    assert httpx.post(f"{server.admin_url}/packages/{added}/cancel", timeout=5).status_code == 200
    assert sim.package(added).status is PackageStatus.CANCELLED  # type: ignore[union-attr]
    bad = httpx.post(f"{server.admin_url}/faults", json={"kind": "slow", "delay": 0}, timeout=5)
    assert bad.status_code == 400
    assert json.loads(httpx.get(f"{server.admin_url}/health", timeout=5).text)["packages"] == sim.config.packages


def test_the_fifty_first_request_within_ten_seconds_gets_429() -> None:
    """Trendyol's burst rule: 50 requests per endpoint within 10 s; other endpoints are counted apart."""
    sim = SimulatedMarketplace(SimulatorConfig(seed=3, packages=5))
    with SimulatorServer(sim) as server, httpx.Client(headers=_headers(sim), timeout=5) as http:
        base = f"{server.base_url}/order/sellers/{sim.config.seller_id}"
        answers = [http.get(f"{base}/orders/stream", params={"size": 1}).status_code for _ in range(51)]
        assert answers[:50] == [200] * 50
        assert answers[50] == 429
        assert http.get(f"{base}/v2/orders", params={"size": 1}).status_code == 200  # another endpoint
