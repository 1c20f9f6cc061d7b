"""The station's local journal: every business operation, durable before the packer sees its outcome.

An operation gets its UUID when it happens and keeps it for ever; the pump applies it to PostgreSQL
with ``ON CONFLICT (op_id) DO NOTHING`` and only then deletes it here. So a crash, a power cut or a
network outage can delay an operation but never lose or double it.

SQLite in WAL mode with ``synchronous=FULL`` set on every connection (the setting is per
connection, and WAL+NORMAL may roll back acknowledged commits on power loss). The journal must be
on a local disk: WAL does not work on network file systems.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

log = logging.getLogger("packstation.local_store.journal")

SCHEMA = """
CREATE TABLE IF NOT EXISTS operations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    op_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    package_id INTEGER,
    station TEXT NOT NULL,
    user_id INTEGER,
    occurred_at TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    parked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS operations_package ON operations(package_id, seq);
"""


class OperationKind(StrEnum):
    """What a journaled operation records."""

    OPEN = "open"
    SCAN = "scan"
    UNSUPPLIED = "unsupplied"
    COMPLETE = "complete"
    ABORT = "abort"
    REPRINT = "reprint"
    CANCELLED_NOTICE = "cancelled_notice"


@dataclass(frozen=True)
class Operation:
    """One business operation, identified by a UUID created when it happened."""

    kind: OperationKind
    station: str
    occurred_at: datetime
    package_id: int | None = None
    user_id: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    op_id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass(frozen=True)
class JournalStats:
    """What the status bar shows: how much is waiting, and since when."""

    pending: int
    oldest_at: datetime | None
    parked: int


class JournalError(Exception):
    """The journal file cannot be used (disk full, corrupt, read-only); the message says which file."""


class Journal:
    """Durable, ordered operations; one SQLite connection per thread that uses it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connection() as connection:
            connection.executescript(SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            try:
                connection = sqlite3.connect(self.path, isolation_level=None, timeout=5.0)
                connection.execute("PRAGMA journal_mode=WAL")
                connection.execute("PRAGMA synchronous=FULL")
                connection.execute("PRAGMA busy_timeout=5000")
                if sys.platform == "darwin":  # fsync does not reach the platter on macOS without this
                    connection.execute("PRAGMA fullfsync=ON")
                    connection.execute("PRAGMA checkpoint_fullfsync=ON")
            except sqlite3.Error as exc:
                raise JournalError(f"cannot open the journal {self.path}: {exc}") from exc
            self._local.connection = connection
        return connection

    def close(self) -> None:
        """Close this thread's connection."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    def append(self, operation: Operation) -> None:
        """Write ``operation`` durably; when this returns, a crash or power cut will not lose it."""
        self.append_many([operation])

    def append_many(self, operations: Iterable[Operation], *, flush: bool = True) -> None:
        """Write several operations in one durable transaction (all or none).

        ``flush=False`` skips the fsync for operations that may wait for the next durable write:
        a process crash still keeps them (they are in the OS's cache), only a power cut before the
        next flushed write loses them, and the write-ahead log keeps the order either way.
        """
        rows = [
            (
                str(op.op_id),
                op.kind.value,
                op.package_id,
                op.station,
                op.user_id,
                op.occurred_at.astimezone(UTC).isoformat(),
                json.dumps(op.payload, ensure_ascii=False, default=str),
            )
            for op in operations
        ]
        connection = self._connection()
        try:
            if not flush:
                connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(
                "INSERT INTO operations (op_id, kind, package_id, station, user_id, occurred_at, payload)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            connection.execute("COMMIT")
        except sqlite3.Error as exc:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise JournalError(f"cannot write to the journal {self.path}: {exc}") from exc
        finally:
            if not flush:
                connection.execute("PRAGMA synchronous=FULL")

    def pending(self, *, limit: int = 500) -> list[Operation]:
        """The oldest operations not yet acknowledged (parked ones excluded), in the order they happened."""
        rows = (
            self._connection()
            .execute(
                "SELECT op_id, kind, package_id, station, user_id, occurred_at, payload FROM operations"
                " WHERE parked = 0 ORDER BY seq LIMIT ?",
                (limit,),
            )
            .fetchall()
        )
        return [
            Operation(
                op_id=uuid.UUID(op_id),
                kind=OperationKind(kind),
                package_id=package_id,
                station=station,
                user_id=user_id,
                occurred_at=datetime.fromisoformat(occurred_at),
                payload=json.loads(payload),
            )
            for op_id, kind, package_id, station, user_id, occurred_at, payload in rows
        ]

    def acknowledge(self, op_ids: Iterable[uuid.UUID]) -> None:
        """PostgreSQL has these operations: forget them here."""
        ids = [(str(op_id),) for op_id in op_ids]
        if not ids:
            return
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany("DELETE FROM operations WHERE op_id = ?", ids)
        connection.execute("COMMIT")

    def record_failure(self, op_id: uuid.UUID, error: str, *, park: bool) -> None:
        """Note why an operation did not apply; a parked one waits for a supervisor instead of blocking."""
        connection = self._connection()
        connection.execute(
            "UPDATE operations SET attempts = attempts + 1, last_error = ?, parked = ? WHERE op_id = ?",
            (error[:2000], 1 if park else 0, str(op_id)),
        )

    def stats(self) -> JournalStats:
        """Pending count, the oldest pending operation's time, and parked count."""
        count, oldest, parked = (
            self._connection()
            .execute("SELECT count(*), min(occurred_at), coalesce(sum(parked), 0) FROM operations")
            .fetchone()
        )
        return JournalStats(
            pending=int(count), oldest_at=datetime.fromisoformat(oldest) if oldest else None, parked=int(parked)
        )

    def integrity_ok(self) -> bool:
        """SQLite's own integrity check (used after crash tests and by the doctor)."""
        return self._connection().execute("PRAGMA integrity_check").fetchone()[0] == "ok"
