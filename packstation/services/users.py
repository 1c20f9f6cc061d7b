"""User accounts: creation and password hashing (argon2id)."""

from __future__ import annotations

import logging

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models import User
from packstation.domain.status import Role
from packstation.i18n import _

log = logging.getLogger("packstation.services.users")
MIN_PASSWORD_LENGTH = 8


class UserError(Exception):
    """A user cannot be created or changed; the message says why."""


class UserService:
    """Creates and looks up users; the only place passwords are hashed."""

    def __init__(self, sessions: sessionmaker[Session], *, hasher: PasswordHasher | None = None) -> None:
        self._sessions = sessions
        self._hasher = hasher or PasswordHasher()

    def add_user(self, username: str, *, role: Role, password: str, full_name: str = "") -> int:
        """Create a user; returns its id. Refuses duplicates and short passwords."""
        username = username.strip()
        if not username:
            raise UserError(_("a user name is required"))
        if len(password) < MIN_PASSWORD_LENGTH:
            raise UserError(_("the password must be at least {n} characters long").format(n=MIN_PASSWORD_LENGTH))
        with self._sessions.begin() as session:
            if session.scalar(select(User.id).where(User.username == username)) is not None:
                raise UserError(_("user {username!r} already exists").format(username=username))
            user = User(
                username=username,
                full_name=full_name or username,
                role=role.value,
                password_hash=self._hasher.hash(password),
            )
            session.add(user)
            session.flush()
            log.info("user added username=%s role=%s", username, role.value)
            return user.id

    def count(self) -> int:
        """How many users exist (the first-run wizard starts at zero)."""
        with self._sessions() as session:
            return len(session.scalars(select(User.id)).all())
