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
