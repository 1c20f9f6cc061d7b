"""The dashboard's filter bar: dates, client, marketplace, station and packer; refresh and export; a status line."""

from __future__ import annotations

from datetime import date
from typing import cast

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from packstation.services.reports import FilterChoices, ReportFilter
from packstation.ui.platform.text_fit import never_widen


class DashboardFilters(QWidget):
    """What the figures are read for; ``changed`` whenever that changes or Refresh is pressed."""

    #: A filter changed, or Refresh was pressed: read the figures again.
    changed = Signal()
    #: Export… was pressed, with the kind of file ("pdf" or "xlsx").
    export_requested = Signal(str)

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        day = QDate(today.year, today.month, today.day)
        self.date_from, self.date_to = QDateEdit(day), QDateEdit(day)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
            edit.dateChanged.connect(self.changed)
        self.client_box, self.market_box = QComboBox(), QComboBox()
        self.station_box, self.packer_box = QComboBox(), QComboBox()
        for box, everything in (
            (self.client_box, self.tr("All clients")),
            (self.market_box, self.tr("All marketplaces")),
            (self.station_box, self.tr("All stations")),
            (self.packer_box, self.tr("All packers")),
        ):
            box.addItem(everything, None)
            box.currentIndexChanged.connect(self.changed)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.changed)
        self.pdf_button = QPushButton(self.tr("Export PDF…"))
        self.pdf_button.clicked.connect(lambda: self.export_requested.emit("pdf"))
        self.xlsx_button = QPushButton(self.tr("Export XLSX…"))
        self.xlsx_button.clicked.connect(lambda: self.export_requested.emit("xlsx"))
        self.status = QLabel()
        self.status.setObjectName("cardLabel")
        # Two rows (filters; actions and status), so the bar fits a 1280-pixel bench screen.
        filters, actions = QHBoxLayout(), QHBoxLayout()
        for widget in (
            QLabel(self.tr("From")),
            self.date_from,
            QLabel(self.tr("to")),
            self.date_to,
            self.client_box,
            self.market_box,
            self.station_box,
            self.packer_box,
        ):
            filters.addWidget(widget)
        filters.addStretch(1)
        for button in (self.refresh_button, self.pdf_button, self.xlsx_button):
            actions.addWidget(button)
        actions.addWidget(never_widen(self.status), 1)
        bar = QVBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addLayout(filters)
        bar.addLayout(actions)

    def current_filter(self) -> ReportFilter:
        """The filter the controls describe."""
        # QDate.toPython gives a datetime.date; PySide6 types it as object.
        start = cast(date, self.date_from.date().toPython())
        end = cast(date, self.date_to.date().toPython())
        return ReportFilter(
            start,
            max(start, end),
            client_company_id=self.client_box.currentData(),
            marketplace=self.market_box.currentData(),
            station_id=self.station_box.currentData(),
            user_id=self.packer_box.currentData(),
        )

    def set_choices(self, choices: FilterChoices) -> None:
        """Offer the clients, marketplaces, stations and packers there are (without a ``changed`` each)."""
        for box, items in (
            (self.client_box, [(c.name, c.id) for c in choices.clients]),
            (self.market_box, [(m.capitalize(), m) for m in choices.marketplaces]),
            (self.station_box, [(s.name, s.id) for s in choices.stations]),
            (self.packer_box, [(p.name, p.id) for p in choices.packers]),
        ):
            box.blockSignals(True)
            for text, data in items:
                box.addItem(text, data)
            box.blockSignals(False)

    def show_status(self, text: str, *, failed: bool = False) -> None:
        """The line beside the buttons: when the figures were read, or why they were not."""
        self.status.setStyleSheet("color: #c92a2a;" if failed else "")
        self.status.setText(text)
