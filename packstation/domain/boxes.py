"""Shipping boxes: the sizes a warehouse packs into, each with a barcode to scan, and their desi.

Turkish carriers price a parcel by the larger of its weight and its *desi* (volumetric weight):
length × width × height in centimetres divided by 3000, the divisor Turkish carriers (Yurtiçi, Aras,
MNG, HepsiJet) publish for domestic parcels.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: cm³ per desi for domestic Turkish parcels.
DESI_DIVISOR = 3000


@dataclass(frozen=True)
class BoxType:
    """One box size of the warehouse (``[[boxes]]`` in the configuration)."""

    name: str
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    barcode: str

    def __post_init__(self) -> None:
        if not self.name.strip() or not self.barcode.strip():
            raise ValueError("a box type needs a name and a barcode")
        if min(self.length_cm, self.width_cm, self.height_cm) <= 0:
            raise ValueError(f"box {self.name!r}: every dimension must be above zero")

    @property
    def desi(self) -> Decimal:
        """Volumetric weight of the box, rounded half-up to two decimals."""
        volume = self.length_cm * self.width_cm * self.height_cm
        return (volume / DESI_DIVISOR).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def dimensions(self) -> str:
        """``40×30×20 cm``."""
        return f"{self.length_cm.normalize():f}×{self.width_cm.normalize():f}×{self.height_cm.normalize():f} cm"


def find_box_type(types: tuple[BoxType, ...], text: str) -> BoxType | None:
    """The box whose barcode ``text`` is (ignoring surrounding space and case), or None."""
    wanted = text.strip().casefold()
    return next((box for box in types if box.barcode.strip().casefold() == wanted), None)
