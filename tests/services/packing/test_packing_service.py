"""Packing end to end below the GUI: open by tracking number, verify, complete, pump into PostgreSQL."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from packstation.db.connect import Database
from packstation.db.models.catalog import ProductBarcode
from packstation.db.models.packages import PackageRow, PackEvent
from packstation.demo.data import seed_demo_data
from packstation.domain.outcomes import ScanOutcome
from packstation.local_store.journal import Journal
from packstation.local_store.operations import Completed
from packstation.services.access.audit import AuditLog
from packstation.services.journal.pump import JournalPump
from packstation.services.packing.claims import ClaimService
from packstation.services.packing.service import Completion, OpenOutcome, PackingService
from packstation.services.station.heartbeat import StationService


def make_service(db: Database, tmp_path: Path, name: str = "st-1") -> tuple[PackingService, Journal, list[Completion]]:
    station_id = StationService(db.sessions, name=name, audit=AuditLog(db.sessions)).register()
    journal = Journal(tmp_path / f"{name}.sqlite3")
    completions: list[Completion] = []
    service = PackingService(
        db.sessions,
        journal=journal,
        claims=ClaimService(db.sessions, station_id=station_id, lease=timedelta(minutes=5)),
        station=name,
        clock=lambda: datetime.now(UTC),
        on_completed=completions.append,
        audit=AuditLog(db.sessions),
    )
    return service, journal, completions


def test_pack_a_parcel_from_tracking_number_to_postgres(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=20)
    service, journal, completions = make_service(db, tmp_path)
    with db.sessions() as session:
        package = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(1)).one()
        lines = [(line.barcode, line.quantity) for line in package.lines]
        other_barcode = session.scalars(
            select(ProductBarcode.barcode)
            .where(ProductBarcode.barcode.notin_([b for b, _ in lines]), ProductBarcode.multiplier == 1)
            .limit(1)
        ).one()
    opened = service.open(package.cargo_tracking_number, user_id=None)
    assert opened.outcome is OpenOutcome.OPENED
    assert service.scan(other_barcode, user_id=None).outcome is ScanOutcome.WRONG_ITEM
    assert service.scan("8690000000009", user_id=None).outcome is ScanOutcome.INVALID  # wrong check digit
    results = []
    for barcode, quantity in lines:
        results.extend(service.scan(barcode, user_id=None) for _ in range(quantity))
    assert all(r.outcome is ScanOutcome.ACCEPTED for r in results)
    assert results[-1].package_complete
    assert len(completions) == 1 and completions[0].package.id == package.id
    assert service.scan(lines[0][0], user_id=None).outcome is ScanOutcome.PACKAGE_ALREADY_COMPLETE

    journaled = journal.stats().pending
    assert journaled == 1 + 2 + sum(q for _, q in lines) + 1 + 1  # open, 2 bad, accepted, complete, late scan
    JournalPump(journal, db.sessions).drain_once()
    with db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PackEvent)) == journaled
        assert session.get(PackageRow, package.id).packed_at is not None


def test_second_station_sees_who_has_the_parcel(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=5)
    first, _, _ = make_service(db, tmp_path, "station-a")
    second, _, _ = make_service(db, tmp_path, "station-b")
    with db.sessions() as session:
        tracking = session.scalars(select(PackageRow.cargo_tracking_number).order_by(PackageRow.id).limit(1)).one()
    assert first.open(tracking, user_id=None).outcome is OpenOutcome.OPENED
    taken = second.open(tracking, user_id=None)
    assert taken.outcome is OpenOutcome.TAKEN
    assert "station-a" in taken.message


def test_shared_order_number_offers_a_choice(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=120)
    service, _, _ = make_service(db, tmp_path)
    with db.sessions() as session:
        order = session.execute(
            select(PackageRow.order_number).group_by(PackageRow.order_number).having(func.count() > 1).limit(1)
        ).scalar_one()
    result = service.open(order, user_id=None)
    assert result.outcome is OpenOutcome.CHOOSE and len(result.choices) >= 2
    assert service.open("nothing-like-this", user_id=None).outcome is OpenOutcome.NOT_FOUND


def _actor(role: str, user_id: int | None = 1) -> object:
    import uuid

    from packstation.domain.status import Role
    from packstation.services.access.permissions import LoginMethod, UserSession

    return UserSession(
        user_id=user_id,
        username=role,
        full_name=role.title(),
        role=Role(role),
        station_id=None,
        method=LoginMethod.BADGE,
        started_at=datetime.now(UTC),
        session_id=uuid.uuid4(),
    )


def test_unsupplied_needs_a_supervisor_and_reaches_the_outbox(db: Database, tmp_path: Path) -> None:
    import pytest

    from packstation.db.models.access import User
    from packstation.db.models.packages import PackException
    from packstation.db.models.sync import OutboxEntry
    from packstation.domain.outcomes import UnsuppliedReason
    from packstation.services.access.permissions import PermissionDenied

    seed_demo_data(db.sessions, packages=5)
    with db.sessions.begin() as session:
        session.add(User(id=1, username="sup", role="supervisor", password_hash="x"))
    service, journal, completions = make_service(db, tmp_path)
    with db.sessions() as session:
        package = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(1)).one()
        lines = [(line.external_line_id, line.quantity) for line in package.lines]
    service.open(package.cargo_tracking_number, user_id=None)
    with pytest.raises(PermissionDenied):
        service.mark_unsupplied(_actor("packer"), lines[0][0], 1, UnsuppliedReason.OUT_OF_STOCK)
    supervisor = _actor("supervisor")
    for line_id, quantity in lines:
        completed = service.mark_unsupplied(supervisor, line_id, quantity, UnsuppliedReason.OUT_OF_STOCK)
    assert completed and len(completions) == 1
    JournalPump(journal, db.sessions).drain_once()
    with db.sessions() as session:
        kinds = sorted(session.scalars(select(OutboxEntry.kind)).all())
        assert kinds.count("unsupplied") == len(lines)
        assert session.scalar(select(func.count()).where(PackException.kind == "unsupplied")) == len(lines)


def test_force_complete_records_what_was_not_verified(db: Database, tmp_path: Path) -> None:
    import pytest

    from packstation.db.models.access import User
    from packstation.services.access.permissions import PermissionDenied

    seed_demo_data(db.sessions, packages=5)
    with db.sessions.begin() as session:
        session.add(User(id=1, username="packer", role="packer", password_hash="x"))  # the audited actor
    service, journal, completions = make_service(db, tmp_path)
    with db.sessions() as session:
        tracking = session.scalars(select(PackageRow.cargo_tracking_number).order_by(PackageRow.id).limit(1)).one()
    service.open(tracking, user_id=None)
    with pytest.raises(PermissionDenied):
        service.force_complete(_actor("packer", user_id=None))  # no user row: the refusal is audited without one
    service.force_complete(_actor("supervisor", user_id=None), reason="label on the box already")
    assert len(completions) == 1
    complete = [op.body for op in journal.pending() if isinstance(op.body, Completed)]
    assert complete and complete[0].forced is True and complete[0].unverified


def test_opened_parcel_carries_what_the_label_needs(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=3)
    service, _journal, _completions = make_service(db, tmp_path)
    with db.sessions() as session:
        tracking = session.scalars(select(PackageRow.cargo_tracking_number).order_by(PackageRow.id).limit(1)).one()
    opened = service.open(tracking, user_id=None).package
    assert opened is not None
    assert opened.sender_name == "Güllü Ayakkabı" and opened.sender_address
    assert opened.marketplace == "trendyol"


def test_successor_after_a_split_is_found_for_its_new_label(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=3)
    service, _journal, _completions = make_service(db, tmp_path)
    with db.sessions.begin() as session:
        origin = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(1)).one()
        successor = PackageRow(
            account_id=origin.account_id,
            external_id="3299999999",
            order_number=origin.order_number,
            status="Created",
            cargo_tracking_number="7339999999999999",
            origin_package_id=origin.id,
            customer_name=origin.customer_name,
        )
        session.add(successor)
        session.flush()
        origin_id, tracking, successor_id = origin.id, origin.cargo_tracking_number, successor.id
    assert service.open(tracking, user_id=None).outcome is OpenOutcome.OPENED
    found = service.successor_of(origin_id)
    assert found is not None and found.id == successor_id
    assert found.cargo_tracking_number == "7339999999999999" and found.sender_name == "Güllü Ayakkabı"
    assert service.successor_of(successor_id) is None


def test_the_scale_weight_is_stored_with_the_completed_parcel(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=3)
    station_id = StationService(db.sessions, name="st-scale", audit=AuditLog(db.sessions)).register()
    journal = Journal(tmp_path / "scale.sqlite3")
    service = PackingService(
        db.sessions,
        journal=journal,
        claims=ClaimService(db.sessions, station_id=station_id, lease=timedelta(minutes=5)),
        station="st-scale",
        clock=lambda: datetime.now(UTC),
        weigh=lambda: 1340,
    )
    with db.sessions() as session:
        package = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(1)).one()
        items = [line.barcode for line in package.lines for _ in range(line.quantity)]
    service.open(package.cargo_tracking_number, user_id=None)
    for barcode in items:
        service.scan(barcode, user_id=None)
    JournalPump(journal, db.sessions).drain_once()
    with db.sessions() as session:
        assert session.get(PackageRow, package.id).weight_grams == 1340
