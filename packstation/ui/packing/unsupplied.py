"""Missing item: the packer picks the line, how many are missing and why; a supervisor approves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from packstation.domain.outcomes import UnsuppliedReason


@dataclass(frozen=True)
class MissingLine:
    """A line that still has units to verify."""

    line_id: str
    name: str
    remaining: int


@dataclass(frozen=True)
class UnsuppliedChoice:
    """What the packer declared."""

    line_id: str
    quantity: int
    reason: UnsuppliedReason
    note: str


class UnsuppliedDialog(QDialog):
    """Choose the line, the quantity that cannot be supplied, and the reason.

    ``reasons``: the ones the parcel's marketplace publishes (``services.marketplaces.reasons``), in its
    order; nothing else is offered, so a packer cannot send a reason the marketplace would misread.
    """

    def __init__(
        self,
        lines: list[MissingLine],
        reasons: Sequence[UnsuppliedReason] = tuple(UnsuppliedReason),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Item cannot be supplied"))
        self._lines = lines
        self.line = QComboBox()
        for line in lines:
            self.line.addItem(self.tr("{0} ({1} left)").replace("{0}", line.name).replace("{1}", str(line.remaining)))
        self.quantity = QSpinBox()
        self.reason = QComboBox()
        names = {
            UnsuppliedReason.OUT_OF_STOCK: self.tr("Out of stock"),
            UnsuppliedReason.DEFECTIVE: self.tr("Defective"),
            UnsuppliedReason.WRONG_PRICE: self.tr("Wrong price"),
            UnsuppliedReason.INTEGRATION_ERROR: self.tr("Integration error"),
            UnsuppliedReason.BULK_PURCHASE: self.tr("Bulk purchase"),
            UnsuppliedReason.FORCE_MAJEURE: self.tr("Force majeure"),
            UnsuppliedReason.OTHER: self.tr("Other"),
        }
        for reason in reasons:
            self.reason.addItem(names[reason], reason)
        self.note = QLineEdit()
        self.line.currentIndexChanged.connect(self._limit)
        self._limit(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow(
            QLabel(self.tr("A supervisor must approve this. The marketplace is told which items are missing."))
        )
        layout.addRow(self.tr("Item"), self.line)
        layout.addRow(self.tr("Missing"), self.quantity)
        layout.addRow(self.tr("Reason"), self.reason)
        layout.addRow(self.tr("Note"), self.note)
        layout.addRow(buttons)

    def _limit(self, index: int) -> None:
        remaining = self._lines[index].remaining if 0 <= index < len(self._lines) else 1
        self.quantity.setRange(1, max(remaining, 1))
        self.quantity.setValue(remaining)

    def choice(self) -> UnsuppliedChoice:
        """The declaration as entered."""
        line = self._lines[self.line.currentIndex()]
        return UnsuppliedChoice(
            line.line_id, self.quantity.value(), self.reason.currentData(), self.note.text().strip()
        )
