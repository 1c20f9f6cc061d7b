"""Text from outside (a scan, a marketplace, an error) made fit to show: bounded, printable, breakable.

No text that a scanner, a customer or a server sends may widen a window or hide the next message.
Pure functions; the screens call them (``packstation/ui/platform/text_fit.py``) and so may reports.
"""

from __future__ import annotations

import re
import unicodedata

from packstation.domain.scan import ELLIPSIS

MAX_SHOWN = 400
"""Characters of one message shown at most; the rest is cut with :data:`ELLIPSIS`."""

BREAK_EVERY = 40
"""Longest run without a break opportunity: a word wrap needs one to keep a line inside its box."""

ZERO_WIDTH_SPACE = "\u200b"
_LONG_RUN = re.compile(rf"\S{{{BREAK_EVERY + 1},}}")


def shorten(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` cut to ``limit`` characters with a visible ``…``, control characters dropped (newline kept)."""
    if len(text) > limit:
        text = text[:limit].rstrip() + ELLIPSIS
    if any(_unprintable(char) for char in text):
        text = "".join(char for char in text if not _unprintable(char))
    return text


def breakable(text: str, limit: int = MAX_SHOWN) -> str:
    """:func:`shorten`, plus a zero-width break opportunity inside every run longer than :data:`BREAK_EVERY`."""
    text = shorten(text, limit)
    return _LONG_RUN.sub(_split_run, text)


def _split_run(match: re.Match[str]) -> str:
    run = match.group(0)
    return ZERO_WIDTH_SPACE.join(run[i : i + BREAK_EVERY] for i in range(0, len(run), BREAK_EVERY))


def _unprintable(char: str) -> bool:
    return char != "\n" and unicodedata.category(char) in ("Cc", "Cs")
