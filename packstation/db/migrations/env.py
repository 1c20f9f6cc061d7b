"""Alembic environment: runs on a connection handed in by :mod:`packstation.db.migrate`.

Migrations take a PostgreSQL advisory lock, so stations that start together do not race to
upgrade the shared schema.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, pool, text

from packstation.db.migrate import MIGRATION_LOCK_KEY, MIGRATION_TIMEOUT
from packstation.db.models.base import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        bind = context.get_bind()
        bind.execute(text(f"SET LOCAL statement_timeout = '{MIGRATION_TIMEOUT}'"))
        bind.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the caller's connection, or the configured URL (``alembic`` on the command line)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    engine = create_engine(url or "", poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
