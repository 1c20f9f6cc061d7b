"""A product's stock totals (``stock_levels``), locked before anything that changes them.

Every writer of stock — movements, reservations, counts — takes the rows of the products it touches with
:func:`lock_levels`, always in product-id order, before it reads or writes reservations or bins. One
order everywhere means two stations never wait on each other in a circle; a caller that changes several
groups of products in one transaction locks their union first (locking a row it already holds is free).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from packstation.db.models.stock import StockLevel


@dataclass
class Level:
    """One product's totals as locked: on hand in sellable bins, and reserved."""

    product_id: int
    on_hand: int
    reserved: int

    @property
    def free(self) -> int:
        """Units neither reserved nor missing: what a new reservation may take (never below 0)."""
        return max(self.on_hand - self.reserved, 0)


def lock_levels(session: Session, product_ids: Iterable[int]) -> dict[int, Level]:
    """Create the missing rows and lock every row of ``product_ids``, in product-id order."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    levels = StockLevel.__table__
    session.execute(insert(levels).on_conflict_do_nothing(), [{"product_id": pid} for pid in ids])
    rows = session.execute(
        select(StockLevel.product_id, StockLevel.quantity, StockLevel.reserved)
        .where(StockLevel.product_id.in_(ids))
        .order_by(StockLevel.product_id)
        .with_for_update()
    ).all()
    return {pid: Level(pid, quantity, reserved) for pid, quantity, reserved in rows}


def change_levels(session: Session, changes: Mapping[int, tuple[int, int]]) -> None:
    """Add (on hand, reserved) to each product's row (locked by the caller); marks them changed for the push."""
    rows = [
        {"pid": pid, "dq": on_hand, "dr": reserved}
        for pid, (on_hand, reserved) in sorted(changes.items())
        if on_hand or reserved
    ]
    if not rows:
        return
    levels = StockLevel.__table__
    statement = (
        update(levels)
        .where(levels.c.product_id == bindparam("pid"))
        .values(
            quantity=levels.c.quantity + bindparam("dq"),
            reserved=levels.c.reserved + bindparam("dr"),
            updated_at=func.now(),
        )
    )
    session.connection().execute(statement, rows)
