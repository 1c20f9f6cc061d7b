"""Hepsiburada end to end: the strict HB stand-in → the real sync → real PostgreSQL → a packer at a
station (PackingService) → the package created at HB → its label on a TCP printer stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow
from packstation.db.models.packages import PackageRow
from packstation.db.models.sync import OutboxEntry
from packstation.devices.printers.print_queue import PrintQueue
from packstation.domain.events import LabelPreview, LabelProblem
from packstation.domain.status import PackageStatus
from packstation.local_store.journal import Journal
from packstation.services.access.audit import AuditLog
from packstation.services.journal.pump import JournalPump
from packstation.services.labels import LabelService
from packstation.services.marketplaces import RetryPolicy, Timeouts
from packstation.services.marketplaces.hepsiburada.client import HepsiburadaClient
from packstation.services.marketplaces.hepsiburada.config import HepsiburadaConfig
from packstation.services.outbox.pusher import OutboxPusher
from packstation.services.packing.claims import ClaimService
from packstation.services.packing.service import OpenOutcome, PackingService, ScanOutcome
from packstation.services.printing.dispatch import LabelDispatcher
from packstation.services.printing.marketplace_label import marketplace_label_source
from packstation.services.station.heartbeat import StationService
from packstation.services.sync.pull import PackageSync
from packstation.simulators.hepsiburada import HepsiburadaServer, SimConfig, SimulatedHepsiburada, sim_credentials
from tests.support import wait_until
from tests.support.zebra_sim import ZebraSimulator

ACCOUNT = "hb-magaza"


@dataclass
class Rig:
    """The stand-in, the client, the database account and one station."""

    sim: SimulatedHepsiburada
    client: HepsiburadaClient
    account_id: int
    packing: PackingService
    zebra: ZebraSimulator
    journal: Journal
    pump: JournalPump
    previews: list[LabelPreview]
    problems: list[LabelProblem]


@pytest.fixture
def rig(db: Database, tmp_path: Path) -> Iterator[Rig]:
    sim = SimulatedHepsiburada(SimConfig(orders=0, seed=3))
    with HepsiburadaServer(sim) as server:
        config = HepsiburadaConfig(
            oms_url=server.base_url,
            retry=RetryPolicy(max_attempts=3, base_delay=0.001, max_delay=0.01, max_total=5.0),
            timeouts=Timeouts(2, 5, 5, 2),
        )
        client = HepsiburadaClient(sim_credentials(sim), config=config)
        with db.sessions.begin() as session:
            company = ClientCompany(name="Güllü Ayakkabı")
            session.add(company)
            session.flush()
            account = MarketplaceAccountRow(
                name=ACCOUNT,
                kind="hepsiburada",
                seller_id=sim.config.merchant_id,
                base_url=server.base_url,
                client_company_id=company.id,
            )
            session.add(account)
            session.flush()
            account_id = account.id
        zebra = ZebraSimulator()
        labels = LabelService()
        queue = PrintQueue(tmp_path / "jobs.sqlite3", setup_job=labels.font_job())
        queue.start()
        previews: list[LabelPreview] = []
        problems: list[LabelProblem] = []
        jobs = SimpleNamespace(clients=SimpleNamespace(by_name=lambda name: client))
        dispatcher = LabelDispatcher(
            labels,
            queue,
            printer_uri=zebra.uri,
            on_preview=previews.append,
            on_problem=problems.append,
            marketplace_label=marketplace_label_source(jobs, db.sessions),  # type: ignore[arg-type]
        )
        station_id = StationService(db.sessions, name="istasyon-1", audit=AuditLog(db.sessions)).register()
        journal = Journal(tmp_path / "journal.sqlite3")
        pump = JournalPump(journal, db.sessions, idle_interval_s=0.1, max_backoff_s=0.5)
        packing = PackingService(
            db.sessions,
            journal=journal,
            claims=ClaimService(db.sessions, station_id=station_id, lease=timedelta(minutes=5)),
            station="istasyon-1",
            clock=lambda: datetime.now(UTC),
            on_journaled=pump.wake,
            on_completed=dispatcher.on_completed,
        )
        pump.start()
        try:
            yield Rig(sim, client, account_id, packing, zebra, journal, pump, previews, problems)
        finally:
            pump.stop()
            dispatcher.close()
            queue.stop()
            zebra.close()
            client.close()


def _pack(rig: Rig, order_number: str) -> None:
    opened = rig.packing.open(order_number, user_id=None)
    assert opened.outcome is OpenOutcome.OPENED, opened.message
    for line in rig.sim_lines[order_number]:  # type: ignore[attr-defined]
        for _ in range(line["quantity"]):
            result = rig.packing.scan(line["productBarcode"], user_id=None)
            assert result.outcome is ScanOutcome.ACCEPTED, result.message
    assert rig.packing.session is not None and rig.packing.session.is_complete


def _sync(db: Database, rig: Rig) -> None:
    PackageSync(db.sessions).sync_account(rig.account_id, rig.client)


def _stored(db: Database, rig: Rig, order_number: str) -> PackageRow:
    with db.sessions() as session:
        package = session.scalars(
            select(PackageRow).where(PackageRow.account_id == rig.account_id, PackageRow.external_id == order_number)
        ).one()
        session.expunge(package)
        return package


def _drain(rig: Rig) -> None:
    wait_until(lambda: not rig.journal.stats().pending, timeout=30, interval=0.1, what="the journal to drain")


def test_sync_pack_create_and_print_hbs_label(db: Database, rig: Rig) -> None:
    order = rig.sim.add_order(lines=2, carrier="HepsiJet")
    rig.sim_lines = {order: rig.sim.lines_of(order)}  # type: ignore[attr-defined]
    _sync(db, rig)
    with db.sessions() as session:
        names = session.scalars(select(PackageRow).where(PackageRow.external_id == order)).one().lines
        assert all(line.product_name and line.stock_code for line in names)  # spec names read
    _pack(rig, order)
    wait_until(lambda: b"^FDHepsiJet^FS" in rig.zebra.received, timeout=20, what="HB's label printed")
    number = _stored(db, rig, order).marketplace_package_number
    assert number is not None and number in rig.sim.packages
    assert f"Paket: {number}".encode() in rig.zebra.received
    assert not rig.sim.lines_of(order)  # the lines left HB's queue
    assert not rig.problems and rig.previews[0].note == ""
    # The Packed status goes out through the outbox: it finds the package made, and makes no second one.
    _drain(rig)
    with db.sessions() as session:
        assert session.scalar(select(OutboxEntry.id).where(OutboxEntry.account_id == rig.account_id)) is not None
    OutboxPusher(db.sessions, lambda _account: rig.client).push()
    posts = [r for r in rig.sim.requests if r[0] == "POST"]
    assert len(posts) == 1 and len(rig.sim.packages) == 1
    # After packing, the local status follows HB: packed, then in transit, then delivered.
    _sync(db, rig)
    assert _stored(db, rig, order).status == PackageStatus.PICKING.value
    rig.sim.ship(number)
    _sync(db, rig)
    assert _stored(db, rig, order).status == PackageStatus.SHIPPED.value
    rig.sim.deliver(number)
    _sync(db, rig)
    assert _stored(db, rig, order).status == PackageStatus.DELIVERED.value


def test_a_carrier_without_shared_barcodes_prints_ours_with_the_reason(db: Database, rig: Rig) -> None:
    order = rig.sim.add_order(lines=1, carrier="Yurtiçi Kargo")
    rig.sim_lines = {order: rig.sim.lines_of(order)}  # type: ignore[attr-defined]
    _sync(db, rig)
    _pack(rig, order)
    wait_until(lambda: bool(rig.previews) or bool(rig.problems), timeout=20, what="a label")
    assert not rig.problems
    assert "mutual barcodes" in rig.previews[0].note
    wait_until(lambda: order.encode() in rig.zebra.received, timeout=20, what="our label printed")
    number = _stored(db, rig, order).marketplace_package_number
    assert number in rig.sim.packages
    # Our label carries HB's delivery barcode, made when the package was created.
    assert rig.sim.packages[number].barcode.encode() in rig.zebra.received
    assert _stored(db, rig, order).cargo_tracking_number == rig.sim.packages[number].barcode


def test_a_customer_cancellation_stops_the_parcel(db: Database, rig: Rig) -> None:
    order = rig.sim.add_order(lines=1, carrier="Aras Kargo")
    _sync(db, rig)
    opened = rig.packing.open(order, user_id=None)
    assert opened.outcome is OpenOutcome.OPENED
    rig.sim.cancel_order(order)
    result = PackageSync(db.sessions).sync_account(rig.account_id, rig.client)
    assert [s.external_id for s in result.superseded] == [order]
    assert _stored(db, rig, order).status == PackageStatus.CANCELLED.value


def test_catch_up_after_downtime_loses_nothing(db: Database, rig: Rig) -> None:
    long_ago = datetime.now(UTC) - timedelta(days=30)
    orders = [rig.sim.add_order(at=long_ago + timedelta(days=day)) for day in range(0, 30, 3)]
    _sync(db, rig)
    with db.sessions() as session:
        stored = set(session.scalars(select(PackageRow.external_id).where(PackageRow.account_id == rig.account_id)))
    assert set(orders) <= stored


def test_auto_packed_packages_are_work_and_are_not_packed_twice(db: Database, rig: Rig) -> None:
    rig.sim.config.auto_pack = True  # HB packs the merchant's lines itself: /orders stays empty
    order = rig.sim.add_order(lines=2, carrier="Aras Kargo")
    rig.sim_lines = {order: next(iter(rig.sim.packages.values())).lines}  # type: ignore[attr-defined]
    _sync(db, rig)
    stored = _stored(db, rig, order)
    assert stored.status == PackageStatus.PICKING.value and stored.packed_at is None
    _pack(rig, order)
    (number,) = rig.sim.packages
    wait_until(lambda: f"Paket: {number}".encode() in rig.zebra.received, timeout=20, what="HB's label printed")
    _drain(rig)
    OutboxPusher(db.sessions, lambda _account: rig.client).push()
    assert not [r for r in rig.sim.requests if r[0] == "POST"]  # HB had packed it: nothing created again
    assert _stored(db, rig, order).marketplace_package_number == number


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
    _sync(db, rig)
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
    rig.sim_lines = {rest.external_id: lines[1:]}  # type: ignore[attr-defined]
    _pack(rig, rest.external_id)
    wait_until(lambda: b"^FDHepsiJet^FS" in rig.zebra.received, timeout=20, what="HB's label for the lines left")
    _sync(db, rig)
    assert _stored(db, rig, rest.external_id).status == PackageStatus.PICKING.value  # /packages keys it alike
