"""A strict local N11 store for demos and tests, built from N11's published REST material.

Usage::

    sim = SimulatedN11(N11SimConfig(packages=10))
    with N11Server(sim) as server:
        client = N11Client(sim_credentials(sim), config=N11Config(base_url=server.base_url))
"""

from __future__ import annotations

from packstation.services.marketplaces.credentials import N11Credentials
from packstation.simulators.n11.server import N11Server
from packstation.simulators.n11.state import N11SimConfig, SimulatedN11


def sim_credentials(sim: SimulatedN11, *, integrator: str = "PackStation") -> N11Credentials:
    """Credentials the simulator accepts."""
    return N11Credentials(sim.config.app_key, sim.config.app_secret, integrator=integrator)


__all__ = ["N11Server", "N11SimConfig", "SimulatedN11", "sim_credentials"]
