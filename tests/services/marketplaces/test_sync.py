"""The sync service: the real Trendyol client against the simulator, into the real PostgreSQL fixture."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from packstation.db.connect import Database
from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow
from packstation.db.models.catalog import ProductBarcode, ProductRow
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.db.models.sync import SyncState
from packstation.domain.outcomes import UnsuppliedReason
from packstation.domain.status import PackageStatus
from packstation.services.marketplaces import (
    PackagePage,
    PackageQuery,
    RemotePackage,
    ServerError,
    TrendyolClient,
    TrendyolConfig,
    UnsuppliedLine,
)
from packstation.services.sync.pull import PackageSync, SyncSettings, windows
from packstation.simulators.trendyol import (
    FaultKind,
    FaultPlan,
    SimulatedMarketplace,
    SimulatorConfig,
    SimulatorServer,
    sim_credentials,
)


@pytest.fixture
def account_id(db: Database, sim: SimulatedMarketplace) -> int:
    """A Trendyol account of one client company."""
    with db.sessions.begin() as session:
        company = ClientCompany(name="Adım Ayakkabı")
        session.add(company)
        session.flush()
        account = MarketplaceAccountRow(
            name="Trendyol ana mağaza",
            kind="trendyol",
            seller_id=sim.config.seller_id,
            base_url="http://127.0.0.1",
            client_company_id=company.id,
        )
        session.add(account)
        session.flush()
        return account.id


@pytest.fixture
def sync_client(
    sim: SimulatedMarketplace, server: SimulatorServer, config_for: Callable[..., TrendyolConfig]
) -> Iterator[TrendyolClient]:
    """A client with 40-package pages, so a sync spans several pages."""
    with TrendyolClient(sim_credentials(sim), config=config_for(server, page_size=40)) as client:
        yield client


def _count(db: Database, statement: object) -> int:
    with db.sessions() as session:
        return int(session.scalar(statement))  # type: ignore[call-overload]


def test_first_sync_stores_every_package_line_and_product(
    db: Database, sim: SimulatedMarketplace, sync_client: TrendyolClient, account_id: int
) -> None:
    result = PackageSync(db.sessions).sync_account(account_id, sync_client)
    assert result.received == result.written == sim.config.packages
    assert result.pages >= 3  # 40 per page, plus an empty page for the last window
    assert _count(db, select(func.count()).select_from(PackageRow)) == sim.config.packages
    truth = [sim.package(i) for i in sim.matching_ids()]
    expected_lines = sum(len(p.lines) for p in truth if p is not None)
    assert _count(db, select(func.count()).select_from(PackageLineRow)) == expected_lines
    barcodes = {line.product.barcode for p in truth if p is not None for line in p.lines}
    assert result.new_products == len(barcodes)
    assert _count(db, select(func.count()).select_from(ProductBarcode)) == len(barcodes)
    with db.sessions() as session:
        sample = truth[0]
        assert sample is not None
        row = session.scalars(select(PackageRow).where(PackageRow.external_id == str(sample.package_id))).one()
        assert row.cargo_tracking_number == sample.tracking_number and row.status == sample.status.value
        assert row.city == sample.customer.city and row.order_date is not None
        assert row.raw["cargoTrackingNumber"] in (sample.tracking_number, int(sample.tracking_number))
        line = row.lines[0]
        product = session.get(ProductRow, line.product_id)
        assert product is not None and product.stock_code == sample.lines[0].product.stock_code
        state = session.get(SyncState, account_id)
        assert state is not None and state.watermark == result.watermark and state.last_error is None
        assert state.counts["received"] == sim.config.packages


def test_second_sync_sees_cancellation_and_successor_and_keeps_local_state(
    db: Database, sim: SimulatedMarketplace, sync_client: TrendyolClient, account_id: int
) -> None:
    sync = PackageSync(db.sessions)
    sync.sync_account(account_id, sync_client)
    created = [sim.package(i) for i in sim.matching_ids() if sim.package(i).status is PackageStatus.CREATED]  # type: ignore[union-attr]
    cancelled, split = created[0], next(p for p in created[1:] if p is not None and len(p.lines) >= 2)
    assert cancelled is not None
    with db.sessions.begin() as session:  # a station had packed it already
        row = session.scalars(select(PackageRow).where(PackageRow.external_id == str(cancelled.package_id))).one()
        row.packed_at = datetime.now(UTC)
        row.weight_grams = 850
    sim.cancel_package(cancelled.package_id)
    remote = sync_client.get_package(str(split.package_id))
    assert remote is not None
    sync_client.report_unsupplied(
        remote,
        [UnsuppliedLine(remote.lines[0].line_id, remote.lines[0].quantity)],
        reason=UnsuppliedReason.OUT_OF_STOCK,
        business_key="unsup-1",
    )
    second = sync.sync_account(account_id, sync_client)
    assert second.linked_successors == 1
    assert second.received < sim.config.packages  # only the overlapping window was listed
    assert _count(db, select(func.count()).select_from(PackageRow)) == sim.config.packages + 1
    with db.sessions() as session:
        gone = session.scalars(select(PackageRow).where(PackageRow.external_id == str(cancelled.package_id))).one()
        assert gone.status == "Cancelled" and gone.packed_at is not None and gone.weight_grams == 850
        origin = session.scalars(select(PackageRow).where(PackageRow.external_id == str(split.package_id))).one()
        assert origin.status == "UnSupplied"
        successor = session.scalars(select(PackageRow).where(PackageRow.origin_package_id == origin.id)).one()
        assert successor.order_number == origin.order_number and successor.status == "Created"
        assert len(successor.lines) == len(split.lines) - 1


class ReplayClient(TrendyolClient):
    """The real client, except that listings replay packages captured earlier (a late, stale page)."""

    def __init__(self, base: TrendyolClient, packages: list[RemotePackage]) -> None:
        self._packages = packages
        self.config = base.config

    def iter_package_pages(self, query: PackageQuery, *, mode: object = None) -> Iterator[PackagePage]:
        yield PackagePage(tuple(self._packages), 0, has_more=False)


def test_resync_is_idempotent_and_older_copies_do_not_win(
    db: Database, sim: SimulatedMarketplace, sync_client: TrendyolClient, account_id: int
) -> None:
    sync = PackageSync(db.sessions)
    sync.sync_account(account_id, sync_client)
    lines_before = _count(db, select(func.count()).select_from(PackageLineRow))
    package_id = next(i for i in sim.matching_ids() if sim.package(i).status is PackageStatus.CREATED)  # type: ignore[union-attr]
    stale = sync_client.get_package(str(package_id))
    assert stale is not None
    sim.set_status(package_id, PackageStatus.PICKING)
    again = sync.sync_account(account_id, sync_client)
    assert again.written >= 1
    assert _count(db, select(func.count()).select_from(PackageLineRow)) == lines_before
    assert _count(db, select(func.count()).select_from(PackageRow)) == sim.config.packages

    def stored_status() -> str:
        with db.sessions() as session:
            return session.scalars(select(PackageRow.status).where(PackageRow.external_id == str(package_id))).one()

    assert stored_status() == "Picking"
    # A late, older copy (as an overlapping window or a shifted page can bring) must not undo the change.
    replay = sync.sync_account(account_id, ReplayClient(sync_client, [stale]))
    assert replay.received == 1 and replay.written == 0
    assert stored_status() == "Picking"


def test_failed_sync_records_the_error_and_keeps_the_watermark(
    db: Database, sim: SimulatedMarketplace, sync_client: TrendyolClient, account_id: int
) -> None:
    sync = PackageSync(db.sessions)
    first = sync.sync_account(account_id, sync_client)
    sim.inject(FaultPlan(FaultKind.SERVER_ERROR, count=50))
    with pytest.raises(ServerError):
        sync.sync_account(account_id, sync_client)
    with db.sessions() as session:
        state = session.get(SyncState, account_id)
        assert state is not None and state.watermark == first.watermark
        assert state.last_error is not None and "Exception Occured" in state.last_error
    sim.faults.clear()
    third = sync.sync_account(account_id, sync_client)
    settings = SyncSettings()
    assert third.since == first.watermark - settings.overlap - settings.timezone_allowance
    with db.sessions() as session:
        state = session.get(SyncState, account_id)
        assert state is not None and state.last_error is None and state.watermark == third.watermark


def test_windows_cover_the_range_without_gaps() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    cut = windows(start, start + timedelta(days=30), timedelta(days=14))
    assert [b - a for a, b in cut] == [timedelta(days=14), timedelta(days=14), timedelta(days=2)]
    assert all(cut[n][1] == cut[n + 1][0] for n in range(len(cut) - 1))
    with pytest.raises(ValueError, match="positive"):
        windows(start, start, timedelta(0))


def test_two_syncs_of_one_account_at_once_store_everything_once(
    db: Database,
    sim: SimulatedMarketplace,
    server: SimulatorServer,
    config_for: Callable[..., TrendyolConfig],
    account_id: int,
) -> None:
    """The schedule and "sync now" (or two stations) together: each writes two batches at a time."""
    import threading

    # One-page batches on two writers each: four transactions at a time on the same rows and products.
    settings = SyncSettings(prefetch_pages=1, writers=2)
    results: list[object] = []

    def run() -> None:
        with TrendyolClient(sim_credentials(sim), config=config_for(server, page_size=10)) as client:
            try:
                results.append(PackageSync(db.sessions, settings=settings).sync_account(account_id, client))
            except Exception as exc:  # reported below with the other thread's outcome
                results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == 2 and not [r for r in results if isinstance(r, Exception)], results
    assert _count(db, select(func.count()).select_from(PackageRow)) == sim.config.packages
    truth = [sim.package(i) for i in sim.matching_ids()]
    assert _count(db, select(func.count()).select_from(PackageLineRow)) == sum(len(p.lines) for p in truth if p)
    barcodes = {line.product.barcode for p in truth if p is not None for line in p.lines}
    assert _count(db, select(func.count()).select_from(ProductBarcode)) == len(barcodes)
    assert _count(db, select(func.count()).select_from(ProductRow)) == len(barcodes)


def test_each_raw_payload_is_the_marketplaces_own_element_of_its_page(
    db: Database, sim: SimulatedMarketplace, sync_client: TrendyolClient, account_id: int
) -> None:
    """Raw payloads come from the page replies by position: each must be its own package's, as sent."""
    from sqlalchemy import text

    from packstation.simulators.trendyol.render import json_bytes, package_json

    PackageSync(db.sessions, settings=SyncSettings(prefetch_pages=3)).sync_account(account_id, sync_client)
    with db.sessions() as session:
        mismatched = session.scalar(
            text(
                "SELECT count(*) FROM packages"
                " WHERE COALESCE(raw ->> 'shipmentPackageId', raw ->> 'id') IS DISTINCT FROM external_id"
            )
        )
        assert mismatched == 0
        for package_id in sim.matching_ids()[:5]:
            package = sim.package(package_id)
            assert package is not None
            as_sent = json_bytes(package_json(package)).decode()
            same = session.scalar(
                text("SELECT raw = CAST(:sent AS jsonb) FROM packages WHERE external_id = :id"),
                {"sent": as_sent, "id": str(package_id)},
            )
            assert same is True


@pytest.mark.parametrize(("allowance_hours", "caught"), [(3, True), (0, False)])
def test_a_time_zone_misreading_of_the_stream_window_loses_no_change(
    db: Database, config_for: Callable[..., TrendyolConfig], account_id: int, allowance_hours: int, caught: bool
) -> None:
    """We send the stream's window as GMT+3 epochs; a Trendyol reading them as UTC starts it 3 h late.
    The time-zone allowance covers that: without it (the control case) a fresh change is lost."""
    sim = SimulatedMarketplace(SimulatorConfig(seed=11, packages=60, stream_dates_as_utc=True))
    with (
        SimulatorServer(sim) as misreading,
        TrendyolClient(sim_credentials(sim), config=config_for(misreading)) as client,
    ):
        sync = PackageSync(db.sessions, settings=SyncSettings(timezone_allowance=timedelta(hours=allowance_hours)))
        sync.sync_account(account_id, client)
        changed = next(p for i in sim.matching_ids() if (p := sim.package(i)) and p.status is PackageStatus.CREATED)
        sim.cancel_package(changed.package_id)  # stamped now: after the first sync's watermark
        sync.sync_account(account_id, client)
    with db.sessions() as session:
        stored = session.scalars(select(PackageRow).where(PackageRow.external_id == str(changed.package_id))).one()
    assert (stored.status == PackageStatus.CANCELLED.value) is caught
