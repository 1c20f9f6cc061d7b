"""The journal pump: applies journaled operations to PostgreSQL, idempotently, in order, with backoff.

The pump owns the thread and the retries; :class:`~packstation.services.journal.applier.OperationApplier`
hands each batch to the server's ``pack_apply()``, which checks who did each operation and applies it.
The journal entry is deleted only after PostgreSQL committed; an operation PostgreSQL refuses (no valid
session, a permission the actor lacks) is parked for a supervisor, never dropped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from packstation.db.errors import error_reason, is_transient
from packstation.domain.events import PumpStatus
from packstation.local_store.journal import Journal, JournalStats
from packstation.local_store.operations import (
    Operation,
)
from packstation.services.journal.applier import OperationApplier
from packstation.services.journal.parked import sync_parked

log = logging.getLogger("packstation.services.journal.pump")


class JournalPump:
    """Owns the thread that drains the journal into PostgreSQL."""

    def __init__(
        self,
        journal: Journal,
        sessions: sessionmaker[Session],
        *,
        on_status: Callable[[PumpStatus], None] = lambda _status: None,
        batch_size: int = 500,
        idle_interval_s: float = 0.5,
        coalesce_s: float = 0.05,
        max_backoff_s: float = 30.0,
        parked_sync_s: float = 2.0,
    ) -> None:
        self._journal = journal
        self._sessions = sessions
        self._on_status = on_status
        self._batch_size = batch_size
        self._idle = idle_interval_s
        self._coalesce = coalesce_s
        self._max_backoff = max_backoff_s
        self._parked_sync = parked_sync_s
        self._parked_synced_at = float("-inf")
        self._applier = OperationApplier()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the pump thread."""
        self._thread = threading.Thread(target=self._run, name="journal-pump", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after the current batch."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        """Something was journaled: apply it now rather than at the next tick."""
        self._wake.set()

    def drain_once(self) -> int:
        """Apply one batch on the calling thread; returns how many operations PostgreSQL acknowledged."""
        ops = self._journal.pending(limit=self._batch_size)
        if not ops:
            return 0
        try:
            with self._sessions.begin() as session:
                self._applier.apply_batch(session, ops)
        except Exception as exc:
            if is_transient(exc):
                raise
            # One operation the database (or the driver) refuses must not hold up the rest: find it, one at a time.
            self._applier.forget_stations()
            return self._drain_individually(ops)
        self._journal.acknowledge(op.op_id for op in ops)
        return len(ops)

    def _drain_individually(self, ops: list[Operation]) -> int:
        applied = 0
        for op in ops:
            try:
                with self._sessions.begin() as session:
                    self._applier.apply(session, op)
            except Exception as exc:
                if is_transient(exc):
                    raise  # the connection went: the rest waits for it, nothing is parked for that
                self._park(op, exc)
                continue
            self._journal.acknowledge([op.op_id])
            applied += 1
        return applied

    def _park(self, op: Operation, exc: BaseException) -> None:
        """Set ``op`` aside at once with its error: retrying what fails the same way every time blocks the rest."""
        reason = f"{type(exc).__name__}: {error_reason(exc)}"
        log.error("operation parked op_id=%s kind=%s package=%s reason=%s", op.op_id, op.kind, op.package_id, reason)
        self._journal.record_failure(op.op_id, reason, park=True)
        self._applier.forget_stations()
        self._parked_synced_at = float("-inf")  # report it to PostgreSQL now

    def sync_parked(self, *, force: bool = False) -> None:
        """Report parked operations to PostgreSQL and carry out the supervisors' decisions on them.

        Runs on the pump thread after a good cycle, every ``parked_sync_s`` while anything is parked.
        """
        now = time.monotonic()
        if not force and now - self._parked_synced_at < self._parked_sync:
            return
        self._parked_synced_at = now
        sync_parked(self._journal, self._sessions, self._applier.station_id)

    def _publish(self, *, online: bool, detail: str = "") -> JournalStats:
        stats = self._journal.stats()
        self._on_status(PumpStatus(online, stats.pending, stats.oldest_at, stats.parked, detail))
        return stats

    def _run(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            try:
                while self.drain_once() and not self._stop.is_set():
                    pass
                self.sync_parked()
            except Exception as exc:
                reason = error_reason(exc)
                if is_transient(exc):
                    log.warning("postgres unreachable, retrying in %.1fs reason=%s", backoff, reason)
                else:  # the journal itself (disk full, say): logged once per back-off, not in a tight loop
                    log.exception("journal pump failed; retrying in %.1fs", backoff)
                self._applier.forget_stations()
                self._publish(online=False, detail=reason)
                # Waiting on the stop event, not the wake event: a burst of scans must not cut the back-off
                # short (each would retry against a server that is down), and the wake is cleared after.
                self._stop.wait(backoff)
                self._wake.clear()
                backoff = min(backoff * 2, self._max_backoff)
                continue
            backoff = 0.5
            self._publish(online=True)
            if self._wake.wait(self._idle) and self._coalesce > 0:
                # Let a burst of scans gather into one transaction rather than one each: the scans are
                # already durable in the journal, and fewer, larger batches compete less with the
                # station's own look-ups for the database and the CPU.
                self._stop.wait(self._coalesce)
            self._wake.clear()
        self._journal.close()
