"""The label fonts: one TTF pair used for measuring, for PDF embedding and for the printer.

Helvetica and the printer's built-in font 0 have no ğ ş ı İ, so every label uses a DejaVu Sans
subset (``scripts/make_label_fonts.py``). PDFs embed it; thermal printers receive it once as a
``~DY`` download job to flash and the ZPL refers to it by name. The same TTF metrics measure
text for both outputs, so a line that fits in the PDF fits on the printer.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from packstation.resources import resource_path

FONTS_DIR = resource_path("fonts")

# reportlab keeps registered fonts in a process-wide table, so registration is once per process.
_register_lock = threading.Lock()


@dataclass(frozen=True)
class LabelFont:
    """One face of the label font: its TTF file, its reportlab name and its printer file name."""

    path: Path
    pdf_name: str
    #: Printer storage name without drive or extension (Zebra allows up to 8 characters).
    printer_name: str
    #: Printer drive: ``E:`` is flash, so the font survives a power cycle on real printers.
    printer_drive: str = "E"

    @property
    def zpl_reference(self) -> str:
        """The font as a ``^A@`` command names it, e.g. ``E:PSFONT.TTF``."""
        return f"{self.printer_drive}:{self.printer_name}.TTF"

    def download_zpl(self) -> bytes:
        """A ``~DY`` job that stores this TTF on the printer (binary form, as ``~DU`` hex doubles it)."""
        data = self.path.read_bytes()
        header = f"~DY{self.printer_drive}:{self.printer_name},B,T,{len(data)},,"
        return header.encode("ascii") + data


@dataclass(frozen=True)
class LabelFonts:
    """The regular and bold faces every label uses."""

    regular: LabelFont
    bold: LabelFont

    def face(self, *, bold: bool) -> LabelFont:
        """The bold or the regular face."""
        return self.bold if bold else self.regular

    def register_for_pdf(self) -> None:
        """Register both faces with reportlab (idempotent, thread-safe)."""
        with _register_lock:
            registered = set(pdfmetrics.getRegisteredFontNames())
            for font in (self.regular, self.bold):
                if font.pdf_name not in registered:
                    pdfmetrics.registerFont(TTFont(font.pdf_name, str(font.path)))

    def width(self, text: str, size: float, *, bold: bool = False) -> float:
        """Advance width of ``text`` at ``size`` (any unit: the result is in the same unit)."""
        return pdfmetrics.stringWidth(text, self.face(bold=bold).pdf_name, size)

    def download_job(self) -> bytes:
        """The one-time printer job that stores both faces; send it before the first label."""
        return self.regular.download_zpl() + self.bold.download_zpl()

    def missing_glyphs(self, text: str) -> str:
        """The characters of ``text`` the font cannot draw (empty when all are covered)."""
        font = pdfmetrics.getFont(self.regular.pdf_name)
        if not isinstance(font, TTFont):  # registered by this class, so always a TrueType font
            raise TypeError(f"{self.regular.pdf_name} is not a TrueType font")
        face = font.face
        # charToGlyph maps code points to glyph ids; anything absent would print as a box.
        covered = face.charToGlyph
        return "".join(sorted({ch for ch in text if ord(ch) not in covered and ch not in "\n\t"}))


def default_label_fonts(fonts_dir: Path = FONTS_DIR) -> LabelFonts:
    """The PackStation label fonts from ``resources/fonts``, registered for reportlab."""
    fonts = LabelFonts(
        regular=LabelFont(fonts_dir / "PackStationLabel.ttf", "PackStationLabel", "PSFONT"),
        bold=LabelFont(fonts_dir / "PackStationLabel-Bold.ttf", "PackStationLabel-Bold", "PSFONTB"),
    )
    fonts.register_for_pdf()
    return fonts
