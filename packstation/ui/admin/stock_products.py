"""The stock page's products tab: find a product, see its stock per bin, set thresholds."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget

from packstation.services.access.permissions import UserSession
from packstation.services.stock.service import ProductStock, StockService
from packstation.ui.admin.stock_actions import ActionPanel
from packstation.ui.admin.stock_dialogs import ThresholdDialog
from packstation.ui.platform.tables import fill_table, make_table
from packstation.ui.platform.tasks import Task


class StockProductsPanel(ActionPanel):
    """Products by stock code, barcode or name, with on hand, reserved, available, threshold and bins."""

    def __init__(
        self,
        stock: StockService,
        *,
        current_user: Callable[[], UserSession | None],
        say: Callable[[str, bool], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(current_user=current_user, say=say, parent=parent)
        self._stock = stock
        self.products: list[ProductStock] = []
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Stock code, barcode or part of the name"))
        self.search.returnPressed.connect(self.find_products)
        self.table = make_table(
            [
                self.tr("Product"),
                self.tr("Stock code"),
                self.tr("On hand"),
                self.tr("Reserved"),
                self.tr("Available"),
                self.tr("Threshold"),
                self.tr("Bins"),
            ]
        )
        self.default_threshold = QSpinBox()
        self.default_threshold.setRange(0, 1_000_000)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addLayout(self.button_row((self.tr("Find"), self.find_products)))
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addLayout(self.button_row((self.tr("Threshold…"), self._ask_threshold)))
        bottom.addStretch(1)
        bottom.addWidget(QLabel(self.tr("Default low-stock threshold")))
        bottom.addWidget(self.default_threshold)
        bottom.addLayout(self.button_row((self.tr("Save default"), self._save_default)))
        layout.addLayout(bottom)

    def refresh(self) -> None:
        """Read the default threshold again."""
        Task(self._stock.default_threshold, owner=self).on_success(self.default_threshold.setValue).run()

    def find_products(self) -> None:
        """Look products up by what the search field holds."""
        text, stock = self.search.text(), self._stock
        Task(lambda: stock.search(text), owner=self).on_success(self._show).on_failure(
            lambda exc: self.say(str(exc), ok=False)
        ).run()

    def _show(self, products: list[ProductStock]) -> None:
        self.products = products
        default = self.tr("default")
        fill_table(
            self.table,
            [
                [
                    " ".join(part for part in (p.name, p.variant) if part),
                    p.stock_code,
                    p.figures.on_hand,
                    p.figures.reserved,
                    p.figures.available,
                    p.figures.threshold if p.own_threshold is not None else f"{p.figures.threshold} ({default})",
                    ", ".join(f"{path} ({units})" for path, units in p.bins),
                ]
                for p in products
            ],
            keys=[p.product_id for p in products],
        )
        if not products:
            self.say(self.tr("No product matches."), ok=False)

    def _ask_threshold(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.products):
            self.say(self.tr("Choose a product first."), ok=False)
            return
        product = self.products[row]
        dialog = ThresholdDialog(product.stock_code, product.own_threshold, self.default_threshold.value(), self)
        if dialog.exec():
            self.set_threshold(product, dialog.value())

    def set_threshold(self, product: ProductStock, value: int | None) -> None:
        """Save a product's own threshold (None: the default again)."""
        stock = self._stock
        self.run_as_user(
            lambda actor: stock.set_threshold(actor, product.product_id, value),
            lambda _r: self.tr("Threshold of {0} saved.").replace("{0}", product.stock_code),
            then=self.find_products,
        )

    def _save_default(self) -> None:
        value, stock = self.default_threshold.value(), self._stock
        self.run_as_user(
            lambda actor: stock.set_default_threshold(actor, value),
            lambda _r: self.tr("Default threshold saved: {0}.").replace("{0}", str(value)),
            then=self.find_products,
        )
