"""A real server-side session for a user, for tests that start from "already logged in".

The test database connection is a superuser, so it may call ``ps_session_open`` (not granted to
stations): the same function a successful log-in runs, with its ``login`` audit entry.
"""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from packstation.domain.status import Role
from packstation.services.access.permissions import LoginMethod, UserSession


def server_session(
    sessions: sessionmaker[Session],
    user_id: int,
    station_id: int | None = None,
    *,
    role: Role | None = None,
) -> UserSession:
    """Open a session for ``user_id`` on the server and return it as the station holds it.

    ``role`` lets a test pretend the station believes another role than the server does: the server
    still decides by the user's real role.
    """
    with sessions.begin() as session:
        row = session.execute(
            text("SELECT r.* FROM users u, ps_session_open(u, :station, 'password') r WHERE u.id = :id"),
            {"id": user_id, "station": station_id},
        ).one()
    return UserSession(
        user_id=row.user_id,
        username=row.username,
        full_name=row.full_name,
        role=role or Role(row.role),
        station_id=station_id,
        method=LoginMethod.PASSWORD,
        started_at=row.started_at,
        session_id=uuid.uuid4(),
        token=row.token,
    )
