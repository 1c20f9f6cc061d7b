"""Applying journaled operations to PostgreSQL inside one transaction: the pack event, once, and its effects.

The server decides who did what (migration ``0015_security_packing``): ``pack_apply()`` takes each
operation's actor from the server-side session its token names, lets a forced completion or an
unsupplied line through only for a role that may or with a supervisor's approval spent for it, writes
the ``pack_events`` row once per operation id (``ON CONFLICT DO NOTHING``), audits forced completions
and unsupplied lines with the real actor, and grants this transaction the packing writes a station
may not make on its own (packed columns, stock on hand, the pump's exceptions). The side effects of
the new events (claim, package packed, stock moved, reservations, marketplace outbox entries) are then
applied here, in the same transaction, as the server's actor. A conflict (another station packed the
parcel, the order was cancelled) becomes a ``pack_exceptions`` row for a supervisor, never a silent drop.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable
from typing import Any

import msgspec
from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from packstation.db.models.accounts import Station
from packstation.db.models.packages import PackageLineRow, PackageRow, PackException
from packstation.db.models.stock import StockReservation
from packstation.db.models.sync import OutboxEntry
from packstation.db.storable import json_holds_nul
from packstation.domain.status import ExceptionKind, OutboxKind, PackageStatus
from packstation.domain.stock import StockReason
from packstation.local_store.operations import (
    Aborted,
    Completed,
    Opened,
    Operation,
    OperationKind,
    Scanned,
    Unsupplied,
    body_as_dict,
)
from packstation.services.access.server import call
from packstation.services.outbox.rows import packed_key, picking_key
from packstation.services.returns.applying import apply_returns
from packstation.services.stock.levels import lock_levels
from packstation.services.stock.movements import StockMove, apply_movements, movement_id_for
from packstation.services.stock.reservations import consume_reservations, release_line_units, settle_reservations


class UnstorableOperationError(ValueError):
    """An operation holds what PostgreSQL cannot store (a NUL character); it is parked, never retried blindly."""


def _as_decided(op: Operation, decided: Any) -> Operation:
    """``op`` as the server recorded it: its actor, and the approver of a forced or unsupplied one."""
    body = op.body
    if isinstance(body, Completed | Unsupplied) and (isinstance(body, Unsupplied) or body.forced):
        body = msgspec.structs.replace(body, approved_by=decided.approved_by)
    return dataclasses.replace(op, body=body, user_id=decided.user_id)


class OperationApplier:
    """Applies operations inside one PostgreSQL transaction (no commit of its own)."""

    def __init__(self) -> None:
        self._stations: dict[str, int] = {}
        self._accounts: dict[int, int] = {}  # package id -> account id, for the batch being applied
        self._outbox_rows: list[dict[str, object]] = []
        self._movements: list[StockMove] = []
        #: Packages whose reservations the batch settles (opened offline), consumes (packed), or trims.
        self._to_settle: list[int] = []
        self._to_consume: list[int] = []
        self._to_trim: list[tuple[int, str, int]] = []

    def forget_stations(self) -> None:
        """Drop the cached station ids: the transaction that read them may have rolled back."""
        self._stations.clear()

    def station_id(self, session: Session, name: str) -> int:
        """The id of station ``name``, registering it when a journal arrives before the station row."""
        if name not in self._stations:
            statement = (
                insert(Station)
                .values(name=name)
                .on_conflict_do_update(index_elements=[Station.name], set_={"name": name})
                .returning(Station.id)
            )
            self._stations[name] = int(session.execute(statement).scalar_one())
        return self._stations[name]

    def apply(self, session: Session, op: Operation) -> bool:
        """Apply ``op``; returns False when PostgreSQL already had it (a replay)."""
        return op.op_id in self.apply_batch(session, [op])

    def apply_batch(self, session: Session, ops: list[Operation]) -> set[uuid.UUID]:
        """Apply ``ops`` in order; returns the ids that were new to PostgreSQL.

        The events go to the server in one call; the side effects of the new ones are applied in
        journal order, as the user the server names, and their outbox and stock rows are written in
        bulk at the end. Raises :class:`~packstation.services.access.server.ServerRefused` when the
        server refuses an operation (no valid session, a permission its actor lacks) and
        :class:`UnstorableOperationError` for a NUL character: the pump then applies the batch one by
        one and parks the culprit.
        """
        if not ops:
            return set()
        returns = [op for op in ops if op.kind is OperationKind.RETURN_COMPLETE]
        if returns:
            # Returns are recorded by their own server function (return_apply): they are no packing step.
            packs = [op for op in ops if op.kind is not OperationKind.RETURN_COMPLETE]
            if json_holds_nul(json.dumps([body_as_dict(op.body) for op in returns])):
                raise UnstorableOperationError("a NUL (0x00) character: PostgreSQL cannot store it")
            return apply_returns(session, returns, self.station_id) | self._apply_packs(session, packs)
        return self._apply_packs(session, ops)

    def _apply_packs(self, session: Session, ops: list[Operation]) -> set[uuid.UUID]:
        if not ops:
            return set()
        payload = json.dumps([self._event_row(session, op) for op in ops], ensure_ascii=False)
        if json_holds_nul(payload):
            # jsonb cannot hold NUL either; say so plainly (an older build journaled raw scanner text).
            raise UnstorableOperationError("a NUL (0x00) character: PostgreSQL cannot store it")
        decided = {
            uuid.UUID(str(row.op_id)): row
            for row in call(session, "SELECT * FROM pack_apply(CAST(:ops AS jsonb))", {"ops": payload})
        }
        effective = [_as_decided(op, decided[op.op_id]) for op in ops if op.op_id in decided and op.kind in _EFFECTS]
        if not effective:
            return set(decided)
        connection = session.connection()
        package_ids = sorted({op.package_id for op in effective if op.package_id is not None})
        # Lock the batch's packages in id order (no deadlock between stations) and load them at once.
        packages = session.scalars(
            select(PackageRow).where(PackageRow.id.in_(package_ids)).order_by(PackageRow.id).with_for_update()
        ).all()
        self._accounts = {package.id: package.account_id for package in packages}
        self._outbox_rows, self._movements = [], []
        self._to_settle, self._to_consume, self._to_trim = [], [], []
        for op in effective:
            _EFFECTS[op.kind](self, session, op)
        session.flush()
        self._flush(session, connection)
        return set(decided)

    def _event_row(self, session: Session, op: Operation) -> dict[str, object]:
        """What ``pack_apply`` reads of ``op``: scans carry their line, outcome, barcode and units."""
        scan = op.body if isinstance(op.body, Scanned) else None
        return {
            "op_id": str(op.op_id),
            "token": op.token,
            "user_id": op.user_id,
            "station_id": self.station_id(session, op.station),
            "kind": op.kind.value,
            "package_id": op.package_id,
            "line_id": scan.line_db_id if scan else None,
            "outcome": scan.outcome.value if scan and scan.outcome else None,
            "barcode": scan.barcode if scan else None,
            "quantity": scan.units if scan else 0,
            "occurred_at": op.occurred_at.isoformat(),
            "detail": body_as_dict(op.body),
        }

    def _flush(self, session: Session, connection: Connection) -> None:
        if self._outbox_rows:
            outbox = OutboxEntry.__table__
            connection.execute(
                insert(outbox).on_conflict_do_nothing(index_elements=[outbox.c.business_key]), self._outbox_rows
            )
        self._flush_stock(session)

    def _flush_stock(self, session: Session) -> None:
        """Reservations and movements of the batch, under the products' locks taken once, in product order."""
        trimmed = (package for package, _line, _units in self._to_trim)
        packages = sorted({*self._to_settle, *self._to_consume, *trimmed})
        if not packages and not self._movements:
            return
        products = {move.product_id for move in self._movements}
        if packages:
            lines = select(PackageLineRow.product_id).where(PackageLineRow.package_id.in_(packages))
            products.update(pid for pid in session.scalars(lines) if pid is not None)
            held = select(StockReservation.product_id).where(StockReservation.package_id.in_(packages))
            products.update(session.scalars(held))
        lock_levels(session, products)
        settle_reservations(session, self._to_settle)
        for package_id, line_id, units in self._to_trim:
            release_line_units(session, package_id, line_id, units)
        consume_reservations(session, self._to_consume)
        apply_movements(session, self._movements)

    # -- side effects, each applied once because the pack event above is new -------------------------

    def _opened(self, session: Session, op: Operation) -> None:
        assert isinstance(op.body, Opened)
        if op.body.provisional:
            self._confirm_provisional_claim(session, op)
            if op.package_id is not None:  # an online open reserved when it claimed
                self._to_settle.append(op.package_id)
        self._outbox(session, op, OutboxKind.STATUS, picking_key(op.package_id), {"status": "Picking"})

    def _confirm_provisional_claim(self, session: Session, op: Operation) -> None:
        """A parcel opened offline: take the claim now, or report who got there first."""
        package = session.get(PackageRow, op.package_id)  # loaded and locked by apply_batch
        if package is None:
            return
        station_id = self.station_id(session, op.station)
        holder = package.claimed_by_station_id
        now = session.execute(select(func.now())).scalar_one()
        if package.packed_at is not None and package.packed_at < op.occurred_at:
            return  # the completion that follows reports the conflict with its details
        if holder not in (None, station_id) and package.claim_expires_at and package.claim_expires_at > now:
            holder_name = session.scalar(select(Station.name).where(Station.id == holder))
            self._exception(
                session,
                op,
                ExceptionKind.CONFLICT,
                f"parcel {package.external_id} was opened offline at {op.station} while {holder_name} had it",
            )
            return
        package.claimed_by_station_id = station_id
        package.claimed_by_user_id = op.user_id

    def _completed(self, session: Session, op: Operation) -> None:
        body = op.body
        assert isinstance(body, Completed)
        package = session.get(PackageRow, op.package_id)  # loaded and locked by apply_batch
        if package is None:
            self._exception(session, op, ExceptionKind.CONFLICT, "package no longer exists")
            return
        if package.packed_at is not None:
            self._exception(
                session,
                op,
                ExceptionKind.CONFLICT,
                f"package {package.external_id} was already packed at {package.packed_at:%Y-%m-%d %H:%M}",
            )
            return
        if package.status == PackageStatus.CANCELLED.value:
            self._exception(
                session,
                op,
                ExceptionKind.CANCELLED_AFTER_PACK,
                f"order {package.order_number} was cancelled; parcel {package.external_id} must not ship",
            )
        package.packed_at = op.occurred_at
        package.packed_by_user_id = op.user_id
        package.box_count = body.box_count or 1
        if body.weight_grams is not None:
            package.weight_grams = body.weight_grams
        package.claimed_by_station_id = None
        package.claim_expires_at = None
        self._to_consume.append(package.id)
        for line in body.lines:
            if line.product_id is None or line.units <= 0:
                continue
            self._movements.append(
                StockMove(
                    line.product_id,
                    -line.units,
                    StockReason.PACKED,
                    op_id=movement_id_for(op.op_id, line.line_id),
                    package_id=op.package_id,
                    user_id=op.user_id,
                )
            )
        self._outbox(session, op, OutboxKind.STATUS, packed_key(op.package_id), {"status": "Packed"})

    def _unsupplied(self, session: Session, op: Operation) -> None:
        body = op.body
        assert isinstance(body, Unsupplied)
        if op.package_id is not None:
            self._to_trim.append((op.package_id, body.line_id, body.quantity))
        self._outbox(session, op, OutboxKind.UNSUPPLIED, f"{op.package_id}:unsupplied:{op.op_id}", body_as_dict(body))
        self._exception(
            session,
            op,
            ExceptionKind.UNSUPPLIED,
            f"{body.quantity} unit(s) of line {body.line_id} unsupplied: {body.reason.value}",
        )

    def _aborted(self, session: Session, op: Operation) -> None:
        assert isinstance(op.body, Aborted)
        session.execute(
            update(PackageRow)
            .where(
                PackageRow.id == op.package_id, PackageRow.claimed_by_station_id == self.station_id(session, op.station)
            )
            .values(claimed_by_station_id=None, claimed_by_user_id=None, claim_expires_at=None)
        )

    def _outbox(self, session: Session, op: Operation, kind: OutboxKind, key: str, payload: dict[str, object]) -> None:
        account_id = self._accounts.get(op.package_id) if op.package_id is not None else None
        if account_id is None:
            return
        self._outbox_rows.append(
            {
                "account_id": account_id,
                "kind": kind.value,
                "business_key": key,
                "package_id": op.package_id,
                "payload": {**payload, "op_id": str(op.op_id)},
            }
        )

    def _exception(self, session: Session, op: Operation, kind: ExceptionKind, message: str) -> None:
        package_exists = session.scalar(select(PackageRow.id).where(PackageRow.id == op.package_id))
        session.execute(
            insert(PackException)
            .values(
                kind=kind.value,
                package_id=package_exists,
                station_id=self.station_id(session, op.station),
                op_id=op.op_id,
                message=message,
                detail={"operation": op.kind.value, **body_as_dict(op.body)},
            )
            .on_conflict_do_nothing(index_elements=[PackException.op_id])
        )


_EFFECTS: dict[OperationKind, Callable[[OperationApplier, Session, Operation], None]] = {
    OperationKind.OPEN: OperationApplier._opened,
    OperationKind.COMPLETE: OperationApplier._completed,
    OperationKind.UNSUPPLIED: OperationApplier._unsupplied,
    OperationKind.ABORT: OperationApplier._aborted,
}
