"""Hepsiburada's keys around what the station holds: unpacked lines are new work, one delivery is one parcel.

Open lines come from the spec fixture (``orders_page.json``, HB's ``LineRepresentation``); the station's
holdings are a plain in-memory :class:`LocalView`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Collection, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from packstation.domain.status import PackageStatus
from packstation.services.marketplaces import HepsiburadaCredentials, RetryPolicy
from packstation.services.marketplaces.hepsiburada.arrange import Gone, arrange_open, arrange_packed
from packstation.services.marketplaces.hepsiburada.client import HepsiburadaClient
from packstation.services.marketplaces.hepsiburada.config import HepsiburadaConfig
from packstation.services.marketplaces.hepsiburada.parser import (
    envelope_items,
    group_open_lines,
    lines_digest,
    local_key,
    parse_package,
    unpacked_item,
    unpacked_page,
)
from packstation.services.marketplaces.models import HeldPackage, PackageQuery, RemotePackage

FIXTURES = Path(__file__).parent / "fixtures" / "hepsiburada"
A, B = "4500123456", "4500123999"  # the two orders of orders_page.json (A: two lines, B: one)


def _load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"), parse_float=Decimal)


class Held:
    """What the station holds: key -> HeldPackage."""

    def __init__(self, *packages: HeldPackage) -> None:
        self.packages = {p.key: p for p in packages}
        self.asked: list[set[str]] = []

    def held(self, keys: Collection[str]) -> Mapping[str, HeldPackage]:
        self.asked.append(set(keys))
        return {key: self.packages[key] for key in keys if key in self.packages}

    def keys_by_number(self, numbers: Collection[str]) -> Mapping[str, str]:
        return {p.package_number: p.key for p in self.packages.values() if p.package_number in numbers}


def _queue(*, same_delivery: bool = True) -> list[RemotePackage]:
    items, _total = envelope_items(_load("orders_page.json"), endpoint="/orders")
    items = copy.deepcopy(items)
    if same_delivery:  # B's customer orders again to the same address, with the same carrier
        first = items[0]
        for item in items:
            if item["orderNumber"] == B:
                item["customerId"] = first["customerId"]
                item["shippingAddress"] = dict(first["shippingAddress"])
                item["cargoCompany"] = first["cargoCompany"]
                item["warehouse"] = first.get("warehouse")
                item["isMicroExport"] = first["isMicroExport"]
    packages, rejected = group_open_lines(items)
    assert not rejected
    return packages


def _lines(package: RemotePackage) -> set[str]:
    return {line.line_id for line in package.lines}


def _everything(line_id: str) -> list[str]:
    return [line.line_id for p in _queue() for line in p.lines if line.line_id != line_id]


def _arrange(packages: list[RemotePackage], held: Held, **options: Any) -> dict[str, RemotePackage]:
    settings: dict[str, Any] = {"combine": True, "packable_with": _everything} | options
    gone = Gone(unpacked=settings.pop("unpacked", frozenset()), cancelled_lines=settings.pop("cancelled", frozenset()))
    arranged = arrange_open(packages, held, gone, **settings)
    keys = [p.package_id for p in arranged]
    assert len(keys) == len(set(keys)), keys
    lines = [line.line_id for p in arranged for line in p.lines]
    assert len(lines) == len(set(lines)), "a line listed in two packages"
    return {p.package_id: p for p in arranged}


def test_two_orders_to_one_delivery_are_one_parcel_keyed_by_the_oldest() -> None:
    queue = _queue()
    arranged = _arrange(queue, Held())
    assert set(arranged) == {A}
    parcel = arranged[A]
    assert _lines(parcel) == _lines(queue[0]) | _lines(queue[1])
    assert parcel.order_number == A
    assert parcel.raw["orderNumbers"] == [A, B]
    assert {item["orderNumber"] for item in parcel.raw["items"]} == {A, B}


def test_only_what_hb_says_may_share_a_package_joins() -> None:
    assert set(_arrange(_queue(), Held(), packable_with=lambda _line: [])) == {A, B}
    assert set(_arrange(_queue(), Held(), packable_with=lambda _line: None)) == {A, B}  # HB did not answer


def test_other_deliveries_and_the_setting_keep_orders_apart() -> None:
    assert set(_arrange(_queue(same_delivery=False), Held())) == {A, B}
    assert set(_arrange(_queue(), Held(), combine=False)) == {A, B}


def test_a_new_order_joins_a_held_parcel_nobody_works_on() -> None:
    queue = _queue()
    held = Held(HeldPackage(A, A, PackageStatus.CREATED, line_ids=frozenset(_lines(queue[0]))))
    arranged = _arrange(queue, held)
    assert set(arranged) == {A} and _lines(arranged[A]) == _lines(queue[0]) | _lines(queue[1])


@pytest.mark.parametrize(
    "held_a",
    [
        HeldPackage(A, A, PackageStatus.CREATED, busy=True),  # a packer has it open
        HeldPackage(A, A, PackageStatus.PICKING, package_number="5000031611"),  # packed at HB already
    ],
)
def test_nothing_joins_a_parcel_being_packed_or_packed(held_a: HeldPackage) -> None:
    queue = _queue()
    arranged = _arrange(queue, Held(held_a), packable_with=pytest.fail)
    assert set(arranged) == {A, B} and _lines(arranged[A]) == _lines(queue[0])


def test_orders_held_apart_stay_apart() -> None:
    queue = _queue()
    held = Held(
        HeldPackage(A, A, PackageStatus.CREATED, line_ids=frozenset(_lines(queue[0]))),
        HeldPackage(B, B, PackageStatus.CREATED, line_ids=frozenset(_lines(queue[1]))),
    )
    assert set(_arrange(queue, held, packable_with=pytest.fail)) == {A, B}


@pytest.mark.parametrize("busy", [False, True])
def test_lines_a_held_parcel_holds_stay_in_it_whatever_the_setting(busy: bool) -> None:
    queue = _queue()
    both = frozenset(_lines(queue[0]) | _lines(queue[1]))
    held = Held(HeldPackage(A, A, PackageStatus.CREATED, busy=busy, line_ids=both))
    for combine in (True, False):
        arranged = _arrange(queue, held, combine=combine, packable_with=lambda _line: None)
        assert set(arranged) == {A} and _lines(arranged[A]) == both


def test_lines_back_from_an_unpacked_package_are_a_new_package_after_it() -> None:
    queue = _queue(same_delivery=False)
    held = Held(HeldPackage(A, A, PackageStatus.PICKING, package_number="5000031611", busy=True))
    arranged = _arrange(queue, held, unpacked=frozenset({"5000031611"}))
    successor = arranged[f"{A}/5000031611"]
    assert successor.origin_package_ids == (A,) and successor.status is PackageStatus.CREATED
    assert A not in arranged  # the spent package is never listed again with these lines


def test_the_unpacked_chain_is_followed_once_the_feed_forgot_it() -> None:
    queue = _queue(same_delivery=False)
    first = f"{A}/5000031611"
    held = Held(
        HeldPackage(A, A, PackageStatus.CANCELLED, package_number="5000031611"),
        HeldPackage(first, A, PackageStatus.CANCELLED, package_number="5000031700"),
    )
    arranged = _arrange(queue, held)
    assert arranged[f"{first}/5000031700"].origin_package_ids == (first,)


def test_a_stopped_parcel_without_a_number_passes_its_lines_on_by_their_digest() -> None:
    queue = _queue(same_delivery=False)
    held = Held(HeldPackage(A, A, PackageStatus.CANCELLED))
    arranged = _arrange(queue, held)
    key = f"{A}/{lines_digest(_lines(queue[0]))}"
    # The same key the lines left after a cancellation get while HB still lists it as cancelled.
    assert key == local_key("", [A], list(_lines(queue[0])), {A})
    assert arranged[key].origin_package_ids == (A,)


def test_a_cancelled_line_in_a_combined_parcel_passes_the_rest_on_in_the_same_sync() -> None:
    queue = _queue()
    cancelled = next(iter(_lines(queue[1])))  # B's line, gone from the queue and in the cancelled feed
    held = Held(HeldPackage(A, A, PackageStatus.CREATED, line_ids=frozenset(_lines(queue[0]) | {cancelled})))
    arranged = _arrange(queue[:1], held, cancelled=frozenset({cancelled}))
    key = f"{A}/{lines_digest(_lines(queue[0]))}"
    assert set(arranged) == {key} and arranged[key].origin_package_ids == (A,)


def test_packed_packages_follow_the_number_the_station_holds() -> None:
    package = parse_package(_load("packages.json")[0])
    assert package.package_number == "5000031611"
    held = Held(HeldPackage(f"{A}/5000031600", A, PackageStatus.PICKING, package_number="5000031611"))
    (arranged,) = arrange_packed([package], held, Gone())
    assert arranged.package_id == f"{A}/5000031600"


def test_a_package_hb_made_again_after_an_unpack_follows_the_spent_one() -> None:
    package = parse_package(_load("packages.json")[0])  # 5000031611 for order A
    held = Held(HeldPackage(A, A, PackageStatus.PICKING, package_number="5000031500"))
    (arranged,) = arrange_packed([package], held, Gone(unpacked=frozenset({"5000031500"})))
    assert arranged.package_id == f"{A}/5000031500" and arranged.origin_package_ids == (A,)


def test_a_second_live_package_of_one_order_is_keyed_by_its_own_number() -> None:
    package = parse_package(_load("packages.json")[0])
    held = Held(HeldPackage(A, A, PackageStatus.PICKING, package_number="5000031500"))
    (arranged,) = arrange_packed([package], held, Gone())
    assert arranged.package_id == "5000031611"


def test_the_unpacked_feed_reads_the_spec_shape_and_its_variants() -> None:
    body = _load("packages_status_unpacked.json")  # SPEC: an array of paged envelopes
    items, total = unpacked_page(body, endpoint="/status/unpacked")
    assert total == 2 and [unpacked_item(i).package_number for i in items] == ["5000031612", "5000031613"]
    assert unpacked_page(body[0], endpoint="u")[0] == items  # one envelope, as the SDK's paginator reads it
    assert unpacked_page(items, endpoint="u")[0] == items  # a bare array of UnpackedDelivery
    report = unpacked_item(items[0])
    assert report.status is PackageStatus.UNPACKED and report.key == "5000031612"
    assert report.cargo_tracking_number == ""  # the unpacked package's delivery barcode is void


def test_a_host_without_the_unpacked_feed_still_lists_the_queue(loopback_api: Any) -> None:
    orders = _load("orders_page.json")

    def route(seen: Any) -> tuple[int, Any]:
        if seen.path.endswith("/status/unpacked"):
            return 404, "404 page not found"
        if seen.path.endswith("/cancelled"):
            return 200, {"totalCount": 0, "limit": 50, "offset": 0, "pageCount": 0, "items": []}
        if seen.path.startswith("/orders/"):
            return 200, json.loads(json.dumps(orders, default=float))
        return 200, []

    loopback_api.route = route
    credentials = HepsiburadaCredentials("m-1", "key", user_agent="packstation_dev")
    config = HepsiburadaConfig(oms_url=loopback_api.url, retry=RetryPolicy(max_attempts=1))
    with HepsiburadaClient(credentials, config=config) as client:
        pages = list(client.iter_package_pages(PackageQuery(local=Held())))
    assert {p.package_id for page in pages for p in page.packages} == {A, B}
