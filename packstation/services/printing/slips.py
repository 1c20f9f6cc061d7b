"""Packing slips of a completed parcel: one per box, listing what went into that box."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from packstation.domain.gtin import GTIN_LENGTHS, is_valid_gtin
from packstation.domain.marketplace import Marketplace
from packstation.services.labels import Sender
from packstation.services.labels.model import PackingSlipData, PackingSlipLine
from packstation.services.packing.service import OpenedPackage


def box_slips(package: OpenedPackage, box_units: Sequence[Mapping[str, int]]) -> list[PackingSlipData]:
    """The slips of ``package``: box ``i`` of ``n`` lists the units of each line packed into it.

    Without box contents (a completion journaled before parcels had boxes) one slip lists every line.
    Lines come in the package's order; a box's slip lists only the lines with units in it.
    """
    boxes = [dict(units) for units in box_units if any(units.values())] or [
        {line.line_id: line.quantity for line in package.lines}
    ]
    sender = Sender(
        name=package.sender_name or "-",
        address_lines=tuple(filter(None, [package.sender_address])),
        phone=package.sender_phone or None,
    )
    slips = []
    for index, units in enumerate(boxes, start=1):
        lines = tuple(
            PackingSlipLine(
                name=line.name or line.barcode,
                quantity=units[line.line_id],
                barcode=_printable_barcode(line.barcode),
                variant=" / ".join(part for part in (line.colour, line.size) if part),
            )
            for line in package.lines
            if units.get(line.line_id, 0) > 0
        )
        slips.append(
            PackingSlipData(
                sender=sender,
                receiver_name=package.customer_name,
                order_number=package.order_number,
                package_id=package.external_id,
                marketplace=Marketplace.of(package.marketplace),
                lines=lines,
                box_index=index,
                box_count=len(boxes),
            )
        )
    return slips


def _printable_barcode(barcode: str) -> str:
    """The line's barcode, unless it looks like a GTIN with a wrong check digit (a seller's own number):
    the slip would be refused for it, and the product's name already says what is in the box."""
    code = barcode.strip()
    if code.isascii() and code.isdigit() and len(code) in GTIN_LENGTHS and not is_valid_gtin(code):
        return ""
    return code
