"""Every label prints: hostile receiver data still makes a label, in ZPL and PDF, whose codes decode."""

import dataclasses
from pathlib import Path

import pytest

from packstation.domain.marketplace import LabelFormat
from packstation.services.labels import LabelService, ShippingLabelData
from packstation.services.labels.fonts import default_label_fonts
from packstation.services.labels.printable import printable_text, shortened_note
from tests.services.labels.conftest import TRACKING, TRACKING_URL, decode, pdf_text, render_pdf, render_zpl

LONG_NAME = "Şükrü Gökçe " * 834  # 10,008 characters
LONG_ADDRESS = "Cumhuriyet Mahallesi Atatürk Bulvarı No 123 " * 228  # about 10,000 characters

HOSTILE = {
    "rtl": {"receiver_name": "محمد الأحمد", "address_lines": ("שדרות רוטשילד 12, תל אביב",), "city": "القاهرة"},
    "emoji": {"receiver_name": "Ayşe 😀🎉 Yılmaz 👍🏽", "address_lines": ("Gül Sokak 🌹 No 5",)},
    "control": {"receiver_name": "Ali\x00\x07\x1b[31m Veli\u202e\u200b", "district": "Kadı\x85köy\x9b"},
    "long": {"receiver_name": LONG_NAME, "address_lines": (LONG_ADDRESS,), "city": "Ağrı" * 2_500},
    "long_word": {"receiver_name": "Ş" * 10_000, "address_lines": ("İ" * 10_000,)},
    "zpl": {"receiver_name": "^XA^FO0,0^FDhacked^FS^XZ", "address_lines": ("~JR ~JA ^XZ^XA^MNN",), "city": "^XZ"},
    "only_emoji": {"receiver_name": "😀😀😀", "city": "🏙"},
    "cyrillic_cjk": {"receiver_name": "Жанна Ωmega 中文", "address_lines": ("ул. Ленина 5",)},
}


@pytest.fixture(scope="module")
def service() -> LabelService:
    return LabelService()


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_receiver_data_still_prints_a_zpl_label_that_scans(
    service: LabelService, label_data: ShippingLabelData, case: str
) -> None:
    data = dataclasses.replace(label_data, **HOSTILE[case])
    document = service.shipping_label(data)
    zpl = document.data.decode("utf-8")
    assert zpl.count("^XA") == 1 and zpl.count("^XZ") == 1, "field data must not start or end a format"
    assert "~JR" not in zpl and "~JA" not in zpl
    [image] = render_zpl(service, document.data)
    codes = decode(image)
    assert codes["Code 128"] == TRACKING
    assert codes["QR Code"] == TRACKING_URL
    assert "receiver name" in document.shortened or case == "zpl"


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_receiver_data_still_prints_a_pdf_label_that_scans(
    service: LabelService, label_data: ShippingLabelData, case: str, tmp_path: Path
) -> None:
    data = dataclasses.replace(label_data, **HOSTILE[case])
    document = service.shipping_label(data, fmt=LabelFormat.PDF)
    [image] = render_pdf(document.data, tmp_path)
    codes = decode(image)
    assert codes["Code 128"] == TRACKING
    assert codes["QR Code"] == TRACKING_URL


def test_a_10000_character_name_is_cut_with_a_visible_mark(
    service: LabelService, label_data: ShippingLabelData, tmp_path: Path
) -> None:
    data = dataclasses.replace(label_data, **HOSTILE["long"])
    document = service.shipping_label(data, fmt=LabelFormat.PDF)
    text = pdf_text(document.data, tmp_path)
    assert "Şükrü Gökçe" in text and "…" in text
    assert {"receiver name", "address", "city"} <= set(document.shortened)
    assert "…" in service.shipping_label(data).data.decode("utf-8")


def test_right_to_left_text_is_transliterated_not_refused(service: LabelService, label_data: ShippingLabelData) -> None:
    fonts = default_label_fonts()
    assert printable_text(fonts, "محمد") == "mhmd"
    assert printable_text(fonts, "Ayşe 😀 Yılmaz") == "Ayşe Yılmaz"
    assert printable_text(fonts, "a\x00b\x1bc") == "abc"
    assert printable_text(fonts, "Şükrü Gökçe İğdır") == "Şükrü Gökçe İğdır", "Turkish is printed as given"
    document = service.shipping_label(dataclasses.replace(label_data, **HOSTILE["rtl"]))
    assert "mhmd" in document.data.decode("utf-8")


def test_plain_turkish_data_is_not_reported_as_shortened(service: LabelService, label_data: ShippingLabelData) -> None:
    assert service.shipping_label(label_data).shortened == ()


def test_a_tracking_link_no_qr_can_hold_falls_back_to_the_package_id(
    service: LabelService, label_data: ShippingLabelData
) -> None:
    document = service.shipping_label(dataclasses.replace(label_data, tracking_url="https://x.example/" + "a" * 5000))
    [image] = render_zpl(service, document.data)
    assert decode(image)["QR Code"] == label_data.package_id
    assert "tracking link" in document.shortened


def test_the_packer_is_told_which_fields_were_shortened(service: LabelService, label_data: ShippingLabelData) -> None:
    document = service.shipping_label(dataclasses.replace(label_data, **HOSTILE["long"]))
    note = shortened_note(document.shortened)
    assert "receiver name" in note and "address" in note
    assert shortened_note(()) == ""
