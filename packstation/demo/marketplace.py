"""The demo's marketplace: the simulated Trendyol on a local port, with a new order every little while.

`packstation demo` needs no marketplace account: it configures one account against this server,
with the simulator's own credentials, so orders arrive in the background exactly as they would from
Trendyol, and statuses go back to it.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from packstation.config import MarketplaceAccount, MarketplaceKind
from packstation.services.access.secrets import secret_env_var
from packstation.simulators.trendyol import SimulatedMarketplace, SimulatorConfig, SimulatorServer

log = logging.getLogger("packstation.demo.marketplace")
DEMO_ACCOUNT = "demo-trendyol"
DEMO_CLIENT = "Güllü Ayakkabı"


@dataclass
class DemoMarketplace:
    """A running simulator and the account that points at it."""

    simulator: SimulatedMarketplace
    server: SimulatorServer
    account: MarketplaceAccount

    def add_order(self) -> int:
        """A customer orders something; returns the new package id."""
        package_id = self.simulator.add_package()
        log.info("demo order arrived package=%s", package_id)
        return package_id

    def stop(self) -> None:
        """Shut the simulator down."""
        self.server.stop()


def start_demo_marketplace(*, packages: int, seed: int = 7, sync_interval_s: int = 15) -> DemoMarketplace:
    """Start the simulator on a free loopback port and put its credentials in this process's environment."""
    config = SimulatorConfig(seed=seed, packages=packages)
    simulator = SimulatedMarketplace(config)
    server = SimulatorServer(simulator).start()
    # The demo's secrets come from the environment, like any deployment's can; they are the simulator's.
    os.environ[secret_env_var(DEMO_ACCOUNT, "api_key")] = config.api_key
    os.environ[secret_env_var(DEMO_ACCOUNT, "api_secret")] = config.api_secret
    account = MarketplaceAccount(
        name=DEMO_ACCOUNT,
        kind=MarketplaceKind.TRENDYOL,
        base_url=server.base_url,
        seller_id=config.seller_id,
        client=DEMO_CLIENT,
        sync_interval_s=sync_interval_s,
    )
    log.info("demo marketplace listening url=%s packages=%s", server.base_url, packages)
    return DemoMarketplace(simulator=simulator, server=server, account=account)
