"""Who may read the supervisor figures: the report queries are handed out only through a permission check.

Packers do not see reports without a supervisor's approval; the check lives here, in the service layer,
so a screen that forgot to ask still could not read them. (The command line is an administrator's
tool on a machine that can reach the database directly.)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from packstation.services.access.audit import AuditLog
from packstation.services.access.permissions import Approval, Permission, UserSession, privileged
from packstation.services.reports.exceptions import ExceptionQueue
from packstation.services.reports.queries import ReportQueries


class ReportAccess:
    """Gives the dashboard its queries and exception queue, for an actor allowed to view reports."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        tz: ZoneInfo,
        audit: AuditLog | None,
        clock: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._tz = tz
        self.audit = audit  # the permission check reads these two
        self.clock = clock

    @privileged(Permission.VIEW_REPORTS)
    def open_reports(
        self, actor: UserSession, *, approval: Approval | None = None
    ) -> tuple[ReportQueries, ExceptionQueue]:
        """The report queries and the exception queue, for ``actor``."""
        return ReportQueries(self._sessions, tz=self._tz), ExceptionQueue(self._sessions, audit=self.audit)
