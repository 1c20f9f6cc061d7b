"""Pieces of the supervisor dashboard: figure tiles and the throughput chart (tables: ui.platform.tables)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from packstation.services.reports import Figures
from packstation.ui.platform.tables import BAD, WARN, Cell, fill_table, make_table

__all__ = ["BAD", "WARN", "Cell", "ThroughputChart", "Tile", "figure_row", "fill_table", "make_table"]

ACCENT = QColor("#1f6feb")


class Tile(QFrame):
    """One big number with its caption (uses the theme's ``card`` styles)."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        self.value = QLabel("–")
        self.value.setObjectName("cardValue")
        self.caption = QLabel(caption)
        self.caption.setObjectName("cardLabel")
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def show_value(self, text: str, *, alarm: bool = False) -> None:
        """Show ``text``; an alarm paints the number red."""
        self.value.setText(text)
        self.value.setStyleSheet("color: #c92a2a;" if alarm else "")


class ThroughputChart(QChartView):
    """Parcels per hour (one day) or per day (a range) as a bar chart."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        chart = QChart()
        chart.legend().hide()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(6)
        self.setChart(chart)
        self.setMinimumHeight(220)
        self.categories: list[str] = []
        self.values: list[int] = []

    def show_timeline(self, timeline: Sequence[Figures], *, title: str) -> None:
        """Replace the bars with ``timeline``."""
        chart = self.chart()
        chart.removeAllSeries()
        for axis in list(chart.axes()):
            chart.removeAxis(axis)
        chart.setTitle(title)
        # Hours as "00".."23" and days as "dd.mm": longer labels do not fit 24 bars and get elided.
        self.categories = [f.key[:2] if f.key.endswith(":00") else f.key for f in timeline]
        self.values = [f.parcels for f in timeline]
        bars = QBarSet(self.tr("Parcels"))
        bars.setColor(ACCENT)
        bars.append([float(v) for v in self.values])
        series = QBarSeries()
        series.append(bars)
        chart.addSeries(series)
        x_axis = QBarCategoryAxis()
        x_axis.append(self.categories)
        x_axis.setLabelsAngle(-90 if len(self.categories) > 24 else 0)
        x_axis.setTruncateLabels(False)
        y_axis = QValueAxis()
        top = max(self.values, default=0)
        y_axis.setRange(0, max(4, top + max(1, top // 8)))
        y_axis.setLabelFormat("%d")
        y_axis.setTickCount(5)
        chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x_axis)
        series.attachAxis(y_axis)


def figure_row(f: Figures) -> list[Cell]:
    """A figures row as the packer and station tables show it."""
    return [
        f.key,
        f.parcels,
        f.items,
        f.parcels_per_hour,
        None if f.median_parcel_seconds is None else round(f.median_parcel_seconds),
        f.wrong_items,
        f.unknown_barcodes,
        f.over_scans,
        f.error_rate,
    ]
