"""Claims pulled into PostgreSQL: stored once, updated when their items change, raw payload kept."""

from __future__ import annotations

from sqlalchemy import func, select

from packstation.config import Settings
from packstation.config.sections import MarketplaceAccount
from packstation.db.connect import Database
from packstation.db.models.sync import ClaimItemRow, ClaimRow
from packstation.services.marketplaces import TrendyolClient
from packstation.services.sync.claims import ClaimSync
from packstation.simulators.trendyol import SimulatedMarketplace, SimulatorServer, sim_credentials
from packstation.simulators.trendyol.faults import FaultKind, FaultPlan
from tests.services.marketplaces.conftest import fast_config
from tests.services.sync.conftest import ACCOUNT


def test_claims_land_once_and_follow_their_items(
    db: Database, client: TrendyolClient, sim: SimulatedMarketplace, account_id: int
) -> None:
    packages = [sim.package(package_id) for package_id in sim.matching_ids()[:3]]
    claims = [sim.claims.add(package) for package in packages if package is not None]
    sync = ClaimSync(db.sessions)
    first = sync.pull(client, account_id=account_id, account=ACCOUNT)
    units = sum(line.quantity for package in packages if package is not None for line in package.lines)
    assert (first.stored, first.items, first.set_aside) == (3, units, 0)
    sync.pull(client, account_id=account_id, account=ACCOUNT)  # again: nothing doubles
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ClaimRow)) == 3
        assert session.scalar(select(func.count()).select_from(ClaimItemRow)) == units
        row = session.scalars(select(ClaimRow).where(ClaimRow.external_id == claims[0]["id"])).one()
        assert row.return_tracking_number == str(claims[0]["cargoTrackingNumber"])
        assert row.order_number == claims[0]["orderNumber"] and row.raw["claimId"] == claims[0]["id"]
        item_ids = [item.external_id for item in row.items]
        assert {item.status for item in row.items} == {"WaitingInAction"}
    client.approve_claim_items(claims[0]["id"], item_ids, order_number=row.order_number, business_key="k-1")
    sync.pull(client, account_id=account_id, account=ACCOUNT)
    with db.sessions() as session:
        statuses = session.scalars(
            select(ClaimItemRow.status).join(ClaimRow).where(ClaimRow.external_id == claims[0]["id"])
        ).all()
        assert set(statuses) == {"Accepted"}


def test_sync_once_reports_claims_and_a_marketplace_without_them_is_not_a_failure(
    db: Database, settings: Settings, sim: SimulatedMarketplace, server: SimulatorServer
) -> None:
    from packstation.services.sync.cycle import describe, run_once

    sim.claims.add(sim.package(sim.matching_ids()[0]))  # type: ignore[arg-type]

    def make(account: MarketplaceAccount) -> TrendyolClient:
        return TrendyolClient(sim_credentials(sim), config=fast_config(server))

    report = run_once(settings, db.sessions, make)
    assert report.accounts[0].claims is not None and report.accounts[0].claims.stored == 1
    assert any("1 return claim(s) read" in line for line in describe(report))
    sim.inject(FaultPlan(FaultKind.NOT_FOUND, count=50, path_contains="claims"))
    report = run_once(settings, db.sessions, make)
    assert report.accounts[0].claims is None and not report.accounts[0].claims_error
