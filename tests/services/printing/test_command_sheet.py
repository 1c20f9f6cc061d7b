"""The command sheet PDF: rendered, rasterised with poppler, and every barcode decoded back."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from packstation.domain.command_barcodes import COMMAND_LABELS, Command, parse_command
from packstation.services.printing.command_sheet import render_command_sheet

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")


@pytest.fixture(scope="module")
def sheet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sheet") / "commands.pdf"
    render_command_sheet(path, station_name="İstasyon 3")
    return path


def test_every_command_barcode_decodes_and_parses(sheet: Path) -> None:
    # 150 dpi is what an office printer proof looks like; the bars must survive it.
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(sheet), str(sheet.with_suffix(""))], check=True)
    image = Image.open(sheet.with_suffix(".png"))
    results = zxingcpp.read_barcodes(image)
    assert all(r.format == zxingcpp.BarcodeFormat.Code128 for r in results)
    decoded = [parse_command(r.text) for r in results]
    assert sorted(c.value for c in decoded if c) == sorted(c.value for c in Command)
    assert len(results) == len(Command)  # nothing else on the page reads as a barcode


def test_names_are_printed_in_both_languages_with_turkish_letters(sheet: Path) -> None:
    text = subprocess.run(["pdftotext", str(sheet), "-"], check=True, capture_output=True, text=True).stdout
    for label in COMMAND_LABELS:
        assert label.turkish in text and label.english in text
    assert "İstasyon 3" in text
