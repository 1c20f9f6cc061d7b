"""User accounts: credentials (argon2id), TOTP, and the administration of people.

Passwords and PINs are argon2id hashes with their own salts. Badges must be found by their code, so
a badge is hashed deterministically: argon2id with one salt per deployment (``security_params``),
which keeps a database dump from revealing badge codes without making a scan slow to look up.
"""

from __future__ import annotations

import hmac
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type, hash_secret_raw
from sqlalchemy import Row, select, text
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.access import SecurityParam, User
from packstation.domain.clock import now_utc
from packstation.domain.status import Role
from packstation.i18n import _
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.permissions import (
    Approval,
    Permission,
    PermissionDenied,
    UserSession,
    authorize,
    describe,
    privileged,
)
from packstation.services.access.server import ServerRefused, call, clean_code

log = logging.getLogger("packstation.services.access.users")
MIN_PASSWORD_LENGTH = 8
MIN_BADGE_LENGTH = 4
TOTP_DIGITS = 6


def could_be_badge(scan: str) -> bool:
    """Whether a scan has the shape of a badge code at all (no I/O): long enough, printable, no spaces.

    Shorter codes are refused at enrolment; a scan that fails this is never checked with the server.
    """
    code = scan.strip()
    return len(code) >= MIN_BADGE_LENGTH and code.isprintable() and not any(char.isspace() for char in code)


class UserError(Exception):
    """A user cannot be created or changed; the message says why."""


class Credentials:
    """Hashes and checks passwords, PINs and badge codes."""

    def __init__(self, sessions: sessionmaker[Session], *, hasher: PasswordHasher | None = None) -> None:
        self._sessions = sessions
        self.hasher = hasher or PasswordHasher()
        self._badge_salt: bytes | None = None
        self._salt_lock = threading.Lock()

    def hash_secret(self, value: str) -> str:
        """A salted argon2id hash of a password or PIN."""
        return self.hasher.hash(value)

    def check_secret(self, stored_hash: str | None, value: str) -> bool:
        """Whether ``value`` matches ``stored_hash`` (False for no hash)."""
        if not stored_hash:
            return False
        try:
            return self.hasher.verify(stored_hash, value)
        except (VerificationError, InvalidHashError):
            return False

    def waste_time(self, value: str) -> None:
        """Hash once for nothing, so an unknown user name takes as long to refuse as a wrong password."""
        self.hasher.hash(value)

    def badge_digest(self, badge: str) -> str:
        """The deterministic hash under which a badge code is stored and looked up."""
        code = badge.strip()
        if len(code) < MIN_BADGE_LENGTH:
            raise UserError(_("a badge code must have at least {n} characters").format(n=MIN_BADGE_LENGTH))
        raw = hash_secret_raw(
            code.encode(), self._salt(), time_cost=2, memory_cost=19456, parallelism=1, hash_len=32, type=Type.ID
        )
        return "argon2id-badge$" + raw.hex()

    def _salt(self) -> bytes:
        with self._salt_lock:
            if self._badge_salt is None:
                with self._sessions() as session:
                    value = session.scalar(select(SecurityParam.value).where(SecurityParam.name == "badge_salt"))
                if value is None:
                    raise UserError(_("the database has no badge salt: run 'packstation db upgrade'"))
                self._badge_salt = bytes.fromhex(value)
            return self._badge_salt


def new_totp_secret() -> str:
    """A fresh base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(length=32)


def totp_uri(secret: str, username: str, *, issuer: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the enrolment QR code."""
    return pyotp.TOTP(secret, digits=TOTP_DIGITS).provisioning_uri(name=username, issuer_name=issuer)


def match_totp(secret: str, code: str, *, now: datetime, after_step: int | None = None) -> int | None:
    """The time step ``code`` belongs to (one step of clock drift either way), or None.

    Steps at or before ``after_step`` are refused: a code that was accepted once is never accepted again.
    """
    code = code.replace(" ", "").strip()
    if not code.isdigit() or len(code) != TOTP_DIGITS:
        return None
    totp = pyotp.TOTP(secret, digits=TOTP_DIGITS)
    base = totp.timecode(now)
    for step in (base - 1, base, base + 1):
        if after_step is not None and step <= after_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


@dataclass(frozen=True)
class UserSummary:
    """A user as the admin screen lists them (no secrets, only whether they are set)."""

    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    has_badge: bool
    has_pin: bool
    has_totp: bool
    locked_until: datetime | None
    last_login_at: datetime | None


def _summary(row: Row[Any]) -> UserSummary:
    return UserSummary(
        id=row.id,
        username=row.username,
        full_name=row.full_name,
        role=Role(row.role),
        active=row.active,
        has_badge=row.has_badge,
        has_pin=row.has_pin,
        has_totp=row.has_totp,
        locked_until=row.locked_until,
        last_login_at=row.last_login_at,
    )


class UserService:
    """Creates and changes users through the server's definer functions, which check the actor's session."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        credentials: Credentials,
        audit: AuditLog,
        clock: Callable[[], datetime] = now_utc,
        pin_min_length: int = 4,
        badge_min_length: int = 6,
    ) -> None:
        self._sessions = sessions
        self.credentials = credentials
        self.clock = clock
        self.audit = audit
        self._pin_min_length = pin_min_length
        self._badge_min_length = badge_min_length

    # -- checks -----------------------------------------------------------------------------

    def _check_password(self, password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise UserError(_("the password must be at least {n} characters long").format(n=MIN_PASSWORD_LENGTH))

    def _check_pin(self, pin: str) -> None:
        if not pin.isascii() or not pin.isdigit() or len(pin) < self._pin_min_length:
            raise UserError(_("a PIN must be at least {n} digits").format(n=self._pin_min_length))

    def _check_badge(self, badge: str) -> str:
        code = badge.strip()
        if len(code) < self._badge_min_length:
            raise UserError(_("a badge code must have at least {n} characters").format(n=self._badge_min_length))
        if not could_be_badge(code):
            # Such a code would never be recognised as a badge while someone packs (it would be an item scan).
            raise UserError(_("a badge code has no spaces or control characters"))
        return self.credentials.badge_digest(code)

    def _server(self, sql: str, params: dict[str, Any], actor: UserSession | None = None) -> Any:
        """Run one user-administration function; its refusals become UserError or PermissionDenied."""
        try:
            with self._sessions.begin() as session:
                result = call(session, sql, params)
                return result.all() if result.returns_rows else None
        except ServerRefused as refused:
            if refused.key == "privileged_target" and actor is not None:
                permission = Permission.MANAGE_PRIVILEGED_USERS
                who = actor.full_name or actor.username
                message = _("{who} may not {what}: an administrator must log in to do this").format(
                    who=who, what=describe(permission)
                )
                raise PermissionDenied(actor, permission, message) from refused
            if refused.key in ("permission_denied", "session_invalid") and actor is not None:
                raise PermissionDenied(actor, Permission.MANAGE_USERS, str(refused)) from refused
            raise UserError(str(refused)) from refused

    # -- unprivileged: the command line and the first-run wizard ---------------------------------

    def add_user(
        self,
        username: str,
        *,
        role: Role,
        password: str,
        full_name: str = "",
        badge: str | None = None,
        pin: str | None = None,
        short_badge_ok: bool = False,
    ) -> int:
        """Create a user from the command line; returns its id.

        ``short_badge_ok`` is for the demo only, whose badge codes are printed on its log-in screen.

        Writes ``users`` directly, so it works only with the owner's URL (a station's role is refused).
        ``pin`` goes with the badge: a supervisor approves a packer's operation with badge and PIN.
        """
        if pin is not None:
            if badge is None:
                raise UserError(_("a PIN needs a badge"))
            self._check_pin(pin)
        username = username.strip()
        if not username:
            raise UserError(_("a user name is required"))
        self._check_password(password)
        digest = None
        if badge is not None:
            digest = self.credentials.badge_digest(badge) if short_badge_ok else self._check_badge(badge)
        with self._sessions.begin() as session:
            if session.scalar(select(User.id).where(User.username == username)) is not None:
                raise UserError(_("user {username!r} already exists").format(username=username))
            if digest is not None and session.scalar(select(User.id).where(User.badge_hash == digest)) is not None:
                raise UserError(_("this badge already belongs to another user"))
            user = User(
                username=username,
                full_name=full_name.strip() or username,
                role=role.value,
                password_hash=self.credentials.hash_secret(password),
                badge_hash=digest,
                pin_hash=self.credentials.hash_secret(pin) if pin is not None else None,
            )
            session.add(user)
            session.flush()
            self.audit.record(
                AuditAction.USER_CREATED,
                subject=f"user:{user.id}",
                detail={
                    "username": user.username,
                    "role": role.value,
                    "via": "command line",
                    "badge": badge is not None,
                    "pin": pin is not None,
                },
                session=session,
            )
            log.info("user added username=%s role=%s", username, role.value)
            return user.id

    def count(self) -> int:
        """How many users exist (the first-run wizard starts at zero)."""
        with self._sessions() as session:
            return int(session.execute(text("SELECT user_count()")).scalar_one())

    def create_first_admin(
        self, username: str, *, password: str, full_name: str, totp_secret: str, totp_code: str
    ) -> int:
        """Create the first admin, with two-factor enrolled; refused once any user exists."""
        self._check_password(password)
        rows = self._server(
            "SELECT user_create_first_admin(:name, :full_name, :hash, :secret, :code)",
            {
                "name": username,
                "full_name": full_name,
                "hash": self.credentials.hash_secret(password),
                "secret": totp_secret,
                "code": clean_code(totp_code),
            },
        )
        return int(rows[0][0])

    # -- privileged: the admin screen; the server checks the actor's session again -----------------

    @privileged(Permission.MANAGE_USERS)
    def list_users(self, actor: UserSession, *, approval: Approval | None = None) -> list[UserSummary]:
        """Every user, by user name."""
        rows = self._server("SELECT * FROM user_list(:token)", {"token": actor.token}, actor)
        return [_summary(row) for row in rows]

    @privileged(Permission.MANAGE_USERS)
    def create_user(
        self,
        actor: UserSession,
        username: str,
        *,
        role: Role,
        password: str,
        full_name: str = "",
        approval: Approval | None = None,
    ) -> int:
        """Create a user; only admins create supervisors and admins."""
        if role is not Role.PACKER:
            authorize(actor, Permission.MANAGE_PRIVILEGED_USERS, now=self.clock())
        self._check_password(password)
        rows = self._server(
            "SELECT user_create(:token, :name, :full_name, :role, :hash)",
            {
                "token": actor.token,
                "name": username,
                "full_name": full_name,
                "role": role.value,
                "hash": self.credentials.hash_secret(password),
            },
            actor,
        )
        return int(rows[0][0])

    def _change(self, actor: UserSession, sql: str, params: dict[str, Any]) -> UserSummary:
        rows = self._server(f"SELECT * FROM {sql}", {"token": actor.token, **params}, actor)
        return _summary(rows[0])

    @privileged(Permission.MANAGE_USERS)
    def set_active(
        self, actor: UserSession, user_id: int, active: bool, *, approval: Approval | None = None
    ) -> UserSummary:
        """Disable (or enable again) a user; nobody disables themselves. Disabling ends their sessions."""
        if user_id == actor.user_id and not active:
            raise UserError(_("you cannot disable your own account"))
        return self._change(actor, "user_set_active(:token, :id, :active)", {"id": user_id, "active": active})

    @privileged(Permission.MANAGE_USERS)
    def reset_password(
        self, actor: UserSession, user_id: int, new_password: str, *, approval: Approval | None = None
    ) -> UserSummary:
        """Set a new password and lift any lockout."""
        self._check_password(new_password)
        return self._change(
            actor,
            "user_reset_password(:token, :id, :hash)",
            {"id": user_id, "hash": self.credentials.hash_secret(new_password)},
        )

    @privileged(Permission.MANAGE_USERS)
    def unlock(self, actor: UserSession, user_id: int, *, approval: Approval | None = None) -> UserSummary:
        """Lift a lockout before it runs out."""
        return self._change(actor, "user_unlock(:token, :id)", {"id": user_id})

    @privileged(Permission.MANAGE_USERS)
    def enrol_badge(
        self,
        actor: UserSession,
        user_id: int,
        badge: str,
        *,
        pin: str | None = None,
        approval: Approval | None = None,
    ) -> UserSummary:
        """Give a user a (new) badge and optionally a PIN; the old badge stops working."""
        if pin is not None:
            self._check_pin(pin)
        digest = self._check_badge(badge)
        return self._change(
            actor,
            "user_enrol_badge(:token, :id, :badge, :pin)",
            {"id": user_id, "badge": digest, "pin": self.credentials.hash_secret(pin) if pin is not None else None},
        )

    @privileged(Permission.MANAGE_USERS)
    def enrol_totp(
        self, actor: UserSession, user_id: int, secret: str, code: str, *, approval: Approval | None = None
    ) -> UserSummary:
        """Store a new TOTP secret once the server saw the user's app show the right code."""
        return self._change(
            actor,
            "user_enrol_totp(:token, :id, :secret, :code)",
            {"id": user_id, "secret": secret, "code": clean_code(code)},
        )
