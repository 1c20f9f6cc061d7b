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
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.permissions import Approval, Permission, UserSession, privileged

log = logging.getLogger("packstation.services.reports.exceptions")


class ExceptionActionError(Exception):
    """An exception-queue action was refused; the message says why, for the supervisor."""


class ExceptionQueue:
    """Assign and resolve packing exceptions (the dashboard's queue buttons); each action names its actor.

    Both actions are privileged (``RESOLVE_EXCEPTIONS``) and audited with the actor of the call, never
    with whoever opened the dashboard first.
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

    def _open_row(self, session: Session, exception_id: int) -> PackException:
        row = session.get(PackException, exception_id, with_for_update=True)
        if row is None:
            raise ExceptionActionError(_("exception {id} does not exist").format(id=exception_id))
        if row.resolved_at is not None:
            raise ExceptionActionError(
                _("exception {id} was already resolved at {when:%Y-%m-%d %H:%M}").format(
                    id=exception_id, when=row.resolved_at
                )
            )
        return row

    @privileged(Permission.RESOLVE_EXCEPTIONS)
    def assign(
        self, actor: UserSession, exception_id: int, *, to_user_id: int, approval: Approval | None = None
    ) -> None:
        """Give an open exception to ``to_user_id`` to deal with."""
        assert self.audit is not None  # @privileged refuses to run without one
        with self._sessions.begin() as session:
            row = self._open_row(session, exception_id)
            # Only the columns a station may read (never select(User): the hashes are not granted).
            active = session.scalar(select(User.active).where(User.id == to_user_id))
            if not active:
                raise ExceptionActionError(_("user {id} does not exist or is inactive").format(id=to_user_id))
            row.assigned_to_user_id = to_user_id
            self.audit.record(
                AuditAction.EXCEPTION_ASSIGNED,
                actor=actor,
                subject=f"exception:{exception_id}",
                detail={"to_user_id": to_user_id},
                session=session,
            )
        log.info("exception assigned exception=%s to_user=%s by=%s", exception_id, to_user_id, actor.user_id)

    @privileged(Permission.RESOLVE_EXCEPTIONS)
    def resolve(
        self, actor: UserSession, exception_id: int, *, resolution: str, approval: Approval | None = None
    ) -> None:
        """Close an open exception with what was done about it (a resolution text is required)."""
        assert self.audit is not None
        resolution = resolution.strip()
        if not resolution:
            raise ExceptionActionError(_("say how the exception was resolved"))
        with self._sessions.begin() as session:
            row = self._open_row(session, exception_id)
            row.resolved_at = self.clock()
            row.resolved_by_user_id = actor.user_id
            row.resolution = resolution
            self.audit.record(
                AuditAction.EXCEPTION_RESOLVED,
                actor=actor,
                subject=f"exception:{exception_id}",
                detail={"resolution": resolution[:200]},
                session=session,
            )
        log.info("exception resolved exception=%s by_user=%s", exception_id, actor.user_id)
