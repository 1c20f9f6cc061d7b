"""The package being packed, as the scan-to-verify rules see it: its lines, each a barcode and a quantity."""

from __future__ import annotations

from dataclasses import dataclass


class PackageDataError(ValueError):
    """A package that cannot be packed as given (no lines, duplicate line id, bad quantity)."""


@dataclass(frozen=True)
class PackageLine:
    """One marketplace line: ``quantity`` units of the item with ``barcode``."""

    line_id: str
    barcode: str
    quantity: int
    stock_code: str = ""
    name: str = ""
    colour: str = ""
    size: str = ""

    def __post_init__(self) -> None:
        if not self.line_id:
            raise PackageDataError("a package line needs its external line id")
        if not self.barcode.strip():
            raise PackageDataError(f"line {self.line_id!r} has no barcode")
        if self.quantity < 1:
            raise PackageDataError(f"line {self.line_id!r} has quantity {self.quantity}; it must be at least 1")


@dataclass(frozen=True)
class Package:
    """The marketplace shipment package being packed."""

    package_id: str
    lines: tuple[PackageLine, ...]
    order_number: str = ""

    def __post_init__(self) -> None:
        if not self.lines:
            raise PackageDataError(f"package {self.package_id!r} has no lines")
        ids = [line.line_id for line in self.lines]
        if len(set(ids)) != len(ids):
            raise PackageDataError(f"package {self.package_id!r} repeats a line id: {ids}")

    @property
    def total_units(self) -> int:
        """Units in the package."""
        return sum(line.quantity for line in self.lines)
