"""The HB parser against fixtures built from HB's published spec (not from our simulator)."""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from packstation.domain.marketplace import LabelFormat, RasterFormat
from packstation.domain.status import PackageStatus
from packstation.services.marketplaces import MalformedReply
from packstation.services.marketplaces.hepsiburada.config import HepsiburadaConfig
from packstation.services.marketplaces.hepsiburada.labels import parse_label
from packstation.services.marketplaces.hepsiburada.parser import (
    cancelled_item,
    envelope_items,
    group_open_lines,
    parse_package,
    status_item,
)

FIXTURES = Path(__file__).parent / "fixtures" / "hepsiburada"


def _load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"), parse_float=Decimal)


def test_open_lines_read_the_spec_names() -> None:
    items, total = envelope_items(_load("orders_page.json"), endpoint="/orders")
    packages, set_aside = group_open_lines(items)
    assert total == 3 and not set_aside
    by_order = {p.package_id: p for p in packages}
    assert set(by_order) == {"4500123456", "4500123999"}
    first = by_order["4500123456"]
    assert first.status is PackageStatus.CREATED
    line = first.lines[0]
    assert line.line_id == "c3539a0c-7916-4c0d-b14e-3f2a1d0b9e11"
    assert line.stock_code == "SKU-TSHIRT-BLK-M"  # merchantSKU, capital SKU
    assert line.marketplace_sku == "HBV00000ABC12"  # sku
    assert line.product_name == "Erkek Basic T-Shirt Siyah M"  # name
    assert line.barcode == "8690000000017"
    assert line.unit_price == Decimal("149.9") and line.currency == "TRY"
    assert len(first.lines) == 2
    address = first.shipment_address
    assert address is not None
    assert (address.city, address.district, address.neighborhood) == ("İstanbul", "ŞİŞLİ", "ESENTEPE")


def test_packages_read_their_own_names() -> None:
    packages = [parse_package(item) for item in _load("packages.json")]
    package = packages[0]
    assert package.package_id == "4500123456"  # one order: keyed by it, as its open lines were
    assert package.raw["packageNumber"] == "5000031611"
    assert package.status is PackageStatus.PICKING
    assert package.cargo_tracking_number == "6220131054891"
    line = package.lines[0]
    assert (line.line_id, line.stock_code, line.marketplace_sku) == (
        "c3539a0c-7916-4c0d-b14e-3f2a1d0b9e11",
        "SKU-TSHIRT-BLK-M",
        "HBV00000ABC12",
    )
    assert line.product_name == "Erkek Basic T-Shirt Siyah M"


def test_a_package_of_several_orders_is_keyed_by_its_number() -> None:
    item = _load("packages.json")[0]
    item["items"][1]["orderNumber"] = "4500999999"
    assert parse_package(item).package_id == "5000031611"


def test_status_feeds() -> None:
    shipped, _ = envelope_items(_load("packages_shipped.json"), endpoint="/shipped")
    report = status_item(shipped[0], PackageStatus.SHIPPED)
    assert (report.key, report.package_number, report.status) == ("4500123456", "5000031611", PackageStatus.SHIPPED)
    cancelled, _ = envelope_items(_load("orders_cancelled.json"), endpoint="/cancelled")
    report = cancelled_item(cancelled[0])
    assert report.key == "4500100003" and report.status is PackageStatus.CANCELLED
    assert report.line_ids == ("5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d",)


@pytest.mark.parametrize("name", ["labels_base64zpl.json", "labels_zpl.json"])
def test_zpl_labels_raw_or_base64(name: str) -> None:
    label = parse_label(_load(name), package_number="5000031611", tracking="t", config=HepsiburadaConfig())
    assert label is not None and label.format is LabelFormat.ZPL
    assert label.documents[0].startswith(b"^XA") and label.documents[0].endswith(b"^XZ")


def test_pdf_label() -> None:
    label = parse_label(_load("labels_pdf.json"), package_number="1", tracking="t", config=HepsiburadaConfig())
    assert label is not None and label.format is LabelFormat.PDF
    assert label.documents[0].startswith(b"%PDF-")


def test_default_format_names_are_hbs() -> None:
    config = HepsiburadaConfig()
    assert config.label_format_name(LabelFormat.ZPL) == "base64zpl"
    assert config.label_format_name(LabelFormat.PDF) == "pdf"


def test_poison_text_is_stripped_and_bounded() -> None:
    items, _ = envelope_items(_load("orders_page.json"), endpoint="/orders")
    items[0]["name"] = "Kaz\x00ak\x07 Şal\n" + "ğ" * 5000
    items[0]["shippingAddress"]["city"] = "İzmir\x00"
    packages, set_aside = group_open_lines(items)
    assert not set_aside
    line = next(p for p in packages if p.package_id == "4500123456").lines[0]
    assert line.product_name.startswith("Kazak Şal ğ") and len(line.product_name) == 1000
    package = next(p for p in packages if p.package_id == "4500123456")
    assert package.shipment_address is not None and package.shipment_address.city == "İzmir"
    assert "\x00" not in json.dumps(package.raw, default=str)


def test_a_bad_order_is_set_aside_the_rest_land() -> None:
    items, _ = envelope_items(_load("orders_page.json"), endpoint="/orders")
    items[2]["id"] = "x" * 10_000  # an overlong id cannot be cut: the order is refused, by name
    packages, set_aside = group_open_lines(items)
    assert [p.package_id for p in packages] == ["4500123456"]
    assert len(set_aside) == 1 and set_aside[0].package_id == "4500123999"


def test_a_package_without_lines_is_refused_by_name() -> None:
    item = _load("packages.json")[0]
    item["items"] = []
    with pytest.raises(MalformedReply) as refused:
        parse_package(item)
    assert refused.value.package_id == "5000031611" and refused.value.field == "items"


def test_blank_product_name_falls_back_to_the_sku() -> None:
    items, _ = envelope_items(_load("orders_page.json"), endpoint="/orders")
    items[0]["name"] = ""
    packages, _ = group_open_lines(items)
    assert packages[0].lines[0].product_name == "SKU-TSHIRT-BLK-M"


def test_unpaid_lines_are_not_packable() -> None:
    items, _ = envelope_items(_load("orders_page.json"), endpoint="/orders")
    items[0]["canCreatePackage"] = False
    packages, _ = group_open_lines(items)
    assert packages[0].status is PackageStatus.AWAITING


@pytest.mark.parametrize(
    ("name", "fmt"), [("labels_png.json", RasterFormat.PNG), ("labels_jpg.json", RasterFormat.JPEG)]
)
def test_picture_labels_are_read_as_pictures(name: str, fmt: RasterFormat) -> None:
    label = parse_label(_load(name), package_number="1", tracking="t", config=HepsiburadaConfig())
    assert label is not None and label.format is fmt
    assert label.documents[0][:3] in (b"\x89PN", b"\xff\xd8\xff")


def test_a_picture_that_is_no_picture_is_refused_by_name() -> None:
    body = _load("labels_png.json")
    body["data"] = [base64.b64encode(b"%PDF-1.4 not a picture").decode()]
    with pytest.raises(MalformedReply) as refused:
        parse_label(body, package_number="5000031611", tracking="t", config=HepsiburadaConfig())
    assert refused.value.package_id == "5000031611" and "png" in str(refused.value)


def test_picture_format_names_are_hbs() -> None:
    config = HepsiburadaConfig()
    assert (config.label_format_name(RasterFormat.PNG), config.label_format_name(RasterFormat.JPEG)) == ("png", "jpg")
