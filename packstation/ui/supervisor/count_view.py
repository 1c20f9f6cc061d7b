"""Count mode at the station (F7, turned on by a supervisor): scan a bin, scan what is in it, confirm.

The count is blind: the list shows the products the bin should hold and how many were *counted*, never
how many the books say, so the packer counts rather than confirms. ``PSCMDCOMPLETE`` (or the button)
shows the differences and saves them as ``count`` adjustments; ``PSCMDABORT`` drops the count. Reading
the bin and saving run off the GUI thread; a scan is counted in memory at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from packstation.domain.command_barcodes import Command, UnknownCommandError, parse_command
from packstation.domain.feedback import FeedbackSound
from packstation.domain.stock_count import BinCount, CountDifference, CountOutcome
from packstation.services.stock.counting import CountPermit, CountResult, CountService
from packstation.services.stock.locations import LocationInfo
from packstation.ui.platform.tables import BAD, fill_table, make_table
from packstation.ui.platform.tasks import Task

#: ``feedback(sound, message, ok)``: the window plays the sound and shows the message.
Feedback = Callable[[FeedbackSound, str, bool], None]


class CountView(QWidget):
    """One count at a time, for as long as the supervisor's permit lasts."""

    def __init__(
        self, counts: CountService, permit: CountPermit, *, feedback: Feedback, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._counts = counts
        self.permit = permit
        self._feedback = feedback
        self.bin: LocationInfo | None = None
        self.count: BinCount | None = None
        self.busy = False
        self.last_result: CountResult | None = None
        self.title = QLabel(self.tr("Count mode"))
        self.title.setObjectName("title")
        self.instruction = QLabel()
        self.instruction.setObjectName("subtitle")
        self.instruction.setWordWrap(True)
        self.table = make_table([self.tr("Product"), self.tr("Counted")])
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, text, slot in (
            ("undo", self.tr("Undo last scan"), self.undo),
            ("set", self.tr("Type a count…"), self._ask_count),
            ("confirm", self.tr("Confirm count"), self.ask_confirm),
            ("cancel", self.tr("Drop this count"), self.drop),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[key] = button
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.instruction)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        self._show()

    # -- scans -------------------------------------------------------------------------------------------

    def take_scan(self, text: str) -> bool:
        """Handle a scan while count mode shows; False for what the window should handle (log out)."""
        try:
            command = parse_command(text)
        except UnknownCommandError as exc:
            self._feedback(FeedbackSound.UNKNOWN, str(exc), False)
            return True
        if command is Command.COMPLETE:
            self.ask_confirm()
            return True
        if command is Command.ABORT:
            self.drop()
            return True
        if command is not None:
            return command is not Command.LOG_OUT
        if self.busy:
            self._feedback(FeedbackSound.UNKNOWN, self.tr("One moment: the last step is still running."), False)
        elif self.count is None:
            self.start(text)
        else:
            self._count_item(text)
        return True

    def start(self, bin_barcode: str) -> None:
        """Begin counting the bin whose label was scanned."""
        self.busy = True
        counts, permit = self._counts, self.permit
        Task(lambda: counts.start(permit, bin_barcode), owner=self).on_success(self._started).on_failure(
            self._failed
        ).run()

    def _started(self, started: tuple[LocationInfo, BinCount]) -> None:
        self.busy = False
        self.bin, self.count = started
        self._show()
        self._feedback(
            FeedbackSound.ACCEPTED, self.tr("Counting {0}: scan every item in it.").replace("{0}", self.bin.path), True
        )

    def _count_item(self, text: str) -> None:
        assert self.count is not None
        result = self.count.scan(text)
        if result.outcome is CountOutcome.COUNTED:
            if result.product_id is not None and result.product_id not in self.count.expected:
                self._name_unexpected(result.product_id)
            self._feedback(FeedbackSound.ACCEPTED, result.message, True)
        else:
            self._feedback(FeedbackSound.UNKNOWN, result.message, False)
        self._show()

    def _name_unexpected(self, product_id: int) -> None:
        counts, count = self._counts, self.count

        def named(names: dict[int, str]) -> None:
            if count is not None:
                count.names.update(names)
                self._show()

        Task(lambda: counts.names([product_id]), owner=self).on_success(named).run()

    def undo(self) -> None:
        """Take the last scan back."""
        if self.count is not None and self.count.undo() is not None:
            self._show()

    def _ask_count(self) -> None:
        if self.count is None:
            return
        row = self.table.currentRow()
        products = self.count.products()
        if not 0 <= row < len(products):
            self._feedback(FeedbackSound.UNKNOWN, self.tr("Choose a product in the list first."), False)
            return
        units, ok = QInputDialog.getInt(self, self.tr("Type a count"), self.tr("Units counted"), 0, 0, 1_000_000)
        if ok:
            self.count.set_counted(products[row], units)
            self._show()

    # -- confirming --------------------------------------------------------------------------------------

    def ask_confirm(self) -> None:
        """Show the differences and save them when confirmed."""
        if self.count is None or self.busy:
            return
        dialog = DifferencesDialog(self.count, self)
        dialog.accepted.connect(self.confirm)
        dialog.open()

    def confirm(self) -> None:
        """Save the count: each difference against the books becomes an audited adjustment."""
        if self.count is None or self.busy:
            return
        self.busy = True
        counts, permit, count = self._counts, self.permit, self.count
        Task(lambda: counts.confirm(permit, count), owner=self).on_success(self._confirmed).on_failure(
            self._failed
        ).run()

    def _confirmed(self, result: CountResult) -> None:
        self.busy = False
        self.last_result = result
        self.bin, self.count = None, None
        self._show()
        message = self.tr("{0} counted: {1} difference(s) adjusted. Scan the next bin.")
        self._feedback(
            FeedbackSound.COMPLETE,
            message.replace("{0}", result.bin.path).replace("{1}", str(len(result.differences))),
            True,
        )

    def drop(self) -> None:
        """Forget the count in progress (nothing is saved)."""
        if self.count is None:
            return
        self.bin, self.count = None, None
        self._show()
        self._feedback(FeedbackSound.OVER_SCAN, self.tr("Count dropped: nothing was saved."), True)

    def _failed(self, exc: Exception) -> None:
        self.busy = False
        self._feedback(FeedbackSound.UNKNOWN, str(exc), False)

    # -- painting ----------------------------------------------------------------------------------------

    def _show(self) -> None:
        counting = self.count is not None
        for key in ("undo", "set", "confirm", "cancel"):
            self.buttons[key].setEnabled(counting)
        if self.count is None or self.bin is None:
            self.instruction.setText(self.tr("Scan the label of the bin to count."))
            fill_table(self.table, [])
            return
        self.instruction.setText(
            self.tr("Counting {0}. Scan every item; COMPLETE confirms, ABORT drops the count.").replace(
                "{0}", self.bin.path
            )
        )
        counted = self.count.counted
        products = self.count.products()
        fill_table(
            self.table,
            [[self.count.names.get(pid, f"#{pid}"), counted.get(pid, 0)] for pid in products],
            keys=products,
            highlight=[None if pid in self.count.expected else BAD for pid in products],
        )


class DifferencesDialog(QDialog):
    """What the count changes: books, counted and the difference, per product."""

    def __init__(self, count: BinCount, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Confirm the count"))
        self.differences: list[CountDifference] = count.differences()
        table = make_table([self.tr("Product"), self.tr("Books"), self.tr("Counted"), self.tr("Difference")])
        fill_table(
            table,
            [
                [count.names.get(d.product_id, f"#{d.product_id}"), d.expected, d.counted, f"{d.delta:+d}"]
                for d in self.differences
            ],
        )
        note = QLabel(
            self.tr("No differences: the books are right.")
            if not self.differences
            else self.tr("Each difference is saved as a count adjustment, under your name.")
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(table, 1)
        layout.addWidget(buttons)
        self.resize(560, 360)
