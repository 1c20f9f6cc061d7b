"""Test fixtures: one throwaway PostgreSQL for the session, a fresh database per test.

The server is real (initdb/pg_ctl from PATH, else the binaries in the pgserver wheel); each test
gets its own database cloned from a migrated template, so tests never see each other's rows.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

# Qt must never try to open a display in tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A developer's keyring or config must not leak into tests.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
for name in [n for n in os.environ if n.startswith("PACKSTATION_")]:
    del os.environ[name]

import psycopg2
import pytest
from sqlalchemy import Engine

from packstation.db.connect import Database
from packstation.db.engine import create_db_engine, session_factory
from packstation.db.local_server import LocalPostgres
from packstation.db.migrate import upgrade

TEMPLATE = "packstation_template"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[LocalPostgres]:
    """The session's PostgreSQL server (started once, destroyed at the end).

    Its folder is private to this run (not under pytest's basetemp, which a concurrent run may prune).
    """
    server = LocalPostgres(Path(tempfile.mkdtemp(prefix="packstation-test-pg-")))
    server.init()
    server.start()
    admin = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=server.port)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {TEMPLATE}")
    admin.close()
    engine = create_db_engine(server.url(TEMPLATE))
    upgrade(engine)
    engine.dispose()
    yield server
    server.destroy()


def _admin(server: LocalPostgres) -> psycopg2.extensions.connection:
    connection = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=server.port)
    connection.autocommit = True
    return connection


@pytest.fixture
def empty_db_url(pg_server: LocalPostgres) -> Iterator[str]:
    """URL of a new, empty database (no schema): for migration tests."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = _admin(pg_server)
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    yield pg_server.url(name)
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


@pytest.fixture
def db_url(pg_server: LocalPostgres) -> Iterator[str]:
    """URL of a new database at the current schema revision."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = _admin(pg_server)
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    yield pg_server.url(name)
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the test's database."""
    engine = create_db_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine: Engine, db_url: str) -> Database:
    """An open :class:`Database` on the test's database."""
    return Database(engine=engine, sessions=session_factory(engine), display_url=db_url)


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    """Path for a test's config file (not created)."""
    return tmp_path / "config.toml"
