"""The pack screen widget on its own: pictures arrive off the GUI thread and land on the right line."""

from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from packstation.services.packing.service import LineInfo, OpenedPackage
from packstation.ui.packing.pack_view import PackView


def _png() -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()

pytestmark = pytest.mark.gui


def _package(image_url: str) -> OpenedPackage:
    return OpenedPackage(
        id=1,
        external_id="P1",
        order_number="O1",
        account="a",
        customer_name="Şükrü Gökçe",
        city="Iğdır",
        district="Merkez",
        address_line="",
        cargo_provider="Aras Kargo",
        cargo_tracking_number="T1",
        lines=(
            LineInfo("l1", 1, 1, "8690000000005", "Babet", "Siyah", "38", 2, "A-01", image_url),
            LineInfo("l2", 2, 2, "8690000000012", "Terlik", "Gri", "40", 1, "B-02"),
        ),
    )


def test_product_pictures_load_in_the_background(qtbot: QtBot, tmp_path: Path) -> None:
    picture = tmp_path / "shoe.img"
    picture.write_bytes(PNG)
    asked: list[str] = []

    def loader(url: str) -> Path | None:
        asked.append(url)
        return picture

    view = PackView()
    qtbot.addWidget(view)
    view.set_image_loader(loader)
    view.show_package(_package("https://cdn.example/shoe.png"), "open")
    qtbot.waitUntil(lambda: not view.lines.item(0, 0).icon().isNull(), timeout=5_000)
    assert asked == ["https://cdn.example/shoe.png"]  # the line without a picture asks for none
    assert view.lines.item(1, 0).icon().isNull()
    assert view.lines.item(0, 5).text() == "0 / 2"
