"""Hepsiburada end to end, the parts HB's spec adds to packing: unpacked packages, orders combined into
one parcel, and shared barcodes that come as pictures. The strict HB stand-in, the real client and sync,
real PostgreSQL, one station packing, labels on a TCP printer stand-in."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import zplkit
import zxingcpp
from PIL import Image
from sqlalchemy import select
from zplkit.rendering import Limits

from packstation.db.connect import Database
from packstation.db.models.packages import PackageRow
from packstation.domain.status import PackageStatus
from packstation.services.marketplaces.hepsiburada.parser import lines_digest
from packstation.services.marketplaces.models import PackageQuery
from packstation.services.outbox.pusher import OutboxPusher
from packstation.services.packing.offline_cache import OfflineCache
from packstation.services.packing.read_model import PackageQueries
from packstation.services.packing.service import OpenOutcome
from packstation.services.sync.pull import PackageSync
from packstation.services.sync.rows import Received, upsert_packages
from tests.services.marketplaces.hb_rig import Rig, drain, pack, rig, stored, sync
from tests.support import wait_until

__all__ = ["rig"]  # the fixture, imported for pytest


def _rows(db: Database, rig: Rig) -> dict[str, PackageRow]:
    with db.sessions() as session:
        packages = session.scalars(select(PackageRow).where(PackageRow.account_id == rig.account_id)).all()
        for package in packages:
            _ = package.lines  # loaded before the session closes
        session.expunge_all()
    return {p.external_id: p for p in packages}


def _posts(rig: Rig) -> int:
    return sum(
        1
        for method, path, _params in rig.sim.requests
        if method == "POST" and path.endswith(rig.sim.config.merchant_id)
    )


def _printed(rig: Rig, number: str) -> None:
    wait_until(lambda: f"Paket: {number}".encode() in rig.zebra.received, timeout=20, what=f"HB's label of {number}")


def _packed_number(db: Database, rig: Rig, key: str) -> str:
    """The HB package number of ``key`` once the station made it (the label path packs it at HB)."""
    wait_until(lambda: stored(db, rig, key).marketplace_package_number, timeout=20, what=f"{key} packed at HB")
    return str(stored(db, rig, key).marketplace_package_number)


def test_an_unpacked_package_comes_back_as_new_work_and_is_packed_again(db: Database, rig: Rig) -> None:
    order = rig.sim.add_order(lines=2, carrier="HepsiJet")
    rig.sim_lines = {order: rig.sim.lines_of(order)}
    sync(db, rig)
    pack(rig, order)
    number = _packed_number(db, rig, order)
    _printed(rig, number)
    drain(rig)

    rig.sim.unpack(number)  # on HB's panel: the package is undone, its lines are open again
    result = PackageSync(db.sessions).sync_account(rig.account_id, rig.client)
    # The packer is told the parcel was replaced (not cancelled): its label is void.
    assert [(s.external_id, s.status) for s in result.superseded] == [(order, PackageStatus.UNPACKED)]
    rows = _rows(db, rig)
    spent, again = rows[order], rows[f"{order}/{number}"]
    assert spent.status == PackageStatus.CANCELLED.value and spent.packed_at is not None  # its history stays
    assert spent.marketplace_package_number == number
    assert again.status == PackageStatus.CREATED.value and again.packed_at is None
    assert again.origin_package_id == spent.id and again.marketplace_package_number is None
    assert {ln.external_line_id for ln in again.lines} == {ln.external_line_id for ln in spent.lines}
    # Stable: a second sync neither flaps nor makes more work.
    second = PackageSync(db.sessions).sync_account(rig.account_id, rig.client)
    assert not second.superseded and set(_rows(db, rig)) == {order, f"{order}/{number}"}

    rig.sim_lines[again.external_id] = rig.sim.lines_of(order)
    pack(rig, again.external_id)
    renewed = _packed_number(db, rig, again.external_id)
    assert renewed != number
    _printed(rig, renewed)
    drain(rig)
    OutboxPusher(db.sessions, lambda _account: rig.client).push()
    assert _posts(rig) == 2  # packed twice at HB, once per parcel
    sync(db, rig)
    rows = _rows(db, rig)
    assert set(rows) == {order, again.external_id}
    assert rows[again.external_id].status == PackageStatus.PICKING.value
    assert rows[order].status == PackageStatus.CANCELLED.value
    rig.sim.ship(renewed)
    sync(db, rig)
    assert stored(db, rig, again.external_id).status == PackageStatus.SHIPPED.value


def test_an_auto_packing_merchants_unpacked_package_follows_hb(db: Database, rig: Rig) -> None:
    rig.sim.config.auto_pack = True
    order = rig.sim.add_order(lines=1, carrier="Aras Kargo")
    sync(db, rig)
    (number,) = rig.sim.packages
    assert stored(db, rig, order).marketplace_package_number == number  # stored from /packages
    rig.sim.unpack(number)  # HB packs the lines again at once: a new package number
    (renewed,) = (n for n, p in rig.sim.packages.items() if p.status == "Packaged")
    sync(db, rig)
    rows = _rows(db, rig)
    assert rows[order].status == PackageStatus.CANCELLED.value
    follower = rows[f"{order}/{number}"]
    assert follower.status == PackageStatus.PICKING.value and follower.marketplace_package_number == renewed
    assert follower.origin_package_id == rows[order].id


def test_orders_to_one_delivery_are_packed_as_one_parcel(db: Database, rig: Rig) -> None:
    first = rig.sim.add_order(lines=2, carrier="HepsiJet")
    second = rig.sim.add_order(lines=1, like=first)  # the customer orders again before the parcel left
    lines = rig.sim.lines_of(first) + rig.sim.lines_of(second)
    rig.sim_lines = {first: lines}
    sync(db, rig)
    rows = _rows(db, rig)
    assert set(rows) == {first}  # one parcel, keyed by the older order
    assert {ln.external_line_id for ln in rows[first].lines} == {line["id"] for line in lines}
    pack(rig, first)
    number = _packed_number(db, rig, first)
    _printed(rig, number)
    assert {line["orderNumber"] for line in rig.sim.packages[number].lines} == {first, second}
    drain(rig)
    OutboxPusher(db.sessions, lambda _account: rig.client).push()
    assert _posts(rig) == 1 and len(rig.sim.packages) == 1
    # HB lists the package with both orders: it lands on the parcel, not on a new row keyed by its number.
    sync(db, rig)
    assert set(_rows(db, rig)) == {first}
    assert stored(db, rig, first).status == PackageStatus.PICKING.value
    rig.sim.ship(number)
    sync(db, rig)
    assert stored(db, rig, first).status == PackageStatus.SHIPPED.value


def test_a_later_order_joins_an_untouched_parcel_never_one_being_packed(db: Database, rig: Rig) -> None:
    first = rig.sim.add_order(lines=1, carrier="HepsiJet")
    sync(db, rig)
    second = rig.sim.add_order(lines=1, like=first)
    sync(db, rig)
    rows = _rows(db, rig)
    assert set(rows) == {first} and len(rows[first].lines) == 2
    opened = rig.packing.open(first, user_id=None)  # a packer starts on it
    assert opened.outcome is OpenOutcome.OPENED
    third = rig.sim.add_order(lines=1, like=first)
    sync(db, rig)
    rows = _rows(db, rig)
    assert set(rows) == {first, third}
    assert {ln.external_line_id for ln in rows[first].lines} == {
        line["id"] for order in (first, second) for line in rig.sim.lines_of(order)
    }


def test_a_cancelled_order_stops_the_combined_parcel_and_the_rest_is_new_work(db: Database, rig: Rig) -> None:
    first = rig.sim.add_order(lines=1, carrier="Aras Kargo")
    second = rig.sim.add_order(lines=1, like=first)
    kept = {line["id"] for line in rig.sim.lines_of(first)}
    sync(db, rig)
    rig.sim.cancel_order(second)
    result = PackageSync(db.sessions).sync_account(rig.account_id, rig.client)
    assert [s.external_id for s in result.superseded] == [first]
    rest = f"{first}/{lines_digest(kept)}"
    rows = _rows(db, rig)
    assert rows[first].status == PackageStatus.CANCELLED.value
    assert rows[rest].status == PackageStatus.CREATED.value
    assert {ln.external_line_id for ln in rows[rest].lines} == kept
    assert not PackageSync(db.sessions).sync_account(rig.account_id, rig.client).superseded


def test_combining_can_be_switched_off(db: Database, rig: Rig) -> None:
    rig.client.config = replace(rig.client.config, combine_orders=False)
    first = rig.sim.add_order(lines=1, carrier="HepsiJet")
    second = rig.sim.add_order(lines=1, like=first)
    sync(db, rig)
    assert set(_rows(db, rig)) == {first, second}


def test_a_shared_barcode_given_as_a_picture_prints_as_a_zpl_graphic(db: Database, rig: Rig) -> None:
    rig.sim.config.picture_only_carriers = frozenset({"Aras Kargo"})
    order = rig.sim.add_order(lines=1, carrier="Aras Kargo")
    rig.sim_lines = {order: rig.sim.lines_of(order)}
    sync(db, rig)
    pack(rig, order)
    wait_until(lambda: b"^GFA," in rig.zebra.received, timeout=20, what="the picture label printed")
    assert not rig.problems
    number = _packed_number(db, rig, order)
    label = rig.zebra.received[rig.zebra.received.index(b"^XA^PW") :]
    label = label[: label.index(b"^XZ") + 3]
    document = zplkit.render(label, zplkit.Options(width=800, height=1200, dpi=203), limits=Limits(graphic_bytes=10**6))
    image = Image.open(io.BytesIO(document.labels[0].png()))
    assert [result.text for result in zxingcpp.read_barcodes(image)] == [rig.sim.packages[number].barcode]
    # The label request asked for the printer's format; HB's carrier answered with a picture.
    asked = [params.get("format") for method, path, params in rig.sim.requests if path.endswith("/labels")]
    assert asked == ["base64zpl"]


class _Blind:
    """A LocalView that sees nothing held: what a sync saw an instant before a packer claimed the parcel."""

    def held(self, keys: object) -> dict[str, object]:
        return {}

    def keys_by_number(self, numbers: object) -> dict[str, str]:
        return {}


def test_a_line_never_joins_a_parcel_being_packed_even_in_a_race(db: Database, rig: Rig) -> None:
    first = rig.sim.add_order(lines=1, carrier="HepsiJet")
    sync(db, rig)
    assert rig.packing.open(first, user_id=None).outcome is OpenOutcome.OPENED  # claimed now
    rig.sim.add_order(lines=1, like=first)
    pages = list(rig.client.iter_package_pages(PackageQuery(local=_Blind())))  # type: ignore[arg-type]
    (listed,) = [p for page in pages for p in page.packages]
    assert listed.package_id == first and len(listed.lines) == 2  # combined on a stale view
    with db.sessions.begin() as session:
        upsert_packages(session, rig.account_id, [Received(listed)], {})
    assert len(_rows(db, rig)[first].lines) == 1  # the box being packed keeps the lines the packer sees


def test_a_combined_parcel_opens_by_any_of_its_order_numbers_and_hbs_package_number(
    db: Database, rig: Rig, tmp_path: Path
) -> None:
    first = rig.sim.add_order(lines=1, carrier="HepsiJet")
    second = rig.sim.add_order(lines=2, like=first)
    third = rig.sim.add_order(lines=1, like=first)
    sync(db, rig)
    assert set(_rows(db, rig)) == {first}
    parcel = stored(db, rig, first).id
    queries = PackageQueries(db.sessions)
    for order in (first, second, third):
        assert [found.id for found in queries.find_by_code(order)] == [parcel], order
    # Offline too: the station's cache opens it by the other orders' numbers.
    cache = OfflineCache(tmp_path / "cache.sqlite3")
    cache.refresh(db.sessions, full=True)
    for order in (first, second, third):
        assert [found.id for found in cache.find_by_code(order)] == [parcel], order

    # The packer holds the youngest order's papers: the same parcel opens, with every order's lines.
    rig.sim_lines = {third: rig.sim.lines_of(first) + rig.sim.lines_of(second) + rig.sim.lines_of(third)}
    opened = rig.packing.open(third, user_id=None)
    assert opened.outcome is OpenOutcome.OPENED and opened.package is not None
    assert opened.package.id == parcel and len(opened.package.lines) == 4
    rig.packing.abort(user_id=None)
    drain(rig)
    pack(rig, third)
    number = _packed_number(db, rig, first)
    _printed(rig, number)
    drain(rig)
    OutboxPusher(db.sessions, lambda _account: rig.client).push()
    sync(db, rig)  # HB lists the package: its delivery barcode arrives
    tracking = stored(db, rig, first).cargo_tracking_number
    assert tracking
    for code in (number, tracking, second):
        assert [found.id for found in queries.find_by_code(code)] == [parcel], code
    # Packed now: a second scan of any of its codes says so instead of opening a new parcel.
    again = rig.packing.open(second, user_id=None)
    assert again.outcome is OpenOutcome.ALREADY_PACKED, again.message
