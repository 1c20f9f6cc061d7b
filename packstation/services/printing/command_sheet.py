"""The printable command sheet: one Code 128 barcode per packing command, named in Turkish and English.

Packers pin it next to the station and scan "complete", "reprint"... instead of reaching for the
keyboard. The payloads come from :mod:`packstation.domain.command_barcodes` (A–Z and digits only, so they
read the same through any keyboard layout).
"""

from __future__ import annotations

import logging
from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from packstation.domain.command_barcodes import COMMAND_LABELS
from packstation.resources import resource_path

logger = logging.getLogger("packstation.services.printing.command_sheet")

FONT_DIR = resource_path("fonts")
_REGULAR = "DejaVuSans"
_BOLD = "DejaVuSans-Bold"

# Wide bars and a tall symbol: the sheet is scanned from arm's length, often at an angle.
_BAR_WIDTH = 0.45 * mm
_BAR_HEIGHT = 15 * mm
_MARGIN = 12 * mm
_TITLE_HEIGHT = 20 * mm
_GREY = Color(0.6, 0.6, 0.6)


def _register_fonts() -> None:
    # Reportlab's built-in Helvetica has no ğ, ş, ı, İ: the Turkish names need a TTF.
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name in (_REGULAR, _BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"{name}.ttf")))


def render_command_sheet(path: Path | str, *, station_name: str = "") -> None:
    """Write the A4 command sheet PDF to ``path`` (parent folder must exist)."""
    _register_fonts()
    target = Path(path)
    page_width, page_height = A4
    canvas = Canvas(str(target), pagesize=A4)
    canvas.setTitle("PackStation komut barkodları / command barcodes")
    canvas.setAuthor("PackStation")

    top = page_height - _MARGIN
    canvas.setFont(_BOLD, 18)
    canvas.drawString(_MARGIN, top - 8 * mm, "Komut barkodları")
    canvas.setFont(_REGULAR, 11)
    subtitle = "Command barcodes" + (f"  ·  {station_name}" if station_name else "")
    canvas.drawString(_MARGIN, top - 14 * mm, subtitle)

    rows = len(COMMAND_LABELS)
    row_height = (page_height - 2 * _MARGIN - _TITLE_HEIGHT - 8 * mm) / rows
    y = top - _TITLE_HEIGHT
    for label in COMMAND_LABELS:
        canvas.setStrokeColor(_GREY)
        canvas.setLineWidth(0.5)
        canvas.line(_MARGIN, y, page_width - _MARGIN, y)
        # Centre the block (barcode plus its caption, ~23 mm) in the row, so rows are easy to tell apart.
        block_top = y - (row_height - 23 * mm) / 2
        canvas.setFillColor(black)
        canvas.setFont(_BOLD, 15)
        canvas.drawString(_MARGIN, block_top - 9 * mm, label.turkish)
        canvas.setFont(_REGULAR, 11)
        canvas.drawString(_MARGIN, block_top - 14.5 * mm, label.english)
        barcode = Code128(
            label.command.payload,
            barWidth=_BAR_WIDTH,
            barHeight=_BAR_HEIGHT,
            humanReadable=False,
            quiet=True,
        )
        x = page_width - _MARGIN - barcode.width
        barcode.drawOn(canvas, x, block_top - 4 * mm - _BAR_HEIGHT)
        canvas.setFont(_REGULAR, 8)
        canvas.drawCentredString(x + barcode.width / 2, block_top - 8 * mm - _BAR_HEIGHT, label.command.payload)
        y -= row_height
    canvas.setStrokeColor(_GREY)
    canvas.line(_MARGIN, y, page_width - _MARGIN, y)
    canvas.setFont(_REGULAR, 7.5)
    canvas.setFillColor(_GREY)
    canvas.drawString(
        _MARGIN, _MARGIN + 3.5 * mm, "Barkodlar yalnızca A–Z ve 0–9 içerir: her klavye düzeninde aynı okunur."
    )
    canvas.drawString(_MARGIN, _MARGIN, "Letters and digits only: they read the same on any keyboard layout.")
    canvas.showPage()
    canvas.save()
    logger.info("command sheet written path=%s commands=%d", target, rows)
