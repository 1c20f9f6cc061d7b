"""Which station runs the marketplace jobs: the one holding a PostgreSQL advisory lock.

The lock is session-level and lives on a connection this object keeps checked out for as long as it
leads. If the leader's process dies, or its connection is cut, PostgreSQL ends the session and
releases the lock; the next ``try_acquire`` of another station (the leadership job runs every 15 s)
takes it over. A leader that lost its connection notices on its own next ``try_acquire``.
"""

from __future__ import annotations

import logging
import threading
import zlib

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from packstation.db.errors import error_reason

log = logging.getLogger("packstation.services.sync.leadership")

#: The advisory lock key every station uses for the marketplace jobs (a stable 32-bit value).
MARKETPLACE_JOBS_LOCK = zlib.crc32(b"packstation.marketplace-jobs")


class Leadership:
    """Holds (or tries to take) the marketplace-jobs lock. Thread-safe."""

    def __init__(self, engine: Engine, *, key: int = MARKETPLACE_JOBS_LOCK, station: str = "") -> None:
        self._engine = engine
        self._key = key
        self._station = station
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    @property
    def is_leader(self) -> bool:
        """True while this station holds the lock (as of the last check)."""
        return self._connection is not None

    @property
    def backend_pid(self) -> int | None:
        """The PostgreSQL backend holding the lock for us (for diagnostics and tests)."""
        with self._lock:
            if self._connection is None:
                return None
            return int(self._connection.execute(text("SELECT pg_backend_pid()")).scalar_one())

    def try_acquire(self) -> bool:
        """Confirm or take leadership; False when another station leads or the database is away."""
        with self._lock:
            if self._connection is not None:
                if self._alive(self._connection):
                    return True
                log.warning("leadership lost station=%s reason=connection closed", self._station)
                self._drop()
            try:
                connection = self._engine.connect()
            except SQLAlchemyError as exc:
                log.info("leadership not tried station=%s reason=%s", self._station, error_reason(exc))
                return False
            try:
                taken = bool(
                    connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}).scalar_one()
                )
                connection.commit()  # end the implicit transaction; the session-level lock stays
            except SQLAlchemyError as exc:
                log.info("leadership not tried station=%s reason=%s", self._station, error_reason(exc))
                connection.invalidate()
                connection.close()
                return False
            if not taken:
                connection.close()
                return False
            self._connection = connection
            log.info("leadership taken station=%s key=%d", self._station, self._key)
            return True

    def release(self) -> None:
        """Give leadership up (on shutdown), so another station can take over at once."""
        with self._lock:
            if self._connection is None:
                return
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
                self._connection.commit()
                self._connection.close()
            except SQLAlchemyError as exc:
                log.info("leadership release failed station=%s reason=%s", self._station, error_reason(exc))
                self._drop()
            self._connection = None
            log.info("leadership released station=%s", self._station)

    def _alive(self, connection: Connection) -> bool:
        try:
            connection.execute(text("SELECT 1"))
            connection.commit()
            return True
        except (DBAPIError, SQLAlchemyError):
            return False

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            # Never hand a connection that may still hold the lock back to the pool.
            connection.invalidate()
            connection.close()
        except SQLAlchemyError:
            log.debug("closing a dead leadership connection failed", exc_info=True)
