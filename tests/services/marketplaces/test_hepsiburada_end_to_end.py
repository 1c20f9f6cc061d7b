"""Hepsiburada end to end: the strict HB stand-in → the real sync → real PostgreSQL → a packer at a
station (PackingService) → the package created at HB → its label on a TCP printer stand-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.db.models.stock import StockLevel
from packstation.db.models.sync import OutboxEntry
from packstation.domain.status import OutboxState, PackageStatus
from packstation.domain.stock import StockReason
from packstation.services.outbox.pusher import OutboxPusher
from packstation.services.outbox.stock import enqueue_stock_push
from packstation.services.packing.service import OpenOutcome
from packstation.services.stock.movements import StockMove, apply_movements
from packstation.services.sync.pull import PackageSync
from tests.services.marketplaces.hb_rig import Rig, drain, pack, rig, stored, sync
from tests.support import wait_until

__all__ = ["rig"]  # the fixture, imported for pytest


def test_sync_pack_create_and_print_hbs_label(db: Database, rig: Rig) -> None:
    order = rig.sim.add_order(lines=2, carrier="HepsiJet")
    rig.sim_lines = {order: rig.sim.lines_of(order)}
    sync(db, rig)
    with db.sessions() as session:
        names = session.scalars(select(PackageRow).where(PackageRow.external_id == order)).one().lines
        assert all(line.product_name and line.stock_code for line in names)  # spec names read
    pack(rig, order)
    wait_until(lambda: b"^FDHepsiJet^FS" in rig.zebra.received, timeout=20, what="HB's label printed")
    number = stored(db, rig, order).marketplace_package_number
    assert number is not None and number in rig.sim.packages
    assert f"Paket: {number}".encode() in rig.zebra.received
    assert not rig.sim.lines_of(order)  # the lines left HB's queue
    assert not rig.problems and rig.previews[0].note == ""
    # The Packed status goes out through the outbox: it finds the package made, and makes no second one.
    drain(rig)
    with db.sessions() as session:
        assert session.scalar(select(OutboxEntry.id).where(OutboxEntry.account_id == rig.account_id)) is not None
    OutboxPusher(db.sessions, lambda _account: rig.client).push()
    posts = [r for r in rig.sim.requests if r[0] == "POST"]
    assert len(posts) == 1 and len(rig.sim.packages) == 1
    # After packing, the local status follows HB: packed, then in transit, then delivered.
    sync(db, rig)
    assert stored(db, rig, order).status == PackageStatus.PICKING.value
    rig.sim.ship(number)
    sync(db, rig)
    assert stored(db, rig, order).status == PackageStatus.SHIPPED.value
    rig.sim.deliver(number)
    sync(db, rig)
    assert stored(db, rig, order).status == PackageStatus.DELIVERED.value


def test_a_carrier_without_shared_barcodes_prints_ours_with_the_reason(db: Database, rig: Rig) -> None:
    order = rig.sim.add_order(lines=1, carrier="Yurtiçi Kargo")
    rig.sim_lines = {order: rig.sim.lines_of(order)}
    sync(db, rig)
    pack(rig, order)
    wait_until(lambda: bool(rig.previews) or bool(rig.problems), timeout=20, what="a label")
    assert not rig.problems
    assert "mutual barcodes" in rig.previews[0].note
    wait_until(lambda: order.encode() in rig.zebra.received, timeout=20, what="our label printed")
    number = stored(db, rig, order).marketplace_package_number
    assert number in rig.sim.packages
    # Our label carries HB's delivery barcode, made when the package was created.
    assert rig.sim.packages[number].barcode.encode() in rig.zebra.received
    assert stored(db, rig, order).cargo_tracking_number == rig.sim.packages[number].barcode


def test_a_customer_cancellation_stops_the_parcel(db: Database, rig: Rig) -> None:
    order = rig.sim.add_order(lines=1, carrier="Aras Kargo")
    sync(db, rig)
    opened = rig.packing.open(order, user_id=None)
    assert opened.outcome is OpenOutcome.OPENED
    rig.sim.cancel_order(order)
    result = PackageSync(db.sessions).sync_account(rig.account_id, rig.client)
    assert [s.external_id for s in result.superseded] == [order]
    assert stored(db, rig, order).status == PackageStatus.CANCELLED.value


def test_catch_up_after_downtime_loses_nothing(db: Database, rig: Rig) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=30)
    orders = [rig.sim.add_order(at=long_ago + timedelta(days=day)) for day in range(0, 30, 3)]
    sync(db, rig)
    with db.sessions() as session:
        keys = set(session.scalars(select(PackageRow.external_id).where(PackageRow.account_id == rig.account_id)))
    assert set(orders) <= keys


def test_auto_packed_packages_are_work_and_are_not_packed_twice(db: Database, rig: Rig) -> None:
    rig.sim.config.auto_pack = True  # HB packs the merchant's lines itself: /orders stays empty
    order = rig.sim.add_order(lines=2, carrier="Aras Kargo")
    rig.sim_lines = {order: next(iter(rig.sim.packages.values())).lines}
    sync(db, rig)
    listed = stored(db, rig, order)
    assert listed.status == PackageStatus.PICKING.value and listed.packed_at is None
    pack(rig, order)
    (number,) = rig.sim.packages
    wait_until(lambda: f"Paket: {number}".encode() in rig.zebra.received, timeout=20, what="HB's label printed")
    drain(rig)
    OutboxPusher(db.sessions, lambda _account: rig.client).push()
    assert not [r for r in rig.sim.requests if r[0] == "POST"]  # HB had packed it: nothing created again
    assert stored(db, rig, order).marketplace_package_number == number


def test_poison_packages_do_not_stop_intake(db: Database, rig: Rig) -> None:
    rig.sim.config.auto_pack = True
    good = [rig.sim.add_order(lines=1) for _ in range(3)]
    listed = [rig.sim.package_json(p) for p in rig.sim.packages.values()]
    no_lines = dict(listed[0], packageNumber="5000099991", items=[])
    long_tracking = dict(listed[0], packageNumber="5000099992", barcode="9" * 10_000)
    nul = dict(listed[1], items=[dict(listed[1]["items"][0], productName="Çanta\x00 Siyah\x07")])
    rig.sim.raw_packages = [no_lines, long_tracking]
    rig.sim.packages.pop(listed[1]["packageNumber"])
    rig.sim.raw_packages.append(nul)
    result = PackageSync(db.sessions).sync_account(rig.account_id, rig.client)
    assert result.written == 3
    # Set aside by name (a sync exception each), the rest landed.
    assert sorted(item.package_id for item in result.set_aside) == ["5000099991", "5000099992"]
    with db.sessions() as session:
        stored = {
            p.external_id: p for p in session.scalars(select(PackageRow).where(PackageRow.account_id == rig.account_id))
        }
        assert set(stored) == set(good)
        assert stored[good[1]].lines[0].product_name == "Çanta Siyah"


def test_a_partial_cancellation_stops_the_parcel_and_the_lines_left_are_new_work(db: Database, rig: Rig) -> None:
    order = rig.sim.add_order(lines=3, carrier="HepsiJet")
    sync(db, rig)
    lines = rig.sim.lines_of(order)
    with rig.sim._lock:  # the customer cancels one line of three
        line = rig.sim.open_lines.pop(lines[0]["id"])
        rig.sim.cancelled.append(
            {
                "orderNumber": order,
                "lineItemId": line["id"],
                "cancelDate": line["orderDate"],
                "cancelledBy": "Customer",
                "cancelReasonCode": "CustomerRequest",
                "merchantId": line["merchantId"],
                "quantity": line["quantity"],
                "sku": line["sku"],
                "merchantSku": line["merchantSKU"],
            }
        )
    first = PackageSync(db.sessions).sync_account(rig.account_id, rig.client)
    assert [s.external_id for s in first.superseded] == [order]
    second = PackageSync(db.sessions).sync_account(rig.account_id, rig.client)
    assert not second.superseded  # no flapping between syncs
    with db.sessions() as session:
        rows = {p.external_id: p for p in session.scalars(select(PackageRow).where(PackageRow.order_number == order))}
        assert rows[order].status == PackageStatus.CANCELLED.value
        (rest,) = [p for key, p in rows.items() if key != order]
        assert rest.status == PackageStatus.CREATED.value
        assert {ln.external_line_id for ln in rest.lines} == {ln["id"] for ln in lines[1:]}
    rig.sim_lines = {rest.external_id: lines[1:]}
    pack(rig, rest.external_id)
    wait_until(lambda: b"^FDHepsiJet^FS" in rig.zebra.received, timeout=20, what="HB's label for the lines left")
    sync(db, rig)
    assert stored(db, rig, rest.external_id).status == PackageStatus.PICKING.value  # /packages keys it alike


def test_stock_reaches_hb_keyed_by_the_sku_the_open_lines_carry(db: Database, rig: Rig) -> None:
    order = rig.sim.add_order(lines=2, carrier="HepsiJet")
    sync(db, rig)
    with db.sessions.begin() as session:
        lines = session.scalars(
            select(PackageLineRow)
            .join(PackageRow)
            .where(PackageRow.account_id == rig.account_id, PackageRow.order_number == order)
        ).all()
        moves = []
        for number, line in enumerate(lines):
            assert line.product_id is not None
            moves.append(StockMove(line.product_id, 7 + number, StockReason.COUNT))
        apply_movements(session, moves)
    with db.sessions() as session:
        # What is pushed is what can be sold: on hand less what the open order itself reserved.
        levels = {level.product_id: level.quantity - level.reserved for level in session.scalars(select(StockLevel))}
        skus = {line.stock_code: levels[line.product_id] for line in lines if line.product_id is not None}
    queued = enqueue_stock_push(db.sessions, account_ids=[rig.account_id])
    pusher = OutboxPusher(db.sessions, lambda _account: rig.client)
    assert pusher.push().sent == 1
    assert rig.sim.stock == skus  # merchantSKU from /orders: HB knows the listing by it
    assert pusher.push(include_waiting=True).settled == 1
    with db.sessions() as session:
        entry = session.get(OutboxEntry, queued[rig.account_id])
        assert entry is not None and entry.state == OutboxState.DONE.value
