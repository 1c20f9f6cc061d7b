"""A short shift (200 parcels) through the soak benchmark: the station's own goals hold.

Measured on the development machine, two goals do not hold yet (README, "Benchmarks: stations and
soak"): open file handles grow by about four per PostgreSQL restart, and the marketplace outbox has not
always delivered every status within three minutes of the shift's end. Those two are not asserted here
(`python -m benchmarks soak` reports them); the test guards what holds.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shift() -> dict[str, Any]:
    from benchmarks.bench_soak import run

    return run(["--parcels", "200"])


def test_a_short_shift_loses_nothing_in_postgres_and_does_not_grow(shift: dict[str, Any]) -> None:
    assert shift["parcels"] == 200
    assert shift["postgres_restarts"], "the shift must have gone through PostgreSQL restarts"
    assert shift["lost_detail"]["missing_in_postgres"] == 0, shift["lost_detail"]
    assert shift["lost_detail"]["recorded_twice"] == 0, shift["lost_detail"]
    assert shift["met"]["rss_growth_pct"], shift["samples"]
    assert shift["met"]["threads_growth"], shift["samples"]
