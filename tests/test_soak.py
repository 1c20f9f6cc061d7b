"""A short shift (200 parcels) through the soak benchmark: the goals hold, nothing is lost."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_a_short_shift_meets_the_soak_goals() -> None:
    from benchmarks.bench_soak import run

    result = run(["--parcels", "200"])
    assert result["parcels"] == 200
    assert result["lost"] == 0, result["lost_detail"]
    assert result["postgres_restarts"], "the shift must have gone through PostgreSQL restarts"
    assert all(result["met"].values()), result  # type: ignore[union-attr]
