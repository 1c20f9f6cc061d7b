"""Photos taken while PostgreSQL is away: kept on the station's disk, stored when the database is back.

A station keeps packing offline, and a parcel whose client wants a photo before sealing must not wait
for the network. :meth:`PhotoSpool.save` stores the photo at once when it can; when the database cannot
be reached it writes the JPEG and a small description (subject, session token, time) into a private
folder (0700, files 0600: the token is a credential, as in the journal), synced to disk before it
answers, and the parcel seals. :meth:`PhotoSpool.upload` (the scheduler, every minute) stores them
with the id they were given, so a retry never stores one twice, and deletes each file only after
PostgreSQL has it. A kept photo the server refuses for good (its session unknown, its parcel gone) is
moved to ``refused/`` beside them and logged: set aside for a person, never deleted.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from packstation.db.errors import is_transient
from packstation.domain.photos import PhotoInfo, PhotoSubject, PhotoSubjectKind, check_jpeg
from packstation.local_store.private import FILE_MODE, private_folder

if TYPE_CHECKING:
    from collections.abc import Callable

    from packstation.services.access.permissions import UserSession
    from packstation.services.photos.store import PhotoStore

log = logging.getLogger("packstation.services.photos.spool")


@dataclass(frozen=True)
class SavedPhoto:
    """What became of a photo: stored in PostgreSQL, or kept on this station until it can be."""

    info: PhotoInfo
    kept_locally: bool = False


class PhotoSpool:
    """Stores photos, keeping them on disk while the database is unreachable."""

    def __init__(
        self, folder: Path, store: PhotoStore, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.folder = folder
        self._store = store
        self._clock = clock

    def save(self, subject: PhotoSubject, jpeg: bytes, user: UserSession | None) -> SavedPhoto:
        """Store the photo, or keep it here when PostgreSQL cannot be reached; garbage raises ``PhotoRejected``."""
        shape = check_jpeg(jpeg, max_bytes=self._store.max_bytes)  # nothing unusable is kept either
        photo_id, taken_at = uuid.uuid4(), self._clock()
        token = user.token if user is not None else None
        try:
            info = self._store.add_with_token(subject, jpeg, token, photo_id=photo_id, taken_at=taken_at)
        except Exception as exc:
            if not is_transient(exc):
                raise
            self._keep(photo_id, subject, jpeg, token=token, taken_at=taken_at)
            log.warning("photo kept on this station id=%s subject=%s reason=%s", photo_id, subject, exc)
            info = PhotoInfo(
                id=photo_id,
                subject=subject,
                taken_at=taken_at,
                byte_size=len(jpeg),
                width=shape.width,
                height=shape.height,
                taken_by=user.full_name if user is not None else None,
            )
            return SavedPhoto(info, kept_locally=True)
        return SavedPhoto(info)

    def pending(self) -> int:
        """Photos waiting on this station's disk."""
        return len(self._descriptions())

    def upload(self) -> int:
        """Store the kept photos (oldest first) until one cannot be; returns how many were stored."""
        stored = 0
        for description in self._descriptions():
            photo_id = uuid.UUID(description.stem)
            picture = description.with_suffix(".jpg")
            try:
                meta = json.loads(description.read_text(encoding="utf-8"))
                subject = PhotoSubject(PhotoSubjectKind(meta["kind"]), int(meta["id"]))
                self._store.add_with_token(
                    subject,
                    picture.read_bytes(),
                    meta.get("token"),
                    photo_id=photo_id,
                    taken_at=datetime.fromisoformat(meta["taken_at"]),
                )
            except Exception as exc:
                if is_transient(exc):
                    log.info("kept photos wait for the database pending=%d reason=%s", self.pending(), exc)
                    return stored
                self._set_aside(description, picture, exc)
                continue
            picture.unlink(missing_ok=True)
            description.unlink(missing_ok=True)
            stored += 1
            log.info("kept photo stored id=%s subject=%s", photo_id, subject)
        return stored

    def upload_quietly(self) -> None:
        """:meth:`upload` for the scheduler: a failure is logged, never raised into the scheduler."""
        try:
            self.upload()
        except Exception:
            log.exception("kept photos not uploaded")

    def _descriptions(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)

    def _keep(
        self, photo_id: uuid.UUID, subject: PhotoSubject, jpeg: bytes, *, token: str | None, taken_at: datetime
    ) -> None:
        private_folder(self.folder)
        meta = {"kind": subject.kind.value, "id": subject.id, "token": token, "taken_at": taken_at.isoformat()}
        # The picture first, the description last: a description always has its picture beside it.
        _write_synced(self.folder / f"{photo_id}.jpg", jpeg)
        _write_synced(self.folder / f"{photo_id}.json", json.dumps(meta).encode("utf-8"))

    def _set_aside(self, description: Path, picture: Path, exc: Exception) -> None:
        refused = private_folder(self.folder / "refused")
        for path in (picture, description):
            if path.exists():
                path.replace(refused / path.name)
        log.error("kept photo refused by the server, set aside in %s id=%s reason=%s", refused, description.stem, exc)


def _write_synced(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a temporary file, fsync, rename, fsync of the folder)."""
    temporary = path.with_name(path.name + ".tmp")
    with open(os.open(temporary, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, FILE_MODE), "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    temporary.replace(path)
    if hasattr(os, "O_DIRECTORY"):
        folder = os.open(path.parent, os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
