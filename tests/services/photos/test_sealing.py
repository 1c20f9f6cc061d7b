"""Photo before sealing below the window: the packing service holds the completion until the photo.

Also the per-client setting, switched from the command line (audited) and read by the station.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from packstation.db.connect import Database
from packstation.db.models.access import AuditEntry
from packstation.db.models.accounts import Station
from packstation.db.models.packages import PackageRow, PackEvent
from packstation.demo.data import DEMO_CLIENT, seed_demo_data
from packstation.local_store.journal import Journal
from packstation.local_store.operations import Aborted, Completed
from packstation.services.access.audit import AuditLog
from packstation.services.journal.pump import JournalPump
from packstation.services.packing.claims import ClaimService
from packstation.services.packing.service import Completion, PackingService
from packstation.services.photos.sealing import SealingPhotos
from packstation.services.station.heartbeat import StationService
from tests.support.sessions import server_session


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKSTATION_")}
    env["PACKSTATION_DATABASE_URL"] = db_url
    return subprocess.run(
        [sys.executable, "-m", "packstation", "client", "photos", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
    )


def test_the_setting_is_switched_from_the_command_line_and_audited(db: Database, db_url: str) -> None:
    seed_demo_data(db.sessions, packages=1)
    on = _cli(db_url, DEMO_CLIENT, "on")
    assert on.returncode == 0, on.stderr
    assert f"{DEMO_CLIENT}: photo before sealing" in on.stdout
    unknown = _cli(db_url, "Nobody Ltd", "on")
    assert unknown.returncode == 1 and "Nobody Ltd" in unknown.stderr
    sealing = SealingPhotos(db.sessions, audit=AuditLog(db.sessions), clock=lambda: datetime.now(UTC))
    assert [(c.name, c.photo_before_sealing) for c in sealing.clients()] == [(DEMO_CLIENT, True)]
    sealing.set_from_command_line(DEMO_CLIENT, False)
    assert [(c.name, c.photo_before_sealing) for c in sealing.clients()] == [(DEMO_CLIENT, False)]
    with db.sessions() as session:
        details = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "settings.changed").order_by(AuditEntry.id)
        ).all()
    assert details == [{"photo_before_sealing": True}, {"photo_before_sealing": False}]


def _service(db: Database, tmp_path: Path, sealing: SealingPhotos) -> tuple[PackingService, Journal, list[Completion]]:
    station_id = StationService(db.sessions, name="st-seal", audit=AuditLog(db.sessions)).register()
    journal = Journal(tmp_path / "journal.sqlite3")
    completions: list[Completion] = []
    service = PackingService(
        db.sessions,
        journal=journal,
        claims=ClaimService(db.sessions, station_id=station_id, lease=timedelta(minutes=5)),
        station="st-seal",
        clock=lambda: datetime.now(UTC),
        on_completed=completions.append,
        audit=AuditLog(db.sessions),
        photo_before_sealing=sealing.requires,
    )
    return service, journal, completions


def test_the_completion_waits_for_the_photo_and_an_abort_puts_the_parcel_back(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=3)
    sealing = SealingPhotos(db.sessions, audit=AuditLog(db.sessions), clock=lambda: datetime.now(UTC))
    sealing.set_from_command_line(DEMO_CLIENT, True)
    service, journal, completions = _service(db, tmp_path, sealing)
    with db.sessions() as session:
        first, second = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(2)).all()
        items = {p.id: [line.barcode for line in p.lines for _ in range(line.quantity)] for p in (first, second)}

    service.open(first.cargo_tracking_number, user_id=None)
    results = [service.scan(code, user_id=None) for code in items[first.id]]
    assert results[-1].package_complete and service.awaiting_photo and completions == []
    # Opening another parcel over it puts it back (journaled), it is not silently left claimed.
    service.open(second.cargo_tracking_number, user_id=None)
    assert not service.awaiting_photo
    kinds = [type(op.body) for op in journal.pending()]
    assert Aborted in kinds and Completed not in kinds

    for code in items[second.id]:
        service.scan(code, user_id=None)
    assert service.awaiting_photo
    assert service.seal_with_photo("photo-1", user_id=None) is True
    assert not service.awaiting_photo and [c.package.id for c in completions] == [second.id]
    assert service.seal_with_photo("photo-1", user_id=None) is False  # sealed once
    JournalPump(journal, db.sessions).drain_once()
    with db.sessions() as session:
        assert session.get(PackageRow, second.id).packed_at is not None
        assert session.get(PackageRow, first.id).packed_at is None
        assert session.scalar(select(func.count()).select_from(PackEvent).where(PackEvent.kind == "complete")) == 1


def test_a_parcel_cancelled_while_it_waits_for_its_photo_is_never_sealed(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=1)
    sealing = SealingPhotos(db.sessions, audit=AuditLog(db.sessions), clock=lambda: datetime.now(UTC))
    sealing.set_from_command_line(DEMO_CLIENT, True)
    service, journal, completions = _service(db, tmp_path, sealing)
    with db.sessions() as session:
        package = session.scalars(select(PackageRow).limit(1)).one()
        items = [line.barcode for line in package.lines for _ in range(line.quantity)]
    service.open(package.cargo_tracking_number, user_id=None)
    for code in items:
        service.scan(code, user_id=None)
    assert service.awaiting_photo
    assert service.cancelled_remotely(package.id)
    assert not service.awaiting_photo
    assert service.seal_with_photo("late-photo", user_id=None) is False
    assert completions == [] and Completed not in [type(op.body) for op in journal.pending()]


def test_a_client_without_the_setting_seals_at_the_last_item(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=1)
    sealing = SealingPhotos(db.sessions, audit=AuditLog(db.sessions), clock=lambda: datetime.now(UTC))
    service, _journal, completions = _service(db, tmp_path, sealing)
    with db.sessions() as session:
        package = session.scalars(select(PackageRow).limit(1)).one()
        items = [line.barcode for line in package.lines for _ in range(line.quantity)]
    service.open(package.cargo_tracking_number, user_id=None)
    for code in items:
        service.scan(code, user_id=None)
    assert not service.awaiting_photo and len(completions) == 1


def test_a_supervisor_seals_without_the_photo(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=1)
    sealing = SealingPhotos(db.sessions, audit=AuditLog(db.sessions), clock=lambda: datetime.now(UTC))
    sealing.set_from_command_line(DEMO_CLIENT, True)
    service, journal, completions = _service(db, tmp_path, sealing)
    with db.sessions.begin() as session:
        supervisor_id = session.execute(
            text(
                "INSERT INTO users (username, full_name, role, password_hash)"
                " VALUES ('sena', 'Sena', 'supervisor', 'x')"
                " RETURNING id"
            )
        ).scalar_one()
        station_id = session.scalar(select(Station.id).where(Station.name == "st-seal"))
        package = session.scalars(select(PackageRow).limit(1)).one()
        items = [line.barcode for line in package.lines for _ in range(line.quantity)]
    supervisor = server_session(db.sessions, supervisor_id, station_id)
    service.open(package.cargo_tracking_number, user_id=supervisor.user_id, token=supervisor.token)
    for code in items:
        service.scan(code, user_id=supervisor.user_id, token=supervisor.token)
    assert service.awaiting_photo
    service.force_complete(supervisor)
    assert not service.awaiting_photo and len(completions) == 1
    JournalPump(journal, db.sessions).drain_once()
    with db.sessions() as session:
        detail = session.scalars(select(PackEvent.detail).where(PackEvent.kind == "complete")).one()
        assert session.get(PackageRow, package.id).packed_at is not None
    assert detail["forced"] is True and detail["reason"] == "sealed without a photo"
