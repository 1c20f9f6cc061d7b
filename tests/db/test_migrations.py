from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

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
