"""Scans nobody planned for: NUL padding, control characters, invalid UTF-8, pastes of a whole page."""

import json

import pytest

from packstation.domain.keyboard_layout import LayoutRepair, damage_as_turkish_q
from packstation.domain.outcomes import ScanOutcome
from packstation.domain.package import Package, PackageLine
from packstation.domain.packing import PackSession
from packstation.domain.scan import (
    MAX_RECORDED_LENGTH,
    InvalidReason,
    InvalidScan,
    ScannedCode,
    clean_scan,
    interpret_scan,
    recordable,
    unreadable,
)
from packstation.domain.scan_messages import invalid_message


def test_nul_padding_is_stripped_and_the_code_still_reads() -> None:
    found = interpret_scan("\x008690000000005\x00\x00")
    assert isinstance(found, ScannedCode)
    assert found.gtin == "08690000000005"


@pytest.mark.parametrize("control", ["\x01", "\x07", "\x1b", "\x7f", "\x85", "\x9b"])
def test_other_c0_and_c1_controls_are_refused_as_unreadable(control: str) -> None:
    found = interpret_scan(f"869{control}0000000005")
    assert isinstance(found, InvalidScan)
    assert found.reason is InvalidReason.CONTROL_CHARACTER
    assert invalid_message(found.reason).startswith("Unreadable scan")


def test_invalid_utf8_from_a_scanner_is_unreadable() -> None:
    text = b"869\xff\xfe0000".decode("utf-8", errors="replace")
    found = interpret_scan(text)
    assert isinstance(found, InvalidScan) and found.reason is InvalidReason.UNDECODABLE
    assert unreadable(text) is not None


def test_lone_surrogates_become_storable_text() -> None:
    cleaned = clean_scan("ab\udcffcd")
    cleaned.encode("utf-8")  # would raise on a surrogate
    assert isinstance(interpret_scan("ab\udcffcd"), InvalidScan)


def test_gs1_group_separator_is_data_not_a_control_character() -> None:
    found = interpret_scan("]C1010869000000000510LOT7\x1d21SN1")
    assert isinstance(found, ScannedCode)
    assert found.gtin == "08690000000005"
    assert unreadable("]C1010869000000000510LOT7\x1d21SN1") is None


def test_recordable_text_is_bounded_and_free_of_controls() -> None:
    text = recordable("\x00\x01" + "Ş" * 100_000)
    assert len(text) < MAX_RECORDED_LENGTH + 20
    assert "…" in text
    assert not any(ord(char) < 0x20 for char in text)
    json.dumps(text).encode("utf-8")


def test_a_pack_session_never_returns_a_nul_or_a_page_as_the_scan_text() -> None:
    session = PackSession(Package("P1", (PackageLine("L1", "8690000000005", 1),)))
    for scan in ("\x00" * 10, "x\x00" * 60_000, "\x01", "\udcff", " \t "):
        result = session.scan(scan)
        assert result.outcome is ScanOutcome.INVALID
        assert "\x00" not in result.text and len(result.text) <= MAX_RECORDED_LENGTH + 20
    assert session.scan("\x008690000000005\x00").outcome is ScanOutcome.ACCEPTED


def test_a_layout_repair_of_a_nul_padded_scan_is_journaled_without_the_nul() -> None:
    # Found by the scan fuzz: the repair keeps the scanner's NUL padding, and PostgreSQL refuses a NUL.
    session = PackSession(Package("P", (PackageLine("L", "TRK-123/45", 1),)), layout_repair=LayoutRepair(enabled=True))
    result = session.scan("\x00" + damage_as_turkish_q("TRK-123/45") + "\x00")
    assert result.outcome is ScanOutcome.ACCEPTED and result.repaired_text is not None
    assert "\x00" not in result.repaired_text and result.repaired_text.strip("\ufffd") == "TRK-123/45"
