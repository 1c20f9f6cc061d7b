"""The marketplaces PackStation talks to, and the label formats a label can come in: one definition each."""

from __future__ import annotations

from enum import StrEnum


class Marketplace(StrEnum):
    """A marketplace (also an account's ``kind`` in the settings and ``marketplace_accounts.kind``)."""

    TRENDYOL = "trendyol"
    HEPSIBURADA = "hepsiburada"
    N11 = "n11"

    @property
    def display_name(self) -> str:
        """The name a seller knows the marketplace by (printed on labels as is)."""
        return _DISPLAY_NAMES[self]

    @classmethod
    def of(cls, kind: str) -> Marketplace | None:
        """The marketplace ``kind`` names; None for anything else (a test label, an unknown account kind)."""
        try:
            return cls(kind)
        except ValueError:
            return None


_DISPLAY_NAMES = {
    Marketplace.TRENDYOL: "Trendyol",
    Marketplace.HEPSIBURADA: "Hepsiburada",
    Marketplace.N11: "N11",
}


class LabelFormat(StrEnum):
    """The byte format of a label: the one we render, the one a marketplace issues, the one a printer is sent.

    Transports use it for file names and spooler options; the print-job store keeps its value.
    """

    ZPL = "zpl"
    PDF = "pdf"

    @property
    def extension(self) -> str:
        """File extension for a spooled job of this format."""
        return self.value


class RasterFormat(StrEnum):
    """A picture a marketplace issues as a label (Hepsiburada's ``png`` and ``jpg`` shared barcodes).

    Never sent to a printer as it is: the station draws it into the printer's :class:`LabelFormat`
    (a ZPL graphic for a thermal printer, a PDF page for an office printer).
    """

    PNG = "png"
    JPEG = "jpeg"
