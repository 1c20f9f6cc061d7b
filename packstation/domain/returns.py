"""Returns: the marketplace's claim on returned items, and what the station judges each item to be.

A *claim* is the customer's return request as the marketplace keeps it (Trendyol's word); it holds one
*claim item* per returned unit, each with its own status. Status names are Trendyol's, exactly as its
claims API spells them (research/trendyol/FACTS.md §8a).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from packstation.domain.scan import InvalidScan, interpret_scan, recordable


class ClaimItemStatus(StrEnum):
    """Where one returned unit stands at the marketplace."""

    CREATED = "Created"  # the customer pressed "return"
    WAITING_IN_ACTION = "WaitingInAction"  # the parcel reached the seller: approve or reject now
    WAITING_FRAUD_CHECK = "WaitingFraudCheck"
    ACCEPTED = "Accepted"
    UNRESOLVED = "Unresolved"  # disputed after the seller raised an issue
    REJECTED = "Rejected"
    CANCELLED = "Cancelled"
    IN_ANALYSIS = "InAnalysis"

    @property
    def awaits_decision(self) -> bool:
        """The seller may approve or reject the item now (Trendyol: only in WaitingInAction)."""
        return self is ClaimItemStatus.WAITING_IN_ACTION


class ReturnCondition(StrEnum):
    """What the packer finds for one claimed unit when the return parcel is opened."""

    RESELLABLE = "resellable"
    DAMAGED = "damaged"
    WRONG_ITEM = "wrong_item"  # not what we sent
    MISSING = "missing"  # claimed, not in the box

    @property
    def back_to_stock(self) -> bool:
        """The unit can be sold again."""
        return self is ReturnCondition.RESELLABLE


#: The reject reason's id a condition suggests, by the words of Trendyol's published list; the list itself
#: is read from the marketplace (never hard-coded), this only pre-selects the likely one.
CONDITION_REASON_HINTS: dict[ReturnCondition, tuple[str, ...]] = {
    ReturnCondition.DAMAGED: ("defolu", "zarar", "kullanılmış"),
    ReturnCondition.WRONG_ITEM: ("yanlış", "bana ait değil", "sahte"),
    ReturnCondition.MISSING: ("eksik",),
}


class ReturnScanOutcome(StrEnum):
    """What one scan at the return bench meant."""

    MATCHED = "matched"  # a claimed unit, now judged resellable (or the condition chosen for it)
    NOT_OURS = "not_ours"  # not on the claim, or more units than were claimed
    INVALID = "invalid"  # a garbled scan


@dataclass(frozen=True)
class ClaimedUnit:
    """One returned unit the claim announces, as the bench shows and matches it."""

    claim_item_id: int
    external_id: str
    barcode: str
    product_name: str
    product_id: int | None = None
    #: Every look-up key that names this product (the claim's barcode and the catalogue's unit barcodes).
    keys: frozenset[str] = frozenset()
    status: str = ""
    customer_reason: str = ""
    customer_note: str = ""


@dataclass(frozen=True)
class ReturnScanResult:
    """The outcome of one scan, with the unit it matched (None when not ours or invalid)."""

    outcome: ReturnScanOutcome
    code: str
    unit: ClaimedUnit | None = None
    detail: str = ""


@dataclass(frozen=True)
class UnitDecision:
    """A claimed unit and what the packer found: its condition, and whether it was in the box."""

    unit: ClaimedUnit
    condition: ReturnCondition
    scanned: bool


class ReturnSessionError(Exception):
    """A step the return does not allow now (nothing scanned yet, units left unjudged)."""


class ReturnSession:
    """The scan-to-judge state of one return parcel: pure, no I/O (like :class:`PackSession`)."""

    def __init__(self, units: tuple[ClaimedUnit, ...]) -> None:
        if not units:
            raise ReturnSessionError("a claim without units cannot be processed")
        self.units = units
        self._conditions: dict[str, ReturnCondition] = {}
        self._scanned: list[str] = []  # external ids in scan order
        self.not_ours: list[str] = []
        self.last: str | None = None  # the unit a condition command changes

    def scan(self, text: str) -> ReturnScanResult:
        """Match a scanned item against the claim's units not yet scanned."""
        code = interpret_scan(text)
        if isinstance(code, InvalidScan):
            return ReturnScanResult(ReturnScanOutcome.INVALID, recordable(text.strip(), 60), detail=code.detail)
        keys = {code.text, code.key}
        for unit in self.units:
            if unit.external_id in self._conditions or not keys & unit.keys:
                continue
            self._conditions[unit.external_id] = ReturnCondition.RESELLABLE
            self._scanned.append(unit.external_id)
            self.last = unit.external_id
            return ReturnScanResult(ReturnScanOutcome.MATCHED, code.key, unit)
        self.not_ours.append(code.key)
        return ReturnScanResult(ReturnScanOutcome.NOT_OURS, code.key)

    def would_match(self, text: str) -> bool:
        """Whether ``text`` names a claimed unit not scanned yet (nothing changes)."""
        code = interpret_scan(text)
        if isinstance(code, InvalidScan):
            return False
        keys = {code.text, code.key}
        return any(unit.external_id not in self._conditions and keys & unit.keys for unit in self.units)

    def set_condition(self, condition: ReturnCondition) -> ClaimedUnit:
        """Judge the unit scanned last as ``condition``; MISSING instead marks every unit not scanned."""
        if condition is ReturnCondition.MISSING:
            raise ReturnSessionError("missing applies to the units not scanned: use mark_missing")
        if self.last is None:
            raise ReturnSessionError("scan an item first")
        self._conditions[self.last] = condition
        return self.unit(self.last)

    def mark_missing(self) -> tuple[ClaimedUnit, ...]:
        """Every unit not scanned is declared missing (claimed, not in the box)."""
        missing = tuple(unit for unit in self.units if unit.external_id not in self._conditions)
        for unit in missing:
            self._conditions[unit.external_id] = ReturnCondition.MISSING
        return missing

    def unit(self, external_id: str) -> ClaimedUnit:
        """The unit with this claim item id."""
        return next(unit for unit in self.units if unit.external_id == external_id)

    def condition(self, external_id: str) -> ReturnCondition | None:
        """The unit's condition so far; None while it is neither scanned nor declared missing."""
        return self._conditions.get(external_id)

    @property
    def unjudged(self) -> tuple[ClaimedUnit, ...]:
        """Units neither scanned nor declared missing."""
        return tuple(unit for unit in self.units if unit.external_id not in self._conditions)

    @property
    def is_complete(self) -> bool:
        """Every unit has a condition."""
        return not self.unjudged

    def decisions(self) -> tuple[UnitDecision, ...]:
        """Each unit's decision, in claim order; raises while any unit is unjudged."""
        if not self.is_complete:
            raise ReturnSessionError(f"{len(self.unjudged)} claimed unit(s) not judged yet")
        scanned = set(self._scanned)
        return tuple(
            UnitDecision(unit, self._conditions[unit.external_id], unit.external_id in scanned) for unit in self.units
        )
