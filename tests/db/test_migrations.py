import json

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from packstation.db.engine import create_db_engine
from packstation.db.migrate import current_revision, head_revision, upgrade
from packstation.db.models.base import Base


def test_upgrade_empty_database_creates_every_table_and_is_idempotent(empty_db_url: str) -> None:
    engine = create_db_engine(empty_db_url)
    try:
        assert current_revision(engine) is None
        before, after = upgrade(engine)
        assert before is None and after == head_revision()
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        assert upgrade(engine) == (head_revision(), head_revision())
    finally:
        engine.dispose()


def test_migrations_match_the_models(db_url: str) -> None:
    engine = create_db_engine(db_url)
    try:
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
    finally:
        engine.dispose()


def test_lookup_indexes_exist(db_url: str) -> None:
    engine = create_db_engine(db_url)
    try:
        indexed = {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes("packages")}
        for columns in [("cargo_tracking_number",), ("order_number",), ("external_id",), ("packing_slip_code",)]:
            assert columns in indexed
        assert ("package_id",) in {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes("package_lines")}
        columns = {c["name"]: c["type"] for c in inspect(engine).get_columns("packages")}
        assert str(columns["cargo_tracking_number"]) == "TEXT"
        assert str(columns["external_id"]) == "TEXT"
    finally:
        engine.dispose()


def test_stored_hepsiburada_lines_get_their_order_numbers(empty_db_url: str) -> None:
    """Revision package_lines_order_number fills the new column from HB packages already stored."""
    engine = create_db_engine(empty_db_url)
    try:
        upgrade(engine, "security_supervision")
        items = [
            {"id": "L1", "orderNumber": "4001"},  # open lines of two orders combined into one parcel
            {"id": "L2", "orderNumber": "4002"},
        ]
        with engine.begin() as connection:
            company = connection.scalar(text("INSERT INTO client_companies (name) VALUES ('c') RETURNING id"))
            for kind, raw in (("hepsiburada", {"items": items}), ("trendyol", {"lines": items})):
                account = connection.scalar(
                    text(
                        "INSERT INTO marketplace_accounts (name, kind, seller_id, base_url, client_company_id)"
                        " VALUES (:kind, :kind, '1', 'http://x', :company) RETURNING id"
                    ),
                    {"kind": kind, "company": company},
                )
                package = connection.scalar(
                    text(
                        "INSERT INTO packages (account_id, external_id, order_number, status, raw)"
                        " VALUES (:account, '4001', '4001', 'Created', CAST(:raw AS jsonb)) RETURNING id"
                    ),
                    {"account": account, "raw": json.dumps(raw)},
                )
                for line in ("L1", "L2"):
                    connection.execute(
                        text(
                            "INSERT INTO package_lines (package_id, external_line_id, barcode, product_name,"
                            " quantity) VALUES (:package, :line, 'b', 'n', 1)"
                        ),
                        {"package": package, "line": line},
                    )
        upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT a.kind, l.external_line_id, l.order_number FROM package_lines l"
                    " JOIN packages p ON p.id = l.package_id JOIN marketplace_accounts a ON a.id = p.account_id"
                    " ORDER BY a.kind, l.external_line_id"
                )
            ).all()
        assert [tuple(row) for row in rows] == [
            ("hepsiburada", "L1", "4001"),
            ("hepsiburada", "L2", "4002"),
            ("trendyol", "L1", None),
            ("trendyol", "L2", None),
        ]
    finally:
        engine.dispose()


def test_stations_starting_together_do_not_time_out_in_the_migration_lock(empty_db_url: str) -> None:
    """Fifty stations starting at once queue for the migration lock longer than a statement may take."""
    import threading
    import time

    from packstation.db.engine import ConnectionLimits
    from packstation.db.migrate import MIGRATION_LOCK_KEY

    hurried = create_db_engine(empty_db_url, limits=ConnectionLimits(statement_timeout_ms=1000))
    holder = create_db_engine(empty_db_url)
    held, release = threading.Event(), threading.Event()

    def another_station_migrating() -> None:
        with holder.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            held.set()
            release.wait(10)

    other = threading.Thread(target=another_station_migrating)
    other.start()
    try:
        assert held.wait(10)
        threading.Timer(2.5, release.set).start()  # longer than the 1 s statement timeout
        assert upgrade(hurried) == (None, head_revision()), "a station waiting for the lock must wait, not fail"
        # At head, a start takes no lock at all: it does not queue behind a station that holds it.
        release.clear()
        held.clear()
        other.join(10)
        other = threading.Thread(target=another_station_migrating)
        other.start()
        assert held.wait(10)
        started = time.monotonic()
        assert upgrade(hurried) == (head_revision(), head_revision())
        assert time.monotonic() - started < 1.0
    finally:
        release.set()
        other.join(10)
        hurried.dispose()
        holder.dispose()
