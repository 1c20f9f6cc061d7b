"""The record of a completed parcel: what each line packed, each box's units, type and weight."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from packstation.domain.packing import PackSession
from packstation.local_store.operations import Completed, PackedBox, PackedLine
from packstation.services.packing.model import OpenedPackage


def completion_record(
    package: OpenedPackage,
    session: PackSession,
    *,
    box_grams: dict[int, int],
    last_box_grams: int | None,
    forced: bool = False,
    unverified: dict[str, int] | None = None,
    reason: str = "",
    approved_by: int | None = None,
    approval: str | None = None,
) -> Completed:
    """The journal body that completes ``package``: ``box_grams`` holds the scale's reading of each box
    closed before, ``last_box_grams`` the reading of the box being closed now (None without a scale);
    ``approval`` is the token of the supervisor's approval of a packer's forced completion."""
    progress = {p.line_id: p for p in session.lines}
    lines = tuple(
        PackedLine(line_id=line.line_id, product_id=line.product_id, units=progress[line.line_id].scanned)
        for line in package.lines
    )
    weights = dict(box_grams)
    boxes = session.boxes
    if last_box_grams is not None:
        weights[boxes[-1].index] = last_box_grams
    return Completed(
        box_count=len(boxes),
        lines=lines,
        boxes=tuple(
            PackedBox(
                box=box.index,
                units=dict(box.units),
                weight_grams=weights.get(box.index),
                box_type=box.box_type.name if box.box_type else None,
                desi=str(box.box_type.desi) if box.box_type else None,
            )
            for box in boxes
        ),
        # The parcel's weight only when every box was weighed.
        weight_grams=sum(weights.values()) if len(weights) == len(boxes) else None,
        forced=forced,
        unverified=unverified or {},
        reason=reason,
        approved_by=approved_by,
        approval=approval,
    )


def parcel_desi(boxes: Sequence[PackedBox]) -> Decimal | None:
    """The parcel's desi: the sum of its boxes' (as journaled), or None unless every box's size was scanned."""
    if not boxes or any(box.desi is None for box in boxes):
        return None
    return sum((Decimal(str(box.desi)) for box in boxes), Decimal(0))
