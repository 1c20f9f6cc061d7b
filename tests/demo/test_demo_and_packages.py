import pytest
from sqlalchemy import func, select

from packstation.db.connect import Database
from packstation.db.models.catalog import ProductBarcode, ProductRow
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.demo.data import seed_demo_data
from packstation.domain.gtin import is_valid_gtin
from packstation.domain.status import Role
from packstation.services.access.audit import AuditLog
from packstation.services.access.users import Credentials, UserError, UserService
from packstation.services.packing.read_model import PackageQueries, package_detail
from packstation.services.station.heartbeat import StationService


def test_demo_data_is_realistic_and_idempotent(db: Database) -> None:
    summary = seed_demo_data(db.sessions, packages=120)
    assert summary.created and summary.packages == 120
    with db.sessions() as session:
        barcodes = session.scalars(select(ProductBarcode.barcode)).all()
        assert barcodes and all(is_valid_gtin(code) and len(code) == 13 for code in barcodes)
        assert len(barcodes) > session.scalar(select(func.count()).select_from(ProductRow))  # aliases exist
        assert session.scalar(select(func.count()).where(ProductBarcode.multiplier > 1)) == 3  # case packs
        names = " ".join(session.scalars(select(PackageRow.customer_name)).all())
        assert any(letter in names for letter in "ğüşıİöçŞÇÖÜ")
        multi_line = session.scalar(
            select(func.count()).select_from(
                select(PackageLineRow.package_id)
                .group_by(PackageLineRow.package_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
        assert multi_line and multi_line > 10
        assert session.scalar(select(func.count()).where(PackageLineRow.quantity > 1))
        shared_orders = session.execute(
            select(PackageRow.order_number).group_by(PackageRow.order_number).having(func.count() > 1)
        ).all()
        assert shared_orders, "some orders are split into several packages"
    again = seed_demo_data(db.sessions, packages=120)
    assert not again.created and again.packages == 120


def test_find_by_every_code_a_packer_may_scan(db: Database) -> None:
    seed_demo_data(db.sessions, packages=60)
    queries = PackageQueries(db.sessions)
    with db.sessions() as session:
        package = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(1)).one()
    for code in (package.cargo_tracking_number, package.external_id, package.packing_slip_code):
        found = queries.find_by_code(f"  {code} ")
        assert [p.id for p in found] == [package.id]
    by_order = queries.find_by_code(package.order_number)
    assert package.id in [p.id for p in by_order]
    assert queries.find_by_code("no-such-code") == []
    assert queries.find_by_code("") == []
    detail = package_detail(db.sessions, package.id)
    assert detail is not None
    assert detail.summary.item_count == sum(line.quantity for line in detail.lines)
    assert all(line.bin_location for line in detail.lines)


def test_counts_and_ready_list(db: Database) -> None:
    seed_demo_data(db.sessions, packages=40)
    queries = PackageQueries(db.sessions)
    counts = queries.counts()
    assert counts.total == 40 and counts.ready == 40 and counts.packed_today == 0
    ready = queries.ready_to_pack(limit=10)
    assert len(ready) == 10
    dates = [p.order_date for p in ready]
    assert dates == sorted(dates), "oldest first"


def test_station_registration_is_idempotent(db: Database) -> None:
    stations = StationService(db.sessions, name="station-7", audit=AuditLog(db.sessions))
    first = stations.register()
    assert stations.register() == first
    stations.heartbeat(pending_operations=3)


def test_user_service_rules(db: Database) -> None:
    users = UserService(db.sessions, credentials=Credentials(db.sessions), audit=AuditLog(db.sessions))
    users.add_user("mehmet", role=Role.SUPERVISOR, password="uzun-bir-parola")
    with pytest.raises(UserError, match="at least 8"):
        users.add_user("kisa", role=Role.PACKER, password="abc")
    with pytest.raises(UserError, match="already exists"):
        users.add_user("mehmet", role=Role.PACKER, password="uzun-bir-parola")
    assert users.count() == 1


def test_the_total_is_postgresqls_estimate_once_there_are_very_many(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import text

    from packstation.services.packing import read_model as packages

    seed_demo_data(db.sessions, packages=30)
    queries = PackageQueries(db.sessions)
    monkeypatch.setattr(packages, "EXACT_TOTAL_UP_TO", 10)
    assert queries.counts().total == 30  # never analysed: no estimate yet, so counted
    with db.engine.connect() as connection:
        connection.execute(text("ANALYZE packages"))
        connection.commit()
        # Make the estimate visibly different from the count: what the home screen shows is the estimate.
        connection.execute(text("UPDATE pg_class SET reltuples = 1234567 WHERE oid = 'packages'::regclass"))
        connection.commit()
    assert queries.counts().total == 1_234_567
    monkeypatch.setattr(packages, "EXACT_TOTAL_UP_TO", 10_000_000)
    assert queries.counts().total == 30
