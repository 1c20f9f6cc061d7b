"""Evidence for a rejected return when no photo was taken: a one-page inspection report (PDF).

Trendyol wants a file with most rejection reasons; the report says what the station found, for whom,
and when, in Turkish (the marketplace's staff read it).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from packstation.resources import resource_path

_FONT = "DejaVuSans"


def inspection_report(
    *, claim: str, order_number: str, items: Sequence[str], reason: str, description: str, at: datetime | None = None
) -> bytes:
    """The report as PDF bytes."""
    if _FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_FONT, str(resource_path("fonts") / f"{_FONT}.ttf")))
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"İade inceleme raporu {claim}")
    y = A4[1] - 25 * mm
    canvas.setFont(_FONT, 16)
    canvas.drawString(20 * mm, y, "İade inceleme raporu")
    canvas.setFont(_FONT, 10)
    moment = (at or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"İade talebi: {claim}",
        f"Sipariş: {order_number}",
        f"İnceleme zamanı: {moment}",
        f"Red sebebi: {reason}",
        "Açıklama:",
        *_wrap(description, 95),
        "İtiraz edilen iade kalemleri:",
        *(f"  • {item}" for item in items),
    ]
    for line in lines:
        y -= 6 * mm
        canvas.drawString(20 * mm, y, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _wrap(text: str, width: int) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return [f"  {line}" for line in lines] or ["  -"]
