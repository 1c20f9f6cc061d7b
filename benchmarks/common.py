"""Small helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import subprocess
import sys


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99/max of ``samples`` (seconds in, milliseconds out, rounded)."""
    ordered = sorted(samples)

    def pick(fraction: float) -> float:
        index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
        return ordered[index]

    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(pick(0.95) * 1000, 3),
        "p99_ms": round(pick(0.99) * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def start_simulator(*, seed: int, packages: int) -> tuple[subprocess.Popen[str], str]:
    """The simulated Trendyol in its own process (a marketplace is never inside the station); its base URL."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "packstation.simulators.trendyol",
            "--port",
            "0",
            "--seed",
            str(seed),
            "--packages",
            str(packages),
            # The benchmarks measure the station, not Trendyol's 50-per-10-s burst rule.
            "--burst-limit",
            "0",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("listening "):
        process.kill()
        raise RuntimeError(f"simulator did not start: {line!r}")
    return process, line.split()[1]
