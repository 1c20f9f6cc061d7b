"""PDF reports with reportlab: the daily throughput report (with charts) and the 3PL billing statement.

Text is set in DejaVu Sans, embedded from ``resources/fonts``, because reportlab's standard
Helvetica has no ğ ş ı İ: Turkish names must come out as written. Charts are reportlab's own
(``reportlab.graphics.charts``), drawn as vectors.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from packstation.i18n import _
from packstation.services.reports.model import DashboardSnapshot, Figures, Grouping
from packstation.services.reports.tables import Table as ReportTable
from packstation.services.reports.tables import cell_text, figures_table, invoice_table

if TYPE_CHECKING:
    from packstation.services.reports.billing import InvoiceLine

FONTS_DIR = Path(__file__).resolve().parents[3] / "resources" / "fonts"
FONT, FONT_BOLD = "PackStationReport", "PackStationReport-Bold"
ACCENT = colors.HexColor("#1f6feb")
_fonts_lock = threading.Lock()


def register_fonts() -> None:
    """Register DejaVu Sans with reportlab once per process (its font table is global)."""
    with _fonts_lock:
        if FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(FONT, str(FONTS_DIR / "DejaVuSans.ttf")))
            pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONTS_DIR / "DejaVuSans-Bold.ttf")))
            # So that <b> in paragraphs picks the bold face.
            registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


@dataclass(frozen=True)
class _Styles:
    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle


def _styles() -> _Styles:
    register_fonts()
    return _Styles(
        title=ParagraphStyle("title", fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=4),
        heading=ParagraphStyle("heading", fontName=FONT_BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4),
        body=ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12),
    )


def _grid(table: ReportTable, *, widths: Sequence[float] | None = None) -> Table:
    data = [list(table.headers), *([cell_text(c) for c in row] for row in table.rows)]
    grid = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTNAME", (0, 0), (-1, 0), FONT_BOLD),
                ("FONTSIZE", (0, 0), (-1, -1), 7.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef8")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f6f8fa")]),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return grid


def _count_label(value: float) -> str:
    """Bar labels for counts: whole numbers, nothing on empty bars (24 zeros are noise)."""
    return f"{value:.0f}" if value else ""


def _integer_axis(axis: object, values: Sequence[int]) -> None:
    """Counts get whole-number ticks, about five of them."""
    top = max(values, default=0)
    axis.valueMin = 0  # type: ignore[attr-defined]
    axis.valueStep = max(1, -(-top // 5))  # type: ignore[attr-defined]
    axis.valueMax = max(1, -(-top // axis.valueStep) * axis.valueStep)  # type: ignore[attr-defined]


def _timeline_chart(timeline: Sequence[Figures], *, width: float, title: str) -> Drawing:
    drawing = Drawing(width, 52 * mm, initialFontName=FONT)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 10 * mm, width - 16 * mm, 35 * mm  # type: ignore[assignment]  # stubs say int; reportlab takes points as floats
    chart.data = [[f.parcels for f in timeline] or [0]]
    chart.categoryAxis.categoryNames = [f.key for f in timeline] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6 if len(timeline) > 16 else 7
    chart.categoryAxis.labels.angle = 45 if len(timeline) > 16 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(timeline) > 16 else "n"
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    _integer_axis(chart.valueAxis, [f.parcels for f in timeline])
    chart.bars[0].fillColor = ACCENT
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = _count_label
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6
    chart.barLabels.nudge = 5
    drawing.add(chart)
    drawing.add(String(12 * mm, 48 * mm, title, fontName=FONT_BOLD, fontSize=9))
    return drawing


def _packer_chart(packers: Sequence[Figures], *, width: float, title: str) -> Drawing:
    shown = list(packers[:12])
    height = max(26 * mm, (len(shown) * 6 + 14) * mm)
    drawing = Drawing(width, height, initialFontName=FONT)
    chart = HorizontalBarChart()
    chart.x, chart.y = 45 * mm, 6 * mm  # type: ignore[assignment]  # stubs say int; reportlab takes points as floats
    chart.width, chart.height = width - 55 * mm, height - 16 * mm  # type: ignore[assignment]  # stubs say int; reportlab takes points as floats
    # The chart draws its first category at the bottom: reverse so the best packer is on top.
    chart.data = [[f.parcels for f in reversed(shown)] or [0]]
    chart.categoryAxis.categoryNames = [f.key for f in reversed(shown)] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    _integer_axis(chart.valueAxis, [f.parcels for f in shown])
    chart.bars[0].fillColor = colors.HexColor("#2da44e")
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = _count_label
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 8
    drawing.add(chart)
    drawing.add(String(0, height - 6 * mm, title, fontName=FONT_BOLD, fontSize=9))
    return drawing


def _summary_line(total: Figures) -> str:
    median = "–" if total.median_parcel_seconds is None else f"{total.median_parcel_seconds:.0f} s"
    rate = "–" if total.error_rate is None else f"{total.error_rate:.2f}"
    return _(
        "Parcels: <b>{parcels}</b> · Items: <b>{items}</b> · Parcels per hour: <b>{pph}</b> · "
        "Median time per parcel: <b>{median}</b> · Errors per 100 items: <b>{rate}</b>"
    ).format(
        parcels=total.parcels,
        items=total.items,
        pph="–" if total.parcels_per_hour is None else f"{total.parcels_per_hour:.2f}",
        median=median,
        rate=rate,
    )


def write_throughput_pdf(path: Path, snapshot: DashboardSnapshot, *, scope: str) -> None:
    """The throughput report of ``snapshot`` (one day: the daily report) with charts and tables.

    ``scope`` describes the filters in words (e.g. the client and station chosen).
    """
    styles = _styles()
    page = landscape(A4)
    width = page[0] - 30 * mm
    flt = snapshot.filter
    period = f"{flt.start:%d.%m.%Y}" if flt.single_day else f"{flt.start:%d.%m.%Y} – {flt.end:%d.%m.%Y}"
    story: list[Flowable] = [
        Paragraph(_("Packing report {period}").format(period=period), styles.title),
        Paragraph(
            _("{scope} · generated {when:%d.%m.%Y %H:%M}").format(scope=scope, when=snapshot.generated_at),
            styles.body,
        ),
        Spacer(1, 3 * mm),
        Paragraph(_summary_line(snapshot.total), styles.body),
        Spacer(1, 4 * mm),
        _timeline_chart(
            snapshot.timeline,
            width=width,
            title=_("Parcels per hour") if flt.single_day else _("Parcels per day"),
        ),
    ]
    if snapshot.packers:
        story.append(_packer_chart(snapshot.packers, width=width * 0.7, title=_("Parcels per packer")))
    story += [
        Paragraph(_("Packers"), styles.heading),
        _grid(figures_table(snapshot.packers, Grouping.PACKER, title="")),
        Paragraph(_("Stations"), styles.heading),
        _grid(figures_table(snapshot.stations, Grouping.STATION, title="")),
        Paragraph(_("Definitions"), styles.heading),
        Paragraph(
            _(
                "A parcel counts at the local time of its completion. Items are units verified by accepted scans; "
                "errors are wrong items, unknown barcodes and over-scans, per 100 items. Parcels per hour divide "
                "parcels by the clock hours with activity. Time per parcel runs from the packer opening the parcel "
                "to completing it."
            ),
            styles.body,
        ),
    ]
    _build(path, story, page=page, title=_("Packing report"))


def write_billing_pdf(path: Path, lines: Sequence[InvoiceLine], *, month: str, generated_at: datetime) -> None:
    """The billing statement of period ``month``: one row per client company, and the total."""
    styles = _styles()
    page = landscape(A4)
    table = invoice_table(lines, title="")
    currencies = sorted({line.currency for line in lines})
    totals = ", ".join(
        f"{sum((line.amount for line in lines if line.currency == cur), start=0):,.2f} {cur}" for cur in currencies
    )
    story: list[Flowable] = [
        Paragraph(_("3PL billing {month}").format(month=month), styles.title),
        Paragraph(_("generated {when:%d.%m.%Y %H:%M}").format(when=generated_at), styles.body),
        Spacer(1, 4 * mm),
        _grid(table),
        Spacer(1, 4 * mm),
        Paragraph(
            _("Total: <b>{totals}</b> · Parcels: <b>{parcels}</b>").format(
                totals=totals or "0", parcels=sum(line.parcels for line in lines)
            ),
            styles.body,
        ),
        Spacer(1, 2 * mm),
        Paragraph(
            _(
                "Volume pricing: every parcel of the period at the price of the tier the total falls into. "
                "Graduated pricing: each parcel at the price of its own band."
            ),
            styles.body,
        ),
    ]
    _build(path, story, page=page, title=_("3PL billing"))


def write_table_pdf(path: Path, table: ReportTable, *, scope: str) -> None:
    """One report table on landscape pages (the returns report), with its title and scope."""
    styles = _styles()
    story: list[Flowable] = [
        Paragraph(table.title, styles.title),
        Paragraph(scope, styles.body),
        Spacer(1, 4 * mm),
        _grid(table),
    ]
    _build(path, story, page=landscape(A4), title=table.title)


def _build(path: Path, story: list[Flowable], *, page: tuple[float, float], title: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = SimpleDocTemplate(
        str(path),
        pagesize=page,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=title,
        author="PackStation",
        # Otherwise every page starts in Helvetica, which has no Turkish letters.
        initialFontName=FONT,
    )
    document.build(story)
