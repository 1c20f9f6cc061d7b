"""Example tests of the scan-to-verify engine: one per outcome, multipliers, GTIN twins, GS1, repair."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from packstation.domain.catalogue import BarcodeIndex, CatalogueBarcode, CatalogueError, CatalogueProduct
from packstation.domain.gtin import with_check_digit
from packstation.domain.keyboard_layout import LayoutRepair, damage_as_turkish_q
from packstation.domain.package import Package, PackageDataError, PackageLine
from packstation.domain.packing import (
    PackSession,
    PackSessionError,
    PackState,
    ScanOutcome,
    UnknownLineError,
    UnsuppliedReason,
)
from packstation.domain.scan import InvalidReason

MUG = "8690000000005"  # EAN-13, check digit 5 (reference §2.4 worked example)
MUG_CASE = with_check_digit("1869000000000")  # GTIN-14 of a six-pack of mugs
MUG_OLD = with_check_digit("400638133393")  # another unit barcode of the mug (supplier EAN)
CAP_UPC = "036000291452"  # UPC-A; its EAN-13 twin is 0036000291452
OTHER = with_check_digit("590123412345")  # a known product that is not in the package
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _catalogue() -> BarcodeIndex:
    return BarcodeIndex(
        [
            CatalogueProduct(
                "p-mug",
                "MUG-1",
                (CatalogueBarcode(MUG), CatalogueBarcode(MUG_OLD), CatalogueBarcode(MUG_CASE, multiplier=6)),
                "Mug",
            ),
            CatalogueProduct("p-other", "OTHER-1", (CatalogueBarcode(OTHER),), "Kettle"),
        ]
    )


def _package(mugs: int = 8) -> Package:
    return Package(
        "PKG-1",
        (
            PackageLine("L1", MUG, mugs, stock_code="MUG-1", name="Mug", colour="white", size="350ml"),
            PackageLine("L2", "0036000291452", 1, stock_code="CAP-1", name="Cap"),
            PackageLine("L3", "TY-seller-aB3", 2, stock_code="SOCK-1", name="Socks"),
        ),
        order_number="10001",
    )


def _session(**kwargs: object) -> PackSession:
    return PackSession(_package(), catalogue=_catalogue(), opened_at=T0, **kwargs)  # type: ignore[arg-type]


def test_accepts_line_barcode_and_reports_progress() -> None:
    session = _session()
    result = session.scan(MUG, at=T0)
    assert result.outcome is ScanOutcome.ACCEPTED
    assert (result.line_id, result.scanned, result.required, result.units) == ("L1", 1, 8, 1)
    assert (result.verified_units, result.total_units) == (1, 11)
    assert result.progress == pytest.approx(1 / 11)
    assert "Mug" in result.message and "1/8" in result.message
    assert result.at == T0 and not result.package_complete


def test_other_unit_barcode_of_the_product_counts_for_its_line() -> None:
    result = _session().scan(MUG_OLD)
    assert (result.outcome, result.line_id, result.product_id, result.units) == (
        ScanOutcome.ACCEPTED,
        "L1",
        "p-mug",
        1,
    )


def test_case_barcode_counts_its_multiplier_and_refuses_when_too_big() -> None:
    session = _session()
    first = session.scan(MUG_CASE)
    assert (first.outcome, first.units, first.scanned) == (ScanOutcome.ACCEPTED, 6, 6)
    second = session.scan(MUG_CASE)  # 2 left, a case holds 6
    assert second.outcome is ScanOutcome.OVER_SCAN
    assert (second.scanned, second.required, second.units) == (6, 8, 0)
    assert "6" in second.message and "2" in second.message
    assert session.lines[0].scanned == 6


def test_over_scan_of_a_complete_line_counts_nothing() -> None:
    session = _session()
    session.scan("0036000291452")
    result = session.scan("0036000291452")
    assert (result.outcome, result.line_id, result.scanned, result.required) == (ScanOutcome.OVER_SCAN, "L2", 1, 1)
    assert session.verified_units == 1


def test_upc_a_scan_matches_its_ean13_twin_and_back() -> None:
    session = _session()
    assert session.scan(CAP_UPC).line_id == "L2"  # line stores EAN-13 form, scanner sends UPC-A
    twin_catalogue = PackSession(
        Package("P2", (PackageLine("X", CAP_UPC, 2),)), catalogue=BarcodeIndex()
    )  # and the other way round, with no catalogue at all
    assert twin_catalogue.scan("0036000291452").outcome is ScanOutcome.ACCEPTED
    assert twin_catalogue.scan("]E00036000291452").outcome is ScanOutcome.ACCEPTED


def test_wrong_item_is_a_known_product_not_in_the_package() -> None:
    result = _session().scan(OTHER)
    assert (result.outcome, result.product_id, result.line_id) == (ScanOutcome.WRONG_ITEM, "p-other", None)


def test_unknown_barcode() -> None:
    result = _session().scan("ZZ-NOT-A-PRODUCT")
    assert (result.outcome, result.code) == (ScanOutcome.UNKNOWN_BARCODE, "ZZ-NOT-A-PRODUCT")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("8690000000009", InvalidReason.BAD_CHECK_DIGIT),  # EAN-13, wrong check digit
        ("96385075", InvalidReason.BAD_CHECK_DIGIT),  # EAN-8, wrong check digit (96385074 is right)
        ("   ", InvalidReason.EMPTY),
        ("869\x0700", InvalidReason.CONTROL_CHARACTER),
        ("(01)08690000000009", InvalidReason.BAD_CHECK_DIGIT),
        ("]C10108690000000009", InvalidReason.BAD_CHECK_DIGIT),
        ("(01)0869", InvalidReason.MALFORMED_GS1),
        ("]C1XYZ", InvalidReason.MALFORMED_GS1),
        ("8" * 300, InvalidReason.TOO_LONG),
    ],
)
def test_invalid_scans_say_why(text: str, reason: InvalidReason) -> None:
    result = _session().scan(text)
    assert (result.outcome, result.invalid_reason) == (ScanOutcome.INVALID, reason)
    assert result.message


@pytest.mark.parametrize(
    "text",
    [
        "(01)08690000000005",
        "(01)08690000000005(10)LOT-7",
        "0108690000000005",
        "01086900000000051727123110LOT42\x1d21SN0001",  # as zxing decoded a GS1-128 (reference §2.4)
        "]C101086900000000051727123110LOT42\x1d21SN0001",
        "]C1\x1d0108690000000005",
        "\x1d0108690000000005",
        "]d20108690000000005",
    ],
)
def test_gs1_ai01_matches_the_gtin(text: str) -> None:
    result = _session().scan(text)
    assert (result.outcome, result.line_id, result.code) == (ScanOutcome.ACCEPTED, "L1", "08690000000005")


def test_alphanumeric_seller_barcode_matches_exactly_only() -> None:
    session = _session()
    assert session.scan("TY-seller-aB3").outcome is ScanOutcome.ACCEPTED
    assert session.scan("TY-SELLER-AB3").outcome is ScanOutcome.UNKNOWN_BARCODE
    assert session.scan(" TY-seller-aB3\r\n").line_id == "L3"  # scanner suffix whitespace is not data


def test_numeric_seller_barcode_with_bad_check_digit_still_matches_its_line() -> None:
    session = PackSession(Package("P", (PackageLine("L", "1234567890123", 1),)))
    assert session.scan("1234567890123").outcome is ScanOutcome.ACCEPTED


def test_line_barcode_matches_even_without_catalogue() -> None:
    session = PackSession(_package(mugs=1))
    assert session.scan(MUG).outcome is ScanOutcome.ACCEPTED
    assert session.scan(MUG_CASE).outcome is ScanOutcome.UNKNOWN_BARCODE


def test_completes_exactly_on_last_unit_and_then_reports_already_complete() -> None:
    session = PackSession(_package(mugs=2), catalogue=_catalogue())
    scans = [MUG, "0036000291452", "TY-seller-aB3", MUG]
    for text in scans:
        assert not session.is_complete
        assert session.scan(text).outcome is ScanOutcome.ACCEPTED
    last = session.scan("TY-seller-aB3", at=T0)
    assert last.package_complete and session.is_complete and session.completed_at == T0
    assert last.message.startswith("Package complete")
    after = session.scan(MUG)
    assert after.outcome is ScanOutcome.PACKAGE_ALREADY_COMPLETE and session.verified_units == 5


def test_unsupplied_counts_towards_completion() -> None:
    session = PackSession(_package(mugs=2), catalogue=_catalogue())
    session.scan(MUG)
    progress = session.mark_unsupplied("L1", 1, UnsuppliedReason.OUT_OF_STOCK, note="shelf empty", at=T0)
    assert (progress.scanned, progress.unsupplied, progress.remaining) == (1, 1, 0)
    assert session.scan(MUG).outcome is ScanOutcome.OVER_SCAN
    session.mark_unsupplied("L2", 1, UnsuppliedReason.DEFECTIVE)
    assert not session.is_complete
    assert session.scan("TY-seller-aB3").outcome is ScanOutcome.ACCEPTED
    assert session.scan("TY-seller-aB3").package_complete
    assert [(m.line_id, m.quantity, m.reason) for m in session.unsupplied_marks] == [
        ("L1", 1, UnsuppliedReason.OUT_OF_STOCK),
        ("L2", 1, UnsuppliedReason.DEFECTIVE),
    ]


def test_mark_unsupplied_rejects_bad_requests() -> None:
    session = _session()
    with pytest.raises(UnknownLineError):
        session.mark_unsupplied("nope", 1, UnsuppliedReason.OTHER)
    with pytest.raises(ValueError, match="9 unsupplied"):
        session.mark_unsupplied("L1", 9, UnsuppliedReason.OTHER)
    with pytest.raises(ValueError, match="0 unsupplied"):
        session.mark_unsupplied("L1", 0, UnsuppliedReason.OTHER)
    session.cancel()
    with pytest.raises(PackSessionError):
        session.mark_unsupplied("L1", 1, UnsuppliedReason.OTHER)


def test_cancel_turns_every_later_scan_into_a_stop() -> None:
    session = _session()
    session.scan(MUG)
    session.cancel()
    for text in (MUG, "garbage", ""):
        result = session.scan(text)
        assert result.outcome is ScanOutcome.PACKAGE_CANCELLED
    assert session.state is PackState.CANCELLED and session.lines[0].scanned == 1
    assert "cancel" in result.message.lower()


def test_cancel_after_completion_still_stops() -> None:
    session = PackSession(Package("P", (PackageLine("L", MUG, 1),)))
    assert session.scan(MUG).package_complete
    session.cancel()
    assert session.scan(MUG).outcome is ScanOutcome.PACKAGE_CANCELLED
    assert not session.is_complete


def test_abort_closes_the_session() -> None:
    session = _session()
    session.abort()
    assert session.state is PackState.ABORTED
    with pytest.raises(PackSessionError, match="aborted"):
        session.scan(MUG)


def test_split_lines_of_one_product_fill_in_order() -> None:
    package = Package("P", (PackageLine("A", MUG, 1), PackageLine("B", MUG, 2)))
    session = PackSession(package)
    assert [session.scan(MUG).line_id for _ in range(3)] == ["A", "B", "B"]
    assert session.is_complete


def test_turkish_q_damaged_scan_is_repaired_only_when_it_helps() -> None:
    package = Package("P", (PackageLine("L", "TRK-123/45", 2), PackageLine("M", "A=B", 1)))
    session = PackSession(package, layout_repair=LayoutRepair(enabled=True))
    damaged = damage_as_turkish_q("TRK-123/45")
    assert damaged == "TRK*123.45"
    result = session.scan(damaged)
    assert (result.outcome, result.line_id, result.repaired_text) == (ScanOutcome.ACCEPTED, "L", "TRK-123/45")
    # A correctly configured scanner's text is used as typed, never "repaired" into something else.
    assert session.scan("A=B").repaired_text is None
    assert session.scan("TRK-123/45").repaired_text is None
    gs1 = PackSession(_package(), layout_repair=LayoutRepair())
    assert gs1.scan(damage_as_turkish_q("(01)08690000000005(10)LOT-7")).line_id == "L1"
    off = PackSession(package, layout_repair=LayoutRepair(enabled=False))
    assert off.scan(damaged).outcome is ScanOutcome.UNKNOWN_BARCODE


def test_result_is_frozen_and_serialisable() -> None:
    result = _session().scan("8690000000009", at=T0)
    record = json.loads(json.dumps(result.as_record()))
    assert record["outcome"] == "invalid" and record["invalid_reason"] == "bad_check_digit"
    assert record["at"] == T0.isoformat()
    with pytest.raises(AttributeError):
        result.outcome = ScanOutcome.ACCEPTED  # type: ignore[misc]


def test_bad_package_and_catalogue_data_are_refused() -> None:
    with pytest.raises(PackageDataError, match="quantity 0"):
        PackageLine("L", MUG, 0)
    with pytest.raises(PackageDataError, match="no lines"):
        Package("P", ())
    with pytest.raises(PackageDataError, match="repeats"):
        Package("P", (PackageLine("L", MUG, 1), PackageLine("L", OTHER, 1)))
    with pytest.raises(CatalogueError, match="multiplier 0"):
        CatalogueBarcode(MUG, multiplier=0)
    with pytest.raises(CatalogueError, match="belongs to both"):
        BarcodeIndex(
            [
                CatalogueProduct("a", "A", (CatalogueBarcode(MUG),)),
                CatalogueProduct("b", "B", (CatalogueBarcode("0" + MUG),)),  # same GTIN, other form
            ]
        )
