"""Poison isolation: an operation PostgreSQL refuses for good is parked at once; everything after it flows.

Real PostgreSQL, a real SQLite journal, the real pump thread. The poison is what the field sent: a scan
journaled with a NUL byte (an older build journaled raw scanner text), which psycopg2 refuses with a
ValueError, not an IntegrityError.
"""

import json
import sqlite3
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.engine import ConnectionLimits, create_db_engine, session_factory
from packstation.db.models.access import AuditEntry, User
from packstation.db.models.packages import PackageRow, ParkedOperation
from packstation.db.models.sync import OutboxEntry
from packstation.demo.data import seed_demo_data, seed_demo_users
from packstation.domain.events import PumpStatus
from packstation.domain.status import ParkedDecision, Role
from packstation.local_store.journal import Journal
from packstation.local_store.operations import Aborted, Completed, Operation, PackedLine
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.permissions import LoginMethod, PermissionDenied, UserSession
from packstation.services.access.users import Credentials, UserService
from packstation.services.journal.parked import ParkedOperations
from packstation.services.journal.pump import JournalPump
from tests.support import wait_until


def _package(db: Database, index: int = 0) -> PackageRow:
    with db.sessions() as session:
        package = session.scalars(select(PackageRow).order_by(PackageRow.id).offset(index).limit(1)).one()
        _ = package.lines
        return package


def _complete(package: PackageRow, station: str = "st-1") -> Operation:
    lines = tuple(
        PackedLine(line_id=line.external_line_id, product_id=line.product_id, units=line.quantity)
        for line in package.lines
    )
    return Operation(Completed(lines=lines), station=station, occurred_at=datetime.now(UTC), package_id=package.id)


def _journal_poison(journal: Journal, package: PackageRow, station: str = "st-1") -> uuid.UUID:
    """A scan with NUL in its text, written as an older build did: straight into the journal file."""
    op_id = uuid.uuid4()
    payload = {"outcome": "unknown_barcode", "text": "869\x00\x00", "code": "869\x00\x00", "units": 0}
    with sqlite3.connect(journal.path) as connection:
        connection.execute(
            "INSERT INTO operations (op_id, kind, package_id, station, user_id, occurred_at, payload)"
            " VALUES (?, 'scan', ?, ?, NULL, ?, ?)",
            (str(op_id), package.id, station, datetime.now(UTC).isoformat(), json.dumps(payload)),
        )
    return op_id


def _user(db: Database, role: Role) -> UserSession:
    with db.sessions() as session:
        user = session.scalars(select(User).where(User.role == role.value).limit(1)).one()
        return UserSession(
            user.id, user.username, user.full_name or "", role, None, LoginMethod.BADGE, datetime.now(UTC), uuid.uuid4()
        )


def test_a_poisoned_scan_is_parked_and_the_completion_after_it_reaches_postgres(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=5)
    package = _package(db)
    journal = Journal(tmp_path / "journal.sqlite3")
    poison = _journal_poison(journal, package)
    journal.append(_complete(package))
    statuses: list[PumpStatus] = []
    pump = JournalPump(journal, db.sessions, on_status=statuses.append, idle_interval_s=0.05, parked_sync_s=0.1)
    pump.start()
    try:
        wait_until(lambda: statuses and statuses[-1].online and statuses[-1].waiting == 0, timeout=15, what="drain")
        wait_until(lambda: _parked_rows(db), timeout=15, what="the parked row in PostgreSQL")
    finally:
        pump.stop()
    with db.sessions() as session:
        assert session.get(PackageRow, package.id).packed_at is not None, "the completion after the poison applied"
        assert session.scalars(select(OutboxEntry.business_key)).all() == [f"{package.id}:packed"]
        [row] = session.scalars(select(ParkedOperation)).all()
    assert row.op_id == poison and row.kind == "scan" and row.resolved_at is None
    assert "NUL" in row.error and "\x00" not in row.detail
    assert statuses[-1].parked == 1 and statuses[-1].pending == 1
    [entry] = journal.parked_entries()
    assert entry.op_id == poison


def _parked_rows(db: Database) -> list[ParkedOperation]:
    with db.sessions() as session:
        return list(session.scalars(select(ParkedOperation)).all())


def test_a_supervisor_discards_or_retries_a_parked_operation_audited(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=5)
    seed_demo_users(UserService(db.sessions, credentials=Credentials(db.sessions), audit=AuditLog(db.sessions)))
    journal = Journal(tmp_path / "journal.sqlite3")
    first, second = _journal_poison(journal, _package(db, 0)), _journal_poison(journal, _package(db, 1))
    pump = JournalPump(journal, db.sessions)
    assert pump.drain_once() == 0
    pump.sync_parked(force=True)
    audit = AuditLog(db.sessions)
    parked = ParkedOperations(db.sessions, audit=audit)
    listed = parked.open()
    assert [row.op_id for row in listed] == [first, second]
    assert listed[0].station == "st-1" and "NUL" in listed[0].error

    packer = _user(db, Role.PACKER)
    with pytest.raises(PermissionDenied):
        parked.decide(packer, first, ParkedDecision.DISCARD)
    supervisor = _user(db, Role.SUPERVISOR)
    parked.decide(supervisor, first, ParkedDecision.DISCARD)
    parked.decide(supervisor, second, ParkedDecision.RETRY)
    pump.sync_parked(force=True)
    assert journal.stats().parked == 0
    assert journal.stats().pending == 1, "the discarded one is gone, the retried one is back in line"
    assert pump.drain_once() == 0  # the retry fails the same way: parked again
    pump.sync_parked(force=True)
    rows = {row.op_id: row for row in parked.open()}
    assert list(rows) == [second] and rows[second].decision is None, "a retry that fails again reopens"
    with db.sessions() as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert AuditAction.PARKED_DISCARDED.value in actions and AuditAction.PARKED_RETRIED.value in actions
    assert AuditAction.PERMISSION_DENIED.value in actions


def test_retries_back_off_for_real_while_scans_keep_waking_the_pump(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    journal.append(Operation(Aborted(), station="st-1", occurred_at=datetime.now(UTC), package_id=1))
    # Nothing listens on this port: every attempt fails fast with a connection error.
    engine = create_db_engine(
        "postgresql+psycopg2://postgres@127.0.0.1:9/none", limits=ConnectionLimits(connect_timeout_s=1)
    )
    statuses: list[PumpStatus] = []
    pump = JournalPump(journal, session_factory(engine), on_status=statuses.append, max_backoff_s=2.0)
    stop = threading.Event()

    def scans() -> None:
        while not stop.is_set():
            pump.wake()
            time.sleep(0.005)

    waker = threading.Thread(target=scans)
    pump.start()
    waker.start()
    time.sleep(3.0)
    stop.set()
    waker.join()
    pump.stop()
    engine.dispose()
    attempts = [status for status in statuses if not status.online]
    # Back-off 0.5, 1, 2, 2 ...: about 4 attempts in 3 s, not hundreds.
    assert 2 <= len(attempts) <= 6, len(attempts)
    assert attempts[-1].waiting == 1 and attempts[-1].parked == 0, "a lost connection parks nothing"


def test_a_scan_of_the_text_backslash_u0000_is_applied_not_parked(db: Database, tmp_path: Path) -> None:
    """Found by the scan fuzz test: the six characters \\u0000 (a person typing, a misprinted label) are
    written \\\\u0000 in JSON, which a plain search for the NUL escape mistook for a NUL, and the
    scan was parked for a supervisor although PostgreSQL stores it like any other text."""
    from packstation.db.models.packages import PackEvent
    from packstation.domain.outcomes import ScanOutcome
    from packstation.local_store.operations import Scanned

    seed_demo_data(db.sessions, packages=2)
    package = _package(db)
    journal = Journal(tmp_path / "journal.sqlite3")
    written = "\\u0000"
    scan = Scanned(
        outcome=ScanOutcome.UNKNOWN_BARCODE, text=written, code=written, message=f"Unknown barcode {written}."
    )
    op = Operation(scan, station="st-1", occurred_at=datetime.now(UTC), package_id=package.id)
    journal.append(op)
    journal.append(_complete(package))
    pump = JournalPump(journal, db.sessions)
    while pump.drain_once():
        pass
    assert journal.stats().parked == 0 and journal.stats().pending == 0
    with db.sessions() as session:
        event = session.scalars(select(PackEvent).where(PackEvent.op_id == op.op_id)).one()
        assert session.scalars(select(ParkedOperation)).all() == []
    assert event.barcode == written and event.detail["text"] == written
    journal.close()
