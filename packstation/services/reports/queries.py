"""The supervisor's read side: dashboard snapshot, figures, station health, sync state, exception queue.

Every method opens its own short session, so the dashboard can call them from a worker thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from packstation.i18n import _
from packstation.services.reports.figures import compute_figures, fill_timeline, utc_bounds
from packstation.services.reports.model import (
    DEFAULT_TIME_ZONE,
    EMPTY_TOTAL,
    AccountSync,
    DashboardSnapshot,
    Figures,
    FigureSource,
    FilterChoices,
    Grouping,
    OpenException,
    ParcelRow,
    PersonChoice,
    ReportError,
    ReportFilter,
    StationStatus,
)

log = logging.getLogger("packstation.services.reports")
#: A station whose last heartbeat is older than this is shown offline (heartbeats come every 30 s).
DEFAULT_ONLINE_WITHIN = timedelta(seconds=90)
EXCEPTION_QUEUE_LIMIT = 200
#: Per-sort memory for report reads: a month's medians sort half a million durations.
REPORT_WORK_MEM = "64MB"


class ReportQueries:
    """Read-only queries behind the dashboard, the exports and the report command."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        tz: ZoneInfo = DEFAULT_TIME_ZONE,
        source: FigureSource = FigureSource.ROLLUP,
        online_within: timedelta = DEFAULT_ONLINE_WITHIN,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self.tz = tz
        self.source = source
        self._online_within = online_within
        self._clock = clock

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        """A read session whose sorts (the medians) stay in memory instead of spilling to disk."""
        with self._sessions() as session:
            session.execute(text(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'"))
            yield session

    def today(self) -> ReportFilter:
        """A filter for the current local day."""
        day = self._clock().astimezone(self.tz).date()
        return ReportFilter(day, day)

    def figures(self, flt: ReportFilter, grouping: Grouping) -> list[Figures]:
        """Throughput of ``flt`` per packer, station, hour, day, or in total."""
        with self._reading() as session:
            return compute_figures(session, flt, grouping, tz=self.tz, source=self.source)

    def total(self, flt: ReportFilter) -> Figures:
        """All of ``flt`` in one row."""
        rows = self.figures(flt, Grouping.TOTAL)
        return rows[0] if rows else EMPTY_TOTAL

    def timeline(self, flt: ReportFilter) -> tuple[Figures, ...]:
        """Per local hour for one day, else per local day, empty buckets included."""
        grouping = Grouping.HOUR if flt.single_day else Grouping.DAY
        return fill_timeline(flt, self.figures(flt, grouping), tz=self.tz)

    def dashboard(self, flt: ReportFilter) -> DashboardSnapshot:
        """Everything the dashboard shows, read in one session."""
        started = time.perf_counter()
        with self._reading() as session:

            def figures(grouping: Grouping, *, medians: bool = True) -> list[Figures]:
                return compute_figures(session, flt, grouping, tz=self.tz, source=self.source, medians=medians)

            total = figures(Grouping.TOTAL)
            # The chart shows parcels only: its buckets need no medians (the costliest part).
            timeline = fill_timeline(
                flt, figures(Grouping.HOUR if flt.single_day else Grouping.DAY, medians=False), tz=self.tz
            )
            snapshot = DashboardSnapshot(
                filter=flt,
                generated_at=self._clock().astimezone(self.tz),
                total=total[0] if total else EMPTY_TOTAL,
                timeline=timeline,
                packers=tuple(figures(Grouping.PACKER)),
                stations=tuple(figures(Grouping.STATION)),
                station_status=self._station_status(session),
                sync=self._sync(session),
                exceptions=self._exceptions(session, flt),
            )
        log.debug("dashboard read in %.1f ms", (time.perf_counter() - started) * 1000)
        return snapshot

    def station_status(self) -> tuple[StationStatus, ...]:
        """Every station: online (fresh heartbeat) or not, and its operations not yet uploaded."""
        with self._sessions() as session:
            return self._station_status(session)

    def _station_status(self, session: Session) -> tuple[StationStatus, ...]:
        now = self._clock()
        rows = session.execute(
            text(
                "SELECT id, name, last_heartbeat_at, pending_operations, oldest_pending_at FROM stations ORDER BY name"
            )
        ).all()
        return tuple(
            StationStatus(
                station_id=int(i),
                name=str(name),
                online=beat is not None and now - beat <= self._online_within,
                last_heartbeat_at=beat,
                pending_operations=int(pending or 0),
                oldest_pending_at=oldest,
            )
            for i, name, beat, pending, oldest in rows
        )

    def sync_states(self) -> tuple[AccountSync, ...]:
        """Each marketplace account's last sync, last error and marketplace calls still waiting."""
        with self._sessions() as session:
            return self._sync(session)

    def _sync(self, session: Session) -> tuple[AccountSync, ...]:
        rows = session.execute(
            text(
                "SELECT a.id, a.name, a.kind, c.name, a.enabled, s.last_success_at, s.last_attempt_at, s.last_error,"
                " (SELECT count(*) FROM marketplace_outbox o WHERE o.account_id = a.id"
                "   AND o.state IN ('pending', 'in_flight')),"
                " (SELECT count(*) FROM marketplace_outbox o WHERE o.account_id = a.id AND o.state = 'failed')"
                " FROM marketplace_accounts a JOIN client_companies c ON c.id = a.client_company_id"
                " LEFT JOIN sync_state s ON s.account_id = a.id ORDER BY a.name"
            )
        ).all()
        return tuple(
            AccountSync(int(r[0]), r[1], r[2], r[3], bool(r[4]), r[5], r[6], r[7], int(r[8]), int(r[9])) for r in rows
        )

    def open_exceptions(self, flt: ReportFilter | None = None) -> tuple[OpenException, ...]:
        """Unresolved exceptions, oldest first (station and client filters apply; dates do not)."""
        with self._sessions() as session:
            return self._exceptions(session, flt)

    def _exceptions(self, session: Session, flt: ReportFilter | None) -> tuple[OpenException, ...]:
        clauses = ["x.resolved_at IS NULL"]
        params: dict[str, object] = {"limit": EXCEPTION_QUEUE_LIMIT}
        if flt is not None and flt.station_id is not None:
            clauses.append("x.station_id = :station_id")
            params["station_id"] = flt.station_id
        if flt is not None and flt.client_company_id is not None:
            clauses.append("a.client_company_id = :client_id")
            params["client_id"] = flt.client_company_id
        if flt is not None and flt.marketplace is not None:
            clauses.append("a.kind = :marketplace")
            params["marketplace"] = flt.marketplace
        rows = session.execute(
            text(
                # A package the sync set aside may not be stored: its id and account are in the detail.
                "SELECT x.id, x.kind, x.message, x.created_at, coalesce(p.external_id, x.detail->>'external_id'),"
                " coalesce(p.order_number, x.detail->>'order_number'), s.name,"
                " coalesce(nullif(u.full_name, ''), u.username)"
                " FROM pack_exceptions x LEFT JOIN packages p ON p.id = x.package_id"
                " LEFT JOIN marketplace_accounts a"
                " ON a.id = coalesce(p.account_id, CAST(x.detail->>'account_id' AS integer))"
                " LEFT JOIN stations s ON s.id = x.station_id LEFT JOIN users u ON u.id = x.assigned_to_user_id"
                f" WHERE {' AND '.join(clauses)} ORDER BY x.created_at, x.id LIMIT :limit"
            ),
            params,
        ).all()
        return tuple(OpenException(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows)

    def filter_choices(self) -> FilterChoices:
        """Clients, marketplaces, stations and packers for the filter boxes."""
        with self._sessions() as session:

            def choices(sql: str) -> tuple[PersonChoice, ...]:
                return tuple(PersonChoice(int(i), str(n)) for i, n in session.execute(text(sql)))

            return FilterChoices(
                clients=choices("SELECT id, name FROM client_companies ORDER BY name"),
                marketplaces=tuple(
                    str(k)
                    for (k,) in session.execute(text("SELECT DISTINCT kind FROM marketplace_accounts ORDER BY 1"))
                ),
                stations=choices("SELECT id, name FROM stations ORDER BY name"),
                packers=choices(
                    "SELECT id, coalesce(nullif(full_name, ''), username) AS n FROM users WHERE active ORDER BY n"
                ),
            )

    def parcels(self, flt: ReportFilter, *, limit: int = 1_000_000) -> list[ParcelRow]:
        """Every parcel counted in ``flt``, in completion order (for the parcels export)."""
        start, end = utc_bounds(flt, self.tz)
        clauses = ["f.completed_at >= :start", "f.completed_at < :end"]
        params: dict[str, Any] = {"start": start, "end": end, "limit": limit}
        for column, value, name in (
            ("f.station_id", flt.station_id, "station_id"),
            ("f.user_id", flt.user_id, "user_id"),
            ("a.client_company_id", flt.client_company_id, "client_id"),
            ("a.kind", flt.marketplace, "marketplace"),
        ):
            if value is not None:
                clauses.append(f"{column} = :{name}")
                params[name] = value
        with self._sessions() as session:
            rows = session.execute(
                text(
                    "SELECT f.completed_at, p.external_id, p.order_number, c.name, a.kind, a.name, s.name,"
                    " coalesce(nullif(u.full_name, ''), u.username),"
                    " extract(epoch FROM f.completed_at - f.opened_at)"
                    " FROM parcel_facts f LEFT JOIN packages p ON p.id = f.package_id"
                    " LEFT JOIN marketplace_accounts a ON a.id = f.account_id"
                    " LEFT JOIN client_companies c ON c.id = a.client_company_id"
                    " LEFT JOIN stations s ON s.id = f.station_id LEFT JOIN users u ON u.id = f.user_id"
                    f" WHERE {' AND '.join(clauses)} ORDER BY f.completed_at, f.op_id LIMIT :limit"
                ),
                params,
            ).all()
        return [
            ParcelRow(
                completed_at=r[0].astimezone(self.tz),
                package=r[1] or "",
                order_number=r[2] or "",
                client=r[3] or "",
                marketplace=r[4] or "",
                account=r[5] or "",
                station=r[6] or "",
                packer=r[7] or "",
                seconds=float(r[8]) if r[8] is not None else None,
            )
            for r in rows
        ]

    def station_named(self, name: str) -> int:
        """The id of the station called ``name`` (for command-line filters)."""
        return self._id_of("SELECT id FROM stations WHERE name = :name", name, _("no station named {name!r}"))

    def packer_named(self, username: str) -> int:
        """The id of the user ``username`` (for command-line filters)."""
        return self._id_of("SELECT id FROM users WHERE username = :name", username, _("no user named {name!r}"))

    def client_named(self, name: str) -> int:
        """The id of the client company called ``name`` (for command-line filters)."""
        return self._id_of(
            "SELECT id FROM client_companies WHERE name = :name", name, _("no client company named {name!r}")
        )

    def _id_of(self, sql: str, name: str, message: str) -> int:
        with self._sessions() as session:
            found = session.execute(text(sql), {"name": name}).scalar_one_or_none()
        if found is None:
            raise ReportError(message.format(name=name))
        return int(found)

    def rebuild_rollups(self) -> None:
        """Recompute the rollups from every pack event (after a repair of ``pack_events``; slow)."""
        with self._sessions.begin() as session:
            session.execute(text("SELECT pack_rollups_rebuild()"))
