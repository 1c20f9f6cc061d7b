"""Turn laid-out pages into a PDF with the label font embedded (reportlab subsets it).

Speed matters because a PDF label is built while the packer waits: the font is parsed once,
barcodes are drawn as one path of merged bars, and the QR matrix comes from ``qrcode`` with a
fixed mask (the mask search is 85% of its run time and any mask scans) and is cached per payload,
so a reprint or a retry costs nothing.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from functools import lru_cache

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_Q
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from packstation.services.labels.elements import Align, Box, Code128, Element, Page, QrCode, TextBlock
from packstation.services.labels.fonts import LabelFonts
from packstation.services.labels.validation import MAX_MODULE_MM

#: Where the baseline sits below the top of a text line, as a fraction of the font size; the
#: same place a Zebra printer puts it for ``^A@`` TTF fonts, so PDF and ZPL labels look alike.
BASELINE = 0.76
# Any of the eight masks is readable; a fixed one skips qrcode's slow penalty evaluation.
_QR_MASK = 2


@lru_cache(maxsize=256)
def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    """The QR module matrix (error correction Q, no quiet zone) for ``data``, cached."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=0, mask_pattern=_QR_MASK)
    code.add_data(data)
    code.make(fit=True)
    return tuple(tuple(row) for row in code.get_matrix())


@lru_cache(maxsize=256)
def qr_image(data: str) -> ImageReader:
    """The QR code of ``data`` as a 1-bit image, one pixel per module, cached."""
    matrix = qr_matrix(data)
    image = Image.new("1", (len(matrix), len(matrix)), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    return ImageReader(image)


def _runs(cells: Iterable[bool]) -> list[tuple[int, int]]:
    """(start, length) of each run of dark cells."""
    runs: list[tuple[int, int]] = []
    start = -1
    index = 0
    for index, dark in enumerate(cells):
        if dark and start < 0:
            start = index
        elif not dark and start >= 0:
            runs.append((start, index - start))
            start = -1
    if start >= 0:
        runs.append((start, index + 1 - start))
    return runs


class PdfRenderer:
    """Renders :class:`Page` objects into one PDF document."""

    def __init__(self, fonts: LabelFonts) -> None:
        fonts.register_for_pdf()
        self._fonts = fonts

    def render(self, pages: list[Page] | tuple[Page, ...], *, title: str = "") -> bytes:
        """A PDF with one page per :class:`Page`."""
        buffer = io.BytesIO()
        first = pages[0]
        canvas = Canvas(
            buffer,
            pagesize=(first.width * mm, first.height * mm),
            invariant=True,
            pageCompression=1,
            initialFontName=self._fonts.regular.pdf_name,  # type: ignore[arg-type]  # stubs mistype it as float
        )
        canvas.setTitle(title)
        canvas.setCreator("PackStation")
        for page in pages:
            canvas.setPageSize((page.width * mm, page.height * mm))
            for element in page.elements:
                self._element(canvas, page, element)
            canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    def _element(self, canvas: Canvas, page: Page, element: Element) -> None:
        if isinstance(element, TextBlock):
            self._text(canvas, page, element)
        elif isinstance(element, Code128):
            self._code128(canvas, page, element)
        elif isinstance(element, QrCode):
            self._qr(canvas, page, element)
        else:
            self._box(canvas, page, element)

    def _text(self, canvas: Canvas, page: Page, block: TextBlock) -> None:
        fitted = block.text
        canvas.setFont(self._fonts.face(bold=fitted.bold).pdf_name, fitted.size * mm)
        for number, line in enumerate(fitted.lines):
            baseline = (page.height - block.y - number * fitted.line_pitch - BASELINE * fitted.size) * mm
            if block.align is Align.LEFT:
                canvas.drawString(block.x * mm, baseline, line)
            elif block.align is Align.CENTER:
                canvas.drawCentredString((block.x + block.width / 2) * mm, baseline, line)
            else:
                canvas.drawRightString((block.x + block.width) * mm, baseline, line)

    def _code128(self, canvas: Canvas, page: Page, symbol: Code128) -> None:
        module = min(symbol.width / len(symbol.modules), MAX_MODULE_MM)
        left = symbol.x + (symbol.width - module * len(symbol.modules)) / 2
        bottom = (page.height - symbol.y - symbol.height) * mm
        path = canvas.beginPath()
        for start, length in _runs(bit == "1" for bit in symbol.modules):
            path.rect((left + start * module) * mm, bottom, length * module * mm, symbol.height * mm)
        canvas.drawPath(path, stroke=0, fill=1)

    def _qr(self, canvas: Canvas, page: Page, symbol: QrCode) -> None:
        # One pixel per module, scaled up by the viewer: a few hundred bytes instead of a path
        # of hundreds of rectangles, each formatted as text by reportlab.
        image = qr_image(symbol.data)
        canvas.drawImage(
            image, symbol.x * mm, (page.height - symbol.y - symbol.size) * mm, symbol.size * mm, symbol.size * mm
        )

    def _box(self, canvas: Canvas, page: Page, box: Box) -> None:
        canvas.rect(
            box.x * mm, (page.height - box.y - box.height) * mm, box.width * mm, box.height * mm, stroke=0, fill=1
        )
