"""The outbox pusher against the simulated Trendyol and the real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.packages import PackageLineRow, PackageRow, PackException
from packstation.db.models.stock import StockLevel
from packstation.db.models.sync import OutboxEntry
from packstation.domain.status import ExceptionKind, OutboxKind, OutboxState, PackageStatus
from packstation.services.marketplaces import TrendyolClient
from packstation.services.outbox.pusher import OutboxPusher, PushSettings
from packstation.services.outbox.stock import enqueue_stock_push
from packstation.services.sync.pull import PackageSync
from packstation.simulators.trendyol import FaultKind, FaultPlan, SimulatedMarketplace


@pytest.fixture
def synced(db: Database, client: TrendyolClient, account_id: int) -> int:
    """The simulator's packages stored; returns the account id."""
    PackageSync(db.sessions).sync_account(account_id, client)
    return account_id


def _created(db: Database, sim: SimulatedMarketplace, skip: int = 0) -> tuple[int, int]:
    """(database id, simulator id) of a Created package."""
    created = [i for i in sim.matching_ids() if sim.package(i).status is PackageStatus.CREATED]  # type: ignore[union-attr]
    remote = created[skip]
    with db.sessions() as session:
        return session.scalars(select(PackageRow.id).where(PackageRow.external_id == str(remote))).one(), remote


def _queue(db: Database, account_id: int, package_id: int | None, key: str, *, kind: OutboxKind, payload: dict) -> int:
    with db.sessions.begin() as session:
        entry = OutboxEntry(
            account_id=account_id, kind=kind.value, business_key=key, package_id=package_id, payload=payload
        )
        session.add(entry)
        session.flush()
        return entry.id


def _entry(db: Database, entry_id: int) -> OutboxEntry:
    with db.sessions() as session:
        entry = session.get(OutboxEntry, entry_id)
        assert entry is not None
        session.expunge(entry)
        return entry


def test_picking_then_packed_without_invoice_number_stops_at_picking_with_a_note(
    db: Database, sim: SimulatedMarketplace, client: TrendyolClient, synced: int
) -> None:
    package_id, remote = _created(db, sim)
    picking = _queue(
        db, synced, package_id, f"{package_id}:picking", kind=OutboxKind.STATUS, payload={"status": "Picking"}
    )
    packed = _queue(
        db, synced, package_id, f"{package_id}:packed", kind=OutboxKind.STATUS, payload={"status": "Packed"}
    )
    result = OutboxPusher(db.sessions, lambda _account: client).push()
    assert (result.sent, result.settled, result.failed) == (1, 1, 0)
    assert sim.package(remote).status is PackageStatus.PICKING  # type: ignore[union-attr]
    assert len(sim.requests_to("PUT", f"/shipment-packages/{remote}")) == 1
    assert _entry(db, picking).state == OutboxState.DONE.value
    settled = _entry(db, packed)
    assert settled.state == OutboxState.DONE.value and "invoice number" in settled.payload["note"]
    assert OutboxPusher(db.sessions, lambda _account: client).push().sent == 0  # nothing left


def test_packed_with_a_known_invoice_number_goes_to_invoiced(
    db: Database, sim: SimulatedMarketplace, client: TrendyolClient, synced: int
) -> None:
    package_id, remote = _created(db, sim)
    packed = _queue(
        db, synced, package_id, f"{package_id}:packed", kind=OutboxKind.STATUS, payload={"status": "Packed"}
    )
    pusher = OutboxPusher(db.sessions, lambda _account: client, invoice_numbers={package_id: "EME2026000000042"}.get)
    assert pusher.push().sent == 1
    assert sim.package(remote).status is PackageStatus.INVOICED  # type: ignore[union-attr]
    assert _entry(db, packed).remote_reference == "EME2026000000042"


def test_transient_failure_backs_off_and_holds_the_packages_later_rows(
    db: Database, sim: SimulatedMarketplace, client: TrendyolClient, synced: int
) -> None:
    package_id, remote = _created(db, sim)
    picking = _queue(
        db, synced, package_id, f"{package_id}:picking", kind=OutboxKind.STATUS, payload={"status": "Picking"}
    )
    packed = _queue(
        db, synced, package_id, f"{package_id}:packed", kind=OutboxKind.STATUS, payload={"status": "Packed"}
    )
    sim.inject(FaultPlan(FaultKind.SERVER_ERROR, count=50, method="PUT"))
    pusher = OutboxPusher(db.sessions, lambda _account: client)
    started = datetime.now(UTC)
    result = pusher.push()
    assert (result.retrying, result.sent) == (1, 0)
    waiting = _entry(db, picking)
    assert waiting.state == OutboxState.PENDING.value and waiting.attempts == 1
    assert "server error" in (waiting.last_error or "")
    assert waiting.next_attempt_at >= started + PushSettings().first_retry - timedelta(seconds=1)
    assert _entry(db, packed).attempts == 0  # Packed must not overtake Picking
    assert pusher.push().retrying == 0  # not due yet: nothing is tried
    sim.faults.clear()
    assert pusher.push(include_waiting=True).sent == 1
    assert sim.package(remote).status is PackageStatus.PICKING  # type: ignore[union-attr]
    assert _entry(db, packed).state == OutboxState.DONE.value


def test_a_refusal_fails_the_row_and_files_an_exception_for_a_supervisor(
    db: Database, sim: SimulatedMarketplace, client: TrendyolClient, synced: int
) -> None:
    package_id, remote = _created(db, sim)
    sim.cancel_package(remote)  # cancelled at Trendyol; our copy does not know yet
    entry = _queue(
        db, synced, package_id, f"{package_id}:picking", kind=OutboxKind.STATUS, payload={"status": "Picking"}
    )
    other_id, _remote = _created(db, sim, skip=1)
    bad_line = _queue(
        db,
        synced,
        other_id,
        f"{other_id}:unsupplied:1",
        kind=OutboxKind.UNSUPPLIED,
        payload={"line_id": "no-such-line", "quantity": 1, "reason": "out_of_stock"},
    )
    result = OutboxPusher(db.sessions, lambda _account: client).push()
    assert result.failed == 2
    assert _entry(db, entry).state == OutboxState.FAILED.value
    assert _entry(db, bad_line).state == OutboxState.FAILED.value
    with db.sessions() as session:
        exceptions = session.scalars(select(PackException).order_by(PackException.id)).all()
        assert [e.kind for e in exceptions] == [ExceptionKind.SYNC_ERROR.value] * 2
        assert exceptions[0].package_id == package_id and "Cancelled" in exceptions[0].message
        assert "no-such-line" in exceptions[1].message


def test_unsupplied_line_is_reported_with_its_reason(
    db: Database, sim: SimulatedMarketplace, client: TrendyolClient, synced: int
) -> None:
    package_id, remote = _created(db, sim)
    with db.sessions() as session:
        line = session.scalars(select(PackageLineRow).where(PackageLineRow.package_id == package_id)).first()
        assert line is not None
    entry = _queue(
        db,
        synced,
        package_id,
        f"{package_id}:unsupplied:x",
        kind=OutboxKind.UNSUPPLIED,
        payload={"line_id": line.external_line_id, "quantity": 1, "reason": "defective"},
    )
    assert OutboxPusher(db.sessions, lambda _account: client).push().sent == 1
    assert sim.package(remote).status is PackageStatus.UNSUPPLIED  # type: ignore[union-attr]
    body = sim.requests_to("PUT", "/items/unsupplied")[-1].body
    assert b'"reasonId":501' in body
    assert _entry(db, entry).state == OutboxState.DONE.value


def test_stock_changes_are_batched_pushed_followed_and_never_resent_identically(
    db: Database, sim: SimulatedMarketplace, client: TrendyolClient, synced: int
) -> None:
    with db.sessions.begin() as session:
        products = session.execute(
            select(PackageLineRow.product_id, PackageLineRow.barcode)
            .where(PackageLineRow.product_id.is_not(None))
            .distinct()
        ).all()[:5]
        for number, (product_id, _barcode) in enumerate(products):
            session.merge(StockLevel(product_id=product_id, quantity=10 + number))
    queued = enqueue_stock_push(db.sessions)
    assert list(queued) == [synced]
    # Collected again inside the overlap: the same pending entry is topped up, not a second one added.
    assert enqueue_stock_push(db.sessions) == queued
    later = datetime.now(UTC) + timedelta(minutes=5)
    enqueue_stock_push(db.sessions, clock=lambda: later)
    assert enqueue_stock_push(db.sessions, clock=lambda: later + timedelta(minutes=2)) == {}  # nothing changed
    with db.sessions() as session:
        assert len(session.scalars(select(OutboxEntry).where(OutboxEntry.kind == "stock")).all()) == 1
    pusher = OutboxPusher(db.sessions, lambda _account: client)
    first = pusher.push()
    assert (first.sent, first.waiting) == (1, 1)
    assert {sim.stock[barcode] for _product, barcode in products} == {10, 11, 12, 13, 14}
    entry = _entry(db, queued[synced])
    assert entry.payload["phase"] == "awaiting_result" and entry.remote_reference
    assert pusher.push(include_waiting=True).settled == 1  # the batch result is read: all items succeeded
    assert _entry(db, queued[synced]).state == OutboxState.DONE.value

    # The same quantities again within 15 minutes: not sent (Trendyol would refuse the same bytes).
    again = _queue(
        db, synced, None, "stock:again", kind=OutboxKind.STOCK, payload=dict(entry.payload) | {"phase": "send"}
    )  # type: ignore[arg-type]
    posts = len(sim.requests_to("POST", "/price-and-inventory"))
    assert pusher.push().settled == 1
    assert len(sim.requests_to("POST", "/price-and-inventory")) == posts
    assert "nothing sent" in _entry(db, again).payload["note"]


def test_a_sync_keeps_the_stock_watermark(db: Database, client: TrendyolClient, synced: int) -> None:
    with db.sessions.begin() as session:
        product_id = session.scalars(
            select(PackageLineRow.product_id).where(PackageLineRow.product_id.is_not(None))
        ).first()
        session.merge(StockLevel(product_id=product_id, quantity=3))
    later = datetime.now(UTC) + timedelta(minutes=5)
    assert enqueue_stock_push(db.sessions, clock=lambda: later)
    PackageSync(db.sessions).sync_account(synced, client)  # writes its counts into the same sync state
    assert enqueue_stock_push(db.sessions, clock=lambda: later + timedelta(minutes=2)) == {}
