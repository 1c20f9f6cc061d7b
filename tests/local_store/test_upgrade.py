"""A station upgraded from the previous release keeps its unsent journal operations and queued labels.

The files are written here exactly as the previous release wrote them (its DDL, no ``user_version``,
its payloads as plain JSON dicts: see ``git show 98b9798:packstation/services/journal.py`` and
``98b9798:packstation/devices/printers/jobstore.py``), then opened by this release.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.packages import PackageRow, PackEvent, PackException
from packstation.db.models.stock import StockMovement
from packstation.db.models.sync import OutboxEntry
from packstation.demo.data import seed_demo_data
from packstation.devices.printers import FakePrinter, JobState, PrintJobEventKind, PrintQueue
from packstation.domain.marketplace import LabelFormat
from packstation.local_store import journal as journal_store
from packstation.local_store import print_jobs
from packstation.local_store.journal import Journal
from packstation.local_store.operations import Completed, Opened, Scanned, Unsupplied
from packstation.local_store.sqlite import LocalStoreError, schema_version
from packstation.services.journal.pump import JournalPump
from tests.support.print_events import Events

# The previous release's journal DDL, verbatim.
OLD_JOURNAL_SCHEMA = """
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

# The previous release's print-job DDL, verbatim.
OLD_PRINT_JOBS_SCHEMA = """
CREATE TABLE IF NOT EXISTS print_jobs (
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
);
CREATE INDEX IF NOT EXISTS print_jobs_pending ON print_jobs (printer_uri, state, seq);
"""


def _old_scan_record(line: object, at: datetime, *, units: int) -> dict[str, object]:
    """``ScanResult.as_record()`` plus ``line_db_id``, as the previous release journaled a scan."""
    return {
        "outcome": "accepted",
        "message": "Doğru ürün: Şal (1/1)",
        "package_id": "P-1",
        "text": line.barcode,  # type: ignore[attr-defined]
        "code": line.barcode,  # type: ignore[attr-defined]
        "line_id": line.external_line_id,  # type: ignore[attr-defined]
        "product_id": str(line.product_id),  # type: ignore[attr-defined]
        "scanned": units,
        "required": line.quantity,  # type: ignore[attr-defined]
        "units": 1,
        "verified_units": units,
        "total_units": line.quantity,  # type: ignore[attr-defined]
        "package_complete": False,
        "invalid_reason": None,
        "repaired_text": None,
        "at": at.isoformat(),
        "line_db_id": line.id,  # type: ignore[attr-defined]
    }


def _write_old_journal(path: Path, rows: list[tuple[str, int, dict[str, object], datetime]]) -> list[str]:
    """Pending operations as the previous release's ``Journal.append_many`` stored them."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.executescript(OLD_JOURNAL_SCHEMA)
    op_ids = [str(uuid.uuid4()) for _ in rows]
    connection.executemany(
        "INSERT INTO operations (op_id, kind, package_id, station, user_id, occurred_at, payload)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                op_id,
                kind,
                package_id,
                "İstasyon-1",
                None,
                at.astimezone(UTC).isoformat(),
                json.dumps(payload, ensure_ascii=False, default=str),
            )
            for op_id, (kind, package_id, payload, at) in zip(op_ids, rows, strict=True)
        ],
    )
    assert schema_version(connection) == 0  # the previous release never set one
    connection.close()
    return op_ids


def test_previous_release_journal_is_upgraded_and_its_operations_upload(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=6)
    with db.sessions() as session:
        package = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(1)).one()
        lines = list(package.lines)
        package_id, external_id = package.id, package.external_id
    start = datetime.now(UTC) - timedelta(minutes=5)
    first, *_rest = lines
    rows: list[tuple[str, int, dict[str, object], datetime]] = [
        ("open", package_id, {"external_id": external_id, "provisional": True}, start),
        ("scan", package_id, _old_scan_record(first, start, units=1), start + timedelta(seconds=1)),
        (
            "unsupplied",
            package_id,
            {
                "line_id": first.external_line_id,
                "quantity": 1,
                "reason": "out_of_stock",
                "note": "raf boş, Işıl söyledi",
                "approved_by": None,
            },
            start + timedelta(seconds=2),
        ),
        (
            "complete",
            package_id,
            {
                "box_count": 2,
                "lines": [
                    {"line_id": line.external_line_id, "product_id": line.product_id, "units": line.quantity}
                    for line in lines
                ],
                "weight_grams": 1250,
                "forced": True,
                "unverified": {first.external_line_id: 1},
                "reason": "kutu etiketli",
                "approved_by": None,
            },
            start + timedelta(seconds=3),
        ),
    ]
    path = tmp_path / "journal.sqlite3"
    op_ids = _write_old_journal(path, rows)

    journal = Journal(path)
    assert journal.pragma("user_version") == journal_store.SCHEMA.version
    pending = journal.pending()
    assert [str(op.op_id) for op in pending] == op_ids
    opened, scanned, unsupplied, completed = (op.body for op in pending)
    assert isinstance(opened, Opened) and opened.provisional and opened.external_id == external_id
    assert isinstance(scanned, Scanned) and scanned.line_db_id == first.id and scanned.barcode == first.barcode
    assert isinstance(unsupplied, Unsupplied) and unsupplied.note == "raf boş, Işıl söyledi"
    assert isinstance(completed, Completed) and completed.box_count == 2 and completed.forced

    assert JournalPump(journal, db.sessions).drain_once() == 4
    assert journal.stats().pending == 0
    with db.sessions() as session:
        events = session.scalars(select(PackEvent).order_by(PackEvent.occurred_at)).all()
        assert [str(e.op_id) for e in events] == op_ids
        assert [e.kind for e in events] == ["open", "scan", "unsupplied", "complete"]
        assert (events[1].barcode, events[1].line_id, events[1].quantity) == (first.barcode, first.id, 1)
        packed = session.get(PackageRow, package_id)
        assert packed is not None and packed.packed_at is not None
        assert (packed.box_count, packed.weight_grams) == (2, 1250)
        moved = session.scalars(select(StockMovement).where(StockMovement.package_id == package_id)).all()
        assert sorted(-m.delta for m in moved) == sorted(line.quantity for line in lines if line.product_id)
        outbox = session.scalars(select(OutboxEntry).where(OutboxEntry.kind == "unsupplied")).one()
        assert outbox.payload["reason"] == "out_of_stock" and outbox.payload["note"] == "raf boş, Işıl söyledi"
        exception = session.scalars(select(PackException).where(PackException.kind == "unsupplied")).one()
        assert "out_of_stock" in exception.message


def test_an_unreadable_entry_is_parked_and_the_rest_upload(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=3)
    with db.sessions() as session:
        package_id = session.scalars(select(PackageRow.id).order_by(PackageRow.id).limit(1)).one()
    now = datetime.now(UTC)
    path = tmp_path / "journal.sqlite3"
    _write_old_journal(
        path,
        [
            ("unsupplied", package_id, {"line_id": "L1", "quantity": "many"}, now),  # no reason, bad quantity
            ("open", package_id, {"external_id": "x", "provisional": False}, now),
        ],
    )
    journal = Journal(path)
    assert len(journal.pending()) == 1
    assert JournalPump(journal, db.sessions).drain_once() == 1
    assert journal.stats().parked == 1 and journal.stats().pending == 1


def test_a_journal_from_a_newer_release_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {journal_store.SCHEMA.version + 1}")
    connection.close()
    with pytest.raises(LocalStoreError, match=r"journal .*newer PackStation"):
        Journal(path)


def test_previous_release_print_jobs_are_kept_and_printed(tmp_path: Path) -> None:
    path = tmp_path / "print_jobs.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.executescript(OLD_PRINT_JOBS_SCHEMA)
    now = time.time()
    labels = {"j-1": b"^XA^FDGk\xc3\xb6k\xc3\xa7e^FS^XZ", "j-2": b"^XA^FDtwo^FS^XZ"}
    connection.executemany(
        "INSERT INTO print_jobs (id, printer_uri, kind, data, needs_setup, description, state, attempts,"
        " next_attempt_at, last_error, reprint_of, created_at, updated_at)"
        " VALUES (?, 'fake://a', 'zpl', ?, 0, ?, ?, ?, ?, ?, NULL, ?, ?)",
        [
            ("j-1", labels["j-1"], "Etiket Gökçe", "queued", 0, now, None, now, now),
            ("j-2", labels["j-2"], "Etiket 2", "printing", 1, now, "bağlantı koptu", now, now),  # interrupted
        ],
    )
    connection.close()

    printers: dict[str, FakePrinter] = {}
    events = Events()
    queue = PrintQueue(
        path, on_event=events, printer_factory=lambda uri: printers.setdefault(uri, FakePrinter(uri=uri))
    )
    assert queue.store.pragma("user_version") == print_jobs.SCHEMA.version
    assert {job.id: job.kind for job in queue.jobs()} == {"j-1": LabelFormat.ZPL, "j-2": LabelFormat.ZPL}
    queue.start()
    try:
        events.wait("j-1", PrintJobEventKind.PRINTED)
        events.wait("j-2", PrintJobEventKind.PRINTED)
        assert printers["fake://a"].received == labels["j-1"] + labels["j-2"]
        assert {job.state for job in queue.jobs()} == {JobState.PRINTED}
    finally:
        queue.stop()
