"""Throughput figures in SQL, from the rollups (fast) or from the raw pack events (the baseline).

Both paths implement the definitions in :mod:`packstation.services.reports.model` and return the
same :class:`Figures`; the tests hold them to each other and to hand-computed values. The rollups
are per UTC hour, so they serve time zones whose offset is a whole number of hours (Istanbul, all of
Europe); for any other zone the raw path answers instead, which is exact but slower.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from packstation.i18n import _
from packstation.services.reports.model import Figures, FigureSource, Grouping, ReportFilter, turkish_sort_key

log = logging.getLogger("packstation.services.reports.figures")

# A complete is a parcel unless the pump turned it into a conflict (someone else packed it first).
_COUNTED = "NOT EXISTS (SELECT 1 FROM pack_exceptions x WHERE x.op_id = e.op_id AND x.kind = 'conflict')"
_OPENED_AT = (
    "(SELECT max(o.occurred_at) FROM pack_events o WHERE o.package_id = e.package_id AND o.kind = 'open'"
    " AND o.user_id IS NOT DISTINCT FROM e.user_id AND o.occurred_at <= e.occurred_at)"
)


@dataclass(frozen=True)
class _Shape:
    """Column names of one source: the table alias and which column holds what."""

    time: str
    station: str
    user: str


_ROLLUP = _Shape(time="h.hour", station="h.station_id", user="h.user_id")
_FACTS = _Shape(time="f.completed_at", station="f.station_id", user="f.user_id")
_RAW = _Shape(time="e.occurred_at", station="e.station_id", user="e.user_id")


def utc_bounds(flt: ReportFilter, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants where the filter's first local day starts and the day after its last one starts."""
    start = datetime.combine(flt.start, time(0), tzinfo=tz)
    end = datetime.combine(flt.end + timedelta(days=1), time(0), tzinfo=tz)
    return start, end


def whole_hour_zone(tz: ZoneInfo, start: date, end: date) -> bool:
    """True when ``tz`` is a whole number of hours from UTC on every day of the range (rollups apply)."""
    day = start
    while day <= end + timedelta(days=1):
        for moment in (time(0), time(12)):
            offset = datetime.combine(day, moment, tzinfo=tz).utcoffset()
            if offset is None or offset.total_seconds() % 3600:
                return False
        day += timedelta(days=1)
    return True


def _key(grouping: Grouping, shape: _Shape) -> str:
    return {
        Grouping.TOTAL: "NULL::int",
        Grouping.PACKER: shape.user,
        Grouping.STATION: shape.station,
        Grouping.HOUR: f"date_trunc('hour', {shape.time} AT TIME ZONE :tz)",
        Grouping.DAY: f"date_trunc('day', {shape.time} AT TIME ZONE :tz)",
    }[grouping]


def _where(flt: ReportFilter, shape: _Shape, params: dict[str, Any]) -> str:
    clauses = [f"{shape.time} >= :start", f"{shape.time} < :end"]
    if flt.station_id is not None:
        clauses.append(f"{shape.station} = :station_id")
        params["station_id"] = flt.station_id
    if flt.user_id is not None:
        clauses.append(f"{shape.user} = :user_id")
        params["user_id"] = flt.user_id
    if flt.client_company_id is not None:
        clauses.append("a.client_company_id = :client_id")
        params["client_id"] = flt.client_company_id
    if flt.marketplace is not None:
        clauses.append("a.kind = :marketplace")
        params["marketplace"] = flt.marketplace
    return " AND ".join(clauses)


def _counts_sql(grouping: Grouping, source: FigureSource, where: str) -> str:
    if source is FigureSource.ROLLUP:
        key = _key(grouping, _ROLLUP)
        return (
            f"SELECT {key} AS k, sum(h.parcels), sum(h.items), sum(h.wrong_items), sum(h.unknown_barcodes),"
            " sum(h.over_scans), count(DISTINCT h.hour)"
            " FROM pack_hourly h LEFT JOIN marketplace_accounts a ON a.id = h.account_id"
            f" WHERE {where} GROUP BY k"
        )
    key = _key(grouping, _RAW)
    return (
        f"SELECT {key} AS k,"
        f" count(*) FILTER (WHERE e.kind = 'complete' AND {_COUNTED}),"
        " coalesce(sum(e.quantity) FILTER (WHERE e.kind = 'scan' AND e.outcome = 'accepted'), 0),"
        " count(*) FILTER (WHERE e.kind = 'scan' AND e.outcome = 'wrong_item'),"
        " count(*) FILTER (WHERE e.kind = 'scan' AND e.outcome = 'unknown_barcode'),"
        " count(*) FILTER (WHERE e.kind = 'scan' AND e.outcome = 'over_scan'),"
        " count(DISTINCT date_trunc('hour', e.occurred_at AT TIME ZONE :tz))"
        " FROM pack_events e LEFT JOIN packages p ON p.id = e.package_id"
        " LEFT JOIN marketplace_accounts a ON a.id = p.account_id"
        f" WHERE {where} GROUP BY k"
    )


def _median_sql(grouping: Grouping, source: FigureSource, where: str) -> str:
    if source is FigureSource.ROLLUP:
        # A histogram of durations per group, hashed rather than sorted, then the middle one or two
        # values found by a running count (as percentile_cont does): a month of parcels costs one scan.
        # Grouping on the interval itself avoids numeric arithmetic on every row.
        key = _key(grouping, _FACTS)
        return (
            "WITH h AS ("
            f" SELECT {key} AS k, f.completed_at - f.opened_at AS d, count(*) AS c"
            " FROM parcel_facts f LEFT JOIN marketplace_accounts a ON a.id = f.account_id"
            f" WHERE {where} AND f.opened_at IS NOT NULL GROUP BY 1, 2),"
            " w AS (SELECT k, d, sum(c) OVER (PARTITION BY k ORDER BY d) AS cum, sum(c) OVER (PARTITION BY k) AS n"
            " FROM h)"
            " SELECT k, extract(epoch FROM (min(d) FILTER (WHERE cum > floor((n - 1) / 2.0))"
            " + min(d) FILTER (WHERE cum > ceil((n - 1) / 2.0))) / 2) FROM w GROUP BY k"
        )
    key = _key(grouping, _RAW)
    inner = (
        f"SELECT {key} AS k, extract(epoch FROM e.occurred_at - {_OPENED_AT}) AS seconds"
        " FROM pack_events e LEFT JOIN packages p ON p.id = e.package_id"
        " LEFT JOIN marketplace_accounts a ON a.id = p.account_id"
        f" WHERE e.kind = 'complete' AND {_COUNTED} AND {where}"
    )
    return (
        "SELECT k, percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds)"
        f" FROM ({inner}) s WHERE seconds IS NOT NULL GROUP BY k"
    )


def compute_figures(
    session: Session,
    flt: ReportFilter,
    grouping: Grouping,
    *,
    tz: ZoneInfo,
    source: FigureSource = FigureSource.ROLLUP,
    medians: bool = True,
) -> list[Figures]:
    """Figures of ``flt`` broken down by ``grouping``, from ``source`` (rollups fall back to raw if they cannot).

    ``medians=False`` leaves ``median_parcel_seconds`` empty and skips the one costly part (a sort of
    every parcel's duration in the range).
    """
    if source is FigureSource.ROLLUP and not whole_hour_zone(tz, flt.start, flt.end):
        log.info("time zone not whole hours, reading raw events zone=%s", tz.key)
        source = FigureSource.RAW
    start, end = utc_bounds(flt, tz)
    params: dict[str, Any] = {"start": start, "end": end, "tz": tz.key}
    counts_where = _where(flt, _ROLLUP if source is FigureSource.ROLLUP else _RAW, params)
    median_where = _where(flt, _FACTS if source is FigureSource.ROLLUP else _RAW, params)
    rows = session.execute(text(_counts_sql(grouping, source, counts_where)), params).all()
    median_rows: Iterable[Any] = []
    if medians:
        median_rows = session.execute(text(_median_sql(grouping, source, median_where)), params)
    median_of = {k: float(m) for k, m in median_rows}
    names = _names(session, grouping, [row[0] for row in rows])
    result = [
        Figures(
            key=_label(grouping, k, names),
            parcels=int(parcels or 0),
            items=int(items or 0),
            wrong_items=int(wrong or 0),
            unknown_barcodes=int(unknown or 0),
            over_scans=int(over or 0),
            active_hours=1 if grouping is Grouping.HOUR else int(hours or 0),
            median_parcel_seconds=round(median_of[k], 1) if k in median_of else None,
            key_id=k if grouping in (Grouping.PACKER, Grouping.STATION) else None,
            bucket=k.replace(tzinfo=tz) if isinstance(k, datetime) else None,
        )
        for k, parcels, items, wrong, unknown, over, hours in rows
    ]
    if grouping in (Grouping.HOUR, Grouping.DAY):
        return sorted(result, key=lambda f: f.bucket or datetime.min.replace(tzinfo=tz))
    if grouping is Grouping.STATION:
        return sorted(result, key=lambda f: turkish_sort_key(f.key))
    return sorted(result, key=lambda f: (-f.parcels, turkish_sort_key(f.key)))


def _names(session: Session, grouping: Grouping, ids: list[Any]) -> dict[int, str]:
    wanted = [i for i in ids if isinstance(i, int)]
    if not wanted or grouping not in (Grouping.PACKER, Grouping.STATION):
        return {}
    if grouping is Grouping.PACKER:
        sql = "SELECT id, coalesce(nullif(full_name, ''), username) FROM users WHERE id = ANY(:ids)"
    else:
        sql = "SELECT id, name FROM stations WHERE id = ANY(:ids)"
    return {int(i): str(n) for i, n in session.execute(text(sql), {"ids": wanted})}


def _label(grouping: Grouping, key: Any, names: dict[int, str]) -> str:
    if grouping is Grouping.TOTAL:
        return _("total")
    if grouping is Grouping.HOUR:
        return f"{key:%Y-%m-%d %H:00}"
    if grouping is Grouping.DAY:
        return f"{key:%Y-%m-%d}"
    if key is None:
        return _("(no packer)") if grouping is Grouping.PACKER else _("(no station)")
    return names.get(int(key), f"#{key}")


def fill_timeline(flt: ReportFilter, rows: list[Figures], *, tz: ZoneInfo) -> tuple[Figures, ...]:
    """Per hour for one day, else per day, with empty buckets present (a chart needs every hour)."""
    by_bucket = {f.bucket.replace(tzinfo=None): f for f in rows if f.bucket is not None}
    start, end = utc_bounds(flt, tz)
    buckets: list[datetime] = []
    if flt.single_day:
        moment = start
        while moment < end:  # stepping in UTC gives 23 or 25 local hours on DST days, as it should
            buckets.append(moment.astimezone(tz).replace(minute=0, second=0, microsecond=0))
            moment += timedelta(hours=1)
    else:
        day = flt.start
        while day <= flt.end:
            buckets.append(datetime.combine(day, time(0), tzinfo=tz))
            day += timedelta(days=1)
    filled = []
    for bucket in buckets:
        match = by_bucket.get(bucket.replace(tzinfo=None))
        label = f"{bucket:%H:00}" if flt.single_day else f"{bucket:%d.%m}"
        filled.append(
            Figures(label, 0, 0, 0, 0, 0, 0, None, bucket=bucket)
            if match is None
            else Figures(
                label,
                match.parcels,
                match.items,
                match.wrong_items,
                match.unknown_barcodes,
                match.over_scans,
                match.active_hours,
                match.median_parcel_seconds,
                bucket=bucket,
            )
        )
    return tuple(filled)
