"""The supervisor's actions on the exception queue: assign an exception to someone, resolve it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.access import User
from packstation.db.models.packages import PackException
from packstation.i18n import _
from packstation.services.access.audit import AuditLog
from packstation.services.access.permissions import Approval, Permission, UserSession, privileged
from packstation.services.access.server import ServerRefused, call

log = logging.getLogger("packstation.services.reports.exceptions")


class ExceptionActionError(Exception):
    """An exception-queue action was refused; the message says why, for the supervisor."""


class ExceptionQueue:
    """Assign and resolve packing exceptions (the dashboard's queue buttons); each action names its actor.

    Both actions are privileged (``RESOLVE_EXCEPTIONS``) and audited with the actor of the call, never
    with whoever opened the dashboard first. The server checks the actor's session (or the approval
    spent for the call) again and writes the change and its audit entry (``exception_assign`` /
    ``exception_resolve``): a station's role cannot set who resolved an exception itself.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        audit: AuditLog | None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self.audit = audit  # @privileged reads audit and clock
        self.clock = clock

    def _check_open(self, exception_id: int) -> None:
        """Say plainly why an exception cannot be acted on (the server checks again, under a lock)."""
        with self._sessions() as session:
            row = session.get(PackException, exception_id)
        if row is None:
            raise ExceptionActionError(_("exception {id} does not exist").format(id=exception_id))
        if row.resolved_at is not None:
            raise ExceptionActionError(
                _("exception {id} was already resolved at {when:%Y-%m-%d %H:%M}").format(
                    id=exception_id, when=row.resolved_at
                )
            )

    def _call(self, sql: str, params: dict[str, object]) -> None:
        try:
            with self._sessions.begin() as session:
                call(session, sql, params)
        except ServerRefused as refused:
            raise ExceptionActionError(str(refused)) from refused

    @privileged(Permission.RESOLVE_EXCEPTIONS)
    def assign(
        self, actor: UserSession, exception_id: int, *, to_user_id: int, approval: Approval | None = None
    ) -> None:
        """Give an open exception to ``to_user_id`` to deal with (the server checks and audits it)."""
        self._check_open(exception_id)
        with self._sessions() as session:
            # Only the columns a station may read (never select(User): the hashes are not granted).
            active = session.scalar(select(User.active).where(User.id == to_user_id))
        if not active:
            raise ExceptionActionError(_("user {id} does not exist or is inactive").format(id=to_user_id))
        self._call(
            "SELECT exception_assign(:token, :approval, :id, :to)",
            {"token": actor.token, "approval": _token(approval), "id": exception_id, "to": to_user_id},
        )
        log.info("exception assigned exception=%s to_user=%s by=%s", exception_id, to_user_id, actor.user_id)

    @privileged(Permission.RESOLVE_EXCEPTIONS)
    def resolve(
        self, actor: UserSession, exception_id: int, *, resolution: str, approval: Approval | None = None
    ) -> None:
        """Close an open exception with what was done about it (a resolution text is required).

        The server records the time, the actor (from the session) and the audit entry.
        """
        resolution = resolution.strip()
        if not resolution:
            raise ExceptionActionError(_("say how the exception was resolved"))
        self._check_open(exception_id)
        self._call(
            "SELECT exception_resolve(:token, :approval, :id, :resolution)",
            {"token": actor.token, "approval": _token(approval), "id": exception_id, "resolution": resolution},
        )
        log.info("exception resolved exception=%s by_user=%s", exception_id, actor.user_id)


def _token(approval: Approval | None) -> object:
    return approval.token if approval is not None else None
