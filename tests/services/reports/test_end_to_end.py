"""Pack through PackingService and JournalPump, then read the figures the dashboard shows."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.access import User
from packstation.db.models.catalog import ProductBarcode
from packstation.db.models.packages import PackageRow
from packstation.demo.data import seed_demo_data
from packstation.domain.outcomes import ScanOutcome
from packstation.local_store.journal import Journal
from packstation.local_store.operations import Completed, Operation
from packstation.services.journal.pump import JournalPump
from packstation.services.reports import FigureSource, Grouping, ReportQueries
from tests.services.packing.test_packing_service import make_service
from tests.services.reports.conftest import IST


def test_packed_parcels_reach_the_figures_and_a_late_duplicate_does_not(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=5)
    with db.sessions.begin() as session:
        packer = User(username="gokce", full_name="Gökçe Işık", role="packer", password_hash="x")
        session.add(packer)
        session.flush()
        packer_id = packer.id
        package = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(1)).one()
        lines = [(line.barcode, line.quantity) for line in package.lines]
        other = session.scalars(
            select(ProductBarcode.barcode)
            .where(ProductBarcode.barcode.notin_([b for b, _ in lines]), ProductBarcode.multiplier == 1)
            .limit(1)
        ).one()
    service, journal, completions = make_service(db, tmp_path)
    service.open(package.cargo_tracking_number or "", user_id=packer_id)
    assert service.scan(other, user_id=packer_id).outcome is ScanOutcome.WRONG_ITEM
    for barcode, quantity in lines:
        for _ in range(quantity):
            service.scan(barcode, user_id=packer_id)
    assert len(completions) == 1
    JournalPump(journal, db.sessions).drain_once()

    rollup = ReportQueries(db.sessions, tz=IST)
    raw = ReportQueries(db.sessions, tz=IST, source=FigureSource.RAW)
    today = rollup.today()
    [figures] = rollup.figures(today, Grouping.PACKER)
    units = sum(q for _, q in lines)
    assert (figures.key, figures.parcels, figures.items, figures.wrong_items) == ("Gökçe Işık", 1, units, 1)
    assert figures.median_parcel_seconds is not None and 0 <= figures.median_parcel_seconds < 60
    assert rollup.figures(today, Grouping.PACKER) == raw.figures(today, Grouping.PACKER)

    # Another station's journal completes the same parcel later: the pump makes it a conflict, not a parcel.
    other_journal = Journal(tmp_path / "other.sqlite3")
    other_journal.append(
        Operation(
            body=Completed(),
            station="st-2",
            occurred_at=datetime.now(UTC),
            package_id=package.id,
            user_id=packer_id,
        )
    )
    JournalPump(other_journal, db.sessions).drain_once()
    assert [x.kind for x in rollup.open_exceptions()] == ["conflict"]
    assert rollup.total(today).parcels == 1 == raw.total(today).parcels
    assert [p.package for p in rollup.parcels(today)] == [package.external_id]
