"""Schema migrations: ``packstation db upgrade`` and the start-up check.

Upgrading is idempotent: at head it does nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from packstation.db.roles import apply_privileges

log = logging.getLogger("packstation.db.migrate")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The advisory lock migrations run under (``migrations/env.py``): stations starting together take turns.
MIGRATION_LOCK_KEY = 0x7061636B  # "pack"
#: How long a migration, and a station waiting for another's, may take: not the station's per-statement
#: limit (15 s), which fifty stations starting together outwait in the lock's queue, and which DDL on a
#: million parcels can outlast.
MIGRATION_TIMEOUT = "15min"


def alembic_config() -> Config:
    """An Alembic config that needs no ini file."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision shipped with this build."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise RuntimeError("no migrations found")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head", *, privileges: bool = False) -> tuple[str | None, str]:
    """Bring the schema to ``revision``; returns (revision before, revision after).

    When a migration ran (or ``privileges`` asks for it) and this connection may, the schema objects
    are handed to the owner role and the station role's grants re-applied (:mod:`packstation.db.roles`).
    """
    before = current_revision(engine)
    if revision == "head" and before == head_revision() and not privileges:
        # The everyday start: nothing to do, so no lock to queue for (fifty stations start together).
        return before, before
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    after = current_revision(engine)
    if (privileges or before != after) and after is not None:
        with engine.begin() as connection:
            apply_privileges(connection)
    if before != after:
        log.info("migrated from=%s to=%s", before, after)
    return before, str(after)
