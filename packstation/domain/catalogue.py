"""The catalogue as the packing engine sees it: every barcode a product answers to.

A product has its marketplace barcode plus any number of other unit barcodes (old labels, supplier
EANs) and case/pack barcodes that count as several units per scan. Pure data, built once per
package from whatever the database or the station cache holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from packstation.domain.scan import barcode_key


class CatalogueError(ValueError):
    """Catalogue data the engine cannot use (duplicate barcode, bad multiplier); the message says which."""


@dataclass(frozen=True)
class CatalogueBarcode:
    """One barcode of a product; ``multiplier`` is the units one scan counts (6 for a six-pack case)."""

    barcode: str
    multiplier: int = 1

    def __post_init__(self) -> None:
        if not self.barcode.strip():
            raise CatalogueError("a catalogue barcode cannot be empty")
        if self.multiplier < 1:
            raise CatalogueError(f"barcode {self.barcode!r} has multiplier {self.multiplier}; it must be at least 1")


@dataclass(frozen=True)
class CatalogueProduct:
    """A product and all its barcodes."""

    product_id: str
    stock_code: str
    barcodes: tuple[CatalogueBarcode, ...]
    name: str = ""


@dataclass(frozen=True)
class CatalogueHit:
    """The product a barcode belongs to and how many units one scan of it counts."""

    product: CatalogueProduct
    multiplier: int


class BarcodeIndex:
    """Read-only look-up from barcode (GTIN-normalised) to product; safe to share between threads."""

    def __init__(self, products: Iterable[CatalogueProduct] = ()) -> None:
        by_key: dict[str, CatalogueHit] = {}
        by_stock_code: dict[str, CatalogueProduct] = {}
        for product in products:
            for entry in product.barcodes:
                for key in {barcode_key(entry.barcode), entry.barcode.strip()}:
                    hit = CatalogueHit(product, entry.multiplier)
                    existing = by_key.get(key)
                    if existing is not None and existing != hit:
                        # One barcode, two meanings: counting either would be a guess, so refuse the data.
                        raise CatalogueError(
                            f"barcode {entry.barcode!r} belongs to both {existing.product.product_id!r} "
                            f"(x{existing.multiplier}) and {product.product_id!r} (x{entry.multiplier})"
                        )
                    by_key[key] = hit
            if product.stock_code:
                by_stock_code.setdefault(product.stock_code, product)
        self._by_key: Mapping[str, CatalogueHit] = MappingProxyType(by_key)
        self._by_stock_code: Mapping[str, CatalogueProduct] = MappingProxyType(by_stock_code)

    def __len__(self) -> int:
        return len(self._by_key)

    def lookup(self, code: str) -> CatalogueHit | None:
        """The product behind ``code`` (a raw barcode or a look-up key), or None."""
        return self._by_key.get(barcode_key(code)) or self._by_key.get(code.strip())

    def product_for(self, *, barcode: str, stock_code: str) -> CatalogueProduct | None:
        """The catalogue product a package line is for: by its unit barcode, else by its stock code.

        A line whose barcode is a case barcode is a line of cases, not of units, so it is not linked to
        the unit product (scanning one unit must not count as one case).
        """
        hit = self.lookup(barcode)
        if hit is not None:
            return hit.product if hit.multiplier == 1 else None
        return self._by_stock_code.get(stock_code) if stock_code else None
