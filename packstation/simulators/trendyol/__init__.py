"""A local Trendyol seller API for demos, tests and benchmarks.

Usage::

    sim = SimulatedMarketplace(SimulatorConfig(seed=7, packages=500))
    with SimulatorServer(sim) as server:
        client = TrendyolClient(sim_credentials(sim), config=TrendyolConfig(base_url=server.base_url))
        sim.inject(FaultPlan(FaultKind.RATE_LIMIT, count=3, retry_after=0.1))
"""

from __future__ import annotations

from packstation.services.marketplaces.credentials import TrendyolCredentials
from packstation.simulators.trendyol.catalog import Naming, SimProduct
from packstation.simulators.trendyol.faults import FaultKind, FaultPlan
from packstation.simulators.trendyol.server import SimulatorServer
from packstation.simulators.trendyol.state import SimulatedMarketplace, SimulatorConfig


def sim_credentials(sim: SimulatedMarketplace, *, integrator: str = "SelfIntegration") -> TrendyolCredentials:
    """Credentials the simulator accepts."""
    return TrendyolCredentials(
        seller_id=sim.config.seller_id,
        api_key=sim.config.api_key,
        api_secret=sim.config.api_secret,
        integrator=integrator,
    )


__all__ = [
    "FaultKind",
    "FaultPlan",
    "Naming",
    "SimProduct",
    "SimulatedMarketplace",
    "SimulatorConfig",
    "SimulatorServer",
    "sim_credentials",
]
