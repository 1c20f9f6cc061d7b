"""Small forms of the stock page: a new location, changing one, an adjustment, a transfer, a threshold.

They only collect what was typed; the page runs the service call and shows the service's answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from packstation.domain.stock import ADJUSTMENT_REASONS, LocationKind, StockReason
from packstation.services.stock.locations import BinLine, LocationInfo


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def kind_name(kind: LocationKind) -> str:
    """A location kind in the screen's language."""
    return {
        LocationKind.WAREHOUSE: QCoreApplication.translate("Stock", "warehouse"),
        LocationKind.ZONE: QCoreApplication.translate("Stock", "zone"),
        LocationKind.BIN: QCoreApplication.translate("Stock", "bin"),
    }[kind]


def reason_name(reason: StockReason) -> str:
    """A stock reason in the screen's language."""
    return {
        StockReason.PACKED: QCoreApplication.translate("Stock", "packed"),
        StockReason.COUNT: QCoreApplication.translate("Stock", "count"),
        StockReason.DAMAGE: QCoreApplication.translate("Stock", "damage"),
        StockReason.FOUND: QCoreApplication.translate("Stock", "found"),
        StockReason.RETURN: QCoreApplication.translate("Stock", "return"),
        StockReason.TRANSFER: QCoreApplication.translate("Stock", "transfer"),
        StockReason.QUARANTINE: QCoreApplication.translate("Stock", "quarantine"),
        StockReason.IMPORT: QCoreApplication.translate("Stock", "import"),
    }[reason]


class LocationDialog(QDialog):
    """Code, name, barcode and sellable flag of a new location (``kind`` under ``parent``)."""

    def __init__(self, kind: LocationKind, parent_path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New {0}").replace("{0}", kind_name(kind)))
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("e.g. A-01-3"))
        self.name = QLineEdit()
        self.barcode = QLineEdit()
        self.barcode.setPlaceholderText(self.tr("empty: the station makes one (PSLOC…)"))
        self.sellable = QCheckBox(self.tr("Sellable (clear for a quarantine area)"))
        self.sellable.setChecked(True)
        form = QFormLayout(self)
        if parent_path:
            form.addRow(self.tr("Inside"), QLabel(parent_path))
        form.addRow(self.tr("Code"), self.code)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Barcode"), self.barcode)
        form.addRow(self.sellable)
        form.addRow(_buttons(self))


class EditLocationDialog(QDialog):
    """Name, barcode, sellable and in-use flags of an existing location."""

    def __init__(self, location: LocationInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Change {0}").replace("{0}", location.path))
        self.name = QLineEdit(location.name)
        self.barcode = QLineEdit(location.barcode)
        self.sellable = QCheckBox(self.tr("Sellable (clear for a quarantine area)"))
        self.sellable.setChecked(location.sellable)
        self.active = QCheckBox(self.tr("In use (clear to retire an empty location)"))
        self.active.setChecked(location.active)
        form = QFormLayout(self)
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Barcode"), self.barcode)
        form.addRow(self.sellable)
        form.addRow(self.active)
        form.addRow(_buttons(self))


class AdjustDialog(QDialog):
    """A product of the bin (or a stock code or barcode), units to add or take, the reason and a note."""

    def __init__(self, bin_path: str, contents: Sequence[BinLine], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Adjust stock in {0}").replace("{0}", bin_path))
        self.product = QComboBox()
        for line in contents:
            self.product.addItem(f"{line.stock_code} · {line.name} {line.variant} ({line.quantity})".strip(), line)
        self.other = QLineEdit()
        self.other.setPlaceholderText(self.tr("or another product: its stock code or barcode"))
        self.units = QSpinBox()
        self.units.setRange(-99_999, 99_999)
        self.units.setValue(1)
        self.reason = QComboBox()
        for reason in ADJUSTMENT_REASONS:
            if reason is not StockReason.TRANSFER:  # a transfer has its own form: it needs two bins
                self.reason.addItem(reason_name(reason), reason)
        self.note = QLineEdit()
        form = QFormLayout(self)
        form.addRow(self.tr("Product"), self.product)
        form.addRow("", self.other)
        form.addRow(self.tr("Units (+ in, − out)"), self.units)
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("Note"), self.note)
        form.addRow(_buttons(self))


class TransferDialog(QDialog):
    """A product of the bin, how many, and the bin they go to."""

    def __init__(
        self,
        source: LocationInfo,
        contents: Sequence[BinLine],
        bins: Sequence[LocationInfo],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Move stock out of {0}").replace("{0}", source.path))
        self.product = QComboBox()
        for line in contents:
            if line.quantity > 0:
                self.product.addItem(f"{line.stock_code} · {line.name} {line.variant} ({line.quantity})".strip(), line)
        self.units = QSpinBox()
        self.units.setRange(1, 99_999)
        self.target = QComboBox()
        for location in bins:
            if location.id != source.id:
                self.target.addItem(location.path, location.id)
        self.note = QLineEdit()
        form = QFormLayout(self)
        form.addRow(self.tr("Product"), self.product)
        form.addRow(self.tr("Units"), self.units)
        form.addRow(self.tr("To bin"), self.target)
        form.addRow(self.tr("Note"), self.note)
        form.addRow(_buttons(self))


class ThresholdDialog(QDialog):
    """A product's own low-stock threshold, or the default."""

    def __init__(self, product: str, own: int | None, default: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Low-stock threshold of {0}").replace("{0}", product))
        self.use_default = QCheckBox(self.tr("Use the default ({0})").replace("{0}", str(default)))
        self.use_default.setChecked(own is None)
        self.threshold = QSpinBox()
        self.threshold.setRange(0, 1_000_000)
        self.threshold.setValue(default if own is None else own)
        self.threshold.setEnabled(own is not None)
        self.use_default.toggled.connect(lambda checked: self.threshold.setEnabled(not checked))
        form = QFormLayout(self)
        form.addRow(self.use_default)
        form.addRow(self.tr("Alert at or below"), self.threshold)
        form.addRow(_buttons(self))

    def value(self) -> int | None:
        """The threshold chosen (None: the default)."""
        return None if self.use_default.isChecked() else self.threshold.value()
