"""Shipping labels read back as a carrier would: rendered, scanned, and their text extracted."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from packstation.domain.marketplace import LabelFormat
from packstation.services.labels import LabelService, LabelSize, LabelValidationError, PrinterDpi, ShippingLabelData

from .conftest import TRACKING, TRACKING_URL, decode, pdf_text, render_pdf, render_zpl

TURKISH_WORDS = ("Şükrü", "Gökçe", "Iğdır", "Ağrı", "Atatürk", "Bulvarı", "Bölgesi", "Şti.")


@pytest.mark.parametrize("dpi", list(PrinterDpi))
@pytest.mark.parametrize("size", list(LabelSize))
def test_zpl_label_scans_back_at_every_size_and_resolution(
    service: LabelService, label_data: ShippingLabelData, dpi: PrinterDpi, size: LabelSize
) -> None:
    document = service.shipping_label(label_data, dpi=dpi, size=size)
    assert document.format is LabelFormat.ZPL and document.needs_font
    [image] = render_zpl(service, document.data, dpi=dpi, width_mm=size.width_mm, height_mm=size.height_mm)
    assert image.size == (int(size.width_mm * dpi.dots_per_mm), int(size.height_mm * dpi.dots_per_mm))
    symbols = decode(image)
    assert symbols["Code 128"] == TRACKING
    assert symbols["QR Code"] == TRACKING_URL


def test_zpl_is_utf8_and_uses_the_downloaded_font(service: LabelService, label_data: ShippingLabelData) -> None:
    text = service.shipping_label(label_data).data.decode("utf-8")
    assert text.startswith("^XA^CI28")
    # Every text field names the downloaded font, never the ASCII-only font 0.
    assert "^A0" not in text
    fonts = set(re.findall(r"\^A@N,\d+,\d+,([^\^]+)", text))
    assert fonts == {"E:PSFONT.TTF", "E:PSFONTB.TTF"}
    for word in TURKISH_WORDS:
        assert word in text
    # The font job stores exactly those two files.
    job = service.font_job()
    assert job.startswith(b"~DYE:PSFONT,B,T,") and b"~DYE:PSFONTB,B,T," in job
    size = int(job.split(b",")[3])
    assert size == service.fonts.regular.path.stat().st_size < 40_000


def test_zpl_label_without_the_font_job_cannot_render_turkish(
    service: LabelService, label_data: ShippingLabelData
) -> None:
    """Proves the label really depends on the font job (zplkit has no glyphs for ş in its own fonts)."""
    zpl = service.shipping_label(label_data).data
    with pytest.raises(Exception, match=r"(?i)font|glyph"):
        render_zpl(service, zpl, with_font=False)


def test_pdf_label_embeds_the_font_keeps_turkish_and_scans(
    service: LabelService, label_data: ShippingLabelData, tmp_path
) -> None:
    document = service.shipping_label(label_data, fmt=LabelFormat.PDF)
    assert document.format is LabelFormat.PDF and not document.needs_font
    text = pdf_text(document.data, tmp_path)
    for word in TURKISH_WORDS:
        assert word in text
    assert "Şükrü Gökçe" in text and "Iğdır / Ağrı" in text and "0532 *** ** 45" in text
    reader = PdfReader(__import__("io").BytesIO(document.data))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    assert not any("Helvetica" in name for name in names)
    for font in fonts.values():
        descendant = font.get_object()
        descriptor = descendant.get("/FontDescriptor")
        assert descriptor is not None and "/FontFile2" in descriptor.get_object()  # embedded TTF
    [page] = render_pdf(document.data, tmp_path)
    symbols = decode(page)
    assert symbols["Code 128"] == TRACKING
    assert symbols["QR Code"] == TRACKING_URL


def test_qr_carries_the_package_id_without_a_tracking_link(
    service: LabelService, label_data: ShippingLabelData
) -> None:
    data = dataclasses.replace(label_data, tracking_url=None)
    [image] = render_zpl(service, service.shipping_label(data).data)
    assert decode(image)["QR Code"] == label_data.package_id


def test_long_address_wraps_and_shrinks_but_every_word_is_printed(
    service: LabelService, label_data: ShippingLabelData, tmp_path
) -> None:
    words = [f"Sokak{n}" for n in range(40)] + ["Üsküdar-Çengelköy-Kuzguncuk-Beylerbeyi-Mahallesi"]
    data = dataclasses.replace(label_data, address_lines=(" ".join(words[:20]), " ".join(words[20:])))
    document = service.shipping_label(data, fmt=LabelFormat.PDF)
    flat = " ".join(pdf_text(document.data, tmp_path).split())
    for word in words[:-1]:
        assert re.search(rf"\b{word}\b", flat), word
    assert "Üsküdar-Çengelköy-Kuzguncuk-" in flat
    zpl = service.shipping_label(data).data.decode()
    block = re.search(r"\^FB(\d+),(\d+),-?\d+,L,0\^FH\^FD(Sokak0 [^\^]*)\^FS", zpl)
    assert block is not None
    lines = block.group(3).split("\\&")
    assert int(block.group(2)) == len(lines) > 2
    # Nothing lost: the printed lines hold every character of the address, in order.
    assert "".join(lines).replace(" ", "") == "".join(words)


def test_text_too_long_even_at_the_smallest_size_is_cut_with_a_mark(
    service: LabelService, label_data: ShippingLabelData
) -> None:
    data = dataclasses.replace(label_data, receiver_name="Çok Uzun İsim " * 60)
    document = service.shipping_label(data)
    assert document.shortened == ("receiver name",)
    assert "Çok Uzun İsim" in document.data.decode() and "…" in document.data.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tracking_number": ""}, "tracking number"),
        ({"tracking_number": "TRÇ12345"}, "tracking number"),
        ({"tracking_number": " 733001 "}, "tracking number"),
        ({"tracking_number": "7" * 400}, "tracking number"),
        ({"receiver_name": "  "}, "receiver name"),
        ({"address_lines": ("",)}, "address"),
        ({"box_index": 3, "box_count": 2}, "box"),
        ({"item_count": 0}, "item count"),
        ({"package_id": "34 52"}, "package id"),
    ],
)
def test_bad_label_data_is_refused_with_the_field_named(
    service: LabelService, label_data: ShippingLabelData, change: dict, field: str
) -> None:
    with pytest.raises(LabelValidationError) as raised:
        service.shipping_label(dataclasses.replace(label_data, **change))
    assert raised.value.field == field
    assert str(raised.value)


def test_field_data_cannot_inject_zpl_commands(service: LabelService, label_data: ShippingLabelData) -> None:
    data = dataclasses.replace(label_data, receiver_name="Ali ^XZ~JR_x \\ Veli", tracking_number="TR^12_3~4")
    document = service.shipping_label(data)
    text = document.data.decode()
    assert text.count("^XA") == 1 and text.count("^XZ") == 1 and "~JR" not in text
    [image] = render_zpl(service, document.data)
    assert decode(image)["Code 128"] == "TR^12_3~4"


def test_marketplace_label_is_printed_exactly_as_issued(service: LabelService) -> None:
    issued = b"^XA^FO50,50^A0N,30,30^FDTrendyol ortak etiket^FS^XZ\r\n"
    document = service.marketplace_label(issued)
    assert document.data is issued and not document.needs_font
    with pytest.raises(LabelValidationError):
        service.marketplace_label(b"<html>error</html>")


def test_a_parcel_in_two_boxes_gets_two_labels_in_one_document(
    service: LabelService, label_data: ShippingLabelData, tmp_path: Path
) -> None:
    boxes = [dataclasses.replace(label_data, box_index=i, box_count=2) for i in (1, 2)]
    zpl = service.shipping_labels(boxes)
    assert zpl.data.count(b"^XA") == 2 and zpl.description.endswith("boxes 1-2/2")
    images = render_zpl(service, zpl.data)
    assert [decode(image)["Code 128"] for image in images] == [TRACKING, TRACKING]
    text = zpl.data.decode("utf-8")
    assert text.index("1/2") < text.index("2/2")
    pdf = service.shipping_labels(boxes, fmt=LabelFormat.PDF)
    assert len(PdfReader(io.BytesIO(pdf.data)).pages) == 2
    words = pdf_text(pdf.data, tmp_path)
    assert "1/2" in words and "2/2" in words
