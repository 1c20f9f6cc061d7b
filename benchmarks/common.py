"""Small helpers shared by the benchmarks."""

from __future__ import annotations

import statistics


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
