"""Fixtures for the sync runner: the simulated Trendyol on loopback, accounts in the test database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from packstation.config import Settings
from packstation.config.sections import MarketplaceAccount
from packstation.db.connect import Database
from packstation.domain.marketplace import Marketplace
from packstation.services.marketplaces import TrendyolClient
from packstation.services.sync.accounts import ensure_accounts
from packstation.simulators.trendyol import (
    SimulatedMarketplace,
    SimulatorConfig,
    SimulatorServer,
    sim_credentials,
)
from tests.services.marketplaces.conftest import fast_config

ACCOUNT = "adim-trendyol"


@pytest.fixture
def sim() -> SimulatedMarketplace:
    """A small shop: 60 packages."""
    return SimulatedMarketplace(SimulatorConfig(seed=5, packages=60))


@pytest.fixture
def server(sim: SimulatedMarketplace) -> Iterator[SimulatorServer]:
    """The simulator on a free loopback port."""
    with SimulatorServer(sim) as running:
        yield running


@pytest.fixture
def settings(sim: SimulatedMarketplace, server: SimulatorServer) -> Settings:
    """Settings with one Trendyol account pointing at the simulator."""
    account = MarketplaceAccount(
        name=ACCOUNT,
        kind=Marketplace.TRENDYOL,
        base_url=server.base_url,
        seller_id=sim.config.seller_id,
        client="Adım Ayakkabı",
    )
    return Settings(marketplaces=[account])


@pytest.fixture
def account_id(db: Database, settings: Settings) -> int:
    """The account's database id."""
    return ensure_accounts(settings, db.sessions)[ACCOUNT]


@pytest.fixture
def client(sim: SimulatedMarketplace, server: SimulatorServer) -> Iterator[TrendyolClient]:
    """A fast-retrying Trendyol client on the simulator."""
    with TrendyolClient(sim_credentials(sim), config=fast_config(server, page_size=25)) as trendyol:
        yield trendyol
