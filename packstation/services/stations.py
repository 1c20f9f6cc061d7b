"""Station registration and heartbeat, so supervisors see which stations are alive."""

from __future__ import annotations

import platform
from datetime import UTC, datetime

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from packstation import __version__
from packstation.db.models import Station


class StationService:
    """Registers this station in the shared database and keeps its heartbeat fresh."""

    def __init__(self, sessions: sessionmaker[Session], *, name: str) -> None:
        self._sessions = sessions
        self.name = name

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
