"""Pieces of the supervisor dashboard: figure tiles, the throughput chart (QtCharts) and read-only tables."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from packstation.domain.display_text import shorten
from packstation.services.reports import Figures

ACCENT = QColor("#1f6feb")
WARN = QColor("#fff3bf")
BAD = QColor("#ffd6d6")


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


def make_table(headers: Sequence[str], parent: QWidget | None = None) -> QTableWidget:
    """A read-only, row-selecting table with the given column headers."""
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    # Names take the spare width; long texts (errors, messages) sit last and stretch there.
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.setAlternatingRowColors(True)
    return table


Cell = str | int | float | datetime | None


CELL_LIMIT = 160
"""Characters a table cell shows at most (with …)."""


def cell_text(value: Cell) -> str:
    """How a cell shows: numbers as written, times as given (already local), a dash for None."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.strftime("%d.%m %H:%M:%S")
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"
    return str(value)


def fill_table(
    table: QTableWidget,
    rows: Sequence[Sequence[Cell]],
    *,
    keys: Sequence[object] | None = None,
    highlight: Sequence[QColor | None] | None = None,
) -> None:
    """Replace the rows; ``keys`` ride along in the first cell's user data, ``highlight`` tints a row."""
    selected = table.currentRow()
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            text = cell_text(value)
            # A marketplace's or a server's text can be a page long: the cell shows a line, the tooltip more.
            item = QTableWidgetItem(shorten(text, CELL_LIMIT))
            if len(text) > CELL_LIMIT:
                item.setToolTip(shorten(text))
            if isinstance(value, int | float):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if c == 0 and keys is not None:
                item.setData(Qt.ItemDataRole.UserRole, keys[r])
            if highlight is not None and highlight[r] is not None:
                item.setBackground(QBrush(highlight[r]))
            table.setItem(r, c, item)
    if 0 <= selected < len(rows):
        table.selectRow(selected)


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
