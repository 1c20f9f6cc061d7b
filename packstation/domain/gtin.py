"""GTIN check digits (EAN-8, UPC-A, EAN-13, GTIN-14) and GS1 element strings.

Printers and renderers silently "repair" a wrong check digit, so what is printed could differ
from what is stored; the app therefore validates every GTIN itself.
"""

from __future__ import annotations

GTIN_LENGTHS = (8, 12, 13, 14)


def gtin_check_digit(body: str) -> int:
    """Return the GS1 mod-10 check digit for ``body`` (all digits, without the check digit)."""
    if not body.isdigit() or not body.isascii():
        raise ValueError(f"GTIN body must be digits only, got {body!r}")
    total = 0
    # Weights run 3,1,3,1... from the rightmost digit of the body.
    for position, char in enumerate(reversed(body)):
        total += int(char) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def is_valid_gtin(code: str) -> bool:
    """True when ``code`` is an 8, 12, 13 or 14 digit GTIN whose check digit is right."""
    if len(code) not in GTIN_LENGTHS or not code.isascii() or not code.isdigit():
        return False
    return gtin_check_digit(code[:-1]) == int(code[-1])


def with_check_digit(body: str) -> str:
    """Append the check digit to a 7, 11, 12 or 13 digit GTIN body."""
    return body + str(gtin_check_digit(body))


def normalize_gtin(code: str) -> str | None:
    """Return the GTIN-14 form of a valid GTIN (left-padded with zeros), or None if it is not one.

    UPC-A ``036000291452`` and its EAN-13 twin ``0036000291452`` both become ``00036000291452``,
    so a catalogue entry in one form matches a scan in the other.
    """
    if not is_valid_gtin(code):
        return None
    return code.rjust(14, "0")
