"""Labels a marketplace issues as pictures (Hepsiburada's png/jpg shared barcodes), drawn for the printer.

Real PNG and JPEG bytes from the HB contract fixtures; each result is rendered as the printer would
(zplkit for ZPL, pdftoppm for PDF) and its Code 128 read back with zxing.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pytest
import zplkit
from PIL import Image
from zplkit.rendering import Limits

from packstation.domain.marketplace import LabelFormat
from packstation.services.labels import LabelService, LabelSize, PrinterDpi
from packstation.services.labels.errors import LabelValidationError
from packstation.services.labels.images import compress_rows

from .conftest import decode, render_pdf

FIXTURES = Path(__file__).parents[1] / "marketplaces" / "fixtures" / "hepsiburada"
DELIVERY_BARCODE = "6220135000300"  # the Code 128 in the fixtures' pictures


def _picture(name: str) -> bytes:
    return base64.b64decode(json.loads((FIXTURES / name).read_text())["data"][0])


def _render(zpl: bytes, dpi: PrinterDpi, size: LabelSize = LabelSize.MM_100X150) -> list[Image.Image]:
    dots = dpi.dots_per_mm
    document = zplkit.render(
        zpl,
        zplkit.Options(width=round(size.width_mm * dots), height=round(size.height_mm * dots), dpi=dpi.value),
        limits=Limits(graphic_bytes=2_000_000),
    )
    assert not document.warnings, document.warnings
    return [Image.open(io.BytesIO(label.png())) for label in document.labels]


@pytest.mark.parametrize("name", ["labels_png.json", "labels_jpg.json"])
@pytest.mark.parametrize("dpi", list(PrinterDpi))
def test_a_picture_becomes_a_zpl_graphic_that_scans(service: LabelService, name: str, dpi: PrinterDpi) -> None:
    document = service.marketplace_picture_label([_picture(name)], fmt=LabelFormat.ZPL, dpi=dpi)
    assert document.format is LabelFormat.ZPL and not document.needs_font
    assert document.data.startswith(b"^XA") and b"^GFA," in document.data and document.data.endswith(b"^XZ")
    # ASCII-compressed: a mostly white label is a small fraction of its ~125-270 kB of plain hex.
    assert len(document.data) < 40_000
    (image,) = _render(document.data, dpi)
    assert decode(image)["Code 128"] == DELIVERY_BARCODE


def test_one_graphic_per_box(service: LabelService) -> None:
    pictures = [_picture("labels_png.json"), _picture("labels_jpg.json")]
    document = service.marketplace_picture_label(pictures, fmt=LabelFormat.ZPL)
    images = _render(document.data, PrinterDpi.DPI_203)
    assert [decode(image)["Code 128"] for image in images] == [DELIVERY_BARCODE, DELIVERY_BARCODE]


def test_a_landscape_picture_is_turned_upright_for_portrait_stock(service: LabelService) -> None:
    upright = Image.open(io.BytesIO(_picture("labels_png.json")))
    out = io.BytesIO()
    upright.rotate(90, expand=True).save(out, format="PNG")
    document = service.marketplace_picture_label([out.getvalue()], fmt=LabelFormat.ZPL)
    header = document.data.split(b"^GFA,", 1)[1].split(b",")[:3]
    total, _total, row_bytes = (int(part) for part in header)
    width_dots, height_dots = row_bytes * 8, total // row_bytes
    assert height_dots > width_dots  # drawn tall, as the stock is
    (image,) = _render(document.data, PrinterDpi.DPI_203)
    assert decode(image)["Code 128"] == DELIVERY_BARCODE


@pytest.mark.parametrize("name", ["labels_png.json", "labels_jpg.json"])
def test_an_office_printer_gets_a_pdf_page_that_scans(service: LabelService, name: str, tmp_path: Path) -> None:
    document = service.marketplace_picture_label([_picture(name)], fmt=LabelFormat.PDF)
    assert document.format is LabelFormat.PDF and document.data.startswith(b"%PDF-")
    (page,) = render_pdf(document.data, tmp_path)
    assert decode(page)["Code 128"] == DELIVERY_BARCODE


@pytest.mark.parametrize(
    "data",
    [b"\x89PNG\r\n\x1a\n not really a png", b"GIF89a" + bytes(100), b""],
)
def test_bytes_that_are_no_png_or_jpeg_are_refused_not_printed(service: LabelService, data: bytes) -> None:
    with pytest.raises(LabelValidationError):
        service.marketplace_picture_label([data], fmt=LabelFormat.ZPL)


def test_zpl_ascii_compression_follows_the_zebra_scheme() -> None:
    rows = bytes([0x00, 0x00]) + bytes([0xFF, 0xFF]) + bytes([0xFF, 0xFF]) + bytes([0xF0, 0xF0])
    # White row, a run of four Fs (J = 4), the same row again, then a row whose white rest is a comma.
    assert compress_rows(rows, 2) == ",JF:F0F,"
    # Repeat counts add up: 20 (g) + 1 (G) = 21 Fs, then the row's white rest.
    assert compress_rows(bytes([0xFF] * 10 + [0xF0]) + bytes(5), 16) == "gGF,"
