"""Read-only tables for every screen: a row-selecting table, and filling it with typed cells.

Numbers align right, times show as ``dd.mm HH:MM:SS``, None as a dash; a long text shows one line with
the whole of it in the tooltip; a row can be tinted (:data:`WARN`, :data:`BAD`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from packstation.domain.display_text import shorten

WARN = QColor("#fff3bf")
BAD = QColor("#ffd6d6")


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
