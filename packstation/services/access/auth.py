"""Logging in at a station: badge (and PIN), or password and TOTP; lockout and approvals.

Packers log in by scanning their badge (plus a PIN when they have one). Supervisors and admins log
in with user name, password and a code from their authenticator app. Wrong passwords, PINs and
codes count towards a lockout (``[security] max_failed_logins`` / ``lockout_minutes``). The checks,
counters, lockouts, badge throttling and audit entries all happen on the server, in the SECURITY
DEFINER functions of migrations ``0011_security_auth``; a success returns a server-side session
whose token the :class:`UserSession` carries. Time is the server's.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session, sessionmaker

from packstation.config import Settings
from packstation.config.sections import SecuritySettings
from packstation.domain.clock import now_utc
from packstation.domain.status import Role
from packstation.i18n import _
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.permissions import (
    Approval,
    LoginMethod,
    LogoutReason,
    Permission,
    UserSession,
)
from packstation.services.access.secrets import RedactingFilter, SecretStore
from packstation.services.access.server import attempt_hash, call, clean_code, clean_name, hasher_params
from packstation.services.access.users import Credentials, UserError, could_be_badge

log = logging.getLogger("packstation.services.access.auth")


class RefusalReason(StrEnum):
    """Why a log-in or approval was refused (the UI picks the next field to show from it)."""

    UNKNOWN_CREDENTIALS = "unknown_credentials"
    PIN_REQUIRED = "pin_required"
    WRONG_PIN = "wrong_pin"
    WRONG_PASSWORD = "wrong_password"
    SECOND_FACTOR_REQUIRED = "second_factor_required"
    SECOND_FACTOR_NOT_ENROLLED = "second_factor_not_enrolled"
    WRONG_SECOND_FACTOR = "wrong_second_factor"
    LOCKED = "locked"
    DISABLED = "disabled"
    BADGE_NOT_FOR_ROLE = "badge_not_for_role"
    NO_PIN_FOR_APPROVAL = "no_pin_for_approval"
    APPROVER_MAY_NOT = "approver_may_not"
    THROTTLED = "throttled"


class BadgeProbe(StrEnum):
    """Whether a scan made while someone is logged in is a badge (``AuthService.probe_badge``)."""

    KNOWN = "known"  # someone's badge: switch to them (the log-in says if a PIN is needed)
    UNKNOWN = "unknown"  # not a badge: an item scan, or a parcel code
    THROTTLED = "throttled"  # too many unknown codes at this station this minute: not checked, refused


class AuthRefused(Exception):
    """A log-in or approval was refused; the message is for the person at the station."""

    def __init__(self, reason: RefusalReason, message: str, *, locked_until: datetime | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.locked_until = locked_until


def _hhmm(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


class AuthService:
    """Logs people in through the server's definer functions; the server counts, locks and audits."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        credentials: Credentials,
        audit: AuditLog,
        security: SecuritySettings | None = None,
        clock: Callable[[], datetime] = now_utc,
    ) -> None:
        self._sessions = sessions
        self._credentials = credentials
        self._audit = audit
        self._security = security or SecuritySettings()
        self._clock = clock

    # -- log-in ----------------------------------------------------------------------------------

    def login_badge(self, badge: str, *, pin: str | None = None, station_id: int | None = None) -> UserSession:
        """Log a packer in by badge (and PIN if they have one)."""
        row = self._badge_call(badge, pin, station_id=station_id, permission=None, requester=None)
        return self._session_of(row, LoginMethod.BADGE, station_id)

    def probe_badge(self, scan: str, *, station_id: int | None) -> BadgeProbe:
        """Whether ``scan`` is someone's badge, without counting a misread as a failed badge log-in.

        One argon2 hash here and one server call; unknown codes fill a per-station bucket of their own
        (``[security] badge_probes_per_minute``), so garbage never blocks badge log-ins or locks anyone.
        """
        if not could_be_badge(scan):
            return BadgeProbe.UNKNOWN
        digest = self._credentials.badge_digest(scan)
        with self._sessions.begin() as session:
            outcome = call(
                session,
                "SELECT auth_badge_probe(:badge, :station, :limit)",
                {"badge": digest, "station": station_id, "limit": self._security.badge_probes_per_minute},
            ).scalar_one()
        return BadgeProbe(outcome)

    def login_password(
        self, username: str, password: str, *, totp_code: str | None = None, station_id: int | None = None
    ) -> UserSession:
        """Log in by user name and password, plus a TOTP code for supervisors and admins.

        Odd input (NUL, non-ASCII digits, thousands of characters) is a failed attempt like any other.
        """
        name = clean_name(username)
        hasher = self._credentials.hasher
        own_params = hasher_params(hasher)
        with self._sessions.begin() as session:
            params = call(
                session,
                "SELECT prefix, hash_len FROM auth_password_params(:name, :params)",
                {"name": name, "params": own_params},
            ).one()
            attempt = attempt_hash(params.prefix, params.hash_len, password)
            # A hash made with older parameters is replaced at a successful log-in (the server stores it only then).
            stale = params.prefix.split("$")[3] != own_params
            row = call(
                session,
                "SELECT * FROM auth_login_password(:name, :attempt, :code, :station, :max, :lock, :new_hash)",
                {
                    "name": name,
                    "attempt": attempt,
                    "code": clean_code(totp_code),
                    "station": station_id,
                    "max": self._security.max_failed_logins,
                    "lock": self._security.lockout_minutes,
                    "new_hash": self._credentials.hash_secret(password) if stale else None,
                },
            ).one()
        return self._session_of(row, LoginMethod.PASSWORD, station_id)

    def approve(
        self,
        badge: str,
        pin: str,
        permission: Permission,
        *,
        station_id: int | None,
        requested_by: UserSession | None = None,
    ) -> Approval:
        """A supervisor's one-off approval of ``permission``, given with their badge and PIN.

        The server keeps it and lets exactly one call use it (``auth_approval_use``).
        """
        if not pin:
            raise AuthRefused(RefusalReason.PIN_REQUIRED, _("enter the supervisor's PIN"))
        row = self._badge_call(
            badge,
            pin,
            station_id=station_id,
            permission=permission,
            requester=requested_by.token if requested_by else None,
        )
        if row.outcome != "ok":
            raise self._refusal(row, approval=True)
        return Approval(
            permission=permission,
            approver_id=row.user_id,
            approver_name=row.full_name or row.username,
            approver_role=Role(row.role),
            station_id=station_id,
            granted_at=row.started_at,
            expires_at=row.expires_at,
            token=row.approval,
        )

    def logout(self, user: UserSession, *, reason: LogoutReason) -> None:
        """End the user's server-side session (audited there as ``logout``)."""
        if user.token is None:
            self._audit.record(AuditAction.LOGOUT, actor=user, detail={"reason": reason.value})
            return
        with self._sessions.begin() as session:
            call(session, "SELECT auth_logout(:token, :reason)", {"token": user.token, "reason": reason.value})

    # -- the steps -------------------------------------------------------------------------------

    def _badge_call(
        self,
        badge: str,
        pin: str | None,
        *,
        station_id: int | None,
        permission: Permission | None,
        requester: str | None,
    ) -> Row[Any]:
        try:
            digest = self._credentials.badge_digest(badge)
        except UserError:
            digest = ""  # matches no badge: counted and throttled like any unknown badge
        own_params = hasher_params(self._credentials.hasher)
        with self._sessions.begin() as session:
            attempt = None
            if pin:
                params = call(
                    session,
                    "SELECT prefix, hash_len FROM auth_pin_params(:badge, :params)",
                    {"badge": digest, "params": own_params},
                ).one()
                attempt = attempt_hash(params.prefix, params.hash_len, pin)
            return call(
                session,
                "SELECT * FROM auth_badge(:badge, :pin, :station, :permission, :requester, :max, :lock, :limit, "
                ":valid)",
                {
                    "badge": digest,
                    "pin": attempt,
                    "station": station_id,
                    "permission": permission.value if permission else None,
                    "requester": requester,
                    "max": self._security.max_failed_logins,
                    "lock": self._security.lockout_minutes,
                    "limit": self._security.badge_attempts_per_minute,
                    "valid": self._security.approval_valid_s,
                },
            ).one()

    def _session_of(self, row: Row[Any], method: LoginMethod, station_id: int | None) -> UserSession:
        if row.outcome != "ok":
            raise self._refusal(row, approval=False)
        result = UserSession(
            user_id=row.user_id,
            username=row.username,
            full_name=row.full_name,
            role=Role(row.role),
            station_id=station_id,
            method=method,
            started_at=row.started_at,
            session_id=uuid.uuid4(),
            token=row.token,
        )
        log.info("login user=%s role=%s method=%s station=%s", result.username, result.role, method, station_id)
        return result

    def _refusal(self, row: Row[Any], *, approval: bool) -> AuthRefused:
        outcome = row.outcome
        left = self._security.max_failed_logins - (row.failures or 0)
        warning = _("{left} attempt(s) left before the account locks").format(left=left)
        # Plain _() calls (not inside f-strings), so the message extractor sees them.
        wrong_password = _("wrong user name or password")
        wrong_pin = _("wrong PIN")
        wrong_code = _("wrong or already used authenticator code")
        if outcome == "locked":
            if row.failures:  # this attempt locked it
                log.warning("account locked until=%s", row.locked_until.isoformat())
                message = _("too many failed attempts: the account is locked until {time}")
            else:
                message = _("this account is locked after too many failed attempts; try again at {time}")
            return AuthRefused(
                RefusalReason.LOCKED, message.format(time=_hhmm(row.locked_until)), locked_until=row.locked_until
            )
        simple = {
            "unknown": (RefusalReason.UNKNOWN_CREDENTIALS, _("this badge is not known")),
            "wrong_password": (RefusalReason.WRONG_PASSWORD, wrong_password + "; " + warning),
            "wrong_pin": (RefusalReason.WRONG_PIN, wrong_pin + "; " + warning),
            "wrong_second_factor": (RefusalReason.WRONG_SECOND_FACTOR, wrong_code + "; " + warning),
            "pin_required": (
                RefusalReason.PIN_REQUIRED,
                _("enter the supervisor's PIN") if approval else _("enter your PIN"),
            ),
            "second_factor_required": (
                RefusalReason.SECOND_FACTOR_REQUIRED,
                _("enter the 6-digit code from your authenticator app"),
            ),
            "second_factor_not_enrolled": (
                RefusalReason.SECOND_FACTOR_NOT_ENROLLED,
                _("two-factor authentication is not set up for this account; ask an administrator to enrol it"),
            ),
            "disabled": (RefusalReason.DISABLED, _("this account is disabled; ask a supervisor")),
            "badge_not_for_role": (
                RefusalReason.BADGE_NOT_FOR_ROLE,
                _("supervisors and admins log in with user name, password and authenticator code"),
            ),
            "no_pin_for_approval": (
                RefusalReason.NO_PIN_FOR_APPROVAL,
                _("{name} has no PIN; approvals need badge and PIN").format(name=row.full_name),
            ),
            "approver_may_not": (
                RefusalReason.APPROVER_MAY_NOT,
                _("{name} cannot approve this").format(name=row.full_name),
            ),
        }
        if outcome == "throttled":
            return AuthRefused(
                RefusalReason.THROTTLED,
                _("too many unknown badges or wrong PINs at this station; try again at {time}").format(
                    time=_hhmm(row.locked_until)
                ),
                locked_until=row.locked_until,
            )
        reason, message = simple[outcome]
        return AuthRefused(reason, message)


def install_secret_redactions(
    redactor: RedactingFilter, settings: Settings, secrets: SecretStore, *, opens_database: bool = True
) -> int:
    """Teach the log filter every configured secret (marketplace credentials, database passwords).

    Call once after :func:`configure_logging`, before the database is opened; returns how many values
    it now masks. With no ``[database] url`` and ``opens_database``, the embedded server's generated
    passwords (the app role's and the superuser's) are made here if this station has none yet, so the
    first start cannot log them either.
    """
    from sqlalchemy.engine import make_url

    from packstation.db.embedded import embedded_passwords
    from packstation.services.marketplaces.credentials import REQUIRED_SECRETS

    values: list[str] = []
    if settings.database.url is None and opens_database:
        values.extend(embedded_passwords(settings.data_dir(), secrets))
    for account in settings.marketplaces:
        for name in REQUIRED_SECRETS.get(account.kind.value, ()):
            value = secrets.get(account.name, name)
            if value:
                values.append(value)
    database_password = secrets.get("database", "password")
    if database_password:
        values.append(database_password)
    if settings.database.url:
        inline = make_url(settings.database.url).password
        if inline:
            values.append(str(inline))
    for value in values:
        redactor.add(value)
    return len(values)
