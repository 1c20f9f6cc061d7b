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

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type, hash_secret_raw
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models import SecurityParam, User
from packstation.domain.clock import now_utc
from packstation.domain.status import Role
from packstation.i18n import _
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.permissions import Approval, Permission, UserSession, authorize, privileged

log = logging.getLogger("packstation.services.access.users")
MIN_PASSWORD_LENGTH = 8
MIN_BADGE_LENGTH = 4
TOTP_DIGITS = 6
FIRST_ADMIN_LOCK_KEY = 0x5041434B46495253  # "PACKFIRS": two wizards must not both create "the first" admin


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


def _summary(user: User) -> UserSummary:
    return UserSummary(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=Role(user.role),
        active=user.active,
        has_badge=user.badge_hash is not None,
        has_pin=user.pin_hash is not None,
        has_totp=user.totp_secret is not None,
        locked_until=user.locked_until,
        last_login_at=user.last_login_at,
    )


class UserService:
    """Creates and changes users; every change is audited and, from the GUI, authorised."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        hasher: PasswordHasher | None = None,
        credentials: Credentials | None = None,
        audit: AuditLog | None = None,
        clock: Callable[[], datetime] = now_utc,
        pin_min_length: int = 4,
    ) -> None:
        self._sessions = sessions
        self.credentials = credentials or Credentials(sessions, hasher=hasher)
        self.clock = clock
        self.audit = audit or AuditLog(sessions, clock=clock)
        self._pin_min_length = pin_min_length

    # -- checks -----------------------------------------------------------------------------

    def _check_password(self, password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise UserError(_("the password must be at least {n} characters long").format(n=MIN_PASSWORD_LENGTH))

    def _check_pin(self, pin: str) -> None:
        if not pin.isdigit() or len(pin) < self._pin_min_length:
            raise UserError(_("a PIN must be at least {n} digits").format(n=self._pin_min_length))

    def _badge_free(self, session: Session, digest: str, *, user_id: int | None = None) -> None:
        owner = session.scalar(select(User.id).where(User.badge_hash == digest))
        if owner is not None and owner != user_id:
            raise UserError(_("this badge already belongs to another user"))

    def _new_user(
        self, session: Session, username: str, *, role: Role, password: str, full_name: str, badge: str | None
    ) -> User:
        username = username.strip()
        if not username:
            raise UserError(_("a user name is required"))
        self._check_password(password)
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            raise UserError(_("user {username!r} already exists").format(username=username))
        user = User(
            username=username,
            full_name=full_name.strip() or username,
            role=role.value,
            password_hash=self.credentials.hash_secret(password),
        )
        if badge is not None:
            user.badge_hash = self.credentials.badge_digest(badge)
            self._badge_free(session, user.badge_hash)
        session.add(user)
        session.flush()
        log.info("user added username=%s role=%s", username, role.value)
        return user

    def _target(self, session: Session, actor: UserSession, user_id: int) -> User:
        """The user to change, locked; supervisors and admins are changed only by admins."""
        user = session.get(User, user_id, with_for_update=True)
        if user is None:
            raise UserError(_("no user with id {id}").format(id=user_id))
        if Role(user.role) is not Role.PACKER:
            authorize(actor, Permission.MANAGE_PRIVILEGED_USERS, now=self.clock())
        return user

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
    ) -> int:
        """Create a user from the command line (whoever runs it can reach the database); returns its id.

        ``pin`` goes with the badge: a supervisor approves a packer's operation with badge and PIN.
        """
        if pin is not None:
            if badge is None:
                raise UserError(_("a PIN needs a badge"))
            self._check_pin(pin)
        with self._sessions.begin() as session:
            user = self._new_user(session, username, role=role, password=password, full_name=full_name, badge=badge)
            if pin is not None:
                user.pin_hash = self.credentials.hash_secret(pin)
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
            return user.id

    def count(self) -> int:
        """How many users exist (the first-run wizard starts at zero)."""
        with self._sessions() as session:
            return len(session.scalars(select(User.id)).all())

    def create_first_admin(
        self, username: str, *, password: str, full_name: str, totp_secret: str, totp_code: str
    ) -> int:
        """Create the first admin, with two-factor enrolled; refused once any user exists."""
        with self._sessions.begin() as session:
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FIRST_ADMIN_LOCK_KEY})
            if session.scalar(select(User.id).limit(1)) is not None:
                raise UserError(_("users already exist: the first administrator was created before"))
            step = match_totp(totp_secret, totp_code, now=self.clock())
            if step is None:
                raise UserError(_("the code from the authenticator app is wrong; check the phone's clock"))
            user = self._new_user(
                session, username, role=Role.ADMIN, password=password, full_name=full_name, badge=None
            )
            user.totp_secret, user.totp_last_step = totp_secret, step
            self.audit.record(
                AuditAction.USER_CREATED,
                actor_user_id=user.id,
                subject=f"user:{user.id}",
                detail={"username": user.username, "role": Role.ADMIN.value, "via": "first-run wizard"},
                session=session,
            )
            return user.id

    # -- privileged: the admin screen ------------------------------------------------------------

    @privileged(Permission.MANAGE_USERS)
    def list_users(self, actor: UserSession, *, approval: Approval | None = None) -> list[UserSummary]:
        """Every user, by user name."""
        with self._sessions() as session:
            return [_summary(u) for u in session.scalars(select(User).order_by(User.username))]

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
        with self._sessions.begin() as session:
            user = self._new_user(session, username, role=role, password=password, full_name=full_name, badge=None)
            self.audit.record(
                AuditAction.USER_CREATED,
                actor=actor,
                subject=f"user:{user.id}",
                detail={"username": user.username, "role": role.value},
                session=session,
            )
            return user.id

    @privileged(Permission.MANAGE_USERS)
    def set_active(
        self, actor: UserSession, user_id: int, active: bool, *, approval: Approval | None = None
    ) -> UserSummary:
        """Disable (or enable again) a user; nobody disables themselves."""
        if user_id == actor.user_id and not active:
            raise UserError(_("you cannot disable your own account"))
        with self._sessions.begin() as session:
            user = self._target(session, actor, user_id)
            user.active = active
            action = AuditAction.USER_ENABLED if active else AuditAction.USER_DISABLED
            self.audit.record(action, actor=actor, subject=f"user:{user.id}", session=session)
            return _summary(user)

    @privileged(Permission.MANAGE_USERS)
    def reset_password(
        self, actor: UserSession, user_id: int, new_password: str, *, approval: Approval | None = None
    ) -> UserSummary:
        """Set a new password and lift any lockout."""
        self._check_password(new_password)
        with self._sessions.begin() as session:
            user = self._target(session, actor, user_id)
            user.password_hash = self.credentials.hash_secret(new_password)
            user.failed_logins, user.locked_until = 0, None
            self.audit.record(AuditAction.PASSWORD_RESET, actor=actor, subject=f"user:{user.id}", session=session)
            return _summary(user)

    @privileged(Permission.MANAGE_USERS)
    def unlock(self, actor: UserSession, user_id: int, *, approval: Approval | None = None) -> UserSummary:
        """Lift a lockout before it runs out."""
        with self._sessions.begin() as session:
            user = self._target(session, actor, user_id)
            user.failed_logins, user.locked_until = 0, None
            self.audit.record(AuditAction.USER_UNLOCKED, actor=actor, subject=f"user:{user.id}", session=session)
            return _summary(user)

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
        digest = self.credentials.badge_digest(badge)
        with self._sessions.begin() as session:
            user = self._target(session, actor, user_id)
            self._badge_free(session, digest, user_id=user.id)
            user.badge_hash = digest
            if pin is not None:
                user.pin_hash = self.credentials.hash_secret(pin)
            self.audit.record(
                AuditAction.BADGE_ENROLLED,
                actor=actor,
                subject=f"user:{user.id}",
                detail={"pin": pin is not None},
                session=session,
            )
            return _summary(user)

    @privileged(Permission.MANAGE_USERS)
    def enrol_totp(
        self, actor: UserSession, user_id: int, secret: str, code: str, *, approval: Approval | None = None
    ) -> UserSummary:
        """Store a new TOTP secret once the user proved their app shows the right code."""
        step = match_totp(secret, code, now=self.clock())
        if step is None:
            raise UserError(_("the code from the authenticator app is wrong; check the phone's clock"))
        with self._sessions.begin() as session:
            user = self._target(session, actor, user_id)
            user.totp_secret, user.totp_last_step = secret, step
            self.audit.record(AuditAction.TOTP_ENROLLED, actor=actor, subject=f"user:{user.id}", session=session)
            return _summary(user)
