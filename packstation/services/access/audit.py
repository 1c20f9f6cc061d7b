"""The audit log: append-only and hash-chained, shared by every station.

Each entry's hash is ``sha256(prev_hash + "\\n" + canonical JSON of the entry)``, and the canonical
JSON covers the row id, time, actor, station, action, subject and detail. Changing or removing any
row breaks the chain at that row or the next, which :meth:`AuditLog.verify` reports by row id.

Writers from several stations serialise on a PostgreSQL advisory lock held until their transaction
commits, so two entries can never claim the same predecessor (the chain never forks). A trigger
(migration ``0002_auth``) refuses UPDATE, DELETE and TRUNCATE on the table.

Other services call :meth:`AuditLog.record`, preferably inside their own transaction so the change
and its audit entry commit together::

    with sessions.begin() as session:
        ...  # the change
        audit.record(AuditAction.REPRINT, actor=user, subject=f"package:{package_id}",
                     detail={"print_job": str(job_id)}, session=session)
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models import AuditEntry
from packstation.domain.clock import now_utc
from packstation.i18n import _
from packstation.services.access.permissions import (
    Approval,
    Authorization,
    Permission,
    PermissionDenied,
    UserSession,
    privileged,
)

log = logging.getLogger("packstation.services.access.audit")
GENESIS_HASH = "0" * 64
# Any constant works, as long as nothing else in the database locks the same number.
AUDIT_LOCK_KEY = 0x5041434B41554454  # "PACKAUDT"

DetailValue = str | int | bool | None | Sequence[str | int | bool | None]


class AuditAction(StrEnum):
    """What an audit entry records (stored as text, at most 50 characters)."""

    LOGIN = "login"
    LOGIN_FAILED = "login.failed"
    ACCOUNT_LOCKED = "account.locked"
    LOGOUT = "logout"
    OVERRIDE_USED = "override.used"
    OVERRIDE_APPROVED = "override.approved"
    OVERRIDE_REFUSED = "override.refused"
    PERMISSION_DENIED = "permission.denied"
    REPRINT = "label.reprint"
    LINE_UNSUPPLIED = "line.unsupplied"
    FORCE_COMPLETE = "package.force_complete"
    STOCK_ADJUSTED = "stock.adjusted"
    SETTINGS_CHANGED = "settings.changed"
    USER_CREATED = "user.created"
    USER_DISABLED = "user.disabled"
    USER_ENABLED = "user.enabled"
    PASSWORD_RESET = "user.password_reset"
    BADGE_ENROLLED = "user.badge_enrolled"
    TOTP_ENROLLED = "user.totp_enrolled"
    USER_UNLOCKED = "user.unlocked"
    STATION_RENAMED = "station.renamed"
    STATION_CLAIMS_RELEASED = "station.claims_released"
    PARKED_RETRIED = "journal.parked_retried"
    PARKED_DISCARDED = "journal.parked_discarded"


class AuditError(Exception):
    """An audit entry cannot be recorded as given (the message says which part is wrong)."""


@dataclass(frozen=True)
class AuditRecord:
    """One entry of the audit log, as stored."""

    id: int
    occurred_at: datetime
    actor_user_id: int | None
    station_id: int | None
    action: str
    subject: str | None
    detail: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class ChainVerdict:
    """The result of checking the whole chain."""

    entries: int
    intact: bool
    broken_at_id: int | None = None
    reason: str = ""
    head_hash: str = GENESIS_HASH


def canonical_json(
    *,
    entry_id: int,
    occurred_at: datetime,
    actor_user_id: int | None,
    station_id: int | None,
    action: str,
    subject: str | None,
    detail: Mapping[str, Any],
) -> str:
    """The exact text an entry's hash covers: sorted keys, no spaces, UTC time to the microsecond."""
    body = {
        "id": entry_id,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_user_id": actor_user_id,
        "station_id": station_id,
        "action": action,
        "subject": subject,
        "detail": detail,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, canonical: str) -> str:
    """The entry hash: SHA-256 over the previous hash and the entry's canonical JSON."""
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def _check_detail(detail: Mapping[str, Any]) -> dict[str, Any]:
    # Floats and nested objects would not survive a JSONB round trip byte for byte, and the hash
    # must be recomputable from what PostgreSQL gives back.
    clean: dict[str, Any] = {}
    for key, value in detail.items():
        if not isinstance(key, str):
            raise AuditError(f"audit detail keys must be text, got {key!r}")
        items = list(value) if isinstance(value, list | tuple) else [value]
        for item in items:
            if item is not None and not isinstance(item, str | int | bool):
                raise AuditError(f"audit detail {key!r}: {type(item).__name__} is not allowed (text, int, bool)")
        clean[key] = list(value) if isinstance(value, list | tuple) else value
    return clean


def _record_of(row: AuditEntry) -> AuditRecord:
    return AuditRecord(
        id=row.id,
        occurred_at=row.occurred_at,
        actor_user_id=row.actor_user_id,
        station_id=row.station_id,
        action=row.action,
        subject=row.subject,
        detail=dict(row.detail),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class AuditLog:
    """Appends entries to the hash chain and checks it."""

    def __init__(self, sessions: sessionmaker[Session], *, clock: Callable[[], datetime] = now_utc) -> None:
        self._sessions = sessions
        self.clock = clock
        self.audit = self  # privileged reads of the log are themselves audited

    def record(
        self,
        action: AuditAction,
        *,
        actor: UserSession | None = None,
        actor_user_id: int | None = None,
        station_id: int | None = None,
        subject: str | None = None,
        detail: Mapping[str, DetailValue] | None = None,
        session: Session | None = None,
    ) -> AuditRecord:
        """Append one entry; inside ``session``'s transaction when given, else in its own."""
        if not isinstance(action, AuditAction):
            raise AuditError(f"action must be an AuditAction, not {action!r}")
        if actor is not None:
            actor_user_id = actor.user_id if actor_user_id is None else actor_user_id
            station_id = actor.station_id if station_id is None else station_id
        clean = _check_detail(detail or {})
        if session is not None:
            return self._append(
                session, action, actor_user_id=actor_user_id, station_id=station_id, subject=subject, detail=clean
            )
        with self._sessions.begin() as own:
            return self._append(
                own, action, actor_user_id=actor_user_id, station_id=station_id, subject=subject, detail=clean
            )

    def _append(
        self,
        session: Session,
        action: AuditAction,
        *,
        actor_user_id: int | None,
        station_id: int | None,
        subject: str | None,
        detail: dict[str, Any],
    ) -> AuditRecord:
        # The lock is released at commit or rollback, so the next writer always sees this entry as the tail.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
        prev_hash = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)) or GENESIS_HASH
        entry_id = int(session.execute(text("SELECT nextval(pg_get_serial_sequence('audit_log', 'id'))")).scalar_one())
        now = self.clock()
        if now.tzinfo is None:
            raise AuditError("the audit clock must return an aware datetime")
        # timestamptz keeps microseconds, as datetime does: the hash covers exactly what is stored.
        occurred_at = now.astimezone(UTC)
        canonical = canonical_json(
            entry_id=entry_id,
            occurred_at=occurred_at,
            actor_user_id=actor_user_id,
            station_id=station_id,
            action=action.value,
            subject=subject,
            detail=detail,
        )
        row = AuditEntry(
            id=entry_id,
            occurred_at=occurred_at,
            actor_user_id=actor_user_id,
            station_id=station_id,
            action=action.value,
            subject=subject,
            detail=detail,
            prev_hash=prev_hash,
            hash=chain_hash(prev_hash, canonical),
        )
        session.add(row)
        session.flush()
        log.info(
            "audit id=%s action=%s user=%s station=%s subject=%s", entry_id, action, actor_user_id, station_id, subject
        )
        return _record_of(row)

    def record_authorization(self, authorization: Authorization, *, operation: str) -> None:
        """Record a privileged call a supervisor's approval allowed (called by ``@privileged``)."""
        approval = authorization.approval
        if approval is None:
            return
        self.record(
            AuditAction.OVERRIDE_USED,
            actor=authorization.actor,
            subject=operation,
            detail={
                "permission": authorization.permission.value,
                "approved_by": approval.approver_id,
                "approval": str(approval.token),
            },
        )

    def record_denial(self, denied: PermissionDenied, *, operation: str) -> None:
        """Record a refused privileged call (called by ``@privileged``)."""
        self.record(
            AuditAction.PERMISSION_DENIED,
            actor=denied.actor,
            subject=operation,
            detail={"permission": denied.permission.value, "reason": str(denied)},
        )

    def count(self) -> int:
        """How many entries the log holds."""
        with self._sessions() as session:
            return int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)

    @privileged(Permission.VIEW_AUDIT_LOG)
    def recent(self, actor: UserSession, *, limit: int = 200, approval: Approval | None = None) -> list[AuditRecord]:
        """The newest entries, newest first."""
        with self._sessions() as session:
            rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()
            return [_record_of(row) for row in rows]

    def verify(self, *, batch: int = 2000) -> ChainVerdict:
        """Walk the chain from the first entry; report the first row whose link or content is wrong."""
        previous_hash, previous_id, entries = GENESIS_HASH, None, 0
        with self._sessions() as session:
            rows = session.execute(select(AuditEntry).order_by(AuditEntry.id).execution_options(yield_per=batch))
            for row in rows.scalars():
                entries += 1
                if row.prev_hash != previous_hash:
                    after = _("the first entry") if previous_id is None else _("entry {id}").format(id=previous_id)
                    reason = _(
                        "row {id} does not follow {after}: its prev_hash does not match "
                        "(a row before it was changed or removed)"
                    ).format(id=row.id, after=after)
                    first_missing = 1 if previous_id is None else previous_id + 1
                    if row.id > first_missing:
                        # Ids come from one sequence under the chain lock; a gap where the link also
                        # breaks is where rows were deleted.
                        reason += " " + _("; rows {first} to {last} are missing").format(
                            first=first_missing, last=row.id - 1
                        )
                    return ChainVerdict(entries=entries, intact=False, broken_at_id=row.id, reason=reason)
                expected = chain_hash(
                    row.prev_hash,
                    canonical_json(
                        entry_id=row.id,
                        occurred_at=row.occurred_at,
                        actor_user_id=row.actor_user_id,
                        station_id=row.station_id,
                        action=row.action,
                        subject=row.subject,
                        detail=row.detail,
                    ),
                )
                if expected != row.hash:
                    reason = _("row {id} was changed: its content does not match its hash").format(id=row.id)
                    return ChainVerdict(entries=entries, intact=False, broken_at_id=row.id, reason=reason)
                previous_hash, previous_id = row.hash, row.id
        return ChainVerdict(entries=entries, intact=True, head_hash=previous_hash)
