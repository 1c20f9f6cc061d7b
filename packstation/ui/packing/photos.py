"""Photos on the pack screen: the camera beside the label, F1 or PHOTO takes one, and "photo before sealing".

Only a station with ``[camera] uri`` builds this; without a camera nothing of it shows, and a PHOTO
scan says there is no camera. When the parcel's client wants a photo before sealing, the packing
thread holds the completion after the last item (``PackingWorker.photo_wanted``); the photo is
stored on a worker (``PhotoStore.add``) and only then is the parcel sealed (``PackingWorker.seal``).
A photo that cannot be stored (garbage, the database away) says why, and the parcel keeps waiting:
take it again, or a supervisor seals without one (COMPLETE, with their approval).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut

from packstation.domain.feedback import FeedbackSound
from packstation.domain.photos import PhotoInfo, PhotoSubject
from packstation.services.photos.spool import SavedPhoto
from packstation.ui.platform.camera import CameraView, open_camera
from packstation.ui.platform.tasks import Task

if TYPE_CHECKING:
    from packstation.services.access.permissions import UserSession
    from packstation.services.packing.model import OpenedPackage
    from packstation.ui.packing.pack_view import PackView
    from packstation.ui.packing.worker import PackingWorker

log = logging.getLogger("packstation.ui.packing.photos")

# The keyboard twin of the PHOTO command barcode: F1, the one key left (F2-F5 judge a return, F6 is the next
# box, F7-F12 open the supervisor pages).
PHOTO_KEY = Qt.Key.Key_F1


class PhotoSink(Protocol):
    """Stores a photo, or keeps it on the station while the database is away
    (``services.photos.spool.PhotoSpool``); runs on a worker."""

    def save(self, subject: PhotoSubject, jpeg: bytes, user: UserSession | None) -> SavedPhoto:
        """Store ``jpeg`` as evidence of ``subject``."""


class PhotoShell(Protocol):
    """What the photo flow asks of the window."""

    def alert(self, sound: FeedbackSound, message: str) -> None:
        """Play ``sound`` and show ``message`` as an error."""

    def set_banner(self, kind: str, text: str) -> None:
        """Show ``text`` in the message line."""


class ReturnPhotos(Protocol):
    """The return screen, as the camera sees it (``ReturnController``): a photo there is the return's."""

    def photo_subject(self) -> PhotoSubject | None:
        """The open return's claim, or None when no return is open."""

    def attach_photo(self, photo: str) -> None:
        """Send the stored photo ``photo`` (its id) with the return's rejection, if any."""


class PackPhotos(QObject):
    """The pack screen's camera: takes photos of the open parcel and seals one that waits for its photo."""

    def __init__(
        self,
        *,
        camera_uri: str,
        pack: PackView,
        worker: PackingWorker,
        store: PhotoSink,
        shell: PhotoShell,
        current_user: Callable[[], UserSession | None],
        returns: ReturnPhotos | None = None,
    ) -> None:
        super().__init__(pack)
        self._returns = returns
        self._pack = pack
        self._worker = worker
        self._store = store
        self._shell = shell
        self._current_user = current_user
        self.view = CameraView(open_camera(camera_uri))
        self.view.photo_taken.connect(self._store_photo)
        self.view.photo_failed.connect(self._photo_failed)
        self.view.problem.connect(lambda message: self._shell.set_banner("error", message))
        pack.set_camera(self.view)
        worker.photo_wanted.connect(self._photo_wanted)
        key = QShortcut(QKeySequence(PHOTO_KEY), pack)
        key.setContext(Qt.ShortcutContext.ApplicationShortcut)
        key.activated.connect(self._key)
        self._saving = False
        self.stored: list[PhotoInfo] = []  # this session's photos, newest last (tests and the status line)
        self.view.start()

    def take(self) -> None:
        """PHOTO or F1: photograph the open return, else the open parcel (waiting for its photo, or any)."""
        if self._return_subject() is not None:
            if not self._saving:
                self.view.take_photo()
            return
        if self._pack.package is None:
            self._shell.alert(FeedbackSound.UNKNOWN, self.tr("Open a parcel first: a photo belongs to a parcel."))
            return
        if self._saving:
            return
        self.view.take_photo()

    def _key(self) -> None:
        # The key belongs to the pack screen and to an open return (other screens may take F1 later).
        if self._pack.isVisible() or self._return_subject() is not None:
            self.take()

    def _return_subject(self) -> PhotoSubject | None:
        return self._returns.photo_subject() if self._returns is not None else None

    def _photo_wanted(self, package: OpenedPackage) -> None:
        if self._pack.package is None or self._pack.package.id != package.id:
            return
        text = self.tr(
            "All items verified. Photograph the open parcel before sealing it: press F1 or scan “Take a photo”."
        )
        self._pack.ask_for_photo(text)
        self._shell.set_banner("info", text)

    def _store_photo(self, jpeg: bytes) -> None:
        claim = self._return_subject()
        if claim is not None:
            self._save(claim, jpeg, lambda saved: self._return_stored(saved, claim))
            return
        package = self._pack.package
        if package is not None:
            self._save(PhotoSubject.package(package.id), jpeg, lambda saved: self._stored(saved, package))

    def _save(self, subject: PhotoSubject, jpeg: bytes, then: Callable[[SavedPhoto], None]) -> None:
        """Store the photo on a worker (or keep it on the station while the database is away), then ``then``."""
        self._saving = True
        store, user = self._store, self._current_user()

        def saved(photo: SavedPhoto) -> None:
            self._saving = False
            self.stored.append(photo.info)
            log.info("photo taken subject=%s photo=%s bytes=%d", subject, photo.info.id, photo.info.byte_size)
            if photo.kept_locally:
                text = self.tr("The database is unreachable: the photo is kept on this station and stored later.")
                self._shell.set_banner("info", text)
            then(photo)

        Task(lambda: store.save(subject, jpeg, user), owner=self).on_success(saved).on_failure(self._not_stored).run()

    def _stored(self, saved: SavedPhoto, package: OpenedPackage) -> None:
        current = self._pack.package
        if current is not None and current.id == package.id and self._pack.awaiting_photo:
            self._worker.seal(str(saved.info.id), self._current_user())
            if not saved.kept_locally:
                self._shell.set_banner("ok", self.tr("Photo saved. Sealing the parcel…"))
        elif not saved.kept_locally:
            self._shell.set_banner("ok", self.tr("Photo saved for parcel {0}.").replace("{0}", package.external_id))

    def _return_stored(self, saved: SavedPhoto, claim: PhotoSubject) -> None:
        if self._returns is None or self._returns.photo_subject() != claim:
            return  # the return was closed meanwhile: the photo stays stored with its claim
        self._returns.attach_photo(str(saved.info.id))
        if not saved.kept_locally:
            self._shell.set_banner("ok", self.tr("Photo saved with the return."))

    def _not_stored(self, exc: Exception) -> None:
        self._saving = False
        log.warning("photo not stored reason=%s", exc)
        self._shell.alert(
            FeedbackSound.UNKNOWN, self.tr("Photo not saved: {0}. Take it again.").replace("{0}", str(exc))
        )

    def _photo_failed(self, message: str) -> None:
        self._shell.alert(FeedbackSound.UNKNOWN, self.tr("No photo: {0}").replace("{0}", message))

    def stop(self) -> None:
        """Switch the camera off (the window closes)."""
        self.view.stop()
