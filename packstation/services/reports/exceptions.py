"""The supervisor's actions on the exception queue: assign an exception to someone, resolve it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models import PackException, User
from packstation.i18n import _

log = logging.getLogger("packstation.services.reports.exceptions")


class ExceptionActionError(Exception):
    """An exception-queue action was refused; the message says why, for the supervisor."""


class ExceptionQueue:
    """Assign and resolve packing exceptions (the dashboard's queue buttons)."""

    def __init__(self, sessions: sessionmaker[Session], *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)):
        self._sessions = sessions
        self._clock = clock

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

    def assign(self, exception_id: int, *, to_user_id: int) -> None:
        """Give an open exception to ``to_user_id`` to deal with."""
        with self._sessions.begin() as session:
            row = self._open_row(session, exception_id)
            user = session.get(User, to_user_id)
            if user is None or not user.active:
                raise ExceptionActionError(_("user {id} does not exist or is inactive").format(id=to_user_id))
            row.assigned_to_user_id = to_user_id
        log.info("exception assigned exception=%s to_user=%s", exception_id, to_user_id)

    def resolve(self, exception_id: int, *, by_user_id: int | None, resolution: str) -> None:
        """Close an open exception with what was done about it (a resolution text is required)."""
        resolution = resolution.strip()
        if not resolution:
            raise ExceptionActionError(_("say how the exception was resolved"))
        with self._sessions.begin() as session:
            row = self._open_row(session, exception_id)
            if by_user_id is not None and session.scalar(select(User.id).where(User.id == by_user_id)) is None:
                raise ExceptionActionError(_("user {id} does not exist").format(id=by_user_id))
            row.resolved_at = self._clock()
            row.resolved_by_user_id = by_user_id
            row.resolution = resolution
        log.info("exception resolved exception=%s by_user=%s", exception_id, by_user_id)
