"""The simulated Trendyol's start-up: 50,000 packages must cost nothing until they are listed.

Tests and benchmarks build big simulators; packages are made lazily from the seed, so creating one
and reading its newest package stays well under a second whatever the package count.
Moved here from a unit test, where a wall-clock bound was flaky on a loaded machine.
"""

from __future__ import annotations

import time

from benchmarks.common import percentiles
from packstation.simulators.trendyol import SimulatedMarketplace, SimulatorConfig

RUNS = 7
PACKAGES = 50_000
GOAL_S = 1.0


def run() -> dict[str, object]:
    """Create the simulator and read its newest package, several times."""
    samples: list[float] = []
    for seed in range(RUNS):
        started = time.perf_counter()
        sim = SimulatedMarketplace(SimulatorConfig(seed=seed, packages=PACKAGES))
        newest = sim.package(sim.matching_ids()[0])
        samples.append(time.perf_counter() - started)
        assert newest is not None
    figures = percentiles(samples)
    return {
        "create_and_read_newest_of_50000": figures,
        "goal": f"max <= {GOAL_S:g} s",
        "met": figures["max_ms"] <= GOAL_S * 1000,
    }
