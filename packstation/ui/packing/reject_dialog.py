"""Rejecting returned units: the marketplace's reason (from the list it serves) and a description."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from packstation.services.marketplaces.claims import ClaimReason

#: The marketplace's cap on a rejection's description (Trendyol: 500 characters).
MAX_DESCRIPTION = 500


class RejectDialog(QDialog):
    """Choose the reason and describe what was found; OK only with a reason and at most 500 characters."""

    def __init__(
        self, reasons: list[ClaimReason], *, summary: str, suggested: int = 0, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reject returned items"))
        self.setModal(True)
        self._reasons = reasons
        self.reason = QComboBox()
        for reason in reasons:
            self.reason.addItem(reason.name)
        if reasons:
            self.reason.setCurrentIndex(min(max(suggested, 0), len(reasons) - 1))
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText(self.tr("What was found (at most 500 characters)"))
        self.description.setPlainText(summary[:MAX_DESCRIPTION])
        self.count = QLabel()
        self.description.textChanged.connect(self._changed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("The marketplace's reason:")))
        layout.addWidget(self.reason)
        layout.addWidget(QLabel(self.tr("Description for the marketplace:")))
        layout.addWidget(self.description)
        layout.addWidget(self.count)
        layout.addWidget(buttons)
        self._changed()

    def _changed(self) -> None:
        length = len(self.description.toPlainText())
        self.count.setText(self.tr("{0} / 500 characters").replace("{0}", str(length)))
        self._ok.setEnabled(bool(self._reasons) and length <= MAX_DESCRIPTION)

    def chosen(self) -> tuple[ClaimReason, str]:
        """The reason chosen and the description typed."""
        return self._reasons[self.reason.currentIndex()], self.description.toPlainText().strip()
