"""The station's copy of the open claims, so a return parcel opens at the bench while PostgreSQL is away.

Each open claim is kept once as a JSON payload under every code that opens it (its return tracking
number, the order number, the original parcel's id and tracking number). The copy is rebuilt from
PostgreSQL while online (:mod:`packstation.services.returns.offline`); a claim judged here offline is
forgotten at once, so it does not open twice before the journal reaches PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from packstation.local_store.sqlite import LocalStoreError, StoreSchema, Synchronous, open_store

#: The copy's file name in the station's data folder.
RETURN_CACHE_FILE = "return_cache.sqlite3"
SCHEMA = StoreSchema(
    "return cache",
    (
        (
            "CREATE TABLE IF NOT EXISTS open_returns (claim_id INTEGER NOT NULL, code TEXT NOT NULL,"
            " payload TEXT NOT NULL)",
            "CREATE INDEX IF NOT EXISTS open_returns_code ON open_returns(code)",
        ),
    ),
)


class ReturnCache:
    """Open claims by code; one connection shared under a lock (the refresh job and the bench's look-ups)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        # A copy rebuilt from PostgreSQL: a power cut may lose its last refresh, never corrupt it.
        self._connection = open_store(path, SCHEMA, synchronous=Synchronous.NORMAL, check_same_thread=False)

    def replace(self, claims: Iterable[tuple[int, Iterable[str], str]]) -> int:
        """Replace the copy with ``claims`` (claim id, its codes, its payload); returns how many were kept."""
        rows = [(claim_id, code, payload) for claim_id, codes, payload in claims for code in set(codes) if code]
        with self._lock:
            try:
                self._connection.execute("BEGIN IMMEDIATE")
                self._connection.execute("DELETE FROM open_returns")
                self._connection.executemany(
                    "INSERT INTO open_returns (claim_id, code, payload) VALUES (?, ?, ?)", rows
                )
                self._connection.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._connection.in_transaction:
                    self._connection.execute("ROLLBACK")
                raise LocalStoreError(f"cannot write the return cache {self.path}: {exc}") from exc
        return len({row[0] for row in rows})

    def find(self, code: str) -> str | None:
        """The payload of the newest open claim ``code`` names, or None."""
        with self._lock:
            row = self._connection.execute(
                "SELECT payload FROM open_returns WHERE code = ? ORDER BY claim_id DESC LIMIT 1", (code,)
            ).fetchone()
        return str(row[0]) if row else None

    def forget(self, claim_id: int) -> None:
        """A claim was judged here: it no longer opens."""
        with self._lock:
            self._connection.execute("DELETE FROM open_returns WHERE claim_id = ?", (claim_id,))

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._connection.close()
