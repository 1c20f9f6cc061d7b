"""Packing slips (PDF and ZPL), the reopen code, and the text-fitting rules they rely on."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from packstation.domain.marketplace import LabelFormat
from packstation.services.labels import (
    PACKING_SLIP_CODE_PREFIX,
    LabelService,
    LabelValidationError,
    PackingSlipData,
    PackingSlipLine,
    PageSize,
    packing_slip_code,
    parse_packing_slip_code,
)
from packstation.services.labels.textfit import fit_text

from .conftest import decode, pdf_text, render_pdf, render_zpl


@pytest.mark.parametrize("page_size", list(PageSize))
def test_pdf_slip_lists_lines_and_its_code_reopens_the_package(
    service: LabelService, slip_data: PackingSlipData, page_size: PageSize, tmp_path
) -> None:
    document = service.packing_slip(slip_data, page_size=page_size)
    text = pdf_text(document.data, tmp_path)
    for line in slip_data.lines:
        assert f"{line.quantity}×" in text
        assert line.name in " ".join(text.split())
    assert "Şükrü Gökçe" in text
    pages = render_pdf(document.data, tmp_path)
    assert len(pages) == 1
    assert decode(pages[0])["Code 128"] == f"PS:{slip_data.package_id}"


def test_long_slip_continues_on_more_pages_each_with_the_code(
    service: LabelService, slip_data: PackingSlipData, tmp_path
) -> None:
    lines = tuple(PackingSlipLine(f"Ürün {number} Çift Katlı Şişme Yatak", 1) for number in range(30))
    document = service.packing_slip(dataclasses.replace(slip_data, lines=lines))
    pages = render_pdf(document.data, tmp_path)
    assert len(pages) >= 2
    for page in pages:
        assert decode(page)["Code 128"] == "PS:3452876123"
    text = " ".join(pdf_text(document.data, tmp_path).split())
    for number in range(30):
        assert f"Ürün {number} Çift" in text
    assert f"Page {len(pages)}/{len(pages)}" in text


def test_zpl_slip_renders_and_scans(service: LabelService, slip_data: PackingSlipData) -> None:
    document = service.packing_slip(slip_data, fmt=LabelFormat.ZPL)
    assert document.needs_font
    [image] = render_zpl(service, document.data)
    assert decode(image)["Code 128"] == "PS:3452876123"


def test_slip_refuses_a_wrong_gtin_check_digit(service: LabelService, slip_data: PackingSlipData) -> None:
    bad = dataclasses.replace(slip_data.lines[0], barcode="8690000000009")
    with pytest.raises(LabelValidationError, match="8690000000009") as raised:
        service.packing_slip(dataclasses.replace(slip_data, lines=(bad,)))
    assert raised.value.field == "line 1 barcode"
    # Non-GTIN catalogue barcodes are fine: marketplaces allow any string.
    other = dataclasses.replace(slip_data.lines[0], barcode="ABC-123_x")
    service.packing_slip(dataclasses.replace(slip_data, lines=(other,)))


def test_slip_needs_lines_with_positive_quantities(service: LabelService, slip_data: PackingSlipData) -> None:
    with pytest.raises(LabelValidationError):
        service.packing_slip(dataclasses.replace(slip_data, lines=()))
    zero = dataclasses.replace(slip_data.lines[0], quantity=0)
    with pytest.raises(LabelValidationError):
        service.packing_slip(dataclasses.replace(slip_data, lines=(zero,)))


def test_reopen_code_format_round_trips() -> None:
    assert PACKING_SLIP_CODE_PREFIX == "PS:"
    assert packing_slip_code("3452876123") == "PS:3452876123"
    assert parse_packing_slip_code(" PS:3452876123\r") == "3452876123"
    # A Turkish-Q keyboard wedge types ":" as "Ş".
    assert parse_packing_slip_code("PSŞ3452876123") == "3452876123"
    assert parse_packing_slip_code("7330012345678901") is None
    assert parse_packing_slip_code("PS:") is None


turkish_text = st.text(
    alphabet="abcçdefgğhıijklmnoöprsştuüvyzABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ0123456789 .,-/", min_size=1, max_size=200
)


@settings(max_examples=60, deadline=None)
@given(text=turkish_text, width=st.floats(20, 95), size=st.floats(3, 6))
def test_fitted_lines_fit_their_box_and_lose_no_character(
    service: LabelService, text: str, width: float, size: float
) -> None:
    fonts = service.fonts
    fitted = fit_text(fonts, text, field="x", width=width, max_lines=40, size=size, min_size=2.0)
    for line in fitted.lines:
        assert fonts.width(line, fitted.size, bold=fitted.bold) <= width
    assert "".join(fitted.lines).replace(" ", "") == text.replace(" ", "")
