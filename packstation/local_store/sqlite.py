"""The one opener of the station's SQLite files: durability settings and versioned schemas in one place.

Every file (the journal, the print jobs, the offline cache) is opened here: WAL mode, the
``synchronous`` level its contents need (set on every connection, as SQLite does not store it in the
file), a busy timeout, and on macOS the full fsync without which a commit does not reach the disk.

Each file's schema is a list of migrations; ``PRAGMA user_version`` says how many the file has had.
Opening a file applies the missing ones in one transaction, so a station upgraded from an earlier
release keeps its unsent operations and queued labels. Migration 1 of each file is the schema the
first release created without a version (``CREATE ... IF NOT EXISTS``): on such a file it changes
nothing and stamps version 1.
"""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from packstation.local_store.private import private_file


class Synchronous(StrEnum):
    """How hard a commit waits for the disk."""

    #: Business data: a commit that returned survives a power cut (WAL + NORMAL may roll it back).
    FULL = "FULL"
    #: A cache rebuilt from PostgreSQL when lost: a power cut may lose the last commits, never corrupt.
    NORMAL = "NORMAL"


@dataclass(frozen=True)
class StoreSchema:
    """A file's schema: ``migrations[n]`` takes a file from version ``n`` to ``n + 1``."""

    name: str
    migrations: tuple[tuple[str, ...], ...]

    @property
    def version(self) -> int:
        """The version this release writes."""
        return len(self.migrations)


class LocalStoreError(Exception):
    """A station file cannot be used (unreadable, read-only, from a newer release); the message names it."""


def open_store(
    path: Path,
    schema: StoreSchema,
    *,
    synchronous: Synchronous = Synchronous.FULL,
    check_same_thread: bool = True,
    timeout_s: float = 5.0,
) -> sqlite3.Connection:
    """A connection to ``path`` in autocommit mode, with its PRAGMAs set and its schema brought up to date.

    The file is 0600 in a 0700 folder (:mod:`packstation.local_store.private`): it holds customers' data.
    """
    private_file(path)
    try:
        connection = sqlite3.connect(path, isolation_level=None, timeout=timeout_s, check_same_thread=check_same_thread)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(f"PRAGMA synchronous={synchronous.value}")
        connection.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
        if sys.platform == "darwin":  # fsync does not reach the platter on macOS without these
            connection.execute("PRAGMA fullfsync=ON")
            connection.execute("PRAGMA checkpoint_fullfsync=ON")
        _migrate(connection, schema, path)
    except sqlite3.Error as exc:
        raise LocalStoreError(f"cannot open the {schema.name} {path}: {exc}") from exc
    return connection


def schema_version(connection: sqlite3.Connection) -> int:
    """The file's ``user_version``: how many of its schema's migrations it has had."""
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def _migrate(connection: sqlite3.Connection, schema: StoreSchema, path: Path) -> None:
    if schema_version(connection) == schema.version:
        return  # the common case, without taking the write lock
    # The write lock first, then the version again: two threads opening the file migrate it once.
    connection.execute("BEGIN IMMEDIATE")
    try:
        current = schema_version(connection)
        if current > schema.version:
            raise LocalStoreError(
                f"the {schema.name} {path} was written by a newer PackStation (schema {current}, this release"
                f" reads up to {schema.version}): run the newer release, or move the file aside"
            )
        for migration in schema.migrations[current:]:
            for statement in migration:
                connection.execute(statement)
        # Inside the transaction: the version moves if and only if every statement applied.
        connection.execute(f"PRAGMA user_version = {schema.version}")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


class ConnectionPool:
    """Connections to one station file, each lent to one thread at a time and kept for the next use.

    Not one connection per thread: Qt's thread pool and the scheduler start and end threads all day, and
    the connection of a thread that ended stays open until the garbage collector finds it (three handles
    each: the file, its write-ahead log, its shared memory). The soak measured about four more open
    handles per PostgreSQL restart that way. Here at most ``keep`` connections stay open between uses,
    whichever threads come and go; one more, opened while all were lent, is closed when given back.
    """

    def __init__(self, opener: Callable[[], sqlite3.Connection], *, keep: int = 3) -> None:
        self._open = opener
        self._keep = keep
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._generation = 0

    def fill(self) -> None:
        """Open every connection the pool keeps, now (the first one upgrades the file's schema).

        A pool that opened its connections only when threads first overlapped reached its size hours
        into a shift (the soak saw the journal's third connection, two more handles, after its warm-up),
        which cannot be told from a leak; opened at start, the station's handles stay as they were.
        """
        opened: list[sqlite3.Connection] = []
        try:
            while len(opened) < self._keep:
                opened.append(self._open())
        except BaseException:
            for connection in opened:  # a file that opens once and then fails keeps no handle behind
                connection.close()
            raise
        with self._lock:
            self._idle.extend(opened)

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """A connection for this block, this thread's alone until the block ends."""
        with self._lock:
            connection = self._idle.pop() if self._idle else None
            generation = self._generation
        if connection is None:
            connection = self._open()
        try:
            yield connection
        finally:
            self._give_back(connection, generation)

    def _give_back(self, connection: sqlite3.Connection, generation: int) -> None:
        try:
            if connection.in_transaction:  # an error left a transaction open: never lend half of one
                connection.execute("ROLLBACK")
        except sqlite3.Error:
            connection.close()
            return
        with self._lock:
            if generation == self._generation and len(self._idle) < self._keep:
                self._idle.append(connection)
                return
        connection.close()

    @property
    def open_idle(self) -> int:
        """Connections open and waiting to be lent (for tests and the doctor)."""
        with self._lock:
            return len(self._idle)

    def close(self) -> None:
        """Close the idle connections; one lent now is closed when given back. A later use opens afresh."""
        with self._lock:
            idle, self._idle = self._idle, []
            self._generation += 1
        for connection in idle:
            connection.close()
