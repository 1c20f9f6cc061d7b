"""Marketplace ZPL reaches the printer only as label drawing: configuration and firmware commands are cut out.

A label issued by a marketplace is ZPL someone else wrote. ZPL can also reconfigure a Zebra printer:
save settings (``^JU``), reset it (``~JR``), change its network (``^NS``, ``^NC``), store graphics,
formats or fonts in its memory (``~DG``, ``~DY``, ``^DF``), set passwords (``^KP``), change the
command characters (``^CC``, ``~CT``, ``^CD``) … None of that belongs on a shipping label, so only the
commands in :data:`ALLOWED` pass; everything else is removed and reported, and the caller logs it.

Commands are the prefix (``^`` or ``~``) and two characters, with their parameters up to the next
prefix; fonts are ``^A`` plus one character (``^A0N,30,30``), barcodes ``^B`` plus one (``^BCN``).
Sources: Zebra "ZPL II Programming Guide" (P1012728-011), command index.
"""

from __future__ import annotations

from dataclasses import dataclass

# Label drawing: format start/end, fields and their data, fonts and encodings, positions and sizes,
# barcodes (every ^B…), boxes/lines/circles/inline graphics, recall of a stored graphic, quantity.
ALLOWED_EXACT = frozenset(
    {
        "^XA", "^XZ", "^XG", "^IM",
        "^FO", "^FT", "^FS", "^FD", "^FH", "^FB", "^FR", "^FW", "^FX", "^FN", "^FV", "^FP", "^FM", "^FL",
        "^CF", "^CI", "^CV", "^TB",
        "^LH", "^LL", "^LR", "^LS", "^LT",
        "^PW", "^PO", "^PQ", "^PM",
        "^GB", "^GC", "^GD", "^GE", "^GF", "^GS",
    }
)  # fmt: skip
# Families allowed by their first letter: ^A (fonts: ^A0, ^AA … ^A@) and ^B (barcodes, ^BY defaults).
ALLOWED_FAMILIES = ("^A", "^B")
_PREFIXES = b"^~"


@dataclass(frozen=True)
class FilteredZpl:
    """What is left to print, and the commands that were taken out (in order, e.g. ``["~JU", "^NS"]``)."""

    data: bytes
    removed: tuple[str, ...]


def command_allowed(command: str) -> bool:
    """Whether a command (prefix and two characters, upper case) draws a label and nothing else."""
    return command in ALLOWED_EXACT or command[:2] in ALLOWED_FAMILIES


def filter_zpl(data: bytes) -> FilteredZpl:
    """Keep text outside commands and every allowed command with its parameters; drop the rest."""
    kept = bytearray()
    removed: list[str] = []
    position, end = 0, len(data)
    while position < end:
        following = _next_prefix(data, position + 1)
        chunk = data[position:following]
        if chunk[:1] in (b"^", b"~"):
            command = chunk[:3].decode("latin-1").upper()
            if command_allowed(command):
                kept += chunk
            else:
                removed.append(command)
        else:
            kept += chunk  # whitespace or line breaks between formats
        position = following
    return FilteredZpl(data=bytes(kept), removed=tuple(removed))


def _next_prefix(data: bytes, start: int) -> int:
    found = [index for index in (data.find(b"^", start), data.find(b"~", start)) if index >= 0]
    return min(found) if found else len(data)
