"""Opening reads a parcel through the server functions of migration 0021 (one round trip, plans kept).

The offline cache builds the same documents from ORM rows; the two must agree field for field, or a
parcel would look different online and offline (another bin, a missing sender on the label).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from packstation.db.connect import Database
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.db.models.stock import StockReservation
from packstation.demo.data import seed_demo_data
from packstation.services.access.audit import AuditLog
from packstation.services.packing.claims import ClaimService
from packstation.services.packing.offline_cache import OfflineCache
from packstation.services.packing.read_model import PackageQueries
from packstation.services.packing.source import PostgresPackageSource
from packstation.services.station.heartbeat import StationService


def _claims(db: Database, name: str) -> ClaimService:
    station_id = StationService(db.sessions, name=name, audit=AuditLog(db.sessions)).register()
    return ClaimService(db.sessions, station_id=station_id, lease=timedelta(minutes=5))


def test_the_server_and_the_offline_cache_read_a_parcel_alike(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=40)
    cache = OfflineCache(tmp_path / "cache.sqlite3")
    cache.refresh(db.sessions, full=True)
    source = PostgresPackageSource(db.sessions)
    queries = PackageQueries(db.sessions)
    with db.sessions() as session:
        packages = session.scalars(select(PackageRow).order_by(PackageRow.id)).all()
    compared = 0
    for package in packages:
        cached = cache.load(package.id)
        if cached is None:  # not ready: the cache keeps only what may be packed
            continue
        loaded = source.load(package.id)
        assert loaded is not None
        assert loaded.package == cached.package
        assert loaded.status == cached.status
        assert queries.find_by_code(package.external_id) == cache.find_by_code(package.external_id)
        compared += 1
    assert compared >= 20
    # Bins and Turkish text came through (the demo places its products in bins).
    assert any(line.bin_location for p in packages if (c := cache.load(p.id)) for line in c.package.lines)
    cache.close()


def test_a_code_meaning_several_parcels_claims_none(db: Database) -> None:
    seed_demo_data(db.sessions, packages=5)
    claims = _claims(db, "st-a")
    with db.sessions.begin() as session:
        first, second = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(2)).all()
        # An order split into two parcels; the younger parcel has the smaller id.
        session.execute(
            update(PackageRow)
            .where(PackageRow.id == second.id)
            .values(order_number=first.order_number, order_date=first.order_date - timedelta(hours=1))
        )
    with db.sessions.begin() as session:
        answer = claims.open_by_code(session, first.order_number, user_id=None, limit=20)
    assert [m.id for m in answer.matches] == [second.id, first.id]  # oldest order first
    assert answer.claim is None and answer.loaded is None
    with db.sessions() as session:
        assert session.scalar(select(PackageRow.claimed_by_station_id).where(PackageRow.id == first.id)) is None


def test_the_loser_of_a_claim_learns_who_holds_it_and_opening_settles_reservations(db: Database) -> None:
    seed_demo_data(db.sessions, packages=5)
    winner, loser = _claims(db, "İstasyon-1"), _claims(db, "st-b")
    with db.sessions.begin() as session:
        package = session.scalars(
            select(PackageRow).join(PackageLineRow).where(PackageLineRow.product_id.is_not(None)).limit(1)
        ).first()
        assert package is not None
        # The marketplace changed a line's quantity after its units were reserved.
        line = session.scalars(
            select(PackageLineRow).where(
                PackageLineRow.package_id == package.id, PackageLineRow.product_id.is_not(None)
            )
        ).first()
        assert line is not None
        line_id, wanted = line.id, line.quantity + 1
        session.execute(update(PackageLineRow).where(PackageLineRow.id == line_id).values(quantity=wanted))
    with db.sessions.begin() as session:
        won = winner.open_by_code(session, package.cargo_tracking_number or "", user_id=None, limit=20)
    assert won.claim is not None and won.claim.won and won.loaded is not None
    with db.sessions() as session:
        requested = session.scalar(
            select(StockReservation.requested).where(StockReservation.package_line_id == line_id)
        )
    assert requested == wanted  # settled while opening
    with db.sessions.begin() as session:
        lost = loser.open_by_code(session, package.cargo_tracking_number or "", user_id=None, limit=20)
    assert lost.claim is not None and not lost.claim.won
    assert lost.claim.holder_station == "İstasyon-1"
    assert lost.loaded is None
