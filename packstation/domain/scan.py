"""What a scanned text means: symbology prefix, GS1 element string, GTIN, or a plain seller code.

Pure functions, no I/O. The scan-to-verify engine (:mod:`packstation.domain.packing`) turns every
scan into a :class:`ScannedCode` (something to look up) or an :class:`InvalidScan` (garbled input
with a specific reason) before it matches anything.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from packstation.domain.gtin import GTIN_LENGTHS, is_valid_gtin, normalize_gtin

GS = "\x1d"
"""ASCII group separator: how a scanner transmits FNC1 inside a GS1 element string."""

MAX_SCAN_LENGTH = 256
"""Longer input is a stuck key or a pasted document, never one barcode."""

MAX_RECORDED_LENGTH = 300
"""How much of a scan's text is kept in the journal and shown: a 100,000-character paste is cut to this."""

ELLIPSIS = "…"
"""The visible mark where text was cut."""

REPLACEMENT = "\ufffd"
"""What a decoder puts where bytes were not text (invalid UTF-8 from a serial scanner)."""

# AIM symbology identifiers that announce GS1 data (GS1-128, GS1 DataBar, GS1 DataMatrix, GS1 QR).
_GS1_SYMBOLOGIES = frozenset({"]C1", "]e0", "]d2", "]Q3", "]J1"})
_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_PARENTHESISED_AI = re.compile(r"\((\d{2,4})\)([^()]*)")

# GS1 AIs whose data has a predefined length (GS1 General Specifications, figure 5.10.1-1), keyed by the
# AI's first two digits: (AI length, data length). They need no FNC1 after them.
_FIXED_LENGTH_AIS: dict[str, tuple[int, int]] = {
    "00": (2, 18), "01": (2, 14), "02": (2, 14), "03": (2, 14), "04": (2, 16),
    "11": (2, 6), "12": (2, 6), "13": (2, 6), "14": (2, 6), "15": (2, 6), "16": (2, 6), "17": (2, 6),
    "18": (2, 6), "19": (2, 6), "20": (2, 2),
    "31": (4, 6), "32": (4, 6), "33": (4, 6), "34": (4, 6), "35": (4, 6), "36": (4, 6), "41": (3, 13),
}  # fmt: skip
# AI length of the variable-length AIs, by first two digits; their data runs to the next GS or the end.
_VARIABLE_AI_LENGTH: dict[str, int] = {
    "10": 2, "21": 2, "22": 2, "23": 3, "24": 3, "25": 3, "30": 2, "37": 2, "39": 4,
    "40": 3, "42": 3, "43": 4, "70": 4, "71": 4, "72": 4, "80": 4, "81": 4, "82": 4,
    "90": 2, "91": 2, "92": 2, "93": 2, "94": 2, "95": 2, "96": 2, "97": 2, "98": 2, "99": 2,
}  # fmt: skip


class InvalidReason(Enum):
    """Why a scan was rejected as garbled before any look-up."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    CONTROL_CHARACTER = "control_character"
    BAD_CHECK_DIGIT = "bad_check_digit"
    MALFORMED_GS1 = "malformed_gs1"
    UNDECODABLE = "undecodable"


@dataclass(frozen=True)
class ScannedCode:
    """A scan that can be looked up.

    ``text`` is the scan without symbology prefix and surrounding whitespace; ``gtin`` is the GTIN-14
    form when the scan is (or carries, as AI 01) a GTIN with a correct check digit.
    ``suspect_gtin`` is set when the text looks like a GTIN but its check digit is wrong: it may still
    be a seller's made-up numeric barcode, so it is matched exactly before being called invalid.
    """

    text: str
    gtin: str | None = None
    symbology: str | None = None
    application_identifiers: tuple[tuple[str, str], ...] = ()
    suspect_gtin: bool = False

    @property
    def key(self) -> str:
        """The look-up key: the GTIN-14 when there is one, otherwise the exact text."""
        return self.gtin if self.gtin is not None else self.text


@dataclass(frozen=True)
class InvalidScan:
    """A scan that is garbled; ``detail`` says exactly what is wrong (English, for logs)."""

    raw: str
    reason: InvalidReason
    detail: str


def barcode_key(code: str) -> str:
    """Look-up key of a stored barcode: GTIN-14 for a valid GTIN (UPC-A meets its EAN-13 twin), else text."""
    text = code.strip()
    return normalize_gtin(text) or text


def clean_scan(raw: str) -> str:
    """The scan with NUL bytes dropped and unpaired surrogates replaced: text every store can hold.

    A serial scanner or a wedge may pad a read with NUL; PostgreSQL refuses NUL in any text, so it is
    stripped before anything is journaled. Other control characters are kept here so that
    :func:`interpret_scan` refuses the scan (they mean a misconfigured scanner, not data).
    """
    if "\x00" in raw:
        raw = raw.replace("\x00", "")
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError:
        raw = "".join(REPLACEMENT if "\ud800" <= char <= "\udfff" else char for char in raw)
    return raw


def recordable(text: str, limit: int = MAX_RECORDED_LENGTH) -> str:
    """``text`` as it may be journaled, logged and shown: no control character but GS, at most ``limit`` long.

    Control characters become U+FFFD (visible, and legal in SQLite, PostgreSQL and JSON); longer text is
    cut with :data:`ELLIPSIS` and the count of characters left out, so nothing pretends to be whole.
    """
    text = clean_scan(text)
    if len(text) > limit:
        text = f"{text[:limit]}{ELLIPSIS}(+{len(text) - limit})"
    if any(_is_control(char) for char in text):
        text = "".join(REPLACEMENT if _is_control(char) else char for char in text)
    return text


def _is_control(char: str) -> bool:
    return char != GS and unicodedata.category(char) in ("Cc", "Cs")


def interpret_scan(raw: str) -> ScannedCode | InvalidScan:
    """Classify one scanned text; never raises, whatever the input."""
    text = clean_scan(raw).strip(" \t\r\n")
    if not text:
        return InvalidScan(raw, InvalidReason.EMPTY, "nothing was scanned")
    if len(text) > MAX_SCAN_LENGTH:
        return InvalidScan(raw, InvalidReason.TOO_LONG, f"{len(text)} characters is longer than any barcode")
    symbology: str | None = None
    match = _AIM_PREFIX.match(text)
    if match:
        symbology = match.group(0)
        text = text[match.end() :]
    gs1_marked = symbology in _GS1_SYMBOLOGIES or text.startswith(GS)
    text = text.lstrip(GS)
    if not text:
        return InvalidScan(raw, InvalidReason.EMPTY, "only a symbology prefix was scanned")
    bad = _first_control_character(text)
    if bad is not None:
        return InvalidScan(raw, InvalidReason.CONTROL_CHARACTER, f"control character U+{ord(bad):04X} in scan")
    if REPLACEMENT in text:
        return InvalidScan(raw, InvalidReason.UNDECODABLE, "the scanner sent bytes that are not text")

    if text.startswith("("):
        return _from_element_string(raw, text, symbology, _parse_parenthesised(text), marked=True)
    if gs1_marked:
        return _from_element_string(raw, text, symbology, _parse_raw_element_string(text), marked=True)
    if len(text) in GTIN_LENGTHS and text.isascii() and text.isdigit():
        gtin = normalize_gtin(text)
        return ScannedCode(text, gtin=gtin, symbology=symbology, suspect_gtin=gtin is None)
    if len(text) >= 16 and text.startswith("01") and text[:16].isascii() and text[:16].isdigit():
        # An unmarked GS1-128 read (scanner not sending ]C1): accept it only when AI 01 checks
        # out, since a long code starting with 01 may just as well be a seller's own.
        parsed = _parse_raw_element_string(text)
        if isinstance(parsed, tuple) and _valid_ai01(parsed):
            return _from_element_string(raw, text, symbology, parsed, marked=False)
    return ScannedCode(text, symbology=symbology)


_UNREADABLE = frozenset(
    {InvalidReason.EMPTY, InvalidReason.TOO_LONG, InvalidReason.CONTROL_CHARACTER, InvalidReason.UNDECODABLE}
)


def unreadable(raw: str) -> InvalidScan | None:
    """Why ``raw`` cannot be any code at all (empty, too long, control characters, not text); None if readable.

    Parcel codes (order numbers, tracking numbers) need not be barcodes of a known kind, so only these
    reasons stop a parcel scan; a bad check digit or malformed GS1 still may be some carrier's code.
    """
    found = interpret_scan(raw)
    if isinstance(found, InvalidScan) and found.reason in _UNREADABLE:
        return found
    return None


def _first_control_character(text: str) -> str | None:
    for char in text:
        # GS is the one control character with a meaning (FNC1) inside a barcode.
        if char != GS and unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            return char
    return None


def _valid_ai01(pairs: tuple[tuple[str, str], ...]) -> bool:
    return any(ai == "01" and is_valid_gtin(value) for ai, value in pairs)


def _from_element_string(
    raw: str,
    text: str,
    symbology: str | None,
    parsed: tuple[tuple[str, str], ...] | str,
    *,
    marked: bool,
) -> ScannedCode | InvalidScan:
    if isinstance(parsed, str):
        return InvalidScan(raw, InvalidReason.MALFORMED_GS1, parsed)
    plain = text.replace(GS, "")
    for ai, value in parsed:
        if ai != "01":
            continue
        if len(value) != 14 or not value.isdigit():
            return InvalidScan(raw, InvalidReason.MALFORMED_GS1, f"AI (01) needs 14 digits, got {value!r}")
        if not is_valid_gtin(value):
            return InvalidScan(raw, InvalidReason.BAD_CHECK_DIGIT, f"GTIN {value} in AI (01) has a wrong check digit")
        return ScannedCode(plain, gtin=value, symbology=symbology, application_identifiers=parsed)
    # GS1 data without a GTIN (an SSCC, a lot number): nothing to verify against a line, look it up as is.
    return ScannedCode(plain, symbology=symbology, application_identifiers=parsed, suspect_gtin=not marked)


def _parse_parenthesised(text: str) -> tuple[tuple[str, str], ...] | str:
    """``(01)08690000000005(10)LOT7`` -> pairs, or an error message."""
    pairs: list[tuple[str, str]] = []
    position = 0
    for match in _PARENTHESISED_AI.finditer(text):
        if match.start() != position:
            return f"unexpected text {text[position : match.start()]!r} between application identifiers"
        pairs.append((match.group(1), match.group(2).replace(GS, "")))
        position = match.end()
    if position != len(text) or not pairs:
        return f"{text!r} is not a sequence of (AI)value pairs"
    return tuple(pairs)


def _parse_raw_element_string(text: str) -> tuple[tuple[str, str], ...] | str:
    """``0108690000000005172712311\\x1d21SN1`` -> pairs, or an error message.

    Stops quietly at an AI it does not know (its length is unknown); AI 01 normally comes first.
    """
    pairs: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        head = text[position : position + 2]
        if not head.isdigit():
            return f"expected an application identifier at position {position}, got {head!r}"
        if head in _FIXED_LENGTH_AIS:
            ai_length, data_length = _FIXED_LENGTH_AIS[head]
            ai = text[position : position + ai_length]
            value = text[position + ai_length : position + ai_length + data_length]
            if len(value) != data_length or GS in value:
                return f"AI ({ai}) needs {data_length} characters of data"
            pairs.append((ai, value))
            position += ai_length + data_length
            if text.startswith(GS, position):
                position += 1
            continue
        if head in _VARIABLE_AI_LENGTH:
            ai_length = _VARIABLE_AI_LENGTH[head]
            ai = text[position : position + ai_length]
            end = text.find(GS, position + ai_length)
            end = len(text) if end < 0 else end
            pairs.append((ai, text[position + ai_length : end]))
            position = end + 1
            continue
        break
    if not pairs:
        return f"{text!r} starts with no known application identifier"
    return tuple(pairs)
