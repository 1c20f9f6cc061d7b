"""Poison packages never block an account: the simulator mixes bad packages into real pages, the real
client and sync write into the real PostgreSQL, and only the bad packages are set aside as exceptions."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import func, select

from packstation.db.connect import Database
from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow
from packstation.db.models.packages import PackageLineRow, PackageRow, PackException
from packstation.db.models.sync import SyncState
from packstation.domain.status import ExceptionKind
from packstation.services.marketplaces import TrendyolClient, TrendyolConfig
from packstation.services.reports.queries import ReportQueries
from packstation.services.sync.cycle import AccountReport, CycleReport, describe
from packstation.services.sync.pull import PackageSync
from packstation.simulators.trendyol import (
    FaultKind,
    FaultPlan,
    SimulatedMarketplace,
    SimulatorServer,
    sim_credentials,
)

ACCOUNT = "Trendyol ana mağaza"


@pytest.fixture
def account_id(db: Database, sim: SimulatedMarketplace) -> int:
    """A Trendyol account of one client company."""
    with db.sessions.begin() as session:
        company = ClientCompany(name="Adım Ayakkabı")
        session.add(company)
        session.flush()
        account = MarketplaceAccountRow(
            name=ACCOUNT,
            kind="trendyol",
            seller_id=sim.config.seller_id,
            base_url="http://127.0.0.1",
            client_company_id=company.id,
        )
        session.add(account)
        session.flush()
        return account.id


@pytest.fixture
def paged_client(
    sim: SimulatedMarketplace, server: SimulatorServer, config_for: Callable[..., TrendyolConfig]
) -> Iterator[TrendyolClient]:
    """25-package stream pages, so the poison lands on several pages."""
    with TrendyolClient(sim_credentials(sim), config=config_for(server, page_size=25)) as client:
        yield client


def _poison(sim: SimulatedMarketplace, item: int, field: str, value: object) -> None:
    sim.inject(FaultPlan(FaultKind.POISON_PACKAGE, path_contains="/orders/stream", item=item, field=field, value=value))


def test_poison_packages_are_set_aside_and_the_rest_lands(
    db: Database, sim: SimulatedMarketplace, paged_client: TrendyolClient, account_id: int
) -> None:
    newest = [str(i) for i in sim.matching_ids()]  # the stream's order: newest change first, 25 a page
    # One fault per request, in order: page 1 .. page 4.
    _poison(sim, 0, "lines.0.productName", "Kaz\x00ak\x07 Şal")  # stripped at parse: stored
    _poison(sim, 0, "cargoTrackingNumber", "7" * 10_000)  # refused at parse
    _poison(sim, 1, "lines", [])  # a package with no lines
    _poison(sim, 2, "lines.0.quantity", 3_000_000_000)  # parses, but no integer column takes it
    nul_package, long_tracking, no_lines, huge_quantity = newest[0], newest[25], newest[51], newest[77]

    result = PackageSync(db.sessions).sync_account(account_id, paged_client)

    assert result.received == sim.config.packages
    assert sorted(item.package_id for item in result.set_aside) == sorted([long_tracking, no_lines, huge_quantity])
    reasons = {item.package_id: item.reason for item in result.set_aside}
    assert "cargoTrackingNumber" in reasons[long_tracking] and "more than 64" in reasons[long_tracking]
    assert "lines" in reasons[no_lines]
    assert "database refused" in reasons[huge_quantity]
    with db.sessions() as session:
        stored = set(session.scalars(select(PackageRow.external_id).where(PackageRow.account_id == account_id)))
        assert stored == set(newest) - {long_tracking, no_lines, huge_quantity}
        name = session.scalar(
            select(PackageLineRow.product_name)
            .join(PackageRow, PackageRow.id == PackageLineRow.package_id)
            .where(PackageRow.external_id == nul_package)
            .order_by(PackageLineRow.id)
            .limit(1)
        )
        assert name == "Kazak Şal"
        raw = session.scalar(select(PackageRow.raw).where(PackageRow.external_id == nul_package))
        assert raw is not None and "\x00" not in str(raw)
        state = session.get(SyncState, account_id)
        assert state is not None and state.watermark == result.watermark  # the watermark advanced
        assert state.last_error is not None and "3 package(s) set aside" in state.last_error
        exceptions = session.scalars(
            select(PackException).where(PackException.kind == ExceptionKind.SYNC_ERROR.value)
        ).all()
        assert sorted(x.detail["external_id"] for x in exceptions) == sorted([long_tracking, no_lines, huge_quantity])
        assert all(ACCOUNT in x.message for x in exceptions)

    # The supervisor's exception list names each package, though none of them is stored.
    listed = {x.package: x.message for x in ReportQueries(db.sessions).open_exceptions()}
    assert set(listed) == {long_tracking, no_lines, huge_quantity}

    # sync --once names the account and every package id.
    printed = "\n".join(describe(CycleReport((AccountReport(ACCOUNT, result),))))
    for package_id in (long_tracking, no_lines, huge_quantity):
        assert f"{ACCOUNT}: SET ASIDE package {package_id}" in printed
    assert not CycleReport((AccountReport(ACCOUNT, result),)).ok

    # The marketplace changes one of them: the next sync stores it and resolves its exception; the
    # others stay open (their copy at the marketplace did not change, and is out of the window).
    sim.cancel_package(int(no_lines))
    again = PackageSync(db.sessions).sync_account(account_id, paged_client)
    assert again.set_aside == ()
    with db.sessions() as session:
        assert session.scalar(select(PackageRow.status).where(PackageRow.external_id == no_lines)) == "Cancelled"
        still_open = session.scalars(
            select(PackException.detail["external_id"].astext).where(PackException.resolved_at.is_(None))
        ).all()
        assert sorted(still_open) == sorted([long_tracking, huge_quantity])
        state = session.get(SyncState, account_id)
        assert state is not None and state.last_error is None


def test_every_failure_is_recorded_whatever_its_type(
    db: Database, sim: SimulatedMarketplace, paged_client: TrendyolClient, account_id: int
) -> None:
    class Broken(RuntimeError):
        pass

    def explode(*_args: object, **_kwargs: object) -> object:
        raise Broken("the page iterator broke")

    paged_client.iter_package_pages = explode  # type: ignore[method-assign]
    with pytest.raises(Broken):
        PackageSync(db.sessions).sync_account(account_id, paged_client)
    with db.sessions() as session:
        state = session.get(SyncState, account_id)
        assert state is not None and state.last_error == "the page iterator broke"
        assert session.scalar(select(func.count()).select_from(PackageRow)) == 0
