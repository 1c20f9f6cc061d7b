"""Counting one bin at the station: scan the bin, scan what is in it, confirm. Pure, no I/O.

A :class:`BinCount` starts from what the books say the bin holds and adds up the items scanned
(a case barcode counts its multiplier). It is *blind*: the screen lists the products it expects and what
was scanned, not the expected quantities, so the counter counts rather than confirms. On confirmation
the differences (:meth:`BinCount.differences`) become stock adjustments with reason ``count``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from packstation.domain.catalogue import BarcodeIndex
from packstation.domain.scan import clean_scan, recordable, unreadable
from packstation.domain.scan_messages import invalid_message
from packstation.i18n import _


class CountOutcome(StrEnum):
    """What one scan during a count meant."""

    COUNTED = "counted"
    UNKNOWN = "unknown"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class CountScan:
    """The answer to one scan: which product, how many units it counted, the product's total so far."""

    outcome: CountOutcome
    message: str
    product_id: int | None = None
    units: int = 0
    total: int = 0


@dataclass(frozen=True)
class CountDifference:
    """A product whose counted units differ from the books."""

    product_id: int
    expected: int
    counted: int

    @property
    def delta(self) -> int:
        """What the adjustment adds (negative: units missing)."""
        return self.counted - self.expected


@dataclass
class BinCount:
    """One bin being counted."""

    bin_id: int
    bin_code: str
    catalogue: BarcodeIndex
    #: Product id -> units the books say the bin holds (products with a place there, 0 included).
    expected: Mapping[int, int]
    names: dict[int, str] = field(default_factory=dict)
    layout_repair: Callable[[str], str] | None = None
    _counted: dict[int, int] = field(default_factory=dict, init=False, repr=False)
    _history: list[tuple[int, int]] = field(default_factory=list, init=False, repr=False)

    def scan(self, text: str) -> CountScan:
        """Count one scanned item (or case)."""
        refused = unreadable(text)
        if refused is not None:
            return CountScan(CountOutcome.UNREADABLE, invalid_message(refused.reason))
        code = clean_scan(text).strip()
        hit = self.catalogue.lookup(code)
        if hit is None and self.layout_repair is not None:
            hit = self.catalogue.lookup(self.layout_repair(code))
        if hit is None:
            return CountScan(
                CountOutcome.UNKNOWN,
                _("Unknown barcode {code}: not counted. Put the item aside for a supervisor.").format(
                    code=recordable(code, 60)
                ),
            )
        product_id = int(hit.product.product_id)
        self._counted[product_id] = self._counted.get(product_id, 0) + hit.multiplier
        self._history.append((product_id, hit.multiplier))
        name = self.names.get(product_id) or hit.product.name or hit.product.stock_code
        self.names.setdefault(product_id, name)
        return CountScan(
            CountOutcome.COUNTED,
            _("{name}: {total} counted").format(name=name, total=self._counted[product_id]),
            product_id,
            hit.multiplier,
            self._counted[product_id],
        )

    def undo(self) -> int | None:
        """Take back the last scan; returns its product id (None when nothing was scanned)."""
        if not self._history:
            return None
        product_id, units = self._history.pop()
        self._counted[product_id] -= units
        if self._counted[product_id] == 0:
            del self._counted[product_id]
        return product_id

    def set_counted(self, product_id: int, units: int) -> None:
        """Type a product's count instead of scanning every unit (a full box of 40, say)."""
        if units < 0:
            raise ValueError(_("a count is 0 or more"))
        self._counted[product_id] = units
        self._history = [entry for entry in self._history if entry[0] != product_id]

    @property
    def counted(self) -> Mapping[int, int]:
        """Product id -> units counted so far."""
        return dict(self._counted)

    @property
    def scans(self) -> int:
        """Scans taken (undone ones excluded)."""
        return len(self._history)

    def products(self) -> list[int]:
        """Every product expected or counted, expected ones first."""
        seen = list(self.expected)
        return seen + [pid for pid in self._counted if pid not in self.expected]

    def differences(self, books: Mapping[int, int] | None = None) -> list[CountDifference]:
        """Products whose count differs from ``books`` (default: what was expected when the count began)."""
        books = self.expected if books is None else books
        return [
            CountDifference(pid, books.get(pid, 0), self._counted.get(pid, 0))
            for pid in sorted(set(books) | set(self._counted))
            if books.get(pid, 0) != self._counted.get(pid, 0)
        ]
