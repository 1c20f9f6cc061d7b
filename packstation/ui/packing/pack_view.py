"""The pack screen: the parcel's lines, what each scan meant, progress, and the label that printed.

Readable from a metre away: large type, one colour per outcome, and a full-screen red stop when the
order is cancelled while it is being packed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from packstation.domain.boxes import BoxType
from packstation.domain.display_text import shorten
from packstation.domain.outcomes import ScanOutcome
from packstation.ui.platform.text_fit import never_widen, set_fitted_text

if TYPE_CHECKING:
    from packstation.domain.packing import LineProgress, ScanResult
    from packstation.services.packing.service import OpenedPackage
    from packstation.ui.platform.camera import CameraView

# Outcome -> banner style (see theme.py); the colours differ in hue *and* brightness for colour-blind packers.
OUTCOME_STYLE = {
    ScanOutcome.ACCEPTED: "ok",
    ScanOutcome.WRONG_ITEM: "error",
    ScanOutcome.OVER_SCAN: "warn",
    ScanOutcome.UNKNOWN_BARCODE: "warn",
    ScanOutcome.INVALID: "warn",
    ScanOutcome.PACKAGE_ALREADY_COMPLETE: "info",
    ScanOutcome.PACKAGE_CANCELLED: "error",
}
CELL_LIMIT = 120  # characters of a product name or barcode in a table cell; the tooltip has more
DONE = QColor("#d8f3dc")
PARTLY = QColor("#fff3bf")


class PackView(QWidget):
    """Shows the package on the station and the feedback for every scan."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pack")
        self.package: OpenedPackage | None = None
        self.line_progress: dict[str, LineProgress] = {}
        #: Units of each line in each box (box number -> line id -> units), from the accepted scans.
        self.box_units: dict[int, dict[str, int]] = {}
        self.current_box = 1
        #: Every item is verified and the parcel waits for its photo before it is sealed.
        self.awaiting_photo = False
        self.camera: CameraView | None = None

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

        self.progress = QProgressBar()
        self.progress.setObjectName("packProgress")
        self.progress.setFormat("%v / %m")
        self.box_label = QLabel()
        self.box_label.setObjectName("boxLabel")

        self.lines = QTableWidget(0, 7)
        self.lines.setHorizontalHeaderLabels(
            [
                self.tr("Product"),
                self.tr("Colour"),
                self.tr("Size"),
                self.tr("Bin"),
                self.tr("Barcode"),
                self.tr("Scanned"),
                self.tr("Boxes"),
            ]
        )
        self.lines.verticalHeader().setVisible(False)
        self.lines.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.lines.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lines.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.lines.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.lines.setObjectName("packLines")
        self.lines.setIconSize(QSize(72, 72))
        self._image_loader: Callable[[str], Path | None] | None = None

        self.preview = QLabel(self.tr("The label appears here when the parcel is complete."))
        self.preview.setObjectName("labelPreview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setWordWrap(True)
        self.preview.setFixedWidth(340)
        self.print_status = QLabel()
        self.print_status.setObjectName("subtitle")
        never_widen(self.print_status)
        self.print_status.setFixedWidth(340)

        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addWidget(self.details)
        left.addWidget(self.feedback)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, stretch=1)
        progress_row.addWidget(self.box_label)
        left.addLayout(progress_row)
        left.addWidget(self.lines, stretch=1)
        # Shown when a label could not be printed: the job waits on disk until one of these is chosen.
        self.retry_button = QPushButton(self.tr("Retry printing"))
        self.move_button = QPushButton(self.tr("Send to another printer…"))
        for button in (self.retry_button, self.move_button):
            button.setVisible(False)
            button.setFixedWidth(340)
        self.failed_job_id: str | None = None
        right = QVBoxLayout()
        self._right = right
        right.addWidget(self.preview, stretch=1)
        right.addWidget(self.print_status)
        right.addWidget(self.retry_button)
        right.addWidget(self.move_button)
        body = QHBoxLayout()
        body.addLayout(left, stretch=1)
        body.addLayout(right)

        self.stop = QLabel(self.tr("ORDER CANCELLED\nDO NOT SHIP\n\nPut the items back and scan the abort command."))
        self.stop.setObjectName("stopOverlay")
        self.stop.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stop.setWordWrap(True)
        self.stop.hide()

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        container = QWidget()
        container.setLayout(body)
        grid.addWidget(container, 0, 0)
        grid.addWidget(self.stop, 0, 0)

    def set_image_loader(self, loader: Callable[[str], Path | None]) -> None:
        """Where product pictures come from (a disk cache that may download; called off the GUI thread)."""
        self._image_loader = loader

    def _load_images(self, package: OpenedPackage) -> None:
        from packstation.ui.platform.tasks import Task

        loader = self._image_loader
        if loader is None:
            return
        for row, line in enumerate(package.lines):
            if not line.image_url:
                continue

            def shown(path: Path | None, row: int = row, external_id: str = package.external_id) -> None:
                item = self.lines.item(row, 0)
                current = self.package
                if path is None or item is None or current is None or current.external_id != external_id:
                    return  # no picture, or the packer has moved on to another parcel
                item.setIcon(QIcon(QPixmap(str(path))))

            Task(partial(loader, line.image_url), owner=self).on_success(shown).run()

    @property
    def is_packing(self) -> bool:
        """A parcel is open and not yet complete (item scans go to it; one waiting for its photo counts)."""
        return self.package is not None and (self.progress.value() < self.progress.maximum() or self.awaiting_photo)

    def set_camera(self, camera: CameraView) -> None:
        """The station's camera view, shown under the label preview (only stations with a camera have one)."""
        camera.setFixedWidth(340)
        camera.setMinimumHeight(230)
        self._right.insertWidget(1, camera, stretch=1)
        self.camera = camera

    def ask_for_photo(self, text: str) -> None:
        """Every item is verified: the parcel is sealed once its photo is stored."""
        self.awaiting_photo = True
        self.set_feedback("warn", text)
        if self.camera is not None:
            self.camera.set_attention(True)

    def photo_done(self) -> None:
        """The photo is stored (or a supervisor sealed without one)."""
        self.awaiting_photo = False
        if self.camera is not None:
            self.camera.set_attention(False)

    def show_package(self, package: OpenedPackage, message: str) -> None:
        """A parcel was opened: show its lines, nothing scanned yet."""
        self.package = package
        self.photo_done()
        self.line_progress = {}
        self.box_units = {}
        self.start_box(1)
        self.stop.hide()
        set_fitted_text(
            self.title,
            self.tr("Order {0} · Package {1}").replace("{0}", package.order_number).replace("{1}", package.external_id),
        )
        set_fitted_text(
            self.details,
            f"{package.customer_name} · {package.district} / {package.city} · {package.cargo_provider} · "
            f"{package.cargo_tracking_number}",
        )
        self.lines.setRowCount(len(package.lines))
        for row, line in enumerate(package.lines):
            values = (line.name, line.colour, line.size, line.bin_location, line.barcode, f"0 / {line.quantity}", "")
            for column, value in enumerate(values):
                item = QTableWidgetItem(shorten(value, CELL_LIMIT))
                item.setToolTip(shorten(value))
                if column == 5:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.lines.setItem(row, column, item)
        self._load_images(package)
        total = sum(line.quantity for line in package.lines)
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.preview.setPixmap(QPixmap())
        self.preview.setText(self.tr("The label appears here when the parcel is complete."))
        self.print_status.clear()
        self.set_feedback("info", message)

    def _update_lines(self, lines: tuple[LineProgress, ...]) -> None:
        self.line_progress = {progress.line_id: progress for progress in lines}
        for row, progress in enumerate(lines):
            done = progress.scanned + progress.unsupplied
            item = self.lines.item(row, 5)
            if item is None:
                continue
            item.setText(f"{done} / {progress.required}")
            colour = DONE if progress.is_done else PARTLY if done else QColor("white")
            for column in range(self.lines.columnCount()):
                cell = self.lines.item(row, column)
                if cell is not None:
                    cell.setBackground(colour)

    @property
    def box_count(self) -> int:
        """Boxes holding something so far (at least one): how many labels the parcel gets."""
        return max(1, sum(1 for units in self.box_units.values() if units))

    def start_box(self, number: int) -> None:
        """Box ``number`` is now being filled."""
        self.current_box = number
        self.box_label.setText(self.tr("Box {0}").replace("{0}", str(number)))
        self._show_boxes()

    def show_box_type(self, number: int, box_type: BoxType) -> None:
        """The packer scanned a box size for box ``number``."""
        if number == self.current_box:
            self.box_label.setText(
                self.tr("Box {0} · {1} ({2}, {3} desi)")
                .replace("{0}", str(number))
                .replace("{1}", box_type.name)
                .replace("{2}", box_type.dimensions)
                .replace("{3}", f"{box_type.desi:.2f}")
            )

    def _show_boxes(self) -> None:
        """Each line's units per box ("1: 2 · 2: 1"), once the parcel spans more than one box."""
        if self.package is None:
            return
        several = len(self.box_units) > 1 or self.current_box > 1
        for row, line in enumerate(self.package.lines):
            parts = [
                f"{box}: {units[line.line_id]}"
                for box, units in sorted(self.box_units.items())
                if units.get(line.line_id)
            ]
            item = self.lines.item(row, 6)
            if item is not None:
                item.setText(" · ".join(parts) if several else "")

    def show_scan(self, result: ScanResult, lines: tuple[LineProgress, ...]) -> None:
        """Colour, text and counts for one scan."""
        if self.package is None:
            return
        if result.outcome is ScanOutcome.ACCEPTED and result.line_id is not None:
            box = self.box_units.setdefault(result.box, {})
            box[result.line_id] = box.get(result.line_id, 0) + result.units
            self._show_boxes()
        self._update_lines(lines)
        self.progress.setValue(result.verified_units if result.total_units else self.progress.value())
        if result.outcome is ScanOutcome.PACKAGE_CANCELLED:
            self.stop.show()
            self.stop.raise_()
        kind = OUTCOME_STYLE[result.outcome]
        if self.awaiting_photo and result.outcome is ScanOutcome.PACKAGE_ALREADY_COMPLETE:
            return  # every item is in: the request for the photo stays on screen
        if result.outcome is ScanOutcome.ACCEPTED and result.package_complete:
            kind = "complete"
            text = self.tr("Complete! Making the label…")
        else:
            text = result.message
        self.set_feedback(kind, text)

    def show_progress(self, lines: tuple[LineProgress, ...], complete: bool) -> None:
        """Counts after a supervisor's decision (unsupplied units, forced completion)."""
        if self.package is None:
            return
        self._update_lines(lines)
        done = sum(p.scanned + p.unsupplied for p in lines)
        self.progress.setValue(self.progress.maximum() if complete else done)
        if complete:
            self.photo_done()
            self.set_feedback("complete", self.tr("Complete! Making the label…"))

    def missing_lines(self) -> list[tuple[str, str, int]]:
        """(line id, name, units left) of every line not yet verified."""
        if self.package is None:
            return []
        result = []
        for line in self.package.lines:
            progress = self.line_progress.get(line.line_id)
            left = progress.remaining if progress else line.quantity
            if left > 0:
                result.append((line.line_id, line.name, left))
        return result

    def show_preview(self, png: bytes) -> None:
        """The label as printed."""
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        self.preview.setPixmap(
            pixmap.scaled(
                self.preview.width(),
                max(self.preview.height(), 480),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def show_print_failure(self, job_id: str | None) -> None:
        """Offer retry / another printer for a failed job (None hides the buttons)."""
        self.failed_job_id = job_id
        for button in (self.retry_button, self.move_button):
            button.setVisible(job_id is not None)

    def set_feedback(self, kind: str, text: str) -> None:
        """The big banner under the header."""
        self.feedback.setProperty("kind", kind)
        set_fitted_text(self.feedback, text)
        self.feedback.style().unpolish(self.feedback)
        self.feedback.style().polish(self.feedback)

    def clear(self) -> None:
        """Nothing on the station."""
        self.package = None
        self.photo_done()
        self.box_units = {}
        self.box_label.clear()
        self.stop.hide()
        self.lines.setRowCount(0)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
