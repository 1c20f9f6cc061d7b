"""A marketplace's label issued as a picture (PNG, JPEG), drawn for the station's printer.

Hepsiburada gives some carriers' shared barcodes as ``png`` or ``jpg`` only. A thermal printer takes no
pictures, so each one becomes a ZPL graphic (``^GFA``): turned upright if it is landscape on portrait stock,
scaled to fit the label at the print head's resolution, and cut to black and white at mid-grey (no
dithering: a dithered barcode edge does not scan). The rows travel in ZPL's ASCII compression (repeat
counts, ``,`` for a row's white rest, ``:`` for a repeated row), which every ZPL printer reads; a mostly
white label shrinks several times over plain hex. An office printer gets a PDF page per picture instead,
in grey, at the label's size.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from packstation.i18n import _
from packstation.services.labels.errors import LabelValidationError
from packstation.services.labels.model import LabelSize, PrinterDpi

#: Largest picture accepted (pixels): a label at 300 dpi is under 3 million; this refuses a decompression bomb.
MAX_PIXELS = 40_000_000
#: Grey level (0-255) below which a pixel prints black.
THRESHOLD = 128
_FIELD = "marketplace label"


def open_picture(data: bytes, index: int = 1) -> Image.Image:
    """The picture in ``data`` (PNG or JPEG) as greyscale, checked; raises :class:`LabelValidationError`."""
    try:
        with Image.open(io.BytesIO(data)) as picture:
            if picture.format not in ("PNG", "JPEG"):
                raise LabelValidationError(
                    _FIELD, _("Label {index} from the marketplace is not a PNG or JPEG picture.").format(index=index)
                )
            if picture.width * picture.height > MAX_PIXELS:
                raise LabelValidationError(
                    _FIELD, _("Label {index} from the marketplace is too large a picture.").format(index=index)
                )
            picture.load()
            if picture.mode in ("RGBA", "LA", "P"):
                # Transparent parts are paper: flatten on white before going grey.
                rgba = picture.convert("RGBA")
                white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                return Image.alpha_composite(white, rgba).convert("L")
            return ImageOps.exif_transpose(picture).convert("L")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise LabelValidationError(
            _FIELD,
            _("Label {index} from the marketplace is not a readable picture: {error}").format(index=index, error=exc),
        ) from exc


def _fitted(picture: Image.Image, width: int, height: int) -> Image.Image:
    """``picture`` upright for portrait stock and scaled to fit ``width`` x ``height``, aspect kept."""
    if picture.width > picture.height and width < height:
        picture = picture.rotate(90, expand=True)
    scale = min(width / picture.width, height / picture.height)
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    return picture.resize(size, Image.Resampling.LANCZOS) if size != picture.size else picture


def pictures_zpl(pictures: Sequence[bytes], *, size: LabelSize, dpi: PrinterDpi) -> bytes:
    """One ZPL label per picture, each the picture as a graphic filling the label."""
    width, height = round(size.width_mm * dpi.dots_per_mm), round(size.height_mm * dpi.dots_per_mm)
    labels = []
    for index, data in enumerate(pictures, start=1):
        picture = _fitted(open_picture(data, index), width, height)
        black = picture.point(lambda grey: 255 if grey < THRESHOLD else 0).convert("1", dither=Image.Dither.NONE)
        row_bytes = (black.width + 7) // 8
        # Mode "1" packs 8 pixels a byte, most significant first, rows padded to whole bytes: ZPL's layout.
        raw = black.tobytes()
        left, top = (width - black.width) // 2, (height - black.height) // 2
        graphic = compress_rows(raw, row_bytes)
        labels.append(
            f"^XA^PW{width}^LL{height}^LH0,0^FO{left},{top}^GFA,{len(raw)},{len(raw)},{row_bytes},{graphic}^FS^XZ"
        )
    return "\n".join(labels).encode("ascii")


def compress_rows(raw: bytes, row_bytes: int) -> str:
    """ZPL ASCII-compressed hex of ``raw`` (rows of ``row_bytes``): the Zebra programming guide's scheme."""
    rows = []
    previous = None
    for start in range(0, len(raw), row_bytes):
        text = raw[start : start + row_bytes].hex().upper()
        if text == previous:
            rows.append(":")
            continue
        previous = text
        stripped = text.rstrip("0")
        rows.append(_runs(stripped) + ("," if len(stripped) < len(text) else ""))
    return "".join(rows)


def _runs(text: str) -> str:
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        end = index
        while end < len(text) and text[end] == char:
            end += 1
        count = end - index
        out.append(_count(count) + char if count > 1 else char)
        index = end
    return "".join(out)


def _count(count: int) -> str:
    """A repeat count in ZPL letters: g-z are 20-400 in twenties, G-Y are 1-19; they add up."""
    letters = []
    while count >= 400:
        letters.append("z")
        count -= 400
    if count >= 20:
        letters.append(chr(ord("g") + count // 20 - 1))
        count %= 20
    if count:
        letters.append(chr(ord("G") + count - 1))
    return "".join(letters)


def pictures_pdf(pictures: Sequence[bytes], *, size: LabelSize) -> bytes:
    """A PDF with one label-sized page per picture, the picture fitted on it."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(size.width_mm * mm, size.height_mm * mm), pageCompression=1)
    canvas.setTitle(_("Marketplace label"))
    dots = 300 / 25.4  # fitted at 300 dpi: sharp enough for any office printer, small enough to send
    width, height = round(size.width_mm * dots), round(size.height_mm * dots)
    for index, data in enumerate(pictures, start=1):
        picture = _fitted(open_picture(data, index), width, height)
        shown_w, shown_h = picture.width / dots * mm, picture.height / dots * mm
        left, bottom = (size.width_mm * mm - shown_w) / 2, (size.height_mm * mm - shown_h) / 2
        canvas.drawImage(ImageReader(picture), left, bottom, width=shown_w, height=shown_h)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
