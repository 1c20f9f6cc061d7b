"""A strict local Hepsiburada order service for demos and tests, built from HB's published spec.

Usage::

    sim = SimulatedHepsiburada(HbSimConfig(orders=20))
    with HepsiburadaServer(sim) as server:
        client = HepsiburadaClient(sim_credentials(sim), config=HepsiburadaConfig(oms_url=server.base_url))
"""

from __future__ import annotations

from packstation.services.marketplaces.credentials import HepsiburadaCredentials
from packstation.simulators.hepsiburada.server import HepsiburadaServer
from packstation.simulators.hepsiburada.state import MUTUAL_CARRIERS, HbSimConfig, SimulatedHepsiburada


def sim_credentials(sim: SimulatedHepsiburada) -> HepsiburadaCredentials:
    """Credentials the simulator accepts."""
    return HepsiburadaCredentials(sim.config.merchant_id, sim.config.service_key, user_agent=sim.config.user_agent)


__all__ = [
    "MUTUAL_CARRIERS",
    "HbSimConfig",
    "HepsiburadaServer",
    "SimulatedHepsiburada",
    "sim_credentials",
]
