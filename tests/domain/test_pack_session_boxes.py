"""Parcels in several boxes: NEXTBOX closes the box being filled; verification stays per parcel."""

from __future__ import annotations

from decimal import Decimal

import pytest

from packstation.domain.boxes import BoxType, find_box_type
from packstation.domain.gtin import with_check_digit
from packstation.domain.outcomes import UnsuppliedReason
from packstation.domain.package import Package, PackageLine
from packstation.domain.packing import BoxContents, PackSession, PackSessionError, ScanOutcome

BOOT = with_check_digit("869000000101")
SANDAL = with_check_digit("869000000202")


def _session() -> PackSession:
    return PackSession(
        Package("P-1", (PackageLine("L1", BOOT, 2, name="Bot"), PackageLine("L2", SANDAL, 1, name="Sandalet")))
    )


def test_units_go_into_the_box_being_filled_and_each_box_gets_a_label() -> None:
    session = _session()
    assert session.current_box == 1
    assert session.scan(BOOT).box == 1
    assert session.scan(BOOT).box == 1
    assert session.next_box() == 2
    last = session.scan(SANDAL)
    assert last.box == 2 and last.package_complete
    assert session.box_count == 2
    assert session.boxes == (BoxContents(1, (("L1", 2),)), BoxContents(2, (("L2", 1),)))
    assert last.as_record()["box"] == 2


def test_one_line_can_spread_over_boxes() -> None:
    session = _session()
    session.scan(BOOT)
    session.next_box()
    session.scan(BOOT)
    session.scan(SANDAL)
    assert session.boxes == (BoxContents(1, (("L1", 1),)), BoxContents(2, (("L1", 1), ("L2", 1))))


def test_an_empty_box_is_never_closed() -> None:
    session = _session()
    with pytest.raises(PackSessionError, match="Box 1 is still empty"):
        session.next_box()
    session.scan(BOOT)
    session.next_box()
    with pytest.raises(PackSessionError, match="Box 2 is still empty"):
        session.next_box()


def test_rejected_scans_put_nothing_in_a_box() -> None:
    session = _session()
    assert session.scan("8690000009999").outcome is not ScanOutcome.ACCEPTED
    with pytest.raises(PackSessionError):
        session.next_box()
    assert session.box_count == 1


def test_an_empty_last_box_is_not_a_box() -> None:
    session = _session()
    session.scan(BOOT)
    session.scan(BOOT)
    session.next_box()
    session.mark_unsupplied("L2", 1, UnsuppliedReason.OUT_OF_STOCK)
    assert session.is_complete
    assert session.box_count == 1


def test_no_next_box_after_completion() -> None:
    session = _session()
    for code in (BOOT, BOOT, SANDAL):
        session.scan(code)
    with pytest.raises(PackSessionError, match="complete"):
        session.next_box()


def test_a_scanned_box_size_gives_the_box_its_desi() -> None:
    k2 = BoxType("K2", Decimal(40), Decimal(30), Decimal(20), "PSBOXK2")
    assert k2.desi == Decimal("8.00") and k2.dimensions == "40×30×20 cm"
    assert BoxType("K1", Decimal("25.5"), Decimal(20), Decimal(10), "B1").desi == Decimal("1.70")
    assert find_box_type((k2,), "  psboxk2 ") is k2 and find_box_type((k2,), "PSBOXK3") is None
    session = _session()
    session.scan(BOOT)
    assert session.choose_box_type(k2) == 1
    session.next_box()
    session.scan(BOOT)
    session.scan(SANDAL)
    assert [box.box_type for box in session.boxes] == [k2, None]


def test_box_sizes_are_checked() -> None:
    with pytest.raises(ValueError, match="above zero"):
        BoxType("K0", Decimal(0), Decimal(1), Decimal(1), "B0")
    with pytest.raises(ValueError, match="barcode"):
        BoxType("K0", Decimal(1), Decimal(1), Decimal(1), " ")
