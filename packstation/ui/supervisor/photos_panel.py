"""The dashboard's Photos tab: a parcel's photos (taken before sealing, or as evidence), for a supervisor.

Type or scan a parcel's package id, tracking number or order number (or press Photos on an exception);
the photos are read from PostgreSQL and decoded on a worker, then shown as thumbnails with who took
them, where and when; the one chosen is shown large.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import Protocol
from uuid import UUID

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from packstation.domain.photos import PhotoInfo
from packstation.ui.platform.tasks import Task
from packstation.ui.platform.text_fit import never_widen, set_fitted_text

THUMB = QSize(160, 120)


class ParcelPhotos(Protocol):
    """Reads photos (``services.photos.store.PhotoStore``); runs on a worker."""

    def for_parcel(self, code: str) -> list[PhotoInfo]:
        """The photos of the packages ``code`` names."""

    def read(self, photo_id: UUID) -> bytes:
        """One photo's JPEG bytes."""


def _load(store: ParcelPhotos, code: str) -> list[tuple[PhotoInfo, QImage]]:
    """The photos and their decoded pictures (worker thread: database reads and JPEG decoding)."""
    return [(info, QImage.fromData(store.read(info.id))) for info in store.for_parcel(code)]


class PhotosPanel(QWidget):
    """A parcel's photos: thumbnails with their details, and the chosen one large."""

    def __init__(self, store: ParcelPhotos, *, tz: Callable[[], tzinfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photosPanel")
        self._store = store
        self._tz = tz
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("Package id, tracking number or order number"))
        self.code.returnPressed.connect(lambda: self.show_parcel(self.code.text()))
        show = QPushButton(self.tr("Show photos"))
        show.clicked.connect(lambda: self.show_parcel(self.code.text()))
        self.status = QLabel()
        self.status.setObjectName("subtitle")
        never_widen(self.status)
        self.thumbnails = QListWidget()
        self.thumbnails.setViewMode(QListWidget.ViewMode.IconMode)
        self.thumbnails.setIconSize(THUMB)
        self.thumbnails.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.thumbnails.setFixedWidth(2 * THUMB.width() + 60)
        self.thumbnails.currentRowChanged.connect(self._show_large)
        self.large = QLabel()
        self.large.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.large.setMinimumSize(320, 240)
        self._images: list[tuple[PhotoInfo, QImage]] = []
        row = QHBoxLayout()
        row.addWidget(self.code, stretch=1)
        row.addWidget(show)
        body = QHBoxLayout()
        body.addWidget(self.thumbnails)
        body.addWidget(self.large, stretch=1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addLayout(body, stretch=1)

    def show_parcel(self, code: str) -> None:
        """Load and show the photos of the parcel ``code`` names."""
        code = code.strip()
        if not code:
            return
        self.code.setText(code)
        set_fitted_text(self.status, self.tr("Loading the photos of {0}…").replace("{0}", code))
        store = self._store
        Task(lambda: _load(store, code), owner=self).on_success(lambda found: self._show(code, found)).on_failure(
            lambda exc: set_fitted_text(self.status, self.tr("Photos not loaded: {0}").replace("{0}", str(exc)))
        ).run()

    def _show(self, code: str, found: list[tuple[PhotoInfo, QImage]]) -> None:
        self._images = found
        self.thumbnails.clear()
        self.large.clear()
        tz = self._tz()
        for info, image in found:
            caption = f"{info.taken_at.astimezone(tz):%d.%m.%Y %H:%M}\n{info.taken_by or '—'} · {info.station or '—'}"
            thumb = QPixmap.fromImage(image).scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio)
            self.thumbnails.addItem(QListWidgetItem(QIcon(thumb), caption))
        if found:
            set_fitted_text(
                self.status, self.tr("{0}: {1} photo(s).").replace("{0}", code).replace("{1}", str(len(found)))
            )
            self.thumbnails.setCurrentRow(len(found) - 1)
        else:
            set_fitted_text(self.status, self.tr("{0}: no photos.").replace("{0}", code))

    def _show_large(self, row: int) -> None:
        if not 0 <= row < len(self._images):
            return
        _info, image = self._images[row]
        self.large.setPixmap(
            QPixmap.fromImage(image).scaled(
                self.large.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )
