"""Trendyol's common label needs the package Picking: the label source sends Picking first, once, through the
outbox row's business key (the Trendyol stand-in over HTTP, the real PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from packstation.db.connect import Database
from packstation.db.models.packages import PackageRow
from packstation.db.models.sync import OutboxEntry
from packstation.domain.marketplace import LabelFormat
from packstation.domain.status import OutboxKind, OutboxState, PackageStatus
from packstation.services.marketplaces import TrendyolClient
from packstation.services.marketplaces.errors import MarketplaceError
from packstation.services.outbox.picking_first import PickingFirst
from packstation.services.outbox.pusher import OutboxPusher
from packstation.services.outbox.rows import picking_key
from packstation.services.packing.model import OpenedPackage
from packstation.services.packing.source import PostgresPackageSource
from packstation.services.printing.marketplace_label import marketplace_label_source
from packstation.services.sync.pull import PackageSync
from packstation.simulators.trendyol import FaultKind, FaultPlan, SimulatedMarketplace
from packstation.simulators.trendyol.trendyol_api import LABEL_PREFIXES


@pytest.fixture
def synced(db: Database, client: TrendyolClient, account_id: int) -> int:
    PackageSync(db.sessions).sync_account(account_id, client)
    return account_id


def _labelled(sim: SimulatedMarketplace, status: PackageStatus, skip: int = 0) -> int:
    """A package of ``status`` that gets Trendyol's common label (TEX/Aras, Trendyol pays)."""
    found = [
        i
        for i in sim.matching_ids()
        if (p := sim.package(i)) is not None
        and p.status is status
        and p.carrier_prefix in LABEL_PREFIXES
        and not p.seller_pays
    ]
    return found[skip]


def _opened(db: Database, remote: int) -> OpenedPackage:
    """The package as the pack screen opens it (the label source gets this)."""
    with db.sessions() as session:
        package_id = session.scalars(select(PackageRow.id).where(PackageRow.external_id == str(remote))).one()
    loaded = PostgresPackageSource(db.sessions).load(package_id)
    assert loaded is not None
    return loaded.package


def _pump_writes_picking_row(db: Database, account_id: int, package_id: int) -> None:
    """What the journal pump writes when it applies the parcel's open (ON CONFLICT DO NOTHING, as there)."""
    outbox = OutboxEntry.__table__
    with db.sessions.begin() as session:
        session.execute(
            insert(outbox)
            .values(
                account_id=account_id,
                kind=OutboxKind.STATUS.value,
                business_key=picking_key(package_id),
                package_id=package_id,
                payload={"status": "Picking"},
            )
            .on_conflict_do_nothing(index_elements=[outbox.c.business_key])
        )


def _row(db: Database, package_id: int) -> OutboxEntry:
    with db.sessions() as session:
        row = session.scalars(select(OutboxEntry).where(OutboxEntry.business_key == picking_key(package_id))).one()
        session.expunge(row)
        return row


def _accepted_puts(sim: SimulatedMarketplace, remote: int) -> int:
    return len([r for r in sim.requests_to("PUT", f"/shipment-packages/{remote}") if r.status < 300])


def test_without_picking_first_trendyol_refuses_the_common_label(
    db: Database, sim: SimulatedMarketplace, client: TrendyolClient, synced: int
) -> None:
    remote = _labelled(sim, PackageStatus.CREATED)
    package = _opened(db, remote)
    with pytest.raises(MarketplaceError, match="Picking"):
        client.label_for(package.external_id, package.cargo_tracking_number)


def test_the_label_of_a_created_parcel_comes_after_picking_sent_once_before_the_pump_wrote_its_row(
    db: Database, sim: SimulatedMarketplace, client: TrendyolClient, synced: int
) -> None:
    remote = _labelled(sim, PackageStatus.CREATED)
    package = _opened(db, remote)
    fetch = marketplace_label_source(lambda _account: client, db.sessions)
    label = fetch(package, LabelFormat.ZPL, 1)
    assert label is not None and label.documents and b"^XA" in label.documents[0]
    assert sim.package(remote).status is PackageStatus.PICKING  # type: ignore[union-attr]
    assert _row(db, package.id).state == OutboxState.DONE.value
    # The pump applies the open afterwards: its row is the one already done, and the pusher sends nothing.
    _pump_writes_picking_row(db, synced, package.id)
    assert OutboxPusher(db.sessions, lambda _account: client).push(include_waiting=True).sent == 0
    assert fetch(package, LabelFormat.ZPL, 1) is not None  # a reprint: Picking is not sent again
    assert _accepted_puts(sim, remote) == 1
    assert len(sim.requests_to("PUT", f"/shipment-packages/{remote}")) == 1


def test_a_pending_outbox_row_is_taken_over_and_the_pusher_does_not_send_it_again(
    db: Database, sim: SimulatedMarketplace, client: TrendyolClient, synced: int
) -> None:
    remote = _labelled(sim, PackageStatus.CREATED, skip=1)
    package = _opened(db, remote)
    _pump_writes_picking_row(db, synced, package.id)
    assert PickingFirst(db.sessions).ensure(client, package) is True
    row = _row(db, package.id)
    assert row.state == OutboxState.DONE.value and row.attempts == 1
    assert OutboxPusher(db.sessions, lambda _account: client).push(include_waiting=True).sent == 0
    with db.sessions() as session:
        assert session.get(PackageRow, package.id).status == PackageStatus.PICKING.value  # type: ignore[union-attr]
    assert len(sim.requests_to("PUT", f"/shipment-packages/{remote}")) == 1


def test_a_parcel_trendyol_already_holds_as_picking_costs_no_status_call(
    db: Database, sim: SimulatedMarketplace, client: TrendyolClient, synced: int
) -> None:
    remote = _labelled(sim, PackageStatus.PICKING)
    package = _opened(db, remote)
    assert marketplace_label_source(lambda _account: client, db.sessions)(package, LabelFormat.ZPL, 1) is not None
    assert sim.requests_to("PUT", f"/shipment-packages/{remote}") == []


def test_trendyol_unreachable_leaves_the_row_to_the_pusher_which_sends_it_once_later(
    db: Database, sim: SimulatedMarketplace, client: TrendyolClient, synced: int
) -> None:
    remote = _labelled(sim, PackageStatus.CREATED, skip=2)
    package = _opened(db, remote)
    _pump_writes_picking_row(db, synced, package.id)
    sim.inject(FaultPlan(FaultKind.SERVER_ERROR, count=50, method="PUT"))
    with pytest.raises(MarketplaceError):
        marketplace_label_source(lambda _account: client, db.sessions)(package, LabelFormat.ZPL, 1)
    row = _row(db, package.id)
    assert row.state == OutboxState.PENDING.value and row.last_error
    sim.faults.clear()
    assert OutboxPusher(db.sessions, lambda _account: client).push(include_waiting=True).sent == 1
    assert sim.package(remote).status is PackageStatus.PICKING  # type: ignore[union-attr]
    assert _accepted_puts(sim, remote) == 1


def test_taking_the_row_while_the_pump_applies_the_same_parcel_waits_for_it_and_does_not_deadlock(
    db: Database, sim: SimulatedMarketplace, synced: int
) -> None:
    """The pump locks the package, then writes its Picking row; the label's claim must take the same order."""
    import threading

    from sqlalchemy import text

    package = _opened(db, _labelled(sim, PackageStatus.CREATED))
    pump = db.engine.connect()
    pump_tx = pump.begin()
    pump.execute(text("SET LOCAL lock_timeout = '5s'"))
    pump.execute(select(PackageRow.id).where(PackageRow.id == package.id).with_for_update())
    outcome: list[object] = []

    def claim() -> None:
        try:
            outcome.append(PickingFirst(db.sessions)._take_row(package.id, picking_key(package.id)))
        except Exception as exc:  # a deadlock victim lands here
            outcome.append(exc)

    label = threading.Thread(target=claim)
    label.start()
    try:
        label.join(timeout=0.5)  # the label's claim is now waiting for the pump's lock on the package
        assert not outcome, ("the claim must wait for the pump's lock on the package", outcome)
        pump.execute(
            insert(OutboxEntry.__table__)
            .values(
                account_id=synced,
                kind=OutboxKind.STATUS.value,
                business_key=picking_key(package.id),
                package_id=package.id,
                payload={"status": "Picking"},
            )
            .on_conflict_do_nothing(index_elements=[OutboxEntry.__table__.c.business_key])
        )
        pump_tx.commit()
    finally:
        if pump_tx.is_active:
            pump_tx.rollback()
        pump.close()
        label.join(timeout=10)
    assert isinstance(outcome[0], tuple), f"the label's claim failed: {outcome[0]}"
    state, row_id = outcome[0]
    assert state is None and row_id == _row(db, package.id).id, outcome
    assert _row(db, package.id).state == OutboxState.IN_FLIGHT.value
