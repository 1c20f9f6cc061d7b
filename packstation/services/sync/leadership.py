"""Which station runs the marketplace jobs: the one holding the ``marketplace-jobs`` lease row.

A lease, not a session-level advisory lock: the lock would live on one server connection, which a
PgBouncer in transaction pooling hands to another client after every transaction, and it would keep a
connection of the station's small pool checked out for good. The lease is taken or renewed by one
conditional upsert in one short transaction; it lapses when its holder stops renewing it (a dead
process, a cut network), and another station takes it over at its next check (every 15 s).

A holder that cannot renew counts itself leader only until the lease it last renewed runs out (by its
own clock, less a safety margin), so two stations never both believe they lead, as long as the
stations' clocks tick at the same rate (expiry is measured on the station's monotonic clock from
before the renewal, PostgreSQL's clock decides who may take the row).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from packstation.db.errors import error_reason

log = logging.getLogger("packstation.services.sync.leadership")

#: The lease every station contends for to run the marketplace jobs.
MARKETPLACE_JOBS_LEASE = "marketplace-jobs"
#: Three missed checks (every 15 s) and the lease is free for another station.
DEFAULT_LEASE = timedelta(seconds=45)
#: A holder stops counting itself leader this long before its lease runs out.
SAFETY_MARGIN_S = 5.0

_TAKE_SQL = text(
    "INSERT INTO leases AS l (name, holder, token, acquired_at, expires_at)"
    " VALUES (:name, :holder, :token, now(), now() + :ttl)"
    " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, token = excluded.token,"
    "   acquired_at = CASE WHEN l.token = excluded.token THEN l.acquired_at ELSE now() END,"
    "   expires_at = excluded.expires_at"
    " WHERE l.token = excluded.token OR l.expires_at < now()"
    " RETURNING l.token"
)


class Leadership:
    """Holds (or tries to take) the marketplace-jobs lease. Thread-safe; needs no connection of its own."""

    def __init__(
        self,
        engine: Engine,
        *,
        name: str = MARKETPLACE_JOBS_LEASE,
        station: str = "",
        lease: timedelta = DEFAULT_LEASE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._name = name
        self._station = station
        self._lease = lease
        self._clock = clock
        self._token = uuid.uuid4()  # this process's claim: a restarted station is a new holder
        self._valid_until: float | None = None
        self._lock = threading.Lock()

    def _now(self) -> float:
        return self._clock()

    @property
    def is_leader(self) -> bool:
        """True while the lease this station last took or renewed has not run out (less the margin)."""
        return self._valid_until is not None and self._now() < self._valid_until

    def try_acquire(self) -> bool:
        """Take or renew the lease; False when another station holds it or the database is away."""
        with self._lock:
            asked_at = self._now()
            try:
                with self._engine.begin() as connection:
                    won = connection.execute(
                        _TAKE_SQL,
                        {"name": self._name, "holder": self._station[:100], "token": self._token, "ttl": self._lease},
                    ).scalar_one_or_none()
            except SQLAlchemyError as exc:
                log.info("leadership not renewed station=%s reason=%s", self._station, error_reason(exc))
                return self.is_leader
            was = self._valid_until is not None
            if won is None:
                if was:
                    log.warning("leadership lost station=%s reason=taken over", self._station)
                self._valid_until = None
                return False
            self._valid_until = asked_at + self._lease.total_seconds() - SAFETY_MARGIN_S
            if not was:
                log.info("leadership taken station=%s lease=%s", self._station, self._name)
            return True

    def release(self) -> None:
        """Give the lease up (on shutdown), so another station can take over at its next check."""
        with self._lock:
            if self._valid_until is None:
                return
            self._valid_until = None
            try:
                with self._engine.begin() as connection:
                    connection.execute(
                        text("DELETE FROM leases WHERE name = :name AND token = :token"),
                        {"name": self._name, "token": self._token},
                    )
            except SQLAlchemyError as exc:
                log.info("leadership release failed station=%s reason=%s", self._station, error_reason(exc))
                return
            log.info("leadership released station=%s", self._station)
