"""Applying journaled returns to PostgreSQL, inside the pump's transaction (called by the operation applier).

``return_apply()`` (migration ``0019_returns``) records each return once, with the actor and the
approver of its rejection the server decided, audits it and grants the transaction stock writes. The
effects of the new ones follow here: resellable units back on the shelf (``return``), damaged and wrong
ones into the quarantine bin (``quarantine``, not sellable), the claim marked processed with each unit's
condition, and the marketplace answers queued in the outbox under business keys derived from the
operation id, so a replay or a retry never approves or rejects twice.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from packstation.db.models.sync import ClaimItemRow, ClaimRow, OutboxEntry
from packstation.domain.returns import ReturnCondition
from packstation.domain.status import OutboxKind
from packstation.domain.stock import StockReason
from packstation.local_store.operations import Operation, ReturnCompleted, body_as_dict
from packstation.services.access.server import call
from packstation.services.stock.levels import lock_levels
from packstation.services.stock.movements import StockMove, apply_movements, movement_id_for
from packstation.services.stock.places import quarantine_bin

#: Conditions whose unit is in the box but must not be sold: it waits in quarantine.
QUARANTINED = frozenset({ReturnCondition.DAMAGED, ReturnCondition.WRONG_ITEM})


def approve_key(claim: str, op_id: uuid.UUID) -> str:
    """The business key of a return's approval at the marketplace."""
    return f"claim:{claim}:approve:{op_id}"


def reject_key(claim: str, op_id: uuid.UUID) -> str:
    """The business key of a return's rejection at the marketplace."""
    return f"claim:{claim}:reject:{op_id}"


def event_row(op: Operation, station_id: int) -> dict[str, object]:
    """What ``return_apply`` reads of one journaled return."""
    body = op.body
    assert isinstance(body, ReturnCompleted)
    return {
        "op_id": str(op.op_id),
        "token": op.token,
        "user_id": op.user_id,
        "station_id": station_id,
        "claim_id": body.claim_id,
        "occurred_at": op.occurred_at.isoformat(),
        "detail": body_as_dict(body),
    }


def apply_returns(
    session: Session, ops: Sequence[Operation], station_id: Callable[[Session, str], int]
) -> set[uuid.UUID]:
    """Record ``ops`` (journaled returns) and apply the new ones' effects; returns the ids new to PostgreSQL."""
    if not ops:
        return set()
    payload = json.dumps([event_row(op, station_id(session, op.station)) for op in ops], ensure_ascii=False)
    decided = {
        uuid.UUID(str(row.op_id)): row
        for row in call(session, "SELECT * FROM return_apply(CAST(:ops AS jsonb))", {"ops": payload})
    }
    moves: list[StockMove] = []
    outbox: list[dict[str, object]] = []
    for op in ops:
        if op.op_id not in decided:
            continue
        body = op.body
        assert isinstance(body, ReturnCompleted)
        user_id = decided[op.op_id].user_id
        moves.extend(_movements(session, op, body, user_id))
        outbox.extend(_answers(op, body))
        session.execute(update(ClaimRow).where(ClaimRow.id == body.claim_id).values(processed_at=op.occurred_at))
        for unit in body.units:
            session.execute(
                update(ClaimItemRow)
                .where(ClaimItemRow.id == unit.claim_item_id, ClaimItemRow.claim_id == body.claim_id)
                .values(condition=unit.condition.value)
            )
    if outbox:
        table = OutboxEntry.__table__
        session.execute(insert(table).on_conflict_do_nothing(index_elements=[table.c.business_key]), outbox)
    if moves:
        lock_levels(session, {move.product_id for move in moves})
        apply_movements(session, moves)
    return set(decided)


def _movements(session: Session, op: Operation, body: ReturnCompleted, user_id: int | None) -> list[StockMove]:
    moves = []
    quarantine: int | None = None
    for unit in body.units:
        if unit.product_id is None or not unit.scanned:
            continue
        if unit.condition is ReturnCondition.RESELLABLE:
            reason, location = StockReason.RETURN, None  # the product's pick bin
        elif unit.condition in QUARANTINED:
            quarantine = quarantine if quarantine is not None else quarantine_bin(session)
            reason, location = StockReason.QUARANTINE, quarantine
        else:
            continue
        moves.append(
            StockMove(
                unit.product_id,
                +1,
                reason,
                location_id=location,
                op_id=movement_id_for(op.op_id, unit.external_id),
                package_id=body.package_id,
                user_id=user_id,
                note=f"claim {body.claim_external_id} {unit.condition.value}",
            )
        )
    return moves


def _answers(op: Operation, body: ReturnCompleted) -> list[dict[str, object]]:
    approve = [unit.external_id for unit in body.units if unit.condition is ReturnCondition.RESELLABLE]
    reject = [unit.external_id for unit in body.units if unit.condition is not ReturnCondition.RESELLABLE]
    common = {"claim": body.claim_external_id, "order_number": body.order_number, "op_id": str(op.op_id)}
    rows: list[dict[str, object]] = []
    if approve:
        rows.append(
            {
                "account_id": body.account_id,
                "kind": OutboxKind.CLAIM_APPROVE.value,
                "business_key": approve_key(body.claim_external_id, op.op_id),
                "package_id": None,
                "payload": {**common, "items": approve},
            }
        )
    if reject:
        rows.append(
            {
                "account_id": body.account_id,
                "kind": OutboxKind.CLAIM_REJECT.value,
                "business_key": reject_key(body.claim_external_id, op.op_id),
                "package_id": None,
                "payload": {
                    **common,
                    "items": reject,
                    "reason_id": body.reject_reason_id,
                    "reason": body.reject_reason,
                    "description": body.description,
                    "photos": list(body.photos),
                },
            }
        )
    return rows
