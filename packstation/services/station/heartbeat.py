"""Station registration and heartbeat, so supervisors see which stations are alive."""

from __future__ import annotations

import logging
import platform
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from packstation import __version__
from packstation.db.errors import error_reason
from packstation.db.models.accounts import Station
from packstation.db.models.packages import PackageRow
from packstation.domain.events import DatabaseStatus
from packstation.i18n import _
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.permissions import Approval, Permission, UserSession, privileged

if TYPE_CHECKING:
    from packstation.local_store.journal import Journal

log = logging.getLogger("packstation.services.station.heartbeat")
ONLINE_WITHIN = timedelta(minutes=2)


@dataclass(frozen=True)
class StationSummary:
    """One station as the administrator sees it."""

    id: int
    name: str
    hostname: str
    app_version: str
    last_heartbeat_at: datetime | None
    online: bool
    pending_operations: int
    oldest_pending_at: datetime | None
    claimed_parcels: int


class StationError(Exception):
    """A station cannot be changed as asked; the message says why."""


class StationService:
    """Registers this station in the shared database and keeps its heartbeat fresh; administers stations."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        name: str,
        audit: AuditLog,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self.name = name
        self.audit = audit  # the permission check of the privileged methods reads these two
        self.clock = clock

    def register(self) -> int:
        """Insert or refresh this station's row; returns its id."""
        statement = (
            insert(Station)
            .values(name=self.name, hostname=platform.node(), app_version=__version__, last_heartbeat_at=func.now())
            .on_conflict_do_update(
                index_elements=[Station.name],
                set_={"hostname": platform.node(), "app_version": __version__, "last_heartbeat_at": func.now()},
            )
            .returning(Station.id)
        )
        with self._sessions.begin() as session:
            return int(session.execute(statement).scalar_one())

    def heartbeat(self, *, pending_operations: int = 0, oldest_pending_at: datetime | None = None) -> None:
        """Record that the station is alive and how much it still has to upload."""
        with self._sessions.begin() as session:
            session.query(Station).filter(Station.name == self.name).update(
                {
                    Station.last_heartbeat_at: datetime.now(UTC),
                    Station.pending_operations: pending_operations,
                    Station.oldest_pending_at: oldest_pending_at,
                }
            )

    @privileged(Permission.MANAGE_STATIONS)
    def list_stations(self, actor: UserSession, *, approval: Approval | None = None) -> list[StationSummary]:
        """Every station with its heartbeat, offline backlog and the parcels it has claimed."""
        now = self.clock()
        with self._sessions() as session:
            claimed = dict(
                session.execute(
                    select(PackageRow.claimed_by_station_id, func.count())
                    .where(PackageRow.claimed_by_station_id.is_not(None), PackageRow.claim_expires_at > func.now())
                    .group_by(PackageRow.claimed_by_station_id)
                ).all()
            )
            rows = session.scalars(select(Station).order_by(Station.name)).all()
            return [
                StationSummary(
                    id=row.id,
                    name=row.name,
                    hostname=row.hostname or "",
                    app_version=row.app_version or "",
                    last_heartbeat_at=row.last_heartbeat_at,
                    online=row.last_heartbeat_at is not None and now - row.last_heartbeat_at < ONLINE_WITHIN,
                    pending_operations=row.pending_operations,
                    oldest_pending_at=row.oldest_pending_at,
                    claimed_parcels=int(claimed.get(row.id, 0)),
                )
                for row in rows
            ]

    @privileged(Permission.MANAGE_STATIONS)
    def release_claims(self, actor: UserSession, station_id: int, *, approval: Approval | None = None) -> int:
        """Free the parcels a dead station still holds, so others can pack them; returns how many."""
        with self._sessions.begin() as session:
            # A bulk UPDATE returns a CursorResult; Session.execute is typed with the plain Result.
            result = cast(
                "CursorResult[Any]",
                session.execute(
                    update(PackageRow)
                    .where(PackageRow.claimed_by_station_id == station_id, PackageRow.packed_at.is_(None))
                    .values(claimed_by_station_id=None, claimed_by_user_id=None, claim_expires_at=None)
                ),
            )
            released = result.rowcount
        if self.audit is not None:
            self.audit.record(
                AuditAction.STATION_CLAIMS_RELEASED,
                actor=actor,
                subject=f"station:{station_id}",
                detail={"released": int(released or 0)},
            )
        return int(released or 0)

    @privileged(Permission.MANAGE_STATIONS)
    def rename(self, actor: UserSession, station_id: int, new_name: str, *, approval: Approval | None = None) -> None:
        """Rename a station (its config must be changed to match, or it registers under the old name again)."""
        new_name = new_name.strip()
        if not new_name:
            raise StationError(_("a station needs a name"))
        with self._sessions.begin() as session:
            if session.scalar(select(Station.id).where(Station.name == new_name, Station.id != station_id)):
                raise StationError(_("station {name!r} already exists").format(name=new_name))
            station = session.get(Station, station_id)
            if station is None:
                raise StationError(_("no such station"))
            old_name, station.name = station.name, new_name
        if self.audit is not None:
            self.audit.record(
                AuditAction.STATION_RENAMED,
                actor=actor,
                subject=f"station:{station_id}",
                detail={"from": old_name, "to": new_name},
            )


def beat(station: StationService, publish: Callable[[DatabaseStatus], None], journal: Journal | None = None) -> None:
    """The scheduled heartbeat: record it (with the work still waiting in the journal) and publish whether
    the database answered."""
    now = datetime.now(UTC)
    stats = journal.stats() if journal is not None else None
    try:
        station.heartbeat(
            pending_operations=stats.pending if stats else 0, oldest_pending_at=stats.oldest_at if stats else None
        )
    except SQLAlchemyError as exc:
        reason = error_reason(exc)
        log.warning("database unreachable reason=%s", reason)
        publish(DatabaseStatus(online=False, detail=reason, checked_at=now))
    else:
        publish(DatabaseStatus(online=True, detail="", checked_at=now))
