"""Shared label data and read-back helpers: render ZPL with zplkit, PDF with poppler, decode with zxing."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
import zplkit
import zxingcpp
from PIL import Image

from packstation.domain.marketplace import Marketplace
from packstation.services.labels import (
    LabelService,
    PackingSlipData,
    PackingSlipLine,
    PrinterDpi,
    Sender,
    ShippingLabelData,
)

TRACKING = "7330012345678901"
TRACKING_URL = "https://kargotakip.example.com/t?no=7330012345678901"


@pytest.fixture(scope="session")
def service() -> LabelService:
    return LabelService()


@pytest.fixture
def label_data() -> ShippingLabelData:
    return ShippingLabelData(
        sender=Sender(
            "Anadolu Tekstil Ltd. Şti.", ("Organize Sanayi Bölgesi 3. Cadde No:12",), "Bursa", "0224 555 12 12"
        ),
        receiver_name="Şükrü Gökçe",
        address_lines=("Cumhuriyet Mahallesi, Atatürk Bulvarı No: 123/4 Daire 5",),
        district="Iğdır",
        city="Ağrı",
        order_number="10293847561",
        package_id="3452876123",
        carrier="Trendyol Express",
        tracking_number=TRACKING,
        marketplace=Marketplace.TRENDYOL,
        item_count=3,
        box_index=1,
        box_count=2,
        phone="0532 *** ** 45",
        tracking_url=TRACKING_URL,
    )


@pytest.fixture
def slip_data() -> PackingSlipData:
    lines = tuple(
        PackingSlipLine(
            f"Erkek Pamuklu Tişört Ürün {number} Çiçekli İşlemeli",
            number % 3 + 1,
            barcode="8690000000005" if number % 2 else "",
            stock_code=f"STK-{number}",
            variant="Renk: Lacivert / Beden: XL",
        )
        for number in range(1, 4)
    )
    return PackingSlipData(
        Sender("Anadolu Tekstil Ltd. Şti."),
        "Şükrü Gökçe",
        "10293847561",
        "3452876123",
        Marketplace.TRENDYOL,
        lines,
        order_date="22.11.2026",
    )


def render_zpl(
    service: LabelService,
    zpl: bytes,
    *,
    dpi: PrinterDpi = PrinterDpi.DPI_203,
    width_mm: float = 100.0,
    height_mm: float = 150.0,
    with_font: bool = True,
) -> list[Image.Image]:
    """Render as a printer would after the font job: one image per ``^XA...^XZ`` format."""
    dots = dpi.dots_per_mm
    payload = (service.font_job() if with_font else b"") + zpl
    document = zplkit.render(
        payload, zplkit.Options(width=int(width_mm * dots), height=int(height_mm * dots), dpi=dpi.value)
    )
    assert not document.warnings, document.warnings
    return [Image.open(io.BytesIO(label.png())) for label in document.labels]


def render_pdf(pdf: bytes, tmp_path: Path, *, dpi: int = 203) -> list[Image.Image]:
    """Rasterise each PDF page with pdftoppm."""
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(source), str(tmp_path / "page")], check=True)
    return [Image.open(path) for path in sorted(tmp_path.glob("page*.png"))]


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """Text of the PDF as pdftotext extracts it (no-break spaces made plain)."""
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True)
    return result.stdout.decode("utf-8").replace("\u00a0", " ")


def decode(image: Image.Image) -> dict[str, str]:
    """Barcode format name -> decoded text for every symbol zxing finds."""
    return {str(result.format).split(".")[-1]: result.text for result in zxingcpp.read_barcodes(image)}
