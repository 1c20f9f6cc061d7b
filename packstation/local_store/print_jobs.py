"""Station-local, durable print jobs in SQLite (WAL, ``synchronous=FULL`` on every connection).

A label must survive a printer that is off and the app restarting, so a job is on disk before
``submit`` returns, and every state change is committed before it is announced.
"""

from __future__ import annotations

import builtins
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from packstation.domain.marketplace import LabelFormat
from packstation.domain.print_jobs import JobState, PrintJob
from packstation.local_store.sqlite import StoreSchema, Synchronous, open_store

#: Version 1 is the schema the first release created without a version; later changes append here.
SCHEMA = StoreSchema(
    "print-job store",
    (
        (
            """CREATE TABLE IF NOT EXISTS print_jobs (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                id TEXT NOT NULL UNIQUE,
                printer_uri TEXT NOT NULL,
                kind TEXT NOT NULL,
                data BLOB NOT NULL,
                needs_setup INTEGER NOT NULL,
                description TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at REAL NOT NULL,
                last_error TEXT,
                reprint_of TEXT,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            )""",
            "CREATE INDEX IF NOT EXISTS print_jobs_pending ON print_jobs (printer_uri, state, seq)",
        ),
        # 2: how often the job went out without the printer confirming it had the bytes (then it is resent,
        # and the label may come out twice: the packer is told).
        ("ALTER TABLE print_jobs ADD COLUMN unconfirmed_sends INTEGER NOT NULL DEFAULT 0",),
    ),
)
_COLUMNS = (
    "id, printer_uri, kind, needs_setup, description, state, attempts, next_attempt_at, "
    "last_error, reprint_of, created_at, updated_at, unconfirmed_sends"
)


class JobNotFoundError(KeyError):
    """No job with that id."""


class JobStore:
    """All job reads and writes; safe to call from any thread (one connection behind a lock)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        # One connection shared by every thread, behind the lock; a queued label must survive a power cut.
        self._db = open_store(self.path, SCHEMA, synchronous=Synchronous.FULL, check_same_thread=False)

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def pragma(self, name: str) -> object:
        """Read a PRAGMA (for diagnostics and tests)."""
        with self._lock:
            return self._db.execute(f"PRAGMA {name}").fetchone()[0]

    @staticmethod
    def _row(row: tuple[Any, ...]) -> PrintJob:
        return PrintJob(
            id=row[0],
            printer_uri=row[1],
            kind=LabelFormat(row[2]),
            needs_setup=bool(row[3]),
            description=row[4],
            state=JobState(row[5]),
            attempts=row[6],
            next_attempt_at=row[7],
            last_error=row[8],
            reprint_of=row[9],
            created_at=row[10],
            updated_at=row[11],
            unconfirmed_sends=row[12],
        )

    def add(
        self,
        printer_uri: str,
        data: bytes,
        *,
        kind: LabelFormat,
        needs_setup: bool,
        description: str = "",
        reprint_of: str | None = None,
    ) -> PrintJob:
        """Store a new queued job (durably) and return it."""
        now = time.time()
        job_id = uuid.uuid4().hex
        with self._lock:
            self._db.execute(
                "INSERT INTO print_jobs (id, printer_uri, kind, data, needs_setup, description, state, "
                "attempts, next_attempt_at, reprint_of, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
                (
                    job_id,
                    printer_uri,
                    kind.value,
                    data,
                    int(needs_setup),
                    description,
                    JobState.QUEUED.value,
                    now,
                    reprint_of,
                    now,
                    now,
                ),
            )
        return self.get(job_id)

    def get(self, job_id: str) -> PrintJob:
        """The job with ``job_id``."""
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM print_jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFoundError(job_id)
        return self._row(row)

    def data(self, job_id: str) -> bytes:
        """The bytes of a job."""
        with self._lock:
            row = self._db.execute("SELECT data FROM print_jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFoundError(job_id)
        return bytes(row[0])

    def list(self, *, states: tuple[JobState, ...] | None = None, printer_uri: str | None = None) -> list[PrintJob]:
        """Jobs in submission order, optionally filtered."""
        sql = f"SELECT {_COLUMNS} FROM print_jobs WHERE 1=1"
        args: list[object] = []
        if states:
            sql += f" AND state IN ({','.join('?' for _ in states)})"
            args += [state.value for state in states]
        if printer_uri is not None:
            sql += " AND printer_uri = ?"
            args.append(printer_uri)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY seq", args).fetchall()
        return [self._row(row) for row in rows]

    def next_queued(self, printer_uri: str) -> PrintJob | None:
        """The oldest queued job for a printer (labels come out in the order they were packed)."""
        with self._lock:
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM print_jobs WHERE printer_uri = ? AND state = ? ORDER BY seq LIMIT 1",
                (printer_uri, JobState.QUEUED.value),
            ).fetchone()
        return None if row is None else self._row(row)

    def printers_with_pending(self) -> builtins.list[str]:  # builtins: the method list() shadows it here
        """Printer URIs that have queued jobs."""
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT printer_uri FROM print_jobs WHERE state = ?", (JobState.QUEUED.value,)
            ).fetchall()
        return [row[0] for row in rows]

    def transition(
        self,
        job_id: str,
        to: JobState,
        *,
        allowed_from: tuple[JobState, ...],
        printer_uri: str | None = None,
        attempts: int | None = None,
        next_attempt_at: float | None = None,
        last_error: str | None = None,
        new_printer_uri: str | None = None,
        unconfirmed_send: bool = False,
    ) -> PrintJob | None:
        """Move a job to ``to`` only if it is in one of ``allowed_from`` (and on ``printer_uri``).

        Returns the updated job, or None when the job was not in such a state: the check and the
        update are one statement, so a worker and a user action cannot both win.
        """
        sets = ["state = ?", "updated_at = ?", "last_error = ?"]
        args: list[object] = [to.value, time.time(), last_error]
        if attempts is not None:
            sets.append("attempts = ?")
            args.append(attempts)
        if next_attempt_at is not None:
            sets.append("next_attempt_at = ?")
            args.append(next_attempt_at)
        if new_printer_uri is not None:
            sets.append("printer_uri = ?")
            args.append(new_printer_uri)
        if unconfirmed_send:
            sets.append("unconfirmed_sends = unconfirmed_sends + 1")
        sql = (
            f"UPDATE print_jobs SET {', '.join(sets)} WHERE id = ? AND state IN ({','.join('?' for _ in allowed_from)})"
        )
        args += [job_id, *(state.value for state in allowed_from)]
        if printer_uri is not None:
            sql += " AND printer_uri = ?"
            args.append(printer_uri)
        with self._lock:
            changed = self._db.execute(sql, args).rowcount
        return self.get(job_id) if changed else None

    def requeue_interrupted(self) -> int:
        """After a restart, jobs caught mid-send go back to the queue; returns how many."""
        with self._lock:
            return self._db.execute(
                "UPDATE print_jobs SET state = ?, updated_at = ? WHERE state = ?",
                (JobState.QUEUED.value, time.time(), JobState.PRINTING.value),
            ).rowcount
