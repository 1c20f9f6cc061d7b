"""Device-independent label elements, positioned in millimetres from the top-left corner.

A layout (``shipping.py``, ``slip.py``) decides where things go once; the ZPL and PDF renderers
turn the same elements into printer commands or PDF drawing, so both outputs look alike.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from packstation.services.labels.textfit import FittedText


class Align(enum.Enum):
    """Horizontal alignment of text inside its box."""

    LEFT = "L"
    CENTER = "C"
    RIGHT = "R"


@dataclass(frozen=True)
class TextBlock:
    """Lines of already-fitted text; ``size`` of ``text`` is in millimetres (em height)."""

    x: float
    y: float
    width: float
    text: FittedText
    align: Align = Align.LEFT


@dataclass(frozen=True)
class Code128:
    """A Code 128 symbol of ``modules`` modules, centred in a box ``width`` wide."""

    x: float
    y: float
    width: float
    height: float
    data: str
    modules: str


@dataclass(frozen=True)
class QrCode:
    """A QR code (error correction Q) fitted into a ``size`` x ``size`` square."""

    x: float
    y: float
    size: float
    data: str


@dataclass(frozen=True)
class Box:
    """A filled rectangle: rules and frames are thin boxes."""

    x: float
    y: float
    width: float
    height: float


Element = TextBlock | Code128 | QrCode | Box


@dataclass(frozen=True)
class Page:
    """One printed page or label: its size and what is on it."""

    width: float
    height: float
    elements: tuple[Element, ...]
