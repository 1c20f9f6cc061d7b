"""The stations benchmark, small: two station processes and the baseline against a real PostgreSQL.

It must measure what it says: every key the issue names, the sync leader elected once, every parcel
opened, packed, pumped and labelled, no more than three connections per station, and an open's time
split into parts that add up to it.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.slow

KEYS = (
    "stations",
    "parcels",
    "open_p99_ms",
    "scan_durable_p99_ms",
    "pump_lag_p99_ms",
    "label_first_byte_p99_ms",
    "pg_connections_max",
    "pg_cpu_s",
    "station_rss_mb_max",
)


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    from benchmarks.bench_stations import run

    return run(["--stations", "2", "--minutes", "0.25", "--pace", "stress", "--packages", "3000"])


def test_the_run_and_its_baseline_report_every_figure(figures: dict[str, Any]) -> None:
    assert figures["stations"] == 2
    assert figures["baseline"]["stations"] == 1
    for run in (figures, figures["baseline"]):
        for key in KEYS:
            assert run[key] is not None, key
        assert run["parcels"] > 0
        assert set(run["goals_met"]) == {
            "open_p99_ms",
            "pump_lag_p99_ms",
            "scan_durable_p99_ms",
            "pg_connections_per_station",
        }


def test_every_parcel_is_packed_pumped_and_labelled_by_stations_that_elect_one_leader(
    figures: dict[str, Any],
) -> None:
    for run in (figures, figures["baseline"]):
        detail = run["detail"]
        assert detail["refused"] == 0, detail["refused_examples"]
        assert detail["labels_missing"] == 0
        assert detail["leaders"] == 1
        assert detail["pump_lag"]["n"] == detail["scans"], "every scan's row must reach PostgreSQL"
        assert detail["dashboard_errors"] == []
        assert 0 < run["pg_connections_max"] <= 3 * run["stations"]


def test_an_opens_time_is_split_into_parts_that_add_up(figures: dict[str, Any]) -> None:
    parts = figures["detail"]["open_parts"]["all"]
    assert parts["n"] == figures["detail"]["open"]["n"]
    assert parts["database_ms"] > 0, "package_open() and its commit run in the database"
    assert parts["journal_ms"] > 0, "an open is journaled on the station"
    assert parts["station_cpu_ms"] > 0
    summed = parts["database_ms"] + parts["journal_ms"] + parts["station_cpu_ms"] + parts["waiting_ms"]
    assert summed == pytest.approx(parts["total_ms"], abs=0.05)
