"""The stock page (F8): locations and what each bin holds, products and thresholds, CSV import and export.

Every change calls a privileged stock service as the user logged in at that moment, on a worker thread;
the service's answer (done, refused, or why not) shows in the message line. Nothing here decides what
is allowed: the services do, and audit it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from packstation.domain.stock import LocationKind, StockReason
from packstation.services.access.permissions import UserSession
from packstation.services.stock.importer import StockImporter
from packstation.services.stock.locations import BinLine, LocationInfo, LocationService
from packstation.services.stock.service import StockService
from packstation.ui.admin.stock_actions import ActionPanel, message_line
from packstation.ui.admin.stock_dialogs import (
    AdjustDialog,
    EditLocationDialog,
    LocationDialog,
    TransferDialog,
    kind_name,
)
from packstation.ui.admin.stock_files import StockFilesPanel
from packstation.ui.admin.stock_products import StockProductsPanel
from packstation.ui.platform.tables import fill_table, make_table
from packstation.ui.platform.tasks import Task


@dataclass(frozen=True)
class StockAdmin:
    """The services the stock page uses."""

    stock: StockService
    locations: LocationService
    importer: StockImporter


class StockView(QWidget):
    """Three tabs: locations and bins, products, files."""

    def __init__(
        self, services: StockAdmin, *, current_user: Callable[[], UserSession | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.message = message_line()
        self.message.hide()  # shown with the first answer: an empty banner would only take room
        say = self._say
        self.locations = LocationsPanel(services, current_user=current_user, say=say)
        self.products = StockProductsPanel(services.stock, current_user=current_user, say=say)
        self.files = StockFilesPanel(services.importer, current_user=current_user, say=say, on_imported=self.refresh)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.locations, self.tr("Locations"))
        self.tabs.addTab(self.products, self.tr("Products"))
        self.tabs.addTab(self.files, self.tr("Import / export"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)

    def _say(self, text: str, ok: bool) -> None:
        self.message.setProperty("kind", "ok" if ok else "error")
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def refresh(self) -> None:
        """Read the locations and the default threshold again."""
        self.locations.refresh()
        self.products.refresh()


class LocationsPanel(ActionPanel):
    """The location tree on the left; the chosen bin's contents, adjustments and moves on the right."""

    def __init__(
        self,
        services: StockAdmin,
        *,
        current_user: Callable[[], UserSession | None],
        say: Callable[[str, bool], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(current_user=current_user, say=say, parent=parent)
        self._services = services
        self.rows: list[LocationInfo] = []
        self.contents: list[BinLine] = []
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Location"), self.tr("Name"), self.tr("Barcode"), self.tr("Units")])
        for column, width in enumerate((170, 110, 130)):
            self.tree.setColumnWidth(column, width)
        self.tree.currentItemChanged.connect(lambda *_args: self._show_selected())
        left = QVBoxLayout()
        left.addWidget(self.tree, 1)
        left.addLayout(
            self.button_row(
                (self.tr("New warehouse…"), lambda: self._ask_new(LocationKind.WAREHOUSE)),
                (self.tr("New zone…"), lambda: self._ask_new(LocationKind.ZONE)),
                (self.tr("New bin…"), lambda: self._ask_new(LocationKind.BIN)),
                (self.tr("Change…"), self._ask_edit),
            )
        )
        self.bin_title = QLabel(self.tr("Choose a bin to see what it holds."))
        self.bin_title.setObjectName("cardLabel")
        self.bin_title.setWordWrap(True)
        self.bin_table = make_table([self.tr("Stock code"), self.tr("Product"), self.tr("Variant"), self.tr("Units")])
        right = QVBoxLayout()
        right.addWidget(self.bin_title)
        right.addWidget(self.bin_table, 1)
        right.addLayout(
            self.button_row((self.tr("Adjust…"), self._ask_adjust), (self.tr("Move to another bin…"), self._ask_move))
        )
        splitter = QSplitter()
        for part in (left, right):
            holder = QWidget()
            part.setContentsMargins(0, 0, 0, 0)
            holder.setLayout(part)
            splitter.addWidget(holder)
        splitter.setSizes([520, 520])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def refresh(self) -> None:
        """Read the location tree again."""
        Task(self._services.locations.tree, owner=self).on_success(self._show_tree).on_failure(
            lambda exc: self.say(str(exc), ok=False)
        ).run()

    def _show_tree(self, rows: list[LocationInfo]) -> None:
        selected = self.selected()
        self.rows = rows
        self.tree.clear()
        items: dict[int, QTreeWidgetItem] = {}
        for info in rows:
            code = info.code if info.sellable else f"{info.code} ({self.tr('quarantine')})"
            units = str(info.units) if info.kind is LocationKind.BIN else ""
            item = QTreeWidgetItem([code, info.name, info.barcode, units])
            item.setData(0, Qt.ItemDataRole.UserRole, info.id)
            item.setToolTip(0, f"{kind_name(info.kind)}: {info.path}")
            parent = items.get(info.parent_id) if info.parent_id is not None else None
            if parent is None:
                self.tree.addTopLevelItem(item)
            else:
                parent.addChild(item)
            items[info.id] = item
        self.tree.expandAll()
        if selected is not None and selected.id in items:
            self.tree.setCurrentItem(items[selected.id])

    def selected(self) -> LocationInfo | None:
        """The location chosen in the tree."""
        item = self.tree.currentItem()
        if item is None:
            return None
        wanted = item.data(0, Qt.ItemDataRole.UserRole)
        return next((info for info in self.rows if info.id == wanted), None)

    def select(self, location_id: int) -> None:
        """Choose a location in the tree."""
        for item in self.tree.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive):
            if item.data(0, Qt.ItemDataRole.UserRole) == location_id:
                self.tree.setCurrentItem(item)
                return

    def _show_selected(self) -> None:
        location = self.selected()
        if location is None or location.kind is not LocationKind.BIN:
            self.contents = []
            fill_table(self.bin_table, [])
            self.bin_title.setText(self.tr("Choose a bin to see what it holds."))
            return
        state = self.tr("sellable") if location.sellable else self.tr("quarantine: not sellable")
        self.bin_title.setText(f"{location.path} · {location.barcode} · {state}")
        Task(lambda: self._services.locations.bin_contents(location.id), owner=self).on_success(
            self._show_contents
        ).run()

    def _show_contents(self, contents: list[BinLine]) -> None:
        self.contents = contents
        fill_table(
            self.bin_table,
            [[line.stock_code, line.name, line.variant, line.quantity] for line in contents],
            keys=[line.product_id for line in contents],
        )

    def _ask_new(self, kind: LocationKind) -> None:
        parent, wanted = self.selected(), kind.parent_kind
        if wanted is not None and (parent is None or parent.kind is not wanted):
            self.say(
                self.tr("Choose the {0} the new {1} goes in.")
                .replace("{0}", kind_name(wanted))
                .replace("{1}", kind_name(kind)),
                ok=False,
            )
            return
        parent_id = parent.id if parent is not None and wanted is not None else None
        dialog = LocationDialog(kind, parent.path if parent is not None and parent_id else "", self)
        if dialog.exec():
            self.add_location(
                kind,
                dialog.code.text(),
                parent_id=parent_id,
                name=dialog.name.text(),
                barcode=dialog.barcode.text(),
                sellable=dialog.sellable.isChecked(),
            )

    def add_location(
        self,
        kind: LocationKind,
        code: str,
        *,
        parent_id: int | None,
        name: str = "",
        barcode: str = "",
        sellable: bool = True,
    ) -> None:
        """Add a location (as the logged-in user)."""
        locations = self._services.locations
        self.run_as_user(
            lambda actor: locations.create(
                actor, kind, code, parent_id=parent_id, name=name, barcode=barcode, sellable=sellable
            ),
            lambda info: self.tr("{0} added (barcode {1}).").replace("{0}", info.path).replace("{1}", info.barcode),
            then=self.refresh,
        )

    def _ask_edit(self) -> None:
        location = self.selected()
        if location is None:
            self.say(self.tr("Choose a location first."), ok=False)
            return
        dialog = EditLocationDialog(location, self)
        if not dialog.exec():
            return
        locations = self._services.locations
        name, barcode = dialog.name.text(), dialog.barcode.text()
        sellable, active = dialog.sellable.isChecked(), dialog.active.isChecked()
        self.run_as_user(
            lambda actor: locations.change(
                actor, location.id, name=name, barcode=barcode, sellable=sellable, active=active
            ),
            lambda info: self.tr("{0} changed.").replace("{0}", info.path),
            then=self.refresh,
        )

    def _ask_adjust(self) -> None:
        location = self.selected()
        if location is None or location.kind is not LocationKind.BIN:
            self.say(self.tr("Choose a bin first."), ok=False)
            return
        dialog = AdjustDialog(location.path, self.contents, self)
        if not dialog.exec():
            return
        line: BinLine | None = dialog.product.currentData()
        other = dialog.other.text().strip()
        self.adjust(
            location.id,
            units=dialog.units.value(),
            reason=dialog.reason.currentData(),
            product_id=line.product_id if line is not None and not other else None,
            other=other,
            note=dialog.note.text(),
        )

    def adjust(
        self, bin_id: int, *, units: int, reason: StockReason, product_id: int | None, other: str = "", note: str = ""
    ) -> None:
        """Add or take ``units`` of a product (by id, or found by stock code or barcode) in a bin."""
        stock = self._services.stock
        not_found = self.tr("No single product matches “{0}”.").replace("{0}", other)

        def work(actor: UserSession) -> object:
            chosen = product_id
            if chosen is None:
                found = stock.search(other, limit=5)
                exact = [p for p in found if p.stock_code == other] or found
                if len(exact) != 1:
                    raise ValueError(not_found)
                chosen = exact[0].product_id
            return stock.adjust(actor, chosen, bin_id, units, reason, note=note)

        self.run_as_user(
            work,
            lambda moved: (
                self.tr("Done: {0} → {1} in the bin.")
                .replace("{0}", str(moved.bin_before))
                .replace("{1}", str(moved.bin_after))
            ),
            then=self._after_change,
        )

    def _ask_move(self) -> None:
        location = self.selected()
        if location is None or location.kind is not LocationKind.BIN:
            self.say(self.tr("Choose a bin first."), ok=False)
            return
        bins = [info for info in self.rows if info.kind is LocationKind.BIN]
        dialog = TransferDialog(location, self.contents, bins, self)
        if not dialog.exec() or dialog.product.currentData() is None:
            return
        line: BinLine = dialog.product.currentData()
        stock, target, units, note = (
            self._services.stock,
            dialog.target.currentData(),
            dialog.units.value(),
            dialog.note.text(),
        )
        self.run_as_user(
            lambda actor: stock.transfer(actor, line.product_id, location.id, target, units, note=note),
            lambda _moves: self.tr("Moved {0} of {1}.").replace("{0}", str(units)).replace("{1}", line.stock_code),
            then=self._after_change,
        )

    def _after_change(self) -> None:
        self.refresh()
        self._show_selected()
