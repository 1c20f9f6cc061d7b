"""Fixtures for the auth tests: real PostgreSQL, real argon2 (cheap parameters), a clock the test moves."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from packstation.config.sections import SecuritySettings
from packstation.db.connect import Database
from packstation.domain.status import Role
from packstation.services.access.audit import AuditLog
from packstation.services.access.auth import AuthService
from packstation.services.access.permissions import LoginMethod, UserSession
from packstation.services.access.users import Credentials, UserService, new_totp_secret
from packstation.services.station.heartbeat import StationService


class Clock:
    """A clock that only moves when the test says so."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, 0, 123456, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Stack:
    """The auth services wired as the composition root wires them."""

    db: Database
    clock: Clock
    audit: AuditLog
    users: UserService
    auth: AuthService
    security: SecuritySettings
    station_id: int
    used_steps: dict[str, int] = field(default_factory=dict)

    def totp_code(self, secret: str) -> str:
        """A code the server accepts now: the current 30-second step, or the next one once that was used.

        The server checks codes against its own clock and tolerates one step of drift, so a test can
        enrol and then log in without waiting half a minute.
        """
        step = max(int(time.time()) // 30, self.used_steps.get(secret, -1) + 1)
        self.used_steps[secret] = step
        return pyotp.TOTP(secret).at(step * 30)

    def session_for(self, user_id: int) -> UserSession:
        """A user already logged in (for tests that start from there): a real server-side session."""
        return server_session(self.db, user_id, self.station_id)

    def first_admin(self, username: str = "admin") -> tuple[UserSession, str]:
        """Create the first admin through the wizard's service call; returns its session and TOTP secret."""
        secret = new_totp_secret()
        user_id = self.users.create_first_admin(
            username,
            password="Admin-Parola-1",
            full_name="Ada Admin",
            totp_secret=secret,
            totp_code=self.totp_code(secret),
        )
        return self.session_for(user_id), secret

    def packer(self, admin: UserSession, username: str, *, badge: str, pin: str | None = None) -> int:
        """A packer with a badge (and PIN), created by ``admin``."""
        user_id = self.users.create_user(
            admin, username, role=Role.PACKER, password="Packer-Parola-1", full_name=username.title()
        )
        self.users.enrol_badge(admin, user_id, badge, pin=pin)
        return user_id


def server_session(db: Database, user_id: int, station_id: int | None) -> UserSession:
    """Open a server-side session for ``user_id`` as a log-in would (the test connects as superuser;
    ``ps_session_open`` is not granted to stations)."""
    with db.sessions.begin() as session:
        row = session.execute(
            text("SELECT r.* FROM users u, ps_session_open(u, :station, 'password') r WHERE u.id = :id"),
            {"id": user_id, "station": station_id},
        ).one()
    return UserSession(
        user_id=row.user_id,
        username=row.username,
        full_name=row.full_name,
        role=Role(row.role),
        station_id=station_id,
        method=LoginMethod.PASSWORD,
        started_at=row.started_at,
        session_id=uuid.uuid4(),
        token=row.token,
    )


def expire_lockout(db: Database, username: str) -> None:
    """Move a lockout into the past, as waiting it out would (the server's clock decides, not the test's)."""
    with db.sessions.begin() as session:
        session.execute(
            text("UPDATE users SET locked_until = now() - interval '1 second' WHERE username = :name"),
            {"name": username},
        )


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def stack(db: Database, clock: Clock) -> Stack:
    # Real argon2id, with small parameters so a test run does not spend seconds hashing.
    hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    credentials = Credentials(db.sessions, hasher=hasher)
    audit = AuditLog(db.sessions, clock=clock)
    security = SecuritySettings()
    users = UserService(db.sessions, credentials=credentials, audit=audit, clock=clock)
    auth = AuthService(db.sessions, credentials=credentials, audit=audit, security=security, clock=clock)
    station_id = StationService(db.sessions, name="station-7", audit=AuditLog(db.sessions)).register()
    return Stack(db, clock, audit, users, auth, security, station_id)


def run_cli(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python -m packstation ARGS` as a user would, with a clean PACKSTATION_ environment."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PACKSTATION_")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "packstation", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=90,
    )
