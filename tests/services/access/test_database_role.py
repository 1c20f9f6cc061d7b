"""The least-privilege station role in docs/security.md, created on the test server and used for real."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import psycopg2
import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from packstation.db.engine import create_db_engine, session_factory
from packstation.domain.status import Role
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.auth import AuthService
from packstation.services.access.users import Credentials, UserService
from packstation.services.station.heartbeat import StationService
from tests.support import REPO_ROOT

from .conftest import Stack

DOC = REPO_ROOT / "docs" / "security.md"


def _role_sql() -> str:
    match = re.search(r"<!-- station-role-sql -->\s*```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert match, "docs/security.md lost its station-role SQL block"
    return match.group(1)


@pytest.fixture
def station_url(db_url: str) -> Iterator[str]:
    """A login role that is a member of packstation_station, on the test database."""
    url = make_url(db_url)
    login = f"station_{uuid.uuid4().hex[:8]}"
    owner = psycopg2.connect(dbname=url.database, user="postgres", host=url.host, port=url.port)
    owner.autocommit = True
    with owner.cursor() as cursor:
        cursor.execute(_role_sql())
        cursor.execute(_role_sql())  # idempotent: safe to run after every upgrade
        cursor.execute(f"CREATE ROLE {login} LOGIN IN ROLE packstation_station")
        cursor.execute(f'GRANT CONNECT ON DATABASE "{url.database}" TO packstation_station')
    yield url.set(username=login).render_as_string(hide_password=False)
    with owner.cursor() as cursor:
        # Roles are cluster-wide; the grants live in this database and must go before the roles.
        cursor.execute(f"DROP OWNED BY {login}, packstation_admin, packstation_station")
        cursor.execute(f"DROP ROLE {login}")
    owner.close()


def test_station_role_can_work_but_not_rewrite_history(stack: Stack, station_url: str) -> None:
    admin, _ = stack.first_admin()
    stack.packer(admin, "ayse", badge="BADGE-A", pin="1357")
    engine = create_db_engine(station_url)
    try:
        sessions = session_factory(engine)
        hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
        credentials = Credentials(sessions, hasher=hasher)
        audit = AuditLog(sessions, clock=stack.clock)
        auth = AuthService(sessions, credentials=credentials, audit=audit, clock=stack.clock)
        station_id = StationService(sessions, name="station-9").register()

        # A packer logs in (reads users and the badge salt, updates log-in columns, appends audit).
        session = auth.login_badge("BADGE-A", pin="1357", station_id=station_id)
        assert session.role is Role.PACKER
        audit.record(AuditAction.REPRINT, actor=session, subject="package:1")
        assert audit.verify().intact

        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO pack_events (op_id, station_id, user_id, kind, occurred_at) "
                    "VALUES (:op, :station, :user, 'scan', now())"
                ),
                {"op": uuid.uuid4(), "station": station_id, "user": session.user_id},
            )

        for statement in (
            "UPDATE audit_log SET subject = 'x'",
            "DELETE FROM audit_log",
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete",
            "SET session_replication_role = replica",
            "UPDATE users SET role = 'admin'",
            "DELETE FROM pack_events",
            "UPDATE security_params SET value = '00'",
        ):
            with pytest.raises(ProgrammingError, match=r"permission denied|must be owner"), engine.begin() as c:
                c.execute(text(statement))

        # Account administration needs the admin role, even through the service.
        users = UserService(sessions, credentials=credentials, audit=audit, clock=stack.clock)
        with pytest.raises(ProgrammingError, match="permission denied"):
            users.add_user("mallory", role=Role.ADMIN, password="Mallory-Parola-1")
    finally:
        engine.dispose()
    assert stack.audit.verify().intact
