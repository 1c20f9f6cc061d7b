"""Who is at the station and what they may do: sessions, roles, approvals, privileged calls.

Permissions are enforced in the services, never by hiding buttons. A service method that needs a
permission is declared with :func:`privileged`; the decorator checks the caller before the method
body runs and registers the method, so a test can call every privileged operation as a packer and
see it refused::

    class ReportService:
        def __init__(self, sessions, *, clock, audit):
            self.clock, self.audit = clock, audit       # the decorator reads both

        @privileged(Permission.VIEW_REPORTS)
        def throughput(self, actor: UserSession, day: date, *, approval: Approval | None = None) -> Report:
            ...

A packer can still perform a privileged call once with a supervisor's :class:`Approval` (badge and
PIN at the station, from ``AuthService.approve``); the decorator records such an override in the
audit log.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from packstation.domain.status import Role
from packstation.i18n import _

log = logging.getLogger("packstation.services.access.permissions")


class Permission(StrEnum):
    """An action that not every role may take."""

    FORCE_COMPLETE = "force_complete"
    MARK_UNSUPPLIED = "mark_unsupplied"
    REPRINT_BEYOND_LIMIT = "reprint_beyond_limit"
    VIEW_REPORTS = "view_reports"
    CHANGE_SETTINGS = "change_settings"
    MANAGE_USERS = "manage_users"
    MANAGE_PRIVILEGED_USERS = "manage_privileged_users"
    MANAGE_STATIONS = "manage_stations"
    VIEW_AUDIT_LOG = "view_audit_log"
    ADJUST_STOCK = "adjust_stock"
    RESOLVE_EXCEPTIONS = "resolve_exceptions"
    REJECT_RETURN = "reject_return"


def describe(permission: Permission) -> str:
    """What the permission allows, as the end of "may not ..." (translated)."""
    texts = {
        Permission.FORCE_COMPLETE: _("complete a package that is not fully verified"),
        Permission.MARK_UNSUPPLIED: _("mark lines as unsupplied"),
        Permission.REPRINT_BEYOND_LIMIT: _("reprint a label again"),
        Permission.VIEW_REPORTS: _("see reports"),
        Permission.CHANGE_SETTINGS: _("change settings"),
        Permission.MANAGE_USERS: _("manage users"),
        Permission.MANAGE_PRIVILEGED_USERS: _("manage supervisor and admin accounts"),
        Permission.MANAGE_STATIONS: _("manage stations"),
        Permission.VIEW_AUDIT_LOG: _("see the audit log"),
        Permission.ADJUST_STOCK: _("adjust stock"),
        Permission.RESOLVE_EXCEPTIONS: _("resolve packing exceptions"),
        Permission.REJECT_RETURN: _("reject returned items at the marketplace"),
    }
    return texts[permission]


_SUPERVISOR = frozenset(Permission) - {Permission.MANAGE_PRIVILEGED_USERS, Permission.MANAGE_STATIONS}
ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.PACKER: frozenset(),
    Role.SUPERVISOR: _SUPERVISOR,
    Role.ADMIN: frozenset(Permission),
}
# What a supervisor's badge and PIN can unlock for a packer, once. Account and station
# administration and the audit log need the privileged user to log in themselves.
# (Mirrored on the server by ps_approvable() in migration 0011_security_auth; a test compares them.)
APPROVABLE: frozenset[Permission] = frozenset(Permission) - {
    Permission.MANAGE_USERS,
    Permission.MANAGE_PRIVILEGED_USERS,
    Permission.MANAGE_STATIONS,
    Permission.VIEW_AUDIT_LOG,
}
# Roles that must give a TOTP code with their password.
SECOND_FACTOR_ROLES: frozenset[Role] = frozenset({Role.SUPERVISOR, Role.ADMIN})


class LoginMethod(StrEnum):
    """How a user proved who they are."""

    BADGE = "badge"
    PASSWORD = "password"


@dataclass(frozen=True)
class UserSession:
    """The person logged in at a station: the actor every privileged service call names."""

    user_id: int
    username: str
    full_name: str
    role: Role
    station_id: int | None
    method: LoginMethod
    started_at: datetime
    session_id: uuid.UUID
    # The server-side session's token (auth_sessions): passed with each call that the server checks or
    # attributes, never set on the connection (stations may sit behind PgBouncer in transaction mode).
    token: str | None = field(default=None, repr=False)

    def may(self, permission: Permission) -> bool:
        """Whether the role grants ``permission`` without an approval (for greying out, not enforcing)."""
        return permission in ROLE_PERMISSIONS[self.role]


Actor = UserSession


def _utc_now() -> datetime:
    return datetime.now(UTC)


class LogoutReason(StrEnum):
    """Why a session ended."""

    USER = "user"
    IDLE = "idle"
    SWITCHED = "switched"
    CLOSED = "closed"


class StationSession:
    """Who is logged in at this station: idle logout and quick switching between packers."""

    def __init__(
        self,
        *,
        idle_logout_s: int,
        clock: Callable[[], datetime] = _utc_now,
        on_end: Callable[[UserSession, LogoutReason], None] | None = None,
    ) -> None:
        self._idle = timedelta(seconds=idle_logout_s) if idle_logout_s > 0 else None
        self._clock = clock
        self._on_end = on_end
        self._lock = threading.Lock()
        self._current: UserSession | None = None
        self._last_activity = clock()

    @property
    def current(self) -> UserSession | None:
        """The logged-in user, if any."""
        return self._current

    def start(self, user: UserSession) -> UserSession | None:
        """Make ``user`` the station's user; returns the one it replaced (a quick switch)."""
        with self._lock:
            previous, self._current = self._current, user
            self._last_activity = self._clock()
        if previous is not None and self._on_end is not None:
            self._on_end(previous, LogoutReason.SWITCHED)
        return previous

    def touch(self) -> None:
        """A scan or key press: the user is still there."""
        with self._lock:
            self._last_activity = self._clock()

    def is_idle(self) -> bool:
        """Whether someone is logged in and idle longer than ``[security] idle_logout_s``."""
        return self._idle is not None and self._current is not None and self.idle_for() >= self._idle

    def idle_for(self) -> timedelta:
        """Time since the last activity."""
        return self._clock() - self._last_activity

    def end(self, reason: LogoutReason = LogoutReason.USER) -> UserSession | None:
        """Log the current user out; returns who it was."""
        with self._lock:
            previous, self._current = self._current, None
        if previous is not None and self._on_end is not None:
            self._on_end(previous, reason)
        return previous

    def expire_if_idle(self) -> UserSession | None:
        """Log out a user idle longer than ``[security] idle_logout_s``; returns who was logged out."""
        if self._idle is None or self._current is None or self.idle_for() < self._idle:
            return None
        return self.end(LogoutReason.IDLE)


@dataclass(frozen=True)
class Approval:
    """A supervisor's one-off consent, given with badge and PIN, to one permission at one station."""

    permission: Permission
    approver_id: int
    approver_name: str
    approver_role: Role
    station_id: int | None
    granted_at: datetime
    expires_at: datetime
    token: uuid.UUID


@dataclass(frozen=True)
class Authorization:
    """Why a call was allowed: the actor's own role, or an approval."""

    actor: UserSession
    permission: Permission
    approval: Approval | None


class PermissionDenied(Exception):
    """The actor may not do this; the message says what would make it possible."""

    def __init__(self, actor: UserSession, permission: Permission, message: str) -> None:
        super().__init__(message)
        self.actor = actor
        self.permission = permission


def authorize(
    actor: UserSession, permission: Permission, *, approval: Approval | None = None, now: datetime | None = None
) -> Authorization:
    """Allow the call or raise :class:`PermissionDenied` with a clear reason."""
    if not isinstance(actor, UserSession):
        raise TypeError(f"actor must be a UserSession, not {type(actor).__name__}")
    if permission in ROLE_PERMISSIONS[actor.role]:
        return Authorization(actor=actor, permission=permission, approval=None)
    who = actor.full_name or actor.username
    what = describe(permission)
    if approval is None:
        if permission in APPROVABLE:
            message = _("{who} may not {what} without a supervisor's approval (badge and PIN)")
        else:
            message = _("{who} may not {what}: an administrator must log in to do this")
        raise PermissionDenied(actor, permission, message.format(who=who, what=what))
    now = now or datetime.now(UTC)
    if permission not in APPROVABLE:
        reason = _("{who} may not {what}, not even with an approval: an administrator must log in").format(
            who=who, what=what
        )
    elif approval.permission is not permission:
        reason = _("the approval was given to {given}, not to {what}").format(
            given=describe(approval.permission), what=what
        )
    elif permission not in ROLE_PERMISSIONS[approval.approver_role]:
        reason = _("{approver} may not {what} and so cannot approve it").format(
            approver=approval.approver_name, what=what
        )
    elif approval.station_id != actor.station_id:
        reason = _("the approval was given at another station")
    elif now >= approval.expires_at:
        reason = _("the supervisor's approval has expired; ask again")
    else:
        return Authorization(actor=actor, permission=permission, approval=approval)
    raise PermissionDenied(actor, permission, reason)


class AuditRecorder(Protocol):
    """What the decorator needs from an audit log (the real one is ``services.audit.AuditLog``)."""

    def record_authorization(self, authorization: Authorization, *, operation: str) -> None:
        """Record that ``authorization`` allowed ``operation`` through an approval."""

    def record_denial(self, denied: PermissionDenied, *, operation: str) -> None:
        """Record that a privileged call was refused."""


class MissingAuditLogError(RuntimeError):
    """A privileged method was called on a service built without an audit log (a wiring mistake)."""

    def __init__(self, operation: str) -> None:
        super().__init__(f"{operation} is privileged and its service has no audit log: pass audit= when building it")
        self.operation = operation


@dataclass(frozen=True)
class PrivilegedOperation:
    """One registered privileged service method."""

    name: str
    owner: str
    permission: Permission
    function: Callable[..., Any]


# Filled by @privileged when a service module is imported: a registry, not state, so that the
# permission test sees every privileged call that exists in the code base.
PRIVILEGED_OPERATIONS: dict[str, PrivilegedOperation] = {}

F = TypeVar("F", bound=Callable[..., Any])


def privileged(permission: Permission) -> Callable[[F], F]:
    """Declare a service method privileged: ``def op(self, actor, ..., *, approval=None)``.

    The owning object must have ``clock`` (a callable returning an aware datetime) and ``audit``
    (an :class:`AuditRecorder`) attributes. A privileged call on an object without an audit log is
    refused: an approval or a denial that leaves no trace must not happen.
    """

    def decorate(function: F) -> F:
        parameters = inspect.signature(function).parameters
        names = list(parameters)
        approval = parameters.get("approval")
        if names[:2] != ["self", "actor"] or approval is None or approval.kind is not inspect.Parameter.KEYWORD_ONLY:
            raise TypeError(
                f"{function.__qualname__}: a privileged method takes (self, actor, ...) and a keyword-only approval"
            )
        operation = f"{function.__module__}.{function.__qualname__}"

        @functools.wraps(function)
        def guarded(self: Any, actor: UserSession, *args: Any, approval: Approval | None = None, **kwargs: Any) -> Any:
            audit: AuditRecorder | None = self.audit
            if audit is None:
                raise MissingAuditLogError(operation)
            try:
                authorization = authorize(actor, permission, approval=approval, now=self.clock())
            except PermissionDenied as denied:
                log.warning(
                    "permission denied operation=%s user=%s role=%s permission=%s",
                    operation,
                    getattr(actor, "username", "?"),
                    getattr(actor, "role", "?"),
                    permission.value,
                )
                audit.record_denial(denied, operation=operation)
                raise
            if authorization.approval is not None:
                audit.record_authorization(authorization, operation=operation)
            return function(self, actor, *args, approval=approval, **kwargs)

        guarded.__privileged__ = permission  # type: ignore[attr-defined]
        owner = function.__qualname__.rpartition(".")[0]
        PRIVILEGED_OPERATIONS[operation] = PrivilegedOperation(
            name=function.__name__, owner=f"{function.__module__}.{owner}", permission=permission, function=guarded
        )
        return guarded  # type: ignore[return-value]

    return decorate


def reprint_needs_approval(reprints_so_far: int, *, limit: int) -> bool:
    """Whether one more reprint of a label exceeds what a packer may do alone (``[security] reprint_limit``)."""
    return reprints_so_far >= limit
