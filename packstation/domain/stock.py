"""Stock vocabulary: where stock stands (warehouse → zone → bin), why it moves, and low-stock arithmetic.

Every change of stock is a *movement* with one of the :class:`StockReason` codes below; the ones a person
may choose for an adjustment are :data:`ADJUSTMENT_REASONS`. A *reservation* holds units for a package
line from the moment the order arrives until it is packed (consumed) or cancelled (released);
*available* = on hand (in sellable bins) − reserved, and that is what the marketplaces are told.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from packstation.i18n import N_, _


class StockReason(StrEnum):
    """Why stock moved (``stock_movements.reason``)."""

    PACKED = "packed"  # a parcel left with it
    COUNT = "count"  # a count found more or fewer than the books said
    DAMAGE = "damage"  # broken, soiled, unsellable: written off
    FOUND = "found"  # turned up where nobody expected it
    RETURN = "return"  # a customer's return, back on the shelf
    TRANSFER = "transfer"  # from one bin to another (a pair of movements)
    QUARANTINE = "quarantine"  # set aside, not sellable (a damaged return, a suspect item)
    IMPORT = "import"  # a CSV import set the level

    @property
    def label(self) -> str:
        """The reason in the user's language."""
        return _(_REASON_LABELS[self])


_REASON_LABELS: dict[StockReason, str] = {
    StockReason.PACKED: N_("packed"),
    StockReason.COUNT: N_("count"),
    StockReason.DAMAGE: N_("damage"),
    StockReason.FOUND: N_("found"),
    StockReason.RETURN: N_("return"),
    StockReason.TRANSFER: N_("transfer"),
    StockReason.QUARANTINE: N_("quarantine"),
    StockReason.IMPORT: N_("import"),
}

#: The reasons a person picks for an adjustment (the issue's reason codes); the others are set by the flows.
ADJUSTMENT_REASONS: tuple[StockReason, ...] = (
    StockReason.COUNT,
    StockReason.DAMAGE,
    StockReason.FOUND,
    StockReason.RETURN,
    StockReason.TRANSFER,
)


class LocationKind(StrEnum):
    """The three levels of a stock location; stock itself lies only in bins."""

    WAREHOUSE = "warehouse"
    ZONE = "zone"
    BIN = "bin"

    @property
    def parent_kind(self) -> LocationKind | None:
        """What a location of this kind sits in (None: a warehouse is the top)."""
        return {LocationKind.ZONE: LocationKind.WAREHOUSE, LocationKind.BIN: LocationKind.ZONE}.get(self)

    @property
    def label(self) -> str:
        """The kind in the user's language."""
        return _(_KIND_LABELS[self])


_KIND_LABELS = {LocationKind.WAREHOUSE: N_("warehouse"), LocationKind.ZONE: N_("zone"), LocationKind.BIN: N_("bin")}


class ReservationState(StrEnum):
    """Where a line's reservation stands."""

    HELD = "held"  # units set aside for a package not packed yet
    CONSUMED = "consumed"  # the parcel was packed: the units left with it
    RELEASED = "released"  # cancelled, unsupplied, or no longer packable: the units are free again


#: Location barcodes the station makes: ``PSLOC`` and digits. Only A–Z and 0–9, like the command sheet's
#: ``PSCMD`` codes, so a keyboard-wedge scanner types them the same on every keyboard layout.
LOCATION_BARCODE_PREFIX = "PSLOC"
#: Codes of locations: letters (Turkish ones too), digits and - _ . / ; no spaces, at most 40 characters.
_CODE = re.compile(r"^[0-9A-Za-zÇĞİÖŞÜçğıöşü][0-9A-Za-zÇĞİÖŞÜçğıöşü\-_./]{0,39}$")
_BARCODE = re.compile(r"^[\x21-\x7e]{3,64}$")


def generated_location_barcode(location_id: int) -> str:
    """The barcode the station gives a location that has none of its own (``PSLOC000042``)."""
    return f"{LOCATION_BARCODE_PREFIX}{location_id:06d}"


def location_code_problem(code: str) -> str | None:
    """Why ``code`` cannot name a location (translated), or None when it can."""
    if not code:
        return _("a location needs a code")
    if not _CODE.match(code):
        return _("location code {code!r} may hold letters, digits and - _ . / only (at most 40, no spaces)").format(
            code=code[:60]
        )
    return None


def location_barcode_problem(barcode: str) -> str | None:
    """Why ``barcode`` cannot be a location's barcode (translated), or None when it can."""
    if not _BARCODE.match(barcode):
        return _("location barcode {barcode!r} must be 3 to 64 printable characters without spaces (ASCII)").format(
            barcode=barcode[:70]
        )
    return None


#: Days of sales the daily outflow averages over.
OUTFLOW_DAYS = 14


@dataclass(frozen=True)
class StockFigures:
    """One product's stock as the low-stock list shows it."""

    on_hand: int
    reserved: int
    threshold: int
    #: Units packed per day, averaged over :data:`OUTFLOW_DAYS`.
    daily_outflow: Decimal

    @property
    def available(self) -> int:
        """What can still be sold: on hand − reserved (negative when more was sold than is on the shelf)."""
        return self.on_hand - self.reserved

    @property
    def below_threshold(self) -> bool:
        """At or under the threshold (a threshold of 0 alerts only when nothing is left)."""
        return self.available <= self.threshold

    @property
    def days_of_cover(self) -> Decimal | None:
        """How many days the available stock lasts at the current outflow; None when nothing goes out."""
        if self.daily_outflow <= 0:
            return None
        days = Decimal(max(self.available, 0)) / self.daily_outflow
        return days.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def daily_outflow(units_out: int, days: int = OUTFLOW_DAYS) -> Decimal:
    """Average units per day over ``days`` days, to two decimals."""
    if days <= 0:
        raise ValueError("days must be positive")
    return (Decimal(units_out) / days).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


#: Locations the station makes itself when it needs them: stock that has no bin yet lies in
#: ``MAIN / GENERAL / UNPLACED`` (the migration to locations put earlier stock there too), and a
#: return judged damaged goes to ``MAIN / QUARANTINE / QUARANTINE``, which is not sellable.
DEFAULT_WAREHOUSE_CODE = "MAIN"
DEFAULT_ZONE_CODE = "GENERAL"
UNPLACED_BIN_CODE = "UNPLACED"
QUARANTINE_CODE = "QUARANTINE"
