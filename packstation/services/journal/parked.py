"""Parked operations: what PostgreSQL refused, where a supervisor sees it and decides (retry or discard).

The station's pump parks an operation that fails for a reason that is not transient, so everything
after it keeps flowing. Only the station has the operation, so its pump reports it here
(:func:`report_parked`) and carries out a supervisor's decision on its own journal
(:func:`take_decisions`); the supervisor, at any station, lists and decides with
:class:`ParkedOperations`, audited.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.accounts import Station
from packstation.db.models.packages import ParkedOperation
from packstation.domain.scan import recordable
from packstation.domain.status import ParkedDecision
from packstation.i18n import _
from packstation.local_store.journal import Journal, ParkedEntry
from packstation.services.access.audit import AuditLog
from packstation.services.access.permissions import Approval, Permission, UserSession, privileged
from packstation.services.access.server import ServerRefused, call

log = logging.getLogger("packstation.services.journal.parked")
#: Characters of an operation's body and of an error kept in PostgreSQL (the dashboard shows less).
MAX_DETAIL = 4000


@dataclass(frozen=True)
class ParkedRow:
    """One open parked operation, as the supervisor's dashboard lists it."""

    op_id: uuid.UUID
    station: str
    kind: str
    package_id: int | None
    occurred_at: datetime
    parked_at: datetime
    error: str
    detail: str
    decision: str | None


class ParkedError(Exception):
    """The decision cannot be taken (the operation is no longer parked); the message says why."""


def report_parked(session: Session, entries: Iterable[ParkedEntry], station_id: Callable[[str], int]) -> None:
    """Record the station's parked operations (pump side); one that failed again after a retry reopens."""
    rows = [
        {
            "op_id": entry.op_id,
            "station_id": station_id(entry.station),
            "kind": entry.kind,
            "package_id": entry.package_id,
            "occurred_at": entry.occurred_at,
            # Escaped and bounded: the body may hold exactly what PostgreSQL refused (a NUL, say).
            "error": recordable(entry.error, MAX_DETAIL),
            "detail": recordable(entry.payload, MAX_DETAIL),
        }
        for entry in entries
    ]
    if not rows:
        return
    table = ParkedOperation.__table__
    statement = insert(table)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.op_id],
            set_={
                "error": statement.excluded.error,
                "parked_at": func.now(),
                "decision": None,
                "decided_by_user_id": None,
                "decided_at": None,
                "resolved_at": None,
            },
            where=table.c.resolved_at.is_not(None),
        ),
        rows,
    )


def take_decisions(session: Session, op_ids: Iterable[uuid.UUID]) -> list[tuple[uuid.UUID, ParkedDecision]]:
    """The supervisors' decisions on these parked operations not yet carried out (pump side), oldest first."""
    ids = list(op_ids)
    if not ids:
        return []
    rows = session.execute(
        select(ParkedOperation.op_id, ParkedOperation.decision)
        .where(
            ParkedOperation.op_id.in_(ids),
            ParkedOperation.decision.is_not(None),
            ParkedOperation.resolved_at.is_(None),
        )
        .order_by(ParkedOperation.decided_at)
    ).all()
    # ``decision is not None`` repeats the query's filter for the type checker (the column is nullable).
    return [(op_id, ParkedDecision(decision)) for op_id, decision in rows if decision is not None]


def mark_resolved(session: Session, op_ids: Iterable[uuid.UUID]) -> None:
    """The station carried these decisions out."""
    ids = list(op_ids)
    if ids:
        session.execute(update(ParkedOperation).where(ParkedOperation.op_id.in_(ids)).values(resolved_at=func.now()))


def sync_parked(journal: Journal, sessions: sessionmaker[Session], station_id: Callable[[Session, str], int]) -> None:
    """Report the journal's parked operations and carry out the supervisors' decisions on them (pump side)."""
    entries = journal.parked_entries()
    if not entries:
        return
    with sessions.begin() as session:
        report_parked(session, entries, lambda name: station_id(session, name))
        decisions = take_decisions(session, [entry.op_id for entry in entries])
    if not decisions:
        return
    for op_id, decision in decisions:
        done = journal.unpark(op_id) if decision is ParkedDecision.RETRY else journal.discard(op_id)
        log.warning("parked operation %s op_id=%s carried_out=%s", decision.value, op_id, done)
    with sessions.begin() as session:
        mark_resolved(session, [op_id for op_id, _decision in decisions])


class ParkedOperations:
    """The supervisor's side: list what every station has parked, and decide, audited."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        audit: AuditLog | None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self.audit = audit
        self.clock = clock

    def open(self, *, limit: int = 500) -> list[ParkedRow]:
        """Parked operations not yet resolved, oldest first, with their station's name."""
        with self._sessions() as session:
            rows = session.execute(
                select(ParkedOperation, Station.name)
                .join(Station, Station.id == ParkedOperation.station_id)
                .where(ParkedOperation.resolved_at.is_(None))
                .order_by(ParkedOperation.parked_at)
                .limit(limit)
            ).all()
        return [
            ParkedRow(
                row.op_id, name, row.kind, row.package_id, row.occurred_at, row.parked_at, row.error, row.detail,
                row.decision,
            )
            for row, name in rows
        ]  # fmt: skip

    def count(self) -> int:
        """How many are waiting for a decision or for their station to carry it out."""
        with self._sessions() as session:
            return int(session.scalar(select(func.count()).where(ParkedOperation.resolved_at.is_(None))) or 0)

    @privileged(Permission.RESOLVE_EXCEPTIONS)
    def decide(
        self, actor: UserSession, op_id: uuid.UUID, decision: ParkedDecision, *, approval: Approval | None = None
    ) -> None:
        """Retry or discard a parked operation; its station carries it out at its next pump cycle.

        The server checks the actor's session (or the approval spent for it), records the decision and
        its audit entry (``parked_decide``). A retried operation journaled without a session (before the
        server checked sessions) is let through ``pack_apply`` on the strength of that entry.
        """
        try:
            with self._sessions.begin() as session:
                call(
                    session,
                    "SELECT parked_decide(:token, :approval, :op, :decision)",
                    {
                        "token": actor.token,
                        "approval": approval.token if approval else None,
                        "op": op_id,
                        "decision": decision.value,
                    },
                )
        except ServerRefused as refused:
            if refused.key == "parked_unknown":
                raise ParkedError(_("That operation is no longer parked.")) from refused
            raise
