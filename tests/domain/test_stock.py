"""Stock rules without a database: low-stock arithmetic, location codes, and a blind bin count."""

from __future__ import annotations

from decimal import Decimal

import pytest

from packstation.domain.catalogue import BarcodeIndex, CatalogueBarcode, CatalogueProduct
from packstation.domain.stock import (
    ADJUSTMENT_REASONS,
    LocationKind,
    StockFigures,
    StockReason,
    daily_outflow,
    generated_location_barcode,
    location_barcode_problem,
    location_code_problem,
)
from packstation.domain.stock_count import BinCount, CountOutcome


def test_available_cover_and_the_threshold() -> None:
    figures = StockFigures(on_hand=12, reserved=5, threshold=7, daily_outflow=daily_outflow(21))
    assert figures.available == 7 and figures.below_threshold
    assert figures.daily_outflow == Decimal("1.50") and figures.days_of_cover == Decimal("4.7")
    oversold = StockFigures(on_hand=1, reserved=3, threshold=0, daily_outflow=Decimal("2"))
    assert oversold.available == -2 and oversold.below_threshold and oversold.days_of_cover == Decimal("0.0")
    assert StockFigures(5, 0, 2, Decimal(0)).days_of_cover is None
    assert not StockFigures(5, 0, 4, Decimal(0)).below_threshold


def test_reason_codes_and_location_rules() -> None:
    assert [reason.value for reason in ADJUSTMENT_REASONS] == ["count", "damage", "found", "return", "transfer"]
    assert StockReason.PACKED not in ADJUSTMENT_REASONS
    assert LocationKind.BIN.parent_kind is LocationKind.ZONE and LocationKind.WAREHOUSE.parent_kind is None
    assert generated_location_barcode(42) == "PSLOC000042"
    assert location_code_problem("Ş-01-3") is None and location_code_problem("İZMİR") is None
    assert location_code_problem("A 01") and location_code_problem("") and location_code_problem("x" * 41)
    assert location_barcode_problem("RAF-01") is None
    assert location_barcode_problem("RAF 01") and location_barcode_problem("RAFŞ01") and location_barcode_problem("AB")


def _count() -> BinCount:
    catalogue = BarcodeIndex(
        [
            CatalogueProduct("1", "BOT-38", (CatalogueBarcode("8690000000011"), CatalogueBarcode("KOLI-6", 6)), "Bot"),
            CatalogueProduct("2", "TERLIK", (CatalogueBarcode("8690000000028"),), "Terlik"),
        ]
    )
    return BinCount(7, "A-01", catalogue, {1: 8, 3: 2}, names={1: "BOT-38 Bot"}, layout_repair=str.upper)


def test_a_bin_count_adds_scans_cases_and_undoes() -> None:
    count = _count()
    assert count.scan("8690000000011").total == 1
    case = count.scan("koli-6")  # the layout repair turns what a Turkish keyboard did back into the barcode
    assert (case.outcome, case.units, case.total) == (CountOutcome.COUNTED, 6, 7)
    assert count.scan("8690000000028").outcome is CountOutcome.COUNTED
    assert count.scan("0000").outcome is CountOutcome.UNKNOWN
    assert count.scan("8" * 400).outcome is CountOutcome.UNREADABLE  # a stuck key, not a barcode
    assert count.counted == {1: 7, 2: 1} and count.scans == 3
    assert count.undo() == 2 and count.counted == {1: 7}
    count.set_counted(3, 2)
    assert count.products() == [1, 3]
    assert [(d.product_id, d.expected, d.counted, d.delta) for d in count.differences()] == [(1, 8, 7, -1)]
    # Against the books at confirmation: a parcel took one of product 1 out meanwhile.
    assert count.differences({1: 7, 3: 2}) == []
    with pytest.raises(ValueError):
        count.set_counted(1, -1)
