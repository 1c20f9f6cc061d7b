"""The Trendyol client listing packages from the simulator over real HTTP on 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from packstation.domain.status import PackageStatus
from packstation.services.marketplaces import (
    ListingMode,
    MalformedReply,
    PackageQuery,
    RateLimited,
    RetryPolicy,
    ServerError,
    Timeouts,
    TrendyolClient,
    TrendyolConfig,
    Unreachable,
    unique_packages,
)
from packstation.simulators.trendyol import (
    FaultKind,
    FaultPlan,
    Naming,
    SimulatedMarketplace,
    SimulatorConfig,
    SimulatorServer,
    sim_credentials,
)
from packstation.simulators.trendyol.catalog import BASE_PACKAGE_ID


def _ids(packages: object) -> list[str]:
    return [p.package_id for p in packages]  # type: ignore[attr-defined]


@pytest.mark.parametrize("mode", [ListingMode.STREAM, ListingMode.PAGED])
def test_full_listing_matches_the_marketplace(
    client: TrendyolClient, sim: SimulatedMarketplace, mode: ListingMode
) -> None:
    pages = list(client.iter_package_pages(PackageQuery(), mode=mode))
    assert len(pages) == -(-sim.config.packages // 25)  # 25 per page, nothing lost or added
    listed = [p for page in pages for p in page.packages]
    assert _ids(listed) == [str(i) for i in sim.matching_ids()]
    for package in listed[:40]:
        truth = sim.package(int(package.package_id))
        assert truth is not None
        assert package.order_number == truth.order_number
        assert package.status is truth.status
        assert [(line.line_id, line.barcode, line.quantity) for line in package.lines] == [
            (str(line.line_id), line.product.barcode, line.quantity) for line in truth.lines
        ]
        assert package.shipment_address is not None
        assert package.shipment_address.city == truth.customer.city
        assert package.lines[0].size == package.lines[0].size.strip()  # " 42" arrives trimmed


def test_status_filter_and_window(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    wanted = frozenset({PackageStatus.CREATED, PackageStatus.PICKING})
    listed = list(client.iter_packages(PackageQuery(statuses=wanted)))
    assert listed and all(p.status in wanted for p in listed)
    expected = [i for i in sim.matching_ids() if sim.package(i).status in wanted]  # type: ignore[union-attr]
    assert _ids(listed) == [str(i) for i in expected]


def test_paging_while_orders_arrive_repeats_a_package_and_dedupe_drops_it(
    client: TrendyolClient, sim: SimulatedMarketplace
) -> None:
    before = {str(i) for i in sim.matching_ids()}
    pages = client.iter_package_pages(PackageQuery(), mode=ListingMode.PAGED)
    first = next(pages)
    sim.add_package()  # a new order sorts first and pushes every later page down by one
    rest = list(pages)
    raw = [p.package_id for page in [first, *rest] for p in page.packages]
    assert len(raw) != len(set(raw)), "the page boundary should repeat a package"
    unique = list(unique_packages([first, *rest]))
    assert len(_ids(unique)) == len(set(_ids(unique)))
    assert set(_ids(unique)) == before  # the new order is caught by the next, overlapping sync


def test_429_storm_completes_and_honours_retry_after(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    sim.inject(FaultPlan(FaultKind.RATE_LIMIT, count=4, path_contains="orders/stream", retry_after=0.15))
    started = time.monotonic()
    listed = list(client.iter_packages(PackageQuery()))
    elapsed = time.monotonic() - started
    assert len(listed) == sim.config.packages
    assert len([r for r in sim.requests_to("GET", "orders/stream") if r.status == 429]) == 4
    # Backoff alone is ~1 ms here; only honouring Retry-After makes four waits take 0.6 s.
    assert elapsed >= 0.6


def test_retry_after_beyond_the_cap_fails_typed(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    sim.inject(FaultPlan(FaultKind.RATE_LIMIT, count=1, retry_after=30))
    with pytest.raises(RateLimited) as caught:
        list(client.iter_packages(PackageQuery()))
    assert caught.value.retry_after == 30
    assert caught.value.status == 429
    assert caught.value.transient


def test_rate_limit_longer_than_the_attempts_gives_up(
    client: TrendyolClient, sim: SimulatedMarketplace, fast_retry: RetryPolicy
) -> None:
    sim.inject(FaultPlan(FaultKind.RATE_LIMIT, count=50, retry_after=None))
    with pytest.raises(RateLimited):
        list(client.iter_packages(PackageQuery()))
    assert len(sim.requests_to("GET", "orders/stream")) == fast_retry.max_attempts


@pytest.mark.parametrize("kind", [FaultKind.SERVER_ERROR, FaultKind.GATEWAY_556])
def test_server_error_mid_cursor_resumes_with_the_same_cursor(
    client: TrendyolClient, sim: SimulatedMarketplace, kind: FaultKind
) -> None:
    sim.inject(FaultPlan(kind, count=1, skip=2, path_contains="orders/stream"))
    listed = list(client.iter_packages(PackageQuery()))
    assert _ids(listed) == [str(i) for i in sim.matching_ids()]
    calls = sim.requests_to("GET", "orders/stream")
    failed = [n for n, r in enumerate(calls) if r.status >= 500]
    assert len(failed) == 1
    retried = calls[failed[0] + 1]
    assert retried.status == 200
    assert parse_qs(retried.query)["nextCursor"] == parse_qs(calls[failed[0]].query)["nextCursor"]


def test_persistent_server_error_is_typed(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    sim.inject(FaultPlan(FaultKind.SERVER_ERROR, count=100))
    with pytest.raises(ServerError) as caught:
        list(client.iter_packages(PackageQuery()))
    assert caught.value.status == 500
    assert "Exception Occured" in str(caught.value)  # the marketplace's own words are kept


@pytest.mark.parametrize(
    ("field", "reported"), [("orderNumber", "orderNumber"), ("lines.0.quantity", "lines[0].quantity")]
)
def test_malformed_package_is_set_aside_naming_package_and_field(
    client: TrendyolClient, sim: SimulatedMarketplace, field: str, reported: str
) -> None:
    sim.inject(FaultPlan(FaultKind.MALFORMED_PACKAGE, count=1, skip=1, field=field))
    newest_second_page = sim.matching_ids()[25]
    pages = list(client.iter_package_pages(PackageQuery()))
    set_aside = [item for page in pages for item in page.set_aside]
    assert [item.package_id for item in set_aside] == [str(newest_second_page)]
    assert reported in set_aside[0].reason and str(newest_second_page) in set_aside[0].reason
    listed = {p.package_id for page in pages for p in page.packages}
    # The rest of that page, and every other page, still arrives.
    assert listed == {str(i) for i in sim.matching_ids()} - {str(newest_second_page)}
    assert pages[1].reply_json is None  # positions shifted: raw payloads come from the parsed packages


def test_truncated_reply_is_malformed(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    sim.inject(FaultPlan(FaultKind.MALFORMED_BODY, count=1))
    with pytest.raises(MalformedReply, match="not valid JSON"):
        list(client.iter_packages(PackageQuery()))


def test_cancellation_between_two_syncs_shows_in_the_overlapping_window(
    client: TrendyolClient, sim: SimulatedMarketplace
) -> None:
    first_sync = datetime.now(UTC)
    first = {p.package_id: p for p in client.iter_packages(PackageQuery())}
    victim = next(p for p in first.values() if p.status is PackageStatus.CREATED)
    sim.cancel_package(int(victim.package_id))
    second = list(client.iter_packages(PackageQuery(modified_since=first_sync - timedelta(hours=3))))
    assert second[0].package_id == victim.package_id  # newest change first
    assert second[0].status is PackageStatus.CANCELLED
    assert second[0].last_modified_ms is not None and victim.last_modified_ms is not None
    assert second[0].last_modified_ms > victim.last_modified_ms
    assert len(second) < len(first)  # the window really filtered


def test_order_dates_are_gmt3_epochs_decoded_to_utc(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    for package in list(client.iter_packages(PackageQuery()))[:20]:
        truth = sim.package(int(package.package_id))
        assert truth is not None and package.order_date is not None
        assert package.order_date.tzinfo is not None and package.order_date.utcoffset() == timedelta(0)
        assert package.order_date == datetime.fromtimestamp(truth.order_ms / 1000, UTC)
        assert package.ship_by is not None and package.ship_by - package.order_date == timedelta(days=2)


def test_big_tracking_numbers_and_ids_stay_exact_strings(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    listed = list(client.iter_packages(PackageQuery()))
    as_numbers = [p for p in listed if isinstance(p.raw.get("cargoTrackingNumber"), int)]
    as_strings = [p for p in listed if isinstance(p.raw.get("cargoTrackingNumber"), str)]
    assert as_numbers and as_strings  # the simulator sends both, as Trendyol's generations did
    for package in listed:
        truth = sim.package(int(package.package_id))
        assert truth is not None
        assert package.cargo_tracking_number == truth.tracking_number
        assert len(package.cargo_tracking_number) == 20 and int(package.cargo_tracking_number) > 2**63
        assert isinstance(package.package_id, str) and isinstance(package.lines[0].line_id, str)


def test_both_field_name_generations_parse_the_same(config_for: Callable[..., TrendyolConfig]) -> None:
    parsed = {}
    for naming in (Naming.NEW, Naming.OLD, Naming.BOTH):
        sim = SimulatedMarketplace(SimulatorConfig(seed=5, packages=30, naming=naming, anchor_ms=1_790_000_000_000))
        with SimulatorServer(sim) as server, TrendyolClient(sim_credentials(sim), config=config_for(server)) as c:
            parsed[naming] = list(c.iter_packages(PackageQuery()))
    assert "shipmentPackageId" in parsed[Naming.NEW][0].raw and "id" not in parsed[Naming.NEW][0].raw
    assert "id" in parsed[Naming.OLD][0].raw and "shipmentPackageId" not in parsed[Naming.OLD][0].raw
    assert parsed[Naming.NEW] == parsed[Naming.OLD] == parsed[Naming.BOTH]
    assert parsed[Naming.OLD][0].lines[0].stock_code.startswith("AYK-")
    assert parsed[Naming.OLD][0].total_price == parsed[Naming.NEW][0].total_price is not None


def test_get_package_and_unknown_id(client: TrendyolClient, sim: SimulatedMarketplace) -> None:
    package = client.get_package(str(BASE_PACKAGE_ID + 7))
    assert package is not None and package.order_number == sim.package(BASE_PACKAGE_ID + 7).order_number  # type: ignore[union-attr]
    assert client.get_package("999") is None


def test_read_timeout_is_retried_and_the_listing_completes(
    sim: SimulatedMarketplace, server: SimulatorServer, config_for: Callable[..., TrendyolConfig]
) -> None:
    config = config_for(server, timeouts=Timeouts(connect=2.0, read=0.3, write=2.0, pool=2.0))
    sim.inject(FaultPlan(FaultKind.SLOW, count=1, skip=1, path_contains="orders/stream", delay=0.8))
    with TrendyolClient(sim_credentials(sim), config=config) as client:
        listed = list(client.iter_packages(PackageQuery(page_size=50)))
    assert _ids(listed) == [str(i) for i in sim.matching_ids()]
    assert len(sim.requests_to("GET", "orders/stream")) == 4  # 3 pages, the second one twice


def test_nobody_listening_is_unreachable_after_bounded_attempts(
    sim: SimulatedMarketplace, config_for: Callable[..., TrendyolConfig]
) -> None:
    closed = SimulatorServer(sim)
    closed.stop()  # bound and released: nothing listens on this port now
    started = time.monotonic()
    with (
        TrendyolClient(sim_credentials(sim), config=config_for(closed)) as client,
        pytest.raises(Unreachable) as caught,
    ):
        list(client.iter_packages(PackageQuery()))
    assert caught.value.transient and "ConnectError" in str(caught.value)
    assert time.monotonic() - started < 5
