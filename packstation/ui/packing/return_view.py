"""The return screen: the claimed units with the customer's reasons, the original parcel, and each unit's
condition as the packer judges it (resellable, damaged, wrong item, missing), in large type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from packstation.domain.display_text import shorten
from packstation.domain.returns import ReturnCondition
from packstation.ui.platform.tables import make_table
from packstation.ui.platform.text_fit import never_widen, set_fitted_text

if TYPE_CHECKING:
    from packstation.domain.returns import ReturnSession
    from packstation.services.returns.lookup import OpenedReturn

CELL_LIMIT = 120
#: Row colours per condition (a unit not judged yet stays white).
CONDITION_COLOURS = {
    ReturnCondition.RESELLABLE: QColor("#d8f3dc"),
    ReturnCondition.DAMAGED: QColor("#ffc9c9"),
    ReturnCondition.WRONG_ITEM: QColor("#ffc9c9"),
    ReturnCondition.MISSING: QColor("#fff3bf"),
}


class ReturnView(QWidget):
    """Shows the open return and the feedback for every scan."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("returns")
        self.title = QLabel()
        self.title.setObjectName("title")
        never_widen(self.title)
        self.details = QLabel()
        self.details.setObjectName("subtitle")
        never_widen(self.details)
        self.feedback = QLabel()
        self.feedback.setObjectName("feedback")
        never_widen(self.feedback)
        self.feedback.setMinimumHeight(96)
        self.feedback.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.units = make_table(
            [
                self.tr("Product"),
                self.tr("Barcode"),
                self.tr("Customer's reason"),
                self.tr("Claim item"),
                self.tr("Condition"),
            ]
        )
        self.units.setObjectName("returnUnits")
        # The scanner drives this screen: the table never takes the focus or a selection.
        self.units.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.units.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.units.setAlternatingRowColors(False)  # the row colour is the unit's condition
        self.not_ours = QLabel()
        self.not_ours.setObjectName("subtitle")
        never_widen(self.not_ours)
        self.hint = QLabel(
            self.tr(
                "Scan each returned item. The item scanned last: F2 resellable, F3 damaged, F4 wrong item. "
                "F5 missing: the items not scanned are not in the box. Then scan COMPLETE; ABORT leaves the return."
            )
        )
        self.hint.setObjectName("subtitle")
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.feedback)
        self._body = QHBoxLayout()
        self._body.addWidget(self.units, stretch=1)
        layout.addLayout(self._body, stretch=1)
        layout.addWidget(self.not_ours)
        layout.addWidget(self.hint)
        self.opened: OpenedReturn | None = None
        self._camera_hint = False

    def set_camera(self, camera: QWidget) -> None:
        """Show the station's camera beside the units (it moves here from the pack screen while a return is open)."""
        camera.setFixedWidth(340)
        self._body.addWidget(camera)
        if not self._camera_hint:
            self._camera_hint = True
            more = self.tr("F1 or “Take a photo”: a photo of the item or the box, sent with a rejection.")
            self.hint.setText(f"{self.hint.text()} {more}")

    def condition_text(self, condition: ReturnCondition | None) -> str:
        """A condition in the screen's language."""
        texts = {
            ReturnCondition.RESELLABLE: self.tr("Resellable"),
            ReturnCondition.DAMAGED: self.tr("Damaged"),
            ReturnCondition.WRONG_ITEM: self.tr("Wrong item"),
            ReturnCondition.MISSING: self.tr("Missing"),
        }
        return texts[condition] if condition is not None else self.tr("Not scanned yet")

    def show_return(self, opened: OpenedReturn, session: ReturnSession) -> None:
        """A claim was opened: its units, the customer's reasons and the parcel it came from."""
        self.opened = opened
        set_fitted_text(
            self.title,
            self.tr("RETURN {0} · order {1}")
            .replace("{0}", opened.return_tracking_number or opened.external_id)
            .replace("{1}", opened.order_number),
        )
        original = opened.original
        sent = (
            self.tr("Sent as parcel {0} ({1})")
            .replace("{0}", original.external_id)
            .replace("{1}", original.cargo_tracking_number or "-")
            if original is not None
            else self.tr("The original parcel is not in this database")
        )
        set_fitted_text(
            self.details,
            " · ".join(part for part in (opened.customer_name, opened.cargo_provider, sent) if part),
        )
        self.set_feedback("info", self.tr("Return opened: scan each returned item."))
        self.refresh(session)

    def refresh(self, session: ReturnSession) -> None:
        """Redraw the units with their conditions and the items that are not ours."""
        self.units.setRowCount(len(session.units))
        for row, unit in enumerate(session.units):
            condition = session.condition(unit.external_id)
            reason = " – ".join(part for part in (unit.customer_reason, unit.customer_note) if part)
            cells = (
                shorten(unit.product_name, CELL_LIMIT),
                shorten(unit.barcode, CELL_LIMIT),
                shorten(reason, CELL_LIMIT),
                unit.external_id[:8],
                self.condition_text(condition),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(unit.external_id if column == 3 else text)
                if condition is not None:
                    item.setBackground(CONDITION_COLOURS[condition])
                self.units.setItem(row, column, item)
        if session.not_ours:
            set_fitted_text(
                self.not_ours,
                self.tr("Not ours (not on the claim): {0}").replace(
                    "{0}", ", ".join(shorten(code, 40) for code in session.not_ours)
                ),
            )
        else:
            self.not_ours.clear()

    def set_feedback(self, kind: str, text: str) -> None:
        """The big banner under the header."""
        self.feedback.setProperty("kind", kind)
        set_fitted_text(self.feedback, text)
        self.feedback.style().unpolish(self.feedback)
        self.feedback.style().polish(self.feedback)

    def clear(self) -> None:
        """No return on the station."""
        self.opened = None
        self.units.setRowCount(0)
        self.not_ours.clear()
