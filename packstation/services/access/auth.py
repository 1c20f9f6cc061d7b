"""Logging in at a station: badge (and PIN), or password and TOTP; lockout and approvals.

Packers log in by scanning their badge (plus a PIN when they have one). Supervisors and admins log
in with user name, password and a code from their authenticator app. Wrong passwords, PINs and
codes count towards a lockout (``[security] max_failed_logins`` / ``lockout_minutes``). Every
success and failure is audited. Time comes from an injected clock.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from packstation.config import SecuritySettings, Settings
from packstation.db.models import User
from packstation.domain.clock import now_utc
from packstation.domain.status import Role
from packstation.i18n import _
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.permissions import (
    APPROVABLE,
    ROLE_PERMISSIONS,
    SECOND_FACTOR_ROLES,
    Approval,
    LoginMethod,
    LogoutReason,
    Permission,
    UserSession,
    describe,
)
from packstation.services.access.secrets import RedactingFilter, SecretStore
from packstation.services.access.users import Credentials, UserError, match_totp

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


class AuthRefused(Exception):
    """A log-in or approval was refused; the message is for the person at the station."""

    def __init__(self, reason: RefusalReason, message: str, *, locked_until: datetime | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.locked_until = locked_until


class AuthService:
    """Checks credentials against the shared database and records every attempt."""

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
        user_id, refusal = self._badge_attempt(badge, pin, station_id=station_id, purpose="login")
        if refusal is not None:
            raise refusal
        assert user_id is not None
        return self._succeed(user_id, LoginMethod.BADGE, station_id)

    def login_password(
        self, username: str, password: str, *, totp_code: str | None = None, station_id: int | None = None
    ) -> UserSession:
        """Log in by user name and password, plus a TOTP code for supervisors and admins."""
        refusal: AuthRefused | None = None
        with self._sessions.begin() as session:
            user = session.scalar(select(User).where(User.username == username.strip()).with_for_update())
            if user is None:
                self._credentials.waste_time(password)
                # The typed name is not recorded: people type passwords into the name field.
                self._audit.record(
                    AuditAction.LOGIN_FAILED,
                    station_id=station_id,
                    detail={"method": "password", "reason": "unknown_user"},
                    session=session,
                )
                refusal = AuthRefused(RefusalReason.UNKNOWN_CREDENTIALS, _("wrong user name or password"))
            elif (refusal := self._locked(session, user, station_id)) is not None:
                pass
            elif not self._credentials.check_secret(user.password_hash, password):
                refusal = self._fail(session, user, station_id, RefusalReason.WRONG_PASSWORD)
            elif not user.active:
                refusal = self._disabled(session, user, station_id)
            elif Role(user.role) in SECOND_FACTOR_ROLES or user.totp_secret is not None:
                refusal = self._second_factor(session, user, totp_code, station_id)
            if refusal is None and user is not None and self._credentials.hasher.check_needs_rehash(user.password_hash):
                user.password_hash = self._credentials.hash_secret(password)
            user_id = user.id if user is not None else None
        if refusal is not None:
            raise refusal
        assert user_id is not None
        return self._succeed(user_id, LoginMethod.PASSWORD, station_id)

    def approve(
        self,
        badge: str,
        pin: str,
        permission: Permission,
        *,
        station_id: int | None,
        requested_by: UserSession | None = None,
    ) -> Approval:
        """A supervisor's one-off approval of ``permission``, given with their badge and PIN."""
        if not pin:
            raise AuthRefused(RefusalReason.PIN_REQUIRED, _("enter the supervisor's PIN"))
        user_id, refusal = self._badge_attempt(
            badge, pin, station_id=station_id, purpose="approval", permission=permission
        )
        if refusal is not None:
            raise refusal
        assert user_id is not None
        now = self._clock()
        with self._sessions.begin() as session:
            approver = session.get(User, user_id)
            assert approver is not None
            approval = Approval(
                permission=permission,
                approver_id=approver.id,
                approver_name=approver.full_name or approver.username,
                approver_role=Role(approver.role),
                station_id=station_id,
                granted_at=now,
                expires_at=now + timedelta(seconds=self._security.approval_valid_s),
                token=uuid.uuid4(),
            )
            self._audit.record(
                AuditAction.OVERRIDE_APPROVED,
                actor_user_id=approver.id,
                station_id=station_id,
                subject=permission.value,
                detail={
                    "approval": str(approval.token),
                    "requested_by": requested_by.user_id if requested_by else None,
                },
                session=session,
            )
        return approval

    def logout(self, user: UserSession, *, reason: LogoutReason) -> None:
        """Record that a session ended."""
        self._audit.record(AuditAction.LOGOUT, actor=user, detail={"reason": reason.value})

    # -- the steps -------------------------------------------------------------------------------

    def _badge_attempt(
        self,
        badge: str,
        pin: str | None,
        *,
        station_id: int | None,
        purpose: str,
        permission: Permission | None = None,
    ) -> tuple[int | None, AuthRefused | None]:
        try:
            digest = self._credentials.badge_digest(badge)
        except UserError:
            digest = None
        refusal: AuthRefused | None = None
        with self._sessions.begin() as session:
            user = None
            if digest is not None:
                user = session.scalar(select(User).where(User.badge_hash == digest).with_for_update())
            if user is None:
                self._audit.record(
                    AuditAction.LOGIN_FAILED if purpose == "login" else AuditAction.OVERRIDE_REFUSED,
                    station_id=station_id,
                    detail={"method": "badge", "reason": "unknown_badge"},
                    session=session,
                )
                return None, AuthRefused(RefusalReason.UNKNOWN_CREDENTIALS, _("this badge is not known"))
            if (refusal := self._locked(session, user, station_id)) is not None:
                return None, refusal
            if not user.active:
                return None, self._disabled(session, user, station_id)
            role = Role(user.role)
            if purpose == "login" and role in SECOND_FACTOR_ROLES:
                return None, AuthRefused(
                    RefusalReason.BADGE_NOT_FOR_ROLE,
                    _("supervisors and admins log in with user name, password and authenticator code"),
                )
            if purpose == "approval" and user.pin_hash is None:
                return None, AuthRefused(
                    RefusalReason.NO_PIN_FOR_APPROVAL,
                    _("{name} has no PIN; approvals need badge and PIN").format(name=user.full_name),
                )
            if user.pin_hash is not None:
                if not pin:
                    return None, AuthRefused(RefusalReason.PIN_REQUIRED, _("enter your PIN"))
                if not self._credentials.check_secret(user.pin_hash, pin):
                    return None, self._fail(session, user, station_id, RefusalReason.WRONG_PIN)
            if permission is not None and (permission not in APPROVABLE or permission not in ROLE_PERMISSIONS[role]):
                self._audit.record(
                    AuditAction.OVERRIDE_REFUSED,
                    actor_user_id=user.id,
                    station_id=station_id,
                    subject=permission.value,
                    detail={"reason": "approver_may_not"},
                    session=session,
                )
                return None, AuthRefused(
                    RefusalReason.APPROVER_MAY_NOT,
                    _("{name} cannot approve this: {what}").format(name=user.full_name, what=describe(permission)),
                )
            user.failed_logins = 0
            return user.id, None

    def _locked(self, session: Session, user: User, station_id: int | None) -> AuthRefused | None:
        if user.locked_until is None or user.locked_until <= self._clock():
            return None
        self._audit.record(
            AuditAction.LOGIN_FAILED,
            actor_user_id=user.id,
            station_id=station_id,
            detail={"reason": "locked"},
            session=session,
        )
        return AuthRefused(
            RefusalReason.LOCKED,
            _("this account is locked after too many failed attempts; try again at {time}").format(
                time=user.locked_until.astimezone().strftime("%H:%M")
            ),
            locked_until=user.locked_until,
        )

    def _disabled(self, session: Session, user: User, station_id: int | None) -> AuthRefused:
        self._audit.record(
            AuditAction.LOGIN_FAILED,
            actor_user_id=user.id,
            station_id=station_id,
            detail={"reason": "disabled"},
            session=session,
        )
        return AuthRefused(RefusalReason.DISABLED, _("this account is disabled; ask a supervisor"))

    def _fail(self, session: Session, user: User, station_id: int | None, reason: RefusalReason) -> AuthRefused:
        """Count a wrong secret; the last allowed one locks the account."""
        user.failed_logins += 1
        detail = {"reason": reason.value, "failures": user.failed_logins}
        if user.failed_logins >= self._security.max_failed_logins:
            user.locked_until = self._clock() + timedelta(minutes=self._security.lockout_minutes)
            user.failed_logins = 0
            self._audit.record(
                AuditAction.ACCOUNT_LOCKED, actor_user_id=user.id, station_id=station_id, detail=detail, session=session
            )
            log.warning("account locked user=%s until=%s", user.username, user.locked_until.isoformat())
            return AuthRefused(
                RefusalReason.LOCKED,
                _("too many failed attempts: the account is locked until {time}").format(
                    time=user.locked_until.astimezone().strftime("%H:%M")
                ),
                locked_until=user.locked_until,
            )
        self._audit.record(
            AuditAction.LOGIN_FAILED, actor_user_id=user.id, station_id=station_id, detail=detail, session=session
        )
        left = self._security.max_failed_logins - user.failed_logins
        messages = {
            RefusalReason.WRONG_PASSWORD: _("wrong user name or password"),
            RefusalReason.WRONG_PIN: _("wrong PIN"),
            RefusalReason.WRONG_SECOND_FACTOR: _("wrong or already used authenticator code"),
        }
        warning = _("{left} attempt(s) left before the account locks").format(left=left)
        return AuthRefused(reason, f"{messages[reason]}; {warning}")

    def _second_factor(
        self, session: Session, user: User, code: str | None, station_id: int | None
    ) -> AuthRefused | None:
        if user.totp_secret is None:
            self._audit.record(
                AuditAction.LOGIN_FAILED,
                actor_user_id=user.id,
                station_id=station_id,
                detail={"reason": "second_factor_not_enrolled"},
                session=session,
            )
            return AuthRefused(
                RefusalReason.SECOND_FACTOR_NOT_ENROLLED,
                _("two-factor authentication is not set up for this account; ask an administrator to enrol it"),
            )
        if not code:
            return AuthRefused(
                RefusalReason.SECOND_FACTOR_REQUIRED, _("enter the 6-digit code from your authenticator app")
            )
        step = match_totp(user.totp_secret, code, now=self._clock(), after_step=user.totp_last_step)
        if step is None:
            return self._fail(session, user, station_id, RefusalReason.WRONG_SECOND_FACTOR)
        user.totp_last_step = step
        return None

    def _succeed(self, user_id: int, method: LoginMethod, station_id: int | None) -> UserSession:
        now = self._clock()
        with self._sessions.begin() as session:
            user = session.get(User, user_id, with_for_update=True)
            assert user is not None
            user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
            result = UserSession(
                user_id=user.id,
                username=user.username,
                full_name=user.full_name,
                role=Role(user.role),
                station_id=station_id,
                method=method,
                started_at=now,
                session_id=uuid.uuid4(),
            )
            self._audit.record(AuditAction.LOGIN, actor=result, detail={"method": method.value}, session=session)
        log.info("login user=%s role=%s method=%s station=%s", result.username, result.role, method, station_id)
        return result


def install_secret_redactions(redactor: RedactingFilter, settings: Settings, secrets: SecretStore) -> int:
    """Teach the log filter every configured secret (marketplace credentials, database password).

    Call once after :func:`configure_logging`; returns how many values it now masks.
    """
    from sqlalchemy.engine import make_url

    from packstation.services.marketplaces.credentials import REQUIRED_SECRETS

    values: list[str] = []
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
