"""Per-account sync state for the sync panel (a read-only query, Qt-free)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.accounts import MarketplaceAccountRow
from packstation.db.models.sync import OutboxEntry, SyncState
from packstation.domain.status import OutboxState


@dataclass(frozen=True)
class AccountSyncState:
    """What the panel shows for one account."""

    account: str
    kind: str
    enabled: bool
    last_success_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_error: str | None = None
    received: int = 0
    new: int = 0
    updated: int = 0
    outbox_pending: int = 0
    outbox_failed: int = 0


def account_states(sessions: sessionmaker[Session]) -> list[AccountSyncState]:
    """Every account's last sync and outbox backlog, by name."""
    with sessions() as session:
        backlog: dict[tuple[int, str], int] = {
            (account_id, state): int(count)
            for account_id, state, count in session.execute(
                select(OutboxEntry.account_id, OutboxEntry.state, func.count())
                .where(OutboxEntry.state != OutboxState.DONE.value)
                .group_by(OutboxEntry.account_id, OutboxEntry.state)
            )
        }
        rows = session.execute(
            select(MarketplaceAccountRow, SyncState)
            .outerjoin(SyncState, SyncState.account_id == MarketplaceAccountRow.id)
            .order_by(MarketplaceAccountRow.name)
        ).all()
        states = []
        for account, state in rows:
            counts: dict[str, Any] = dict(state.counts or {}) if state is not None else {}
            pending = backlog.get((account.id, OutboxState.PENDING.value), 0)
            pending += backlog.get((account.id, OutboxState.IN_FLIGHT.value), 0)
            states.append(
                AccountSyncState(
                    account=account.name,
                    kind=account.kind,
                    enabled=account.enabled,
                    last_success_at=state.last_success_at if state else None,
                    last_attempt_at=state.last_attempt_at if state else None,
                    last_error=state.last_error if state else None,
                    received=int(counts.get("received", 0)),
                    new=int(counts.get("new", 0)),
                    updated=int(counts.get("updated", 0)),
                    outbox_pending=pending,
                    outbox_failed=backlog.get((account.id, OutboxState.FAILED.value), 0),
                )
            )
        return states
