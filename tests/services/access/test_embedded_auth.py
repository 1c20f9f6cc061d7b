"""The embedded PostgreSQL asks for a password (scram) and the app connects as a non-superuser."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import psycopg2
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from packstation.db.embedded import APP_ROLE, PASSWORD_FILE, start_embedded
from packstation.db.engine import create_db_engine
from packstation.db.migrate import head_revision, upgrade
from packstation.services.access.secrets import SecretStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes and sockets")


def test_embedded_server_requires_passwords_and_runs_as_a_non_superuser(tmp_path: Path) -> None:
    server = start_embedded(tmp_path, SecretStore())  # the test keyring fails: passwords go to a 0600 file
    try:
        stored = tmp_path / PASSWORD_FILE
        assert stat.S_IMODE(stored.stat().st_mode) == 0o600
        assert set(json.loads(stored.read_text(encoding="utf-8"))) == {"superuser_password", "password"}
        hba = (server.pgdata / "pg_hba.conf").read_text(encoding="utf-8")
        rules = [line.split() for line in hba.splitlines() if line.strip() and not line.startswith("#")]
        assert rules and all(rule[-1] == "scram-sha-256" for rule in rules)

        engine = create_db_engine(server.url)
        try:
            assert upgrade(engine)[1] == head_revision()  # the app migrates as the owner role's member
            with engine.connect() as connection:
                row = connection.execute(
                    text("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
                ).one()
            assert tuple(row) == (APP_ROLE, False)
        finally:
            engine.dispose()

        url = make_url(server.url)
        host, port = url.query["host"], url.query["port"]
        for user in ("postgres", APP_ROLE):
            with pytest.raises(psycopg2.OperationalError, match="password"):
                psycopg2.connect(dbname="packstation", user=user, host=host, port=port, password="wrong-guess")
    finally:
        server.stop()

    again = start_embedded(tmp_path, SecretStore())  # the second start finds it secured
    try:
        engine = create_db_engine(again.url)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT current_user")).scalar_one() == APP_ROLE
        engine.dispose()
    finally:
        again.stop()
