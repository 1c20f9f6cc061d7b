"""The demo's marketplace: a simulated Trendyol (or Hepsiburada) on a local port, with a new order every little while.

`packstation demo` needs no marketplace account: it configures one account against this server,
with the simulator's own credentials, so orders arrive in the background exactly as they would from
the marketplace, and statuses go back to it. ``packstation demo --marketplace hepsiburada`` runs the
strict Hepsiburada stand-in instead of Trendyol's (Trendyol stays the default).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from packstation.config.sections import MarketplaceAccount
from packstation.domain.marketplace import Marketplace
from packstation.domain.status import PackageStatus
from packstation.services.access.secrets import secret_env_var
from packstation.simulators.hepsiburada import HbSimConfig, HepsiburadaServer, SimulatedHepsiburada
from packstation.simulators.trendyol import SimulatedMarketplace, SimulatorConfig, SimulatorServer

log = logging.getLogger("packstation.demo.marketplace")
DEMO_ACCOUNT = "demo-trendyol"
DEMO_HB_ACCOUNT = "demo-hepsiburada"
DEMO_CLIENT = "Güllü Ayakkabı"
#: Statuses of a parcel that left the seller: the carrier can deliver it, the customer can send it back.
_SENT = frozenset({PackageStatus.PICKING, PackageStatus.INVOICED, PackageStatus.SHIPPED})


@dataclass
class DemoMarketplace:
    """A running simulator and the account that points at it."""

    simulator: SimulatedMarketplace | SimulatedHepsiburada
    server: SimulatorServer | HepsiburadaServer
    account: MarketplaceAccount

    def add_order(self) -> int | str:
        """A customer orders something; returns the new package id (HB: the order number)."""
        if isinstance(self.simulator, SimulatedHepsiburada):
            order: int | str = self.simulator.add_order()
        else:
            order = self.simulator.add_package()
        log.info("demo order arrived package=%s", order)
        return order

    def return_delivered(self) -> str | None:
        """A customer sends a parcel back: a packed one is delivered, then claimed (Trendyol only); the claim id."""
        if not isinstance(self.simulator, SimulatedMarketplace):
            return None  # the Hepsiburada stand-in has no returns yet
        simulator = self.simulator
        claimed = {claim["orderNumber"] for claim in simulator.claims.claims.values()}
        for package_id in simulator.matching_ids():
            package = simulator.package(package_id)
            if package is None or package.order_number in claimed or package.status not in _SENT:
                continue
            delivered = simulator.set_status(package_id, PackageStatus.DELIVERED)
            claim = simulator.claims.add(delivered)
            log.info("demo return claimed package=%s claim=%s", package_id, claim["id"])
            return str(claim["id"])
        return None

    def stop(self) -> None:
        """Shut the simulator down."""
        self.server.stop()


def start_demo_marketplace(
    *,
    packages: int,
    seed: int = 7,
    sync_interval_s: int = 15,
    kind: Marketplace = Marketplace.TRENDYOL,
    returns: int = 0,
) -> DemoMarketplace:
    """Start the simulator on a free loopback port and put its credentials in this process's environment.

    ``returns`` parcels (Trendyol) are delivered and claimed back at once, so the demo has returns to process.
    """
    if kind is Marketplace.HEPSIBURADA:
        return _start_hepsiburada(orders=packages, seed=seed, sync_interval_s=sync_interval_s)
    config = SimulatorConfig(seed=seed, packages=packages)
    simulator = SimulatedMarketplace(config)
    server = SimulatorServer(simulator).start()
    # The demo's secrets come from the environment, like any deployment's can; they are the simulator's.
    os.environ[secret_env_var(DEMO_ACCOUNT, "api_key")] = config.api_key
    os.environ[secret_env_var(DEMO_ACCOUNT, "api_secret")] = config.api_secret
    account = MarketplaceAccount(
        name=DEMO_ACCOUNT,
        kind=Marketplace.TRENDYOL,
        base_url=server.base_url,
        seller_id=config.seller_id,
        client=DEMO_CLIENT,
        sync_interval_s=sync_interval_s,
    )
    log.info("demo marketplace listening url=%s packages=%s", server.base_url, packages)
    demo = DemoMarketplace(simulator=simulator, server=server, account=account)
    # Returns to process from the start: a few parcels sent before the demo began come back.
    for package_id in simulator.matching_ids()[-returns:] if returns else ():
        simulator.set_status(package_id, PackageStatus.SHIPPED)
        demo.return_delivered()
    return demo


def _start_hepsiburada(*, orders: int, seed: int, sync_interval_s: int) -> DemoMarketplace:
    """The strict Hepsiburada stand-in, and an account that points at it."""
    config = HbSimConfig(seed=seed, orders=orders)
    simulator = SimulatedHepsiburada(config)
    server = HepsiburadaServer(simulator).start()
    os.environ[secret_env_var(DEMO_HB_ACCOUNT, "merchant_id")] = config.merchant_id
    os.environ[secret_env_var(DEMO_HB_ACCOUNT, "service_key")] = config.service_key
    os.environ[secret_env_var(DEMO_HB_ACCOUNT, "user_agent")] = config.user_agent
    account = MarketplaceAccount(
        name=DEMO_HB_ACCOUNT,
        kind=Marketplace.HEPSIBURADA,
        base_url=server.base_url,
        seller_id=config.merchant_id,
        client=DEMO_CLIENT,
        sync_interval_s=sync_interval_s,
    )
    log.info("demo Hepsiburada listening url=%s orders=%s", server.base_url, orders)
    return DemoMarketplace(simulator=simulator, server=server, account=account)
