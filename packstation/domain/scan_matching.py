"""Which line of a package a scan means: by the line's barcode, else by the catalogue's product (a case
barcode counts its multiplier), and whether there is room left on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from packstation.domain.catalogue import BarcodeIndex
from packstation.domain.outcomes import ScanOutcome
from packstation.domain.package import Package
from packstation.domain.scan import InvalidReason, InvalidScan, ScannedCode, barcode_key, interpret_scan


@dataclass(frozen=True)
class LineMatch:
    """A decision before it is applied: lets a layout-repaired retry be compared with the first try."""

    outcome: ScanOutcome
    code: str = ""
    line_index: int | None = None
    product_id: str | None = None
    units: int = 0
    invalid_reason: InvalidReason | None = None
    detail: str = ""


class LineMatcher:
    """Matches scanned text against one package's lines; holds no counts (the session passes ``remaining``)."""

    def __init__(self, package: Package, catalogue: BarcodeIndex) -> None:
        self._catalogue = catalogue
        self._lines_by_key: dict[str, list[int]] = {}
        self._lines_by_product: dict[str, list[int]] = {}
        for index, line in enumerate(package.lines):
            for key in {barcode_key(line.barcode), line.barcode.strip()}:
                self._lines_by_key.setdefault(key, []).append(index)
            product = catalogue.product_for(barcode=line.barcode, stock_code=line.stock_code)
            if product is not None:
                self._lines_by_product.setdefault(product.product_id, []).append(index)

    def match(self, text: str, remaining: Callable[[int], int]) -> LineMatch:
        """What ``text`` means for this package; ``remaining(i)`` is how many units line ``i`` still needs."""
        code = interpret_scan(text)
        if isinstance(code, InvalidScan):
            return LineMatch(ScanOutcome.INVALID, invalid_reason=code.reason, detail=code.detail)
        candidates = self._lines_for(code)
        units = 1
        product_id: str | None = None
        if not candidates:
            hit = self._catalogue.lookup(code.key) or self._catalogue.lookup(code.text)
            if hit is None:
                if code.suspect_gtin:
                    return LineMatch(
                        ScanOutcome.INVALID,
                        code=code.key,
                        invalid_reason=InvalidReason.BAD_CHECK_DIGIT,
                        detail=f"{code.text} looks like a GTIN but its check digit is wrong",
                    )
                return LineMatch(ScanOutcome.UNKNOWN_BARCODE, code=code.key)
            product_id = hit.product.product_id
            candidates = self._lines_by_product.get(product_id, [])
            if not candidates:
                return LineMatch(ScanOutcome.WRONG_ITEM, code=code.key, product_id=product_id)
            units = hit.multiplier
        # Several lines can share a product (a marketplace splits quantities); fill them in order.
        for index in candidates:
            if remaining(index) >= units:
                return LineMatch(ScanOutcome.ACCEPTED, code.key, index, product_id, units)
        open_lines = [i for i in candidates if remaining(i) > 0]
        return LineMatch(ScanOutcome.OVER_SCAN, code.key, (open_lines or candidates)[0], product_id, units)

    def _lines_for(self, code: ScannedCode) -> list[int]:
        # Exact text first: a seller's numeric code with a "wrong" check digit is still that line's barcode.
        return self._lines_by_key.get(code.text) or self._lines_by_key.get(code.key) or []
