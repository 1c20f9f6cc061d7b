"""The home screen: scan a parcel, see what is ready to pack, open a package's lines."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from packstation.ui.tasks import Task
from packstation.ui.views.package_table import PackageTableModel

if TYPE_CHECKING:
    from packstation.services.packages import PackageCounts, PackageDetail, PackageSummary


class _Card(QFrame):
    """A headline number with a caption."""

    def __init__(self, caption: str) -> None:
        super().__init__()
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        self.value = QLabel("–")
        self.value.setObjectName("cardValue")
        label = QLabel(caption)
        label.setObjectName("cardLabel")
        layout.addWidget(self.value)
        layout.addWidget(label)


class HomeView(QWidget):
    """Scan field, headline figures, the ready-to-pack list and a package's lines."""

    package_opened = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("home")
        self._find: Callable[[str], list[PackageSummary]] | None = None
        self._ready: Callable[[], list[PackageSummary]] | None = None
        self._counts: Callable[[], PackageCounts] | None = None
        self._detail: Callable[[int], PackageDetail | None] | None = None

        self.scan_input = QLineEdit()
        self.scan_input.setObjectName("scanInput")
        self.scan_input.setPlaceholderText(self.tr("Scan or type a tracking number, package id or order number"))
        self.scan_input.returnPressed.connect(self._on_scan)
        self.scan_input.setEnabled(False)

        self.banner = QLabel(self.tr("Starting the database…"))
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self._set_banner("info", self.banner.text())

        self.ready_card, self.packed_card, self.total_card = (
            _Card(self.tr("ready to pack")),
            _Card(self.tr("packed today")),
            _Card(self.tr("packages in total")),
        )
        cards = QHBoxLayout()
        for card in (self.ready_card, self.packed_card, self.total_card):
            cards.addWidget(card)

        self.model = PackageTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda index: self.open_package(self.model.row_at(index.row()).id))

        self.lines = QTableWidget(0, 6)
        self.lines.setHorizontalHeaderLabels(
            [self.tr("Product"), self.tr("Colour"), self.tr("Size"), self.tr("Barcode"), self.tr("Bin"), self.tr("Qty")]
        )
        self.lines.verticalHeader().setVisible(False)
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.detail_title = QLabel()
        self.detail_title.setObjectName("title")
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail_title)
        detail_layout.addWidget(self.lines)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.pages.addWidget(detail)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 18, 18, 18)
        layout.setSpacing(12)
        layout.addWidget(self.scan_input)
        layout.addWidget(self.banner)
        layout.addLayout(cards)
        layout.addWidget(self.pages, stretch=1)

    def bind(
        self,
        *,
        find: Callable[[str], list[PackageSummary]],
        ready: Callable[[], list[PackageSummary]],
        counts: Callable[[], PackageCounts],
        detail: Callable[[int], PackageDetail | None],
    ) -> None:
        """Connect the view to its queries (they run on worker threads) and load the first data."""
        self._find, self._ready, self._counts, self._detail = find, ready, counts, detail
        self.scan_input.setEnabled(True)
        self.scan_input.setFocus()
        self._set_banner("info", self.tr("Ready. Scan a parcel to begin."))
        self.refresh()

    def refresh(self) -> None:
        """Reload the headline figures and the ready-to-pack list in the background."""
        if self._ready is None or self._counts is None:
            return
        Task(self._ready, owner=self).on_success(self._show_list).on_failure(self._show_error).run()
        Task(self._counts, owner=self).on_success(self._show_counts).on_failure(self._show_error).run()

    def show_startup_error(self, message: str) -> None:
        """The database did not come up: say why, keep the window open."""
        self._set_banner("error", message)

    def _set_banner(self, kind: str, text: str) -> None:
        self.banner.setProperty("kind", kind)
        self.banner.setText(text)
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)

    def _show_error(self, exc: Exception) -> None:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        self._set_banner("error", self.tr("Database error: {0}").replace("{0}", reason[0] if reason else repr(exc)))

    def _show_counts(self, counts: PackageCounts) -> None:
        self.ready_card.value.setText(f"{counts.ready:,}".replace(",", "."))
        self.packed_card.value.setText(f"{counts.packed_today:,}".replace(",", "."))
        self.total_card.value.setText(f"{counts.total:,}".replace(",", "."))

    def _show_list(self, rows: list[PackageSummary]) -> None:
        self.model.set_rows(rows)
        self.pages.setCurrentIndex(0)

    def _on_scan(self) -> None:
        code = self.scan_input.text().strip()
        self.scan_input.clear()
        if not code or self._find is None:
            return
        find = self._find
        Task(lambda: find(code), owner=self).on_success(lambda rows: self._show_matches(code, rows)).on_failure(
            self._show_error
        ).run()

    def _show_matches(self, code: str, rows: list[PackageSummary]) -> None:
        if not rows:
            self._set_banner("error", self.tr("No package found for “{0}”.").replace("{0}", code))
            return
        if len(rows) == 1:
            self.open_package(rows[0].id)
            return
        self.model.set_rows(rows)
        self.pages.setCurrentIndex(0)
        self._set_banner(
            "info",
            self.tr("{0} packages match “{1}”: choose one (double-click).")
            .replace("{0}", str(len(rows)))
            .replace("{1}", code),
        )

    def open_package(self, package_id: int) -> None:
        """Load and show a package's lines."""
        if self._detail is None:
            return
        detail = self._detail
        Task(lambda: detail(package_id), owner=self).on_success(self._show_detail).on_failure(self._show_error).run()

    def _show_detail(self, detail: PackageDetail | None) -> None:
        if detail is None:
            self._set_banner("error", self.tr("That package no longer exists."))
            return
        s = detail.summary
        self.detail_title.setText(f"{s.customer_name} · {s.city} / {s.district} · {s.cargo_provider or ''}")
        self._set_banner(
            "ok",
            self.tr("Package {0} (order {1}), tracking {2}: {3} item(s).")
            .replace("{0}", s.external_id)
            .replace("{1}", s.order_number)
            .replace("{2}", s.cargo_tracking_number or "–")
            .replace("{3}", str(s.item_count)),
        )
        self.lines.setRowCount(len(detail.lines))
        for row, line in enumerate(detail.lines):
            for column, value in enumerate(
                (
                    line.product_name,
                    line.colour or "",
                    line.size or "",
                    line.barcode,
                    line.bin_location or "",
                    str(line.quantity),
                )
            ):
                item = QTableWidgetItem(value)
                if column == 5:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.lines.setItem(row, column, item)
        self.pages.setCurrentIndex(1)
        self.package_opened.emit(detail)
