"""Throughput figures against values computed by hand from the story in conftest.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from packstation.db.connect import Database
from packstation.services.reports import (
    Figures,
    FigureSource,
    Grouping,
    ReportError,
    ReportFilter,
    ReportQueries,
)
from tests.services.reports.conftest import DAY, IST, Seeded, seed_day

# (parcels, items, wrong, unknown, over, active hours, median seconds)
AYSE = (3, 6, 0, 0, 0, 4, 60.0)  # P1 60 s, P2 120 s, P8 30 s; hours 09, 10, 11, 23
SUKRU = (3, 2, 2, 1, 1, 2, 240.0)  # P3 180 s, P4 240 s (spans midnight), P5 300 s; hours 00, 10
TOTAL = (6, 8, 2, 1, 1, 5, 150.0)  # median of 30, 60, 120, 180, 240, 300


def shape(f: Figures) -> tuple[object, ...]:
    return (
        f.parcels,
        f.items,
        f.wrong_items,
        f.unknown_barcodes,
        f.over_scans,
        f.active_hours,
        f.median_parcel_seconds,
    )


@pytest.fixture(params=[FigureSource.ROLLUP, FigureSource.RAW])
def queries(request: pytest.FixtureRequest, db: Database) -> ReportQueries:
    return ReportQueries(db.sessions, tz=IST, source=request.param)


def test_day_totals_per_packer_and_per_station(queries: ReportQueries, seeded: Seeded) -> None:
    day = ReportFilter(DAY, DAY)
    assert shape(queries.total(day)) == TOTAL
    packers = {f.key: f for f in queries.figures(day, Grouping.PACKER)}
    assert set(packers) == {"Ayşe Yılmaz", "Şükrü Öztürk"}
    assert shape(packers["Ayşe Yılmaz"]) == AYSE
    assert shape(packers["Şükrü Öztürk"]) == SUKRU
    sukru = packers["Şükrü Öztürk"]
    assert sukru.errors == 4 and sukru.error_rate == 200.0 and sukru.parcels_per_hour == 1.5
    assert packers["Ayşe Yılmaz"].error_rate == 0.0 and packers["Ayşe Yılmaz"].parcels_per_hour == 0.75
    assert packers["Ayşe Yılmaz"].key_id == seeded.ayse
    stations = queries.figures(day, Grouping.STATION)
    assert [(f.key, shape(f)) for f in stations] == [("İstasyon 1", AYSE), ("İstasyon 2", SUKRU)]


def test_parcels_count_in_the_local_hour_they_complete(queries: ReportQueries, seeded: Seeded) -> None:
    timeline = queries.timeline(ReportFilter(DAY, DAY))
    assert len(timeline) == 24 and timeline[0].key == "00:00" and timeline[23].key == "23:00"
    per_hour = {f.key: f.parcels for f in timeline if f.parcels}
    # P4 opened before midnight counts at 00; P6's conflicting complete at 11 does not count.
    assert per_hour == {"00:00": 1, "09:00": 2, "10:00": 2, "23:00": 1}
    assert timeline[0].bucket == datetime(2026, 3, 9, 21, tzinfo=UTC)


def test_a_range_of_days_and_the_day_before(queries: ReportQueries, seeded: Seeded) -> None:
    before = DAY - timedelta(days=1)
    days = queries.timeline(ReportFilter(before, DAY + timedelta(days=1)))
    assert [(f.key, f.parcels, f.items) for f in days] == [("09.03", 0, 2), ("10.03", 6, 8), ("11.03", 1, 0)]
    sukru_before = queries.figures(ReportFilter(before, before), Grouping.PACKER)
    assert [shape(f) for f in sukru_before] == [(0, 2, 0, 0, 0, 1, None)]


def test_filters_by_client_marketplace_station_and_packer(queries: ReportQueries, seeded: Seeded) -> None:
    cicek = queries.total(ReportFilter(DAY, DAY, client_company_id=seeded.cicek))
    assert shape(cicek) == (2, 1, 1, 1, 1, 2, 210.0)  # P3 and P4
    assert shape(queries.total(ReportFilter(DAY, DAY, marketplace="hepsiburada"))) == shape(cicek)
    trendyol = queries.total(ReportFilter(DAY, DAY, marketplace="trendyol"))
    assert (trendyol.parcels, trendyol.items, trendyol.wrong_items) == (4, 7, 1)
    assert shape(queries.total(ReportFilter(DAY, DAY, station_id=seeded.station_2))) == SUKRU
    assert shape(queries.total(ReportFilter(DAY, DAY, user_id=seeded.ayse))) == AYSE
    assert queries.total(ReportFilter(DAY, DAY, user_id=seeded.ayse, station_id=seeded.station_2)).parcels == 0


def test_events_inserted_one_statement_each_give_the_same_figures(db: Database) -> None:
    seed_day(db, one_by_one=True)
    queries = ReportQueries(db.sessions, tz=IST)
    assert shape(queries.total(ReportFilter(DAY, DAY))) == TOTAL


def test_rebuilt_rollups_match_the_trigger_maintained_ones(db: Database, seeded: Seeded) -> None:
    def snapshot() -> list[tuple[object, ...]]:
        with db.sessions() as session:
            return [
                tuple(r)
                for r in session.execute(
                    text(
                        "SELECT hour, station_id, user_id, account_id, parcels, items, wrong_items, unknown_barcodes,"
                        " over_scans, events FROM pack_hourly ORDER BY 1, 2, 3, 4"
                    )
                )
            ]

    before = snapshot()
    ReportQueries(db.sessions, tz=IST).rebuild_rollups()
    assert snapshot() == before and len(before) > 5


def test_a_zone_with_half_hour_offset_reads_raw_events(db: Database, seeded: Seeded) -> None:
    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+5:30: rollup hours do not line up with local hours
    rollup = ReportQueries(db.sessions, tz=kolkata, source=FigureSource.ROLLUP)
    raw = ReportQueries(db.sessions, tz=kolkata, source=FigureSource.RAW)
    day = ReportFilter(DAY, DAY)
    assert rollup.figures(day, Grouping.HOUR) == raw.figures(day, Grouping.HOUR)
    # Kolkata's day D is 18:30 UTC on D-1 to 18:30 UTC on D: P4 (21:02 UTC on D-1) is in, P8 (20:59 UTC) is not.
    assert rollup.total(day).parcels == 5
    assert "2026-03-10 11:00" in {f.key for f in rollup.figures(day, Grouping.HOUR)}  # P1 at 06:01 UTC


def test_bad_ranges_are_refused_with_a_clear_error() -> None:
    with pytest.raises(ReportError, match=r"ends .* before it starts"):
        ReportFilter(DAY, DAY - timedelta(days=1))
    with pytest.raises(ReportError, match="at most 400 days"):
        ReportFilter(DAY, DAY + timedelta(days=401))


def test_empty_database_gives_zero_figures(db: Database) -> None:
    queries = ReportQueries(db.sessions, tz=IST)
    total = queries.total(ReportFilter(DAY, DAY))
    assert (total.parcels, total.items, total.error_rate, total.parcels_per_hour) == (0, 0, None, None)
    assert queries.figures(ReportFilter(DAY, DAY), Grouping.PACKER) == []
