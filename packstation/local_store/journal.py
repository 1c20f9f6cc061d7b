"""The station's local journal: every business operation, durable before the packer sees its outcome.

An operation gets its UUID when it happens and keeps it for ever; the pump applies it to PostgreSQL
with ``ON CONFLICT (op_id) DO NOTHING`` and only then deletes it here. So a crash, a power cut or a
network outage can delay an operation but never lose or double it.

SQLite in WAL mode with ``synchronous=FULL`` set on every connection (the setting is per
connection, and WAL+NORMAL may roll back acknowledged commits on power loss). The journal must be
on a local disk: WAL does not work on network file systems.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from packstation.local_store.operations import Operation, OperationDecodeError, decode_body, encode_body
from packstation.local_store.sqlite import ConnectionPool, LocalStoreError, StoreSchema, Synchronous, open_store

log = logging.getLogger("packstation.local_store.journal")

#: Version 1 is the schema the first release created without a version; later changes append here.
SCHEMA = StoreSchema(
    "journal",
    (
        (
            """CREATE TABLE IF NOT EXISTS operations (
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
            )""",
            "CREATE INDEX IF NOT EXISTS operations_package ON operations(package_id, seq)",
        ),
        # 2: the server-side session each operation was made under (the server takes the actor from it).
        ("ALTER TABLE operations ADD COLUMN token TEXT",),
    ),
)


@dataclass(frozen=True)
class JournalStats:
    """What the status bar shows: how much is waiting, and since when."""

    pending: int
    oldest_at: datetime | None
    parked: int


@dataclass(frozen=True)
class ParkedEntry:
    """A journal operation set aside because PostgreSQL refused it: as stored, with the error."""

    op_id: uuid.UUID
    kind: str
    package_id: int | None
    station: str
    occurred_at: datetime
    #: The operation's body as journaled (JSON text); shown escaped, never decoded, as it may be the culprit.
    payload: str
    error: str


class JournalError(LocalStoreError):
    """The journal file cannot be used (disk full, corrupt, read-only); the message says which file."""


class Journal:
    """Durable, ordered operations; a few SQLite connections, each lent to one thread at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pool = ConnectionPool(self._open, keep=3)
        self._pool.fill()  # opens the file now (and upgrades its schema), so a bad path fails at start

    def _open(self) -> sqlite3.Connection:
        try:
            return open_store(self.path, SCHEMA, synchronous=Synchronous.FULL, check_same_thread=False)
        except LocalStoreError as exc:
            raise JournalError(str(exc)) from exc

    def _connection(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._pool.connection()

    def close(self) -> None:
        """Close the journal's connections (a later call opens one again)."""
        self._pool.close()

    def pragma(self, name: str) -> object:
        """A PRAGMA's value as a journal connection sees it (``synchronous``, ``journal_mode``, ``user_version``)."""
        if not name.isidentifier():
            raise ValueError(f"not a PRAGMA name: {name!r}")
        with self._connection() as connection:
            return connection.execute(f"PRAGMA {name}").fetchone()[0]

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
                encode_body(op.body),
                op.token,
            )
            for op in operations
        ]
        with self._connection() as connection:
            try:
                if not flush:
                    connection.execute("PRAGMA synchronous=NORMAL")
                connection.execute("BEGIN IMMEDIATE")
                connection.executemany(
                    "INSERT INTO operations (op_id, kind, package_id, station, user_id, occurred_at, payload, token)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT op_id, kind, package_id, station, user_id, occurred_at, payload, token FROM operations"
                " WHERE parked = 0 ORDER BY seq LIMIT ?",
                (limit,),
            ).fetchall()
        operations: list[Operation] = []
        for op_id, kind, package_id, station, user_id, occurred_at, payload, token in rows:
            try:
                body = decode_body(kind, payload)
            except OperationDecodeError as exc:
                # One unreadable entry must not hold up the rest: it waits, parked, for a supervisor.
                log.error("journal entry cannot be read, parked op_id=%s reason=%s", op_id, exc)
                self.record_failure(uuid.UUID(op_id), str(exc), park=True)
                continue
            operations.append(
                Operation(
                    body=body,
                    op_id=uuid.UUID(op_id),
                    package_id=package_id,
                    station=station,
                    user_id=user_id,
                    occurred_at=datetime.fromisoformat(occurred_at),
                    token=token,
                )
            )
        return operations

    def acknowledge(self, op_ids: Iterable[uuid.UUID]) -> None:
        """PostgreSQL has these operations: forget them here."""
        ids = [(str(op_id),) for op_id in op_ids]
        if not ids:
            return
        with self._connection() as connection:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany("DELETE FROM operations WHERE op_id = ?", ids)
            connection.execute("COMMIT")

    def record_failure(self, op_id: uuid.UUID, error: str, *, park: bool) -> None:
        """Note why an operation did not apply; a parked one waits for a supervisor instead of blocking."""
        with self._connection() as connection:
            connection.execute(
                "UPDATE operations SET attempts = attempts + 1, last_error = ?, parked = ? WHERE op_id = ?",
                (error[:2000], 1 if park else 0, str(op_id)),
            )

    def stats(self) -> JournalStats:
        """Pending count, the oldest pending operation's time, and parked count."""
        with self._connection() as connection:
            count, oldest, parked = connection.execute(
                "SELECT count(*), min(occurred_at), coalesce(sum(parked), 0) FROM operations"
            ).fetchone()
        return JournalStats(
            pending=int(count), oldest_at=datetime.fromisoformat(oldest) if oldest else None, parked=int(parked)
        )

    def integrity_ok(self) -> bool:
        """SQLite's own integrity check (used after crash tests and by the doctor)."""
        with self._connection() as connection:
            return bool(connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    # -- parked operations (a supervisor decides; see services/journal/parked.py) ---------------------

    def parked_entries(self) -> list[ParkedEntry]:
        """Every parked operation, oldest first."""
        with self._connection() as connection:
            rows = connection.execute(
                "SELECT op_id, kind, package_id, station, occurred_at, payload, coalesce(last_error, '')"
                " FROM operations WHERE parked = 1 ORDER BY seq"
            ).fetchall()
        return [
            ParkedEntry(uuid.UUID(op_id), kind, package_id, station, datetime.fromisoformat(at), payload, error)
            for op_id, kind, package_id, station, at, payload, error in rows
        ]

    def unpark(self, op_id: uuid.UUID) -> bool:
        """Let the pump try a parked operation again (in its journal order); False if it is not parked."""
        with self._connection() as connection:
            cursor = connection.execute(
                "UPDATE operations SET parked = 0 WHERE op_id = ? AND parked = 1", (str(op_id),)
            )
            return cursor.rowcount > 0

    def discard(self, op_id: uuid.UUID) -> bool:
        """Drop a parked operation for good (a supervisor's audited decision); False if it is not parked."""
        with self._connection() as connection:
            cursor = connection.execute("DELETE FROM operations WHERE op_id = ? AND parked = 1", (str(op_id),))
            return cursor.rowcount > 0
