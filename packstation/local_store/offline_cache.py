"""The offline cache's SQLite file: ready-to-pack packages as documents, the barcode catalogue, refresh marks.

Storage only: what the documents hold and when to refresh is the packing service's business
(:mod:`packstation.services.packing.offline_cache`). A cache, so ``synchronous=NORMAL``: a power cut
may lose the last refresh, which the next one redoes from PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from packstation.local_store.sqlite import ConnectionPool, StoreSchema, Synchronous, open_store

#: How long a cache connection waits for another's write (a refresh writes thousands of rows at once).
BUSY_TIMEOUT_S = 10.0

#: Version 1 is the schema the first release created without a version; later changes append here.
SCHEMA = StoreSchema(
    "offline cache",
    (
        (
            """CREATE TABLE IF NOT EXISTS packages (
                id INTEGER PRIMARY KEY,
                external_id TEXT NOT NULL,
                order_number TEXT NOT NULL,
                tracking TEXT,
                slip_code TEXT,
                status TEXT NOT NULL,
                document TEXT NOT NULL,
                summary TEXT NOT NULL,
                packed_locally INTEGER NOT NULL DEFAULT 0
            )""",
            "CREATE INDEX IF NOT EXISTS packages_tracking ON packages(tracking)",
            "CREATE INDEX IF NOT EXISTS packages_external ON packages(external_id)",
            "CREATE INDEX IF NOT EXISTS packages_order ON packages(order_number)",
            "CREATE INDEX IF NOT EXISTS packages_slip ON packages(slip_code)",
            """CREATE TABLE IF NOT EXISTS barcodes (
                barcode TEXT NOT NULL,
                product_id INTEGER NOT NULL,
                stock_code TEXT NOT NULL,
                name TEXT NOT NULL,
                multiplier INTEGER NOT NULL
            )""",
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ),
        # 2: more codes a package opens by (its lines' other order numbers, the marketplace's package number).
        (
            "CREATE TABLE IF NOT EXISTS package_codes (code TEXT NOT NULL, package_id INTEGER NOT NULL)",
            "CREATE INDEX IF NOT EXISTS package_codes_code ON package_codes(code)",
            "CREATE INDEX IF NOT EXISTS package_codes_package ON package_codes(package_id)",
        ),
    ),
)


@dataclass(frozen=True)
class CachedPackage:
    """One cached package: the codes it is found by, its status, and its two JSON documents."""

    id: int
    external_id: str
    order_number: str
    tracking: str | None
    slip_code: str | None
    status: str
    #: The package as the pack screen opens it.
    document: str
    #: The package as a list or a choice shows it.
    summary: str
    #: Other codes it opens by: order numbers of orders combined into it, the marketplace's package number.
    other_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CachedRow:
    """A cached package's stored document, status, and whether it was packed here while offline."""

    document: str
    summary: str
    status: str
    packed_locally: bool


class CacheStore:
    """The cache file; a few connections, each lent to one thread at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pool = ConnectionPool(self._open, keep=2)
        self._pool.fill()  # opens the file now (and upgrades its schema)

    def _open(self) -> sqlite3.Connection:
        return open_store(
            self.path, SCHEMA, synchronous=Synchronous.NORMAL, timeout_s=BUSY_TIMEOUT_S, check_same_thread=False
        )

    def close(self) -> None:
        """Close the cache's connections (a later call opens one again)."""
        self._pool.close()

    def meta(self, key: str) -> str | None:
        """A refresh mark (``watermark``, ``full_at``, ``refreshed_at``), or None."""
        with self._pool.connection() as connection:
            row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @contextmanager
    def writing(self) -> Iterator[CacheWrite]:
        """A write transaction: committed when the block ends, rolled back on any error."""
        with self._pool.connection() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield CacheWrite(connection)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def find_by_code(self, code: str) -> list[CachedRow]:
        """Cached packages whose tracking number, package id, order number or slip code is ``code``."""
        with self._pool.connection() as connection:
            rows = connection.execute(
                "SELECT document, summary, status, packed_locally FROM packages"
                " WHERE tracking = ? OR external_id = ? OR order_number = ? OR slip_code = ?"
                " OR id IN (SELECT package_id FROM package_codes WHERE code = ?) ORDER BY id",
                (code, code, code, code, code),
            ).fetchall()
        return [CachedRow(document, summary, status, bool(packed)) for document, summary, status, packed in rows]

    def load(self, package_id: int) -> CachedRow | None:
        """The cached package ``package_id``, or None."""
        with self._pool.connection() as connection:
            row = connection.execute(
                "SELECT document, summary, status, packed_locally FROM packages WHERE id = ?", (package_id,)
            ).fetchone()
        return None if row is None else CachedRow(row[0], row[1], row[2], bool(row[3]))

    def mark_packed(self, package_ids: Collection[int], *, wait_s: float) -> None:
        """Packed here: a second scan of them must not pack them again while offline.

        Waits at most ``wait_s`` for a refresh's write to finish, then raises ``sqlite3.OperationalError``
        ("database is locked"): the caller is a packer's scan, which must not wait for a refresh.
        """
        with self._pool.connection() as connection:
            connection.execute(f"PRAGMA busy_timeout={int(wait_s * 1000)}")
            try:
                connection.execute("BEGIN IMMEDIATE")
                connection.executemany(
                    "UPDATE packages SET packed_locally = 1 WHERE id = ?", [(package_id,) for package_id in package_ids]
                )
                connection.execute("COMMIT")
            finally:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                connection.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")

    def barcodes(self) -> list[tuple[int, str, str, str, int]]:
        """The catalogue as ``(product_id, stock_code, name, barcode, multiplier)`` rows."""
        with self._pool.connection() as connection:
            rows: list[tuple[int, str, str, str, int]] = connection.execute(
                "SELECT product_id, stock_code, name, barcode, multiplier FROM barcodes"
            ).fetchall()
        return rows

    def counts(self) -> tuple[int, datetime | None]:
        """Cached packages not packed here, and when the cache was last refreshed."""
        with self._pool.connection() as connection:
            count = connection.execute("SELECT count(*) FROM packages WHERE packed_locally = 0").fetchone()[0]
        refreshed = self.meta("refreshed_at")
        return int(count), datetime.fromisoformat(refreshed) if refreshed else None


class CacheWrite:
    """The writes of one refresh, inside :meth:`CacheStore.writing`'s transaction."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def packed_here(self) -> set[int]:
        """Packages packed here while offline (they stay marked until PostgreSQL shows them packed)."""
        return {row[0] for row in self._connection.execute("SELECT id FROM packages WHERE packed_locally = 1")}

    def clear_packages(self) -> None:
        """Forget every cached package (a full refresh)."""
        self._connection.execute("DELETE FROM packages")
        self._connection.execute("DELETE FROM package_codes")

    def delete(self, package_ids: Iterable[int]) -> None:
        """Forget these packages."""
        ids = [(package_id,) for package_id in package_ids]
        self._connection.executemany("DELETE FROM packages WHERE id = ?", ids)
        self._connection.executemany("DELETE FROM package_codes WHERE package_id = ?", ids)

    def store(self, packages: Iterable[CachedPackage], packed_here: set[int]) -> None:
        """Add ``packages``; those in ``packed_here`` keep their packed-here mark."""
        packages = list(packages)
        self._connection.executemany(
            "INSERT INTO packages (id, external_id, order_number, tracking, slip_code, status, document, summary,"
            " packed_locally) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    p.id,
                    p.external_id,
                    p.order_number,
                    p.tracking,
                    p.slip_code,
                    p.status,
                    p.document,
                    p.summary,
                    1 if p.id in packed_here else 0,
                )
                for p in packages
            ],
        )
        self._connection.executemany(
            "INSERT INTO package_codes (code, package_id) VALUES (?, ?)",
            [(code, p.id) for p in packages for code in p.other_codes],
        )

    def replace_barcodes(self, rows: Iterable[tuple[str, int, str, str, int]]) -> None:
        """The whole catalogue afresh: ``(barcode, product_id, stock_code, name, multiplier)`` rows."""
        self._connection.execute("DELETE FROM barcodes")
        self._connection.executemany("INSERT INTO barcodes VALUES (?, ?, ?, ?, ?)", list(rows))

    def stamp(self, started: datetime | None, *, full: bool) -> None:
        """Record the refresh: ``started`` is PostgreSQL's clock, the next refresh reads changes from there."""
        now = datetime.now(UTC).isoformat()
        rows = [("refreshed_at", now)]
        if started is not None:
            rows.append(("watermark", started.isoformat()))
        if full:
            rows.append(("full_at", now))
        self._connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", rows)
