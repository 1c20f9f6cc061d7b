"""Fit text into a box by wrapping and shrinking, measured with the label font's own metrics.

A receiver's address that is too long must never be cut off silently: it wraps at word
boundaries, shrinks step by step down to a readable minimum, and only if it still does not fit
is it cut with a visible ``…`` (``cut=True``: customer data, where a shortened label beats no
label, and :attr:`FittedText.shortened` lets the packer be told) or a :class:`TextDoesNotFitError`.
"""

from __future__ import annotations

from dataclasses import dataclass

from packstation.i18n import _
from packstation.services.labels.errors import TextDoesNotFitError
from packstation.services.labels.fonts import LabelFonts

#: Line pitch as a multiple of the font size; DejaVu's ascent + descent is 1.16 em.
LINE_PITCH = 1.18
# Measured widths are compared against slightly less than the box, so a printer whose
# rasteriser rounds differently still keeps each line inside its ^FB block.
_SAFETY = 0.97
_SHRINK_STEP = 0.92
ELLIPSIS = "…"


@dataclass(frozen=True)
class FittedText:
    """Text broken into lines at a size where all of them fit the box."""

    lines: tuple[str, ...]
    size: float
    bold: bool
    field: str = ""
    #: True when the text did not fit even at the smallest size and was cut with ``…``.
    shortened: bool = False

    @property
    def line_pitch(self) -> float:
        """Distance between baselines, in the same unit as ``size``."""
        return self.size * LINE_PITCH

    @property
    def height(self) -> float:
        """Height the lines occupy."""
        return len(self.lines) * self.line_pitch


def _break_word(fonts: LabelFonts, word: str, width: float, size: float, bold: bool) -> list[str]:
    """Split one word that is wider than the box into pieces that each fit."""
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and fonts.width(current + char, size, bold=bold) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def wrap(fonts: LabelFonts, text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` at ``size`` (explicit newlines kept)."""
    usable = width * _SAFETY
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        # Only ordinary spaces break lines: a no-break space (phone numbers) keeps its parts together.
        for word in (part for part in paragraph.split(" ") if part):
            candidate = f"{current} {word}" if current else word
            if fonts.width(candidate, size, bold=bold) <= usable:
                current = candidate
                continue
            if current:
                lines.append(current)
            if fonts.width(word, size, bold=bold) <= usable:
                current = word
            else:
                *whole, current = _break_word(fonts, word, usable, size, bold)
                lines.extend(whole)
        lines.append(current)
    return lines


def fit_text(
    fonts: LabelFonts,
    text: str,
    *,
    field: str,
    width: float,
    max_lines: int,
    size: float,
    min_size: float,
    bold: bool = False,
    cut: bool = False,
) -> FittedText:
    """Fit ``text`` into at most ``max_lines`` lines of ``width``, shrinking from ``size`` to ``min_size``.

    When even ``min_size`` is not enough: with ``cut`` the text is cut at the last line with a visible
    ``…``; without, :class:`TextDoesNotFitError` (with ``field``) is raised.
    """
    current = size
    while True:
        lines = wrap(fonts, text, width, current, bold=bold)
        if len(lines) <= max_lines:
            return FittedText(tuple(lines), current, bold, field)
        if current <= min_size and cut:
            kept = lines[:max_lines]
            kept[-1] = _with_ellipsis(fonts, kept[-1], width * _SAFETY, current, bold)
            return FittedText(tuple(kept), current, bold, field, shortened=True)
        if current <= min_size:
            raise TextDoesNotFitError(
                field,
                _("The {field} is too long to fit on the label: {text!r}").format(field=field, text=text),
            )
        current = max(min_size, current * _SHRINK_STEP)


def _with_ellipsis(fonts: LabelFonts, line: str, width: float, size: float, bold: bool) -> str:
    """``line`` with ``…`` at its end, characters dropped from the end until it fits ``width``."""
    line = line.rstrip()
    while line and fonts.width(line + ELLIPSIS, size, bold=bold) > width:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


def fit_line(
    fonts: LabelFonts,
    text: str,
    *,
    field: str,
    width: float,
    size: float,
    min_size: float,
    bold: bool = False,
    cut: bool = False,
) -> FittedText:
    """Fit ``text`` on one line, shrinking it rather than wrapping (numbers, names in headers)."""
    return fit_text(
        fonts, text, field=field, width=width, max_lines=1, size=size, min_size=min_size, bold=bold, cut=cut
    )
