"""Turn laid-out pages into ZPL II for thermal printers: text only, no sockets here.

Every format starts with ``^CI28`` (field data is UTF-8) and draws text in the downloaded label
font (``^A@N,h,w,E:PSFONT.TTF``), because the printer's font 0 has no Turkish letters. Text
blocks use ``^FB`` with the line count the layout measured and explicit ``\\&`` breaks, so the
printer breaks lines exactly where the TTF metrics said they fit.
"""

from __future__ import annotations

from packstation.i18n import _
from packstation.services.labels.elements import Box, Code128, Element, Page, QrCode, TextBlock
from packstation.services.labels.errors import LabelValidationError
from packstation.services.labels.fonts import LabelFonts
from packstation.services.labels.model import PrinterDpi
from packstation.services.labels.validation import MAX_MODULE_MM, MIN_MODULE_MM

# Bytes a QR code of version n (index n-1) holds at error correction Q in byte mode (ISO/IEC 18004).
_QR_Q_BYTE_CAPACITY = (11, 20, 32, 46, 60, 74, 86, 108, 130, 151, 177, 203, 241, 258, 292, 322, 364, 394, 442, 482)
#: The QR error-correction level both outputs use: Q survives a quarter of the symbol scuffed.
QR_ERROR_CORRECTION = "Q"
# ^FH hex escapes for the characters ZPL would read as commands; "\" would start a ^FB escape.
_FIELD_ESCAPES = str.maketrans({"_": "_5F", "^": "_5E", "~": "_7E", "\\": "_5C"})


def escape_field(text: str) -> str:
    """Escape ``text`` for a ``^FH^FD`` field so no character is read as a command."""
    return text.translate(_FIELD_ESCAPES)


def qr_version_for(data: str) -> int:
    """Smallest QR version whose byte-mode capacity at level Q holds ``data`` (an upper bound)."""
    length = len(data.encode("utf-8"))
    for version, capacity in enumerate(_QR_Q_BYTE_CAPACITY, start=1):
        if length <= capacity:
            return version
    raise LabelValidationError("QR code", _("The QR code content is too long ({length} bytes).").format(length=length))


class ZplRenderer:
    """Renders :class:`Page` objects at one print-head resolution."""

    def __init__(self, fonts: LabelFonts, dpi: PrinterDpi) -> None:
        self._fonts = fonts
        self._dpmm = dpi.dots_per_mm

    def dots(self, mm: float) -> int:
        """Millimetres to whole dots."""
        return round(mm * self._dpmm)

    def render(self, pages: tuple[Page, ...] | list[Page]) -> bytes:
        """One ``^XA...^XZ`` format per page, UTF-8 encoded."""
        return "".join(self._page(page) for page in pages).encode("utf-8")

    def _page(self, page: Page) -> str:
        # Floor, not round: a 4 in label is 812 dots at 8 dots/mm, and one dot too many wraps.
        parts = [
            "^XA^CI28",
            f"^PW{int(page.width * self._dpmm)}^LL{int(page.height * self._dpmm)}^LH0,0",
        ]
        for element in page.elements:
            parts.append(self._element(element))
        parts.append("^XZ\n")
        return "".join(parts)

    def _element(self, element: Element) -> str:
        if isinstance(element, TextBlock):
            return self._text(element)
        if isinstance(element, Code128):
            return self._code128(element)
        if isinstance(element, QrCode):
            return self._qr(element)
        return self._box(element)

    def _text(self, block: TextBlock) -> str:
        fitted = block.text
        height = max(1, self.dots(fitted.size))
        pitch = self.dots(fitted.line_pitch)
        font = self._fonts.face(bold=fitted.bold).zpl_reference
        body = "\\&".join(escape_field(line) for line in fitted.lines)
        return (
            f"^FO{self.dots(block.x)},{self.dots(block.y)}^A@N,{height},{height},{font}"
            f"^FB{self.dots(block.width)},{len(fitted.lines)},{pitch - height},{block.align.value},0"
            f"^FH^FD{body}^FS"
        )

    def _code128(self, symbol: Code128) -> str:
        count = len(symbol.modules)
        module = min(self.dots(symbol.width) // count, self.dots(MAX_MODULE_MM))
        if module < max(1, self.dots(MIN_MODULE_MM)):
            raise LabelValidationError(
                "barcode", _("{data!r} is too long to print as a scannable barcode.").format(data=symbol.data)
            )
        left = self.dots(symbol.x) + (self.dots(symbol.width) - module * count) // 2
        return (
            f"^FO{left},{self.dots(symbol.y)}^BY{module}"
            f"^BCN,{self.dots(symbol.height)},N,N,N,A^FH^FD{escape_field(symbol.data)}^FS"
        )

    def _qr(self, symbol: QrCode) -> str:
        modules = 17 + 4 * qr_version_for(symbol.data)
        magnification = max(1, min(10, self.dots(symbol.size) // modules))
        return (
            f"^FO{self.dots(symbol.x)},{self.dots(symbol.y)}^BQN,2,{magnification}"
            f"^FH^FD{QR_ERROR_CORRECTION}A,{escape_field(symbol.data)}^FS"
        )

    def _box(self, box: Box) -> str:
        width, height = max(1, self.dots(box.width)), max(1, self.dots(box.height))
        return f"^FO{self.dots(box.x)},{self.dots(box.y)}^GB{width},{height},{min(width, height)}^FS"
