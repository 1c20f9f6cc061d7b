"""The station's camera: a live picture and a photo on a key, from a webcam or from a folder of stills.

``[camera] uri`` chooses the source (:func:`open_camera`):

- ``camera://default`` or ``camera://<device id or name>``: a webcam through Qt Multimedia
  (``QCamera`` + ``QMediaCaptureSession`` showing in a ``QVideoWidget``, ``QImageCapture`` for the photo);
- ``file:///folder``: the pictures in a folder, shown one after another (each photo moves to the next);
  the tests and the demo use it, and it is how a station without a webcam is tried out.

:class:`CameraView` shows the picture and says what went wrong; ``take_photo()`` ends in
``photo_taken(jpeg bytes)`` or ``photo_failed(message)``. Reading a file, decoding a picture and
encoding the JPEG run on a worker (:class:`Task`); storing the photo is the caller's business.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QStackedLayout, QVBoxLayout, QWidget

from packstation.devices.uri import CAMERA_SCHEMES, parse_device_uri
from packstation.i18n import _
from packstation.ui.platform.tasks import Task
from packstation.ui.platform.text_fit import never_widen, set_fitted_text

log = logging.getLogger("packstation.ui.platform.camera")

#: Longest side of a stored photo in pixels: sharp enough to read a label or see a scuff, and small
#: enough (200 to 600 KB as JPEG) that a return with ten photos uploads in seconds.
MAX_SIDE = 1600
JPEG_QUALITY = 85
#: Picture files a folder source shows, by extension (anything else in the folder is ignored).
STILL_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp"})


class CameraError(Exception):
    """A picture cannot be had; the message says which file or device and why."""


def encode_jpeg(image: QImage) -> bytes:
    """``image`` as a JPEG, scaled down to :data:`MAX_SIDE`; safe on a worker thread (QImage is reentrant)."""
    if max(image.width(), image.height()) > MAX_SIDE:
        image = image.scaled(
            MAX_SIDE, MAX_SIDE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    # The stubs type the format as bytes; at run time only str is accepted.
    if not rgb.save(buffer, "JPG", JPEG_QUALITY):  # type: ignore[call-overload]
        raise CameraError(_("the picture could not be encoded as JPEG"))
    buffer.close()
    return bytes(data.data())


def list_stills(folder: Path) -> list[Path]:
    """The picture files in ``folder``, by name (worker thread: this reads the disk)."""
    if not folder.is_dir():
        raise CameraError(_("picture folder {folder} does not exist").format(folder=folder))
    stills = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in STILL_SUFFIXES)
    if not stills:
        raise CameraError(_("picture folder {folder} holds no pictures (.jpg, .png …)").format(folder=folder))
    return stills


def load_still(path: Path) -> tuple[QImage, bytes]:
    """One still, decoded and encoded as the JPEG we store (worker thread); :class:`CameraError` for garbage."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CameraError(
            _("{name} cannot be read: {reason}").format(name=path.name, reason=exc.strerror or exc)
        ) from exc
    image = QImage.fromData(raw)
    if image.isNull():
        raise CameraError(_("{name} is not a picture that can be read; it was skipped").format(name=path.name))
    return image, encode_jpeg(image)


class CameraSource(QObject):
    """Where pictures come from. Signals arrive on the GUI thread."""

    #: A new still to show (folder sources; a webcam draws into its own video widget).
    still = Signal(QImage, str)
    #: The photo, as JPEG bytes.
    captured = Signal(bytes)
    #: No photo: the device is missing or broke, or the photo could not be made.
    failed = Signal(str)
    #: A picture file was passed over (not a picture, unreadable); the next one is shown.
    skipped = Signal(str)

    def start(self) -> None:
        """Begin showing pictures."""

    def stop(self) -> None:
        """Release the device."""

    def capture(self) -> None:
        """Take a photo: ``captured`` or ``failed`` follows."""

    def video_widget(self) -> QWidget | None:
        """The widget a webcam draws its live picture into (None for stills)."""
        return None


class StillFolderSource(CameraSource):
    """The pictures of a folder in name order, one after another: each photo taken moves to the next."""

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self._stills: list[Path] = []
        self._index = -1
        self._current: tuple[QImage, bytes, str] | None = None
        self._capture_waiting = False

    def start(self) -> None:
        """List the folder (worker) and show its first picture."""
        folder = self.folder
        Task(lambda: list_stills(folder), owner=self).on_success(self._listed).on_failure(
            lambda exc: self.failed.emit(str(exc))
        ).run()

    def _listed(self, stills: list[Path]) -> None:
        self._stills = stills
        self._advance()

    def _advance(self, skipped: int = 0) -> None:
        """Load the next still (worker); a file that is no picture is reported and the next one tried."""
        if not self._stills:
            return
        if skipped >= len(self._stills):
            self._current = None
            self._capture_waiting = False
            self.failed.emit(_("no readable picture in {folder}").format(folder=self.folder))
            return
        self._index = (self._index + 1) % len(self._stills)
        path = self._stills[self._index]

        def loaded(result: tuple[QImage, bytes]) -> None:
            image, jpeg = result
            self._current = (image, jpeg, path.name)
            self.still.emit(image, path.name)
            if self._capture_waiting:
                self._capture_waiting = False
                self.capture()

        def unreadable(exc: Exception) -> None:
            log.warning("camera still skipped path=%s reason=%s", path, exc)
            self.skipped.emit(str(exc))
            self._advance(skipped + 1)

        Task(lambda: load_still(path), owner=self).on_success(loaded).on_failure(unreadable).run()

    def capture(self) -> None:
        """The picture on show is the photo; then the next picture is shown."""
        if self._current is None:
            if self._stills:
                self._capture_waiting = True  # the still is on its way from the worker
            else:
                self.failed.emit(_("no picture to take from {folder}").format(folder=self.folder))
            return
        _image, jpeg, _name = self._current
        self._current = None
        self.captured.emit(jpeg)
        self._advance()


class WebcamSource(CameraSource):
    """A webcam through Qt Multimedia: live picture in a ``QVideoWidget``, photos by ``QImageCapture``."""

    def __init__(self, device: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtMultimediaWidgets import QVideoWidget

        self.device = device
        self._video = QVideoWidget()
        self._camera: QObject | None = None
        self._capture: QObject | None = None
        self._session: QObject | None = None

    def video_widget(self) -> QWidget | None:
        """The live picture."""
        return self._video

    def start(self) -> None:
        """Open the device ``[camera] uri`` names; ``failed`` says when there is none."""
        from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaCaptureSession, QMediaDevices

        inputs = QMediaDevices.videoInputs()
        wanted = self.device.casefold()
        if wanted == "default":
            chosen = QMediaDevices.defaultVideoInput() if inputs else None
        else:
            chosen = next(
                (
                    d
                    for d in inputs
                    if bytes(d.id().data()).decode("utf-8", "replace").casefold() == wanted
                    or d.description().casefold() == wanted
                ),
                None,
            )
        if chosen is None or chosen.isNull():
            found = ", ".join(d.description() for d in inputs) or "—"
            self.failed.emit(
                _("camera {device!r} not found (cameras on this computer: {found})").format(
                    device=self.device, found=found
                )
            )
            return
        camera = QCamera(chosen, self)
        capture = QImageCapture(self)
        session = QMediaCaptureSession(self)
        session.setCamera(camera)
        session.setImageCapture(capture)
        session.setVideoOutput(self._video)
        camera.errorOccurred.connect(lambda _error, text: self.failed.emit(_("camera: {0}").format(text)))
        capture.errorOccurred.connect(lambda _id, _error, text: self.failed.emit(_("photo: {0}").format(text)))
        capture.imageCaptured.connect(self._encode)
        self._camera, self._capture, self._session = camera, capture, session
        camera.start()

    def stop(self) -> None:
        """Switch the camera off (its light too)."""
        if self._camera is not None:
            self._camera.stop()  # type: ignore[attr-defined]

    def capture(self) -> None:
        """Ask the camera for a still; it arrives as ``imageCaptured``."""
        if self._capture is None or not self._capture.isReadyForCapture():  # type: ignore[attr-defined]
            self.failed.emit(_("the camera is not ready yet"))
            return
        self._capture.capture()  # type: ignore[attr-defined]

    def _encode(self, _request: int, image: QImage) -> None:
        Task(lambda: encode_jpeg(image), owner=self).on_success(self.captured.emit).on_failure(
            lambda exc: self.failed.emit(str(exc))
        ).run()


def open_camera(uri: str, parent: QObject | None = None) -> CameraSource:
    """The source ``[camera] uri`` names (validated by the settings; raises ``DeviceUriError`` otherwise)."""
    parsed = parse_device_uri(uri, allowed=CAMERA_SCHEMES)
    if parsed.scheme == "file":
        return StillFolderSource(Path(parsed.path), parent)
    return WebcamSource(parsed.path, parent)


class CameraView(QWidget):
    """The live picture (or the current still) above one status line; photos on :meth:`take_photo`."""

    photo_taken = Signal(bytes)
    photo_failed = Signal(str)
    #: Something the packer should know that did not stop the photo (a picture file skipped).
    problem = Signal(str)

    def __init__(self, source: CameraSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraView")
        self.source = source
        source.setParent(self)
        self.picture = QLabel(self.tr("Starting the camera…"))
        self.picture.setObjectName("cameraPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(320, 240)
        self.picture.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.status = QLabel()
        self.status.setObjectName("subtitle")
        never_widen(self.status)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.picture)
        video = source.video_widget()
        if video is not None:
            self._stack.addWidget(video)
            self._stack.setCurrentWidget(video)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._stack, stretch=1)
        layout.addWidget(self.status)
        self._image: QImage | None = None
        self._busy = False
        source.still.connect(self._show_still)
        source.captured.connect(self._captured)
        source.failed.connect(self._failed)
        source.skipped.connect(self._skipped)
        self._started = False

    def set_attention(self, on: bool) -> None:
        """Frame the picture in the warning colour while a photo is wanted."""
        self.picture.setProperty("kind", "warn" if on else "")
        self.picture.style().unpolish(self.picture)
        self.picture.style().polish(self.picture)

    def start(self) -> None:
        """Switch the source on (once)."""
        if not self._started:
            self._started = True
            self.source.start()

    def stop(self) -> None:
        """Switch the source off."""
        if self._started:
            self._started = False
            self.source.stop()

    def take_photo(self) -> None:
        """Take a photo of what is on show; one at a time."""
        if self._busy:
            return
        self._busy = True
        set_fitted_text(self.status, self.tr("Taking the photo…"))
        self.source.capture()

    def _show_still(self, image: QImage, name: str) -> None:
        self._image = image
        self._fit()
        set_fitted_text(self.status, name)

    def _fit(self) -> None:
        if self._image is None:
            return
        size = self.picture.size()
        self.picture.setPixmap(
            QPixmap.fromImage(self._image).scaled(
                size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        )

    def resizeEvent(self, event: object) -> None:
        """Keep the still fitted to the space it has."""
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit()

    def _captured(self, jpeg: bytes) -> None:
        self._busy = False
        self.photo_taken.emit(jpeg)

    def _skipped(self, message: str) -> None:
        set_fitted_text(self.status, message)
        self.problem.emit(message)

    def _failed(self, message: str) -> None:
        self._busy = False
        set_fitted_text(self.status, message)
        if self._image is None and self.source.video_widget() is None:
            self.picture.setText(message)
        self.photo_failed.emit(message)
