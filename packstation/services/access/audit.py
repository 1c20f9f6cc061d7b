"""The audit log: append-only and hash-chained, shared by every station.

The server writes every entry (``audit_append()``, migration ``0010_security``): it sets id, time and
actor (from the server-side session the caller's token names) and the hash
``HMAC-SHA256(key, prev_hash + "\\n" + canonical jsonb of the entry)`` under a key stations cannot read.
Entries written before that revision keep their unkeyed ``sha256`` chain (:func:`chain_hash`), which
:meth:`AuditLog.verify` still recomputes; the keyed rows are checked by the server. Changing, removing,
inserting or re-chaining rows breaks the chain at that row or the next, reported by row id; an exported
head (:meth:`AuditLog.head`) also catches the newest rows being cut off.

Writers serialise on a transaction-level advisory lock taken inside ``audit_append()`` (safe behind
PgBouncer's transaction pooling), so the chain never forks. A trigger (migration ``0002_auth``) refuses
UPDATE, DELETE and TRUNCATE; stations have only SELECT on the table.

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

from packstation.db.models.access import AuditEntry
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
from packstation.services.access.server import ServerRefused, call

log = logging.getLogger("packstation.services.access.audit")
GENESIS_HASH = "0" * 64
# Rows written since revision "security": HMAC-SHA-256 under a key only the server reads.
KEYED_SCHEME = "hmac-sha256"
# Any constant works, as long as nothing else in the database locks the same number.
AUDIT_LOCK_KEY = 0x5041434B41554454  # "PACKAUDT": the lock audit_append() takes (and writers before it took)

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
    STOCK_TRANSFERRED = "stock.transferred"
    STOCK_COUNTED = "stock.counted"
    STOCK_IMPORTED = "stock.imported"
    STOCK_THRESHOLD_SET = "stock.threshold_set"
    LOCATION_CREATED = "location.created"
    LOCATION_CHANGED = "location.changed"
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
    AUDIT_REKEYED = "audit.rekeyed"
    BADGE_THROTTLED = "badge.throttled"
    EXCEPTION_ASSIGNED = "exception.assigned"
    EXCEPTION_RESOLVED = "exception.resolved"
    BILLING_PLAN_SET = "billing.plan_set"
    BILLING_PLAN_CLEARED = "billing.plan_cleared"
    PRINT_REDIRECTED = "print.redirected"
    REPRINT_REFUSED = "label.reprint_refused"
    RETURN_COMPLETED = "return.completed"
    RETURN_REJECTED = "return.rejected"


# Entries only the server writes, in its definer functions, with the actor of the session it checked;
# audit_append() refuses them from a station (mirrors ps_server_action() in migration
# 0015_security_supervision; a test compares them).
SERVER_ACTIONS: frozenset[AuditAction] = frozenset(
    {
        AuditAction.LOGIN,
        AuditAction.LOGIN_FAILED,
        AuditAction.ACCOUNT_LOCKED,
        AuditAction.OVERRIDE_USED,
        AuditAction.OVERRIDE_APPROVED,
        AuditAction.OVERRIDE_REFUSED,
        AuditAction.USER_CREATED,
        AuditAction.USER_DISABLED,
        AuditAction.USER_ENABLED,
        AuditAction.PASSWORD_RESET,
        AuditAction.BADGE_ENROLLED,
        AuditAction.TOTP_ENROLLED,
        AuditAction.USER_UNLOCKED,
        AuditAction.AUDIT_REKEYED,
        AuditAction.BADGE_THROTTLED,
        AuditAction.FORCE_COMPLETE,
        AuditAction.LINE_UNSUPPLIED,
        AuditAction.BILLING_PLAN_SET,
        AuditAction.BILLING_PLAN_CLEARED,
        AuditAction.EXCEPTION_ASSIGNED,
        AuditAction.EXCEPTION_RESOLVED,
        AuditAction.PARKED_RETRIED,
        AuditAction.RETURN_COMPLETED,
        AuditAction.RETURN_REJECTED,
        AuditAction.PARKED_DISCARDED,
    }
)


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
    head_id: int | None = None


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
        station_id: int | None = None,
        subject: str | None = None,
        detail: Mapping[str, DetailValue] | None = None,
        session: Session | None = None,
    ) -> AuditRecord:
        """Append one entry; inside ``session``'s transaction when given, else in its own.

        The server sets time, id, link and keyed hash, and takes actor and station from the server-side
        session ``actor.token`` names; without a token the entry has no actor.
        """
        if not isinstance(action, AuditAction):
            raise AuditError(f"action must be an AuditAction, not {action!r}")
        token = actor.token if actor is not None else None
        if actor is not None and station_id is None:
            station_id = actor.station_id
        clean = _check_detail(detail or {})
        if session is not None:
            return self._append(session, action, token=token, station_id=station_id, subject=subject, detail=clean)
        with self._sessions.begin() as own:
            return self._append(own, action, token=token, station_id=station_id, subject=subject, detail=clean)

    def _append(
        self,
        session: Session,
        action: AuditAction,
        *,
        token: str | None,
        station_id: int | None,
        subject: str | None,
        detail: dict[str, Any],
    ) -> AuditRecord:
        # audit_append() serialises writers on a transaction-level advisory lock held until commit.
        row = call(
            session,
            "SELECT id, occurred_at, actor_user_id, station_id, action, subject, detail, prev_hash, hash "
            "FROM audit_append(:token, :station, :action, :subject, CAST(:detail AS jsonb))",
            {
                "token": token,
                "station": station_id,
                "action": action.value,
                "subject": subject,
                "detail": json.dumps(detail, ensure_ascii=False),
            },
        ).one()
        log.info(
            "audit id=%s action=%s user=%s station=%s subject=%s",
            row.id,
            action,
            row.actor_user_id,
            row.station_id,
            subject,
        )
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

    def record_authorization(self, authorization: Authorization, *, operation: str) -> None:
        """Spend the approval that allowed a privileged call, on the server (called by ``@privileged``).

        The server refuses an approval used before, given for another permission or station, or expired;
        it records ``override.used`` with the actor of the caller's session.
        """
        approval = authorization.approval
        if approval is None:
            return
        actor = authorization.actor
        try:
            with self._sessions.begin() as session:
                call(
                    session,
                    "SELECT auth_approval_use(:token, :station, :approval, :permission, :operation)",
                    {
                        "token": actor.token,
                        "station": actor.station_id,
                        "approval": approval.token,
                        "permission": authorization.permission.value,
                        "operation": operation,
                    },
                )
        except ServerRefused as refused:
            raise PermissionDenied(actor, authorization.permission, str(refused)) from refused

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

    def verify(self, *, batch: int = 2000, head: AuditHead | None = None) -> ChainVerdict:
        """Walk the chain from the first entry; report the first row whose link or content is wrong.

        Rows before revision ``security`` (``sha256``) are recomputed here; keyed rows are checked by the
        server (``audit_bad_rows()``), which alone holds the key. With ``head`` (exported earlier by
        :meth:`head`), a log cut back to before that entry is reported too.
        """
        previous_hash, previous_id, entries = GENESIS_HASH, None, 0
        seen_keyed, head_seen = False, head is None
        with self._sessions() as session:
            bad = set(session.scalars(text("SELECT * FROM audit_bad_rows()")))
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
                if row.hash_scheme == KEYED_SCHEME:
                    seen_keyed = True
                    changed = row.id in bad
                else:
                    # An unkeyed row after a keyed one was inserted by someone without the key.
                    changed = seen_keyed or row.hash != _legacy_hash(row)
                if changed:
                    reason = _("row {id} was changed: its content does not match its hash").format(id=row.id)
                    return ChainVerdict(entries=entries, intact=False, broken_at_id=row.id, reason=reason)
                if head is not None and row.id == head.id:
                    if row.hash != head.hash:
                        reason = _("row {id} is not the entry the exported head names").format(id=row.id)
                        return ChainVerdict(entries=entries, intact=False, broken_at_id=row.id, reason=reason)
                    head_seen = True
                previous_hash, previous_id = row.hash, row.id
        if not head_seen and head is not None:
            reason = _("the log ends before entry {id} of the exported head: newer entries were removed").format(
                id=head.id
            )
            return ChainVerdict(entries=entries, intact=False, broken_at_id=head.id, reason=reason)
        return ChainVerdict(entries=entries, intact=True, head_hash=previous_hash, head_id=previous_id)

    def head(self) -> AuditHead:
        """The newest entry's id and hash, to keep outside the database (``packstation audit head``)."""
        with self._sessions() as session:
            row = session.execute(
                select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
            ).first()
        return AuditHead(id=0, hash=GENESIS_HASH) if row is None else AuditHead(id=row.id, hash=row.hash)


@dataclass(frozen=True)
class AuditHead:
    """An exported head of the chain: ``<id> <hash>`` on one line."""

    id: int
    hash: str

    def line(self) -> str:
        """The text ``audit head`` prints."""
        return f"{self.id} {self.hash}"

    @classmethod
    def parse(cls, line: str) -> AuditHead:
        """Read what :meth:`line` wrote; ValueError with the reason otherwise."""
        parts = line.split()
        if len(parts) != 2 or not parts[0].isascii() or not parts[0].isdigit() or len(parts[1]) != 64:
            raise ValueError(_("an audit head is '<entry id> <64 hex digits>', not {text!r}").format(text=line[:80]))
        return cls(id=int(parts[0]), hash=parts[1].lower())


def _legacy_hash(row: AuditEntry) -> str:
    return chain_hash(
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
