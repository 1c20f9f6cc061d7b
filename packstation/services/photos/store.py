"""The photo store: JPEG photos linked to a package or a return, in PostgreSQL, for every station to see.

The returns work attaches them to a marketplace rejection::

    files = store.attachments(PhotoSubject.claim(claim_id))   # [PhotoFile(name, data, content_type)]

Every method does database I/O: call them from a worker (the UI's ``Task``), never the GUI thread.
Where the photos live and why: :mod:`packstation.db.models.photos`.
"""

from __future__ import annotations

import builtins
import logging
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.access import User
from packstation.db.models.accounts import Station
from packstation.db.models.packages import PackageRow
from packstation.db.models.photos import PhotoRow
from packstation.domain.photos import (
    DEFAULT_MAX_BYTES,
    PhotoFile,
    PhotoInfo,
    PhotoSubject,
    PhotoSubjectKind,
    check_jpeg,
)
from packstation.i18n import _
from packstation.services.access.server import call

if TYPE_CHECKING:
    from packstation.services.access.permissions import UserSession

log = logging.getLogger("packstation.services.photos")

_ADD = (
    "SELECT photo_add(:token, :station, CAST(:id AS uuid), :package, :claim, :jpeg, :width, :height, :note, "
    "CAST(:taken_at AS timestamptz))"
)


#: A list of photos (the store's ``list`` method hides the builtin's name inside the class).
Photos = list[PhotoInfo]


class PhotoNotFound(LookupError):
    """No photo with that id (pruned, or never stored)."""


class PhotoStore:
    """Adds, lists, reads and prunes photos; each call runs its own short transaction."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        station_id: int | None,
        max_bytes: int = DEFAULT_MAX_BYTES,
        keep_days: int = 90,
    ) -> None:
        self._sessions = sessions
        self._station_id = station_id
        self.max_bytes = max_bytes
        self.keep_days = keep_days

    def add(
        self,
        subject: PhotoSubject,
        jpeg: bytes,
        user: UserSession | None,
        *,
        photo_id: uuid.UUID | None = None,
        note: str = "",
        taken_at: datetime | None = None,
    ) -> PhotoInfo:
        """Store ``jpeg`` as evidence of ``subject``, taken by ``user``; returns what was stored.

        Raises :class:`~packstation.domain.photos.PhotoRejected` (nothing stored) for bytes that are not a
        JPEG we keep. ``photo_id`` makes a retry safe: the same id is stored once, and a second call
        returns the first photo. The server takes the photographer from ``user``'s session.
        """
        return self.add_with_token(
            subject,
            jpeg,
            user.token if user is not None else None,
            photo_id=photo_id or uuid.uuid4(),
            note=note,
            taken_at=taken_at,
        )

    def add_with_token(
        self,
        subject: PhotoSubject,
        jpeg: bytes,
        token: str | None,
        *,
        photo_id: uuid.UUID,
        note: str = "",
        taken_at: datetime | None = None,
    ) -> PhotoInfo:
        """:meth:`add` for a photo kept on disk: the session token it was taken under, and when."""
        shape = check_jpeg(jpeg, max_bytes=self.max_bytes)
        with self._sessions.begin() as session:
            call(
                session,
                _ADD,
                {
                    "token": token,
                    "station": self._station_id,
                    "id": str(photo_id),
                    "package": subject.id if subject.kind is PhotoSubjectKind.PACKAGE else None,
                    "claim": subject.id if subject.kind is PhotoSubjectKind.CLAIM else None,
                    "jpeg": jpeg,
                    "width": shape.width,
                    "height": shape.height,
                    "note": note[:500],
                    "taken_at": taken_at,
                },
            )
        info = self.info(photo_id)
        log.info("photo stored id=%s subject=%s bytes=%d", photo_id, subject, len(jpeg))
        return info

    def list(self, subject: PhotoSubject) -> Photos:
        """The photos of ``subject``, oldest first (without their bytes)."""
        column = PhotoRow.package_id if subject.kind is PhotoSubjectKind.PACKAGE else PhotoRow.claim_id
        with self._sessions() as session:
            return self._infos(session, column == subject.id)

    def for_parcel(self, code: str) -> Photos:
        """The photos of every package ``code`` names (package id, tracking number or order number), oldest first."""
        code = code.strip()
        if not code:
            return []
        with self._sessions() as session:
            packages = select(PackageRow.id).where(
                or_(
                    PackageRow.external_id == code,
                    PackageRow.cargo_tracking_number == code,
                    PackageRow.order_number == code,
                )
            )
            return self._infos(session, PhotoRow.package_id.in_(packages.scalar_subquery()))

    def info(self, photo_id: uuid.UUID) -> PhotoInfo:
        """One photo's details; raises :class:`PhotoNotFound`."""
        with self._sessions() as session:
            found = self._infos(session, PhotoRow.id == photo_id)
        if not found:
            raise PhotoNotFound(_("photo {id} is not stored (it may have been pruned)").format(id=photo_id))
        return found[0]

    def read(self, photo_id: uuid.UUID) -> bytes:
        """The JPEG bytes of one photo; raises :class:`PhotoNotFound`."""
        with self._sessions() as session:
            data = session.scalar(select(PhotoRow.jpeg).where(PhotoRow.id == photo_id))
        if data is None:
            raise PhotoNotFound(_("photo {id} is not stored (it may have been pruned)").format(id=photo_id))
        return bytes(data)

    def file(self, photo_id: uuid.UUID) -> PhotoFile:
        """One photo as a file to upload; raises :class:`PhotoNotFound`."""
        return PhotoFile(self.info(photo_id).file_name, self.read(photo_id))

    def attachments(self, subject: PhotoSubject) -> builtins.list[PhotoFile]:
        """Every photo of ``subject`` as a file to upload (a marketplace claim rejection's ``files``)."""
        return [PhotoFile(info.file_name, self.read(info.id)) for info in self.list(subject)]

    def prune(self, keep_days: int | None = None) -> int:
        """Delete the photos older than ``keep_days`` (``[camera] keep_days``) by the server's clock; how many."""
        with self._sessions.begin() as session:
            removed = int(
                call(session, "SELECT photo_prune(:days)", {"days": keep_days or self.keep_days}).scalar_one()
            )
        if removed:
            log.info("photos pruned count=%d keep_days=%d", removed, keep_days or self.keep_days)
        return removed

    def _infos(self, session: Session, where: ColumnElement[bool]) -> Photos:
        rows = session.execute(
            select(
                PhotoRow.id,
                PhotoRow.package_id,
                PhotoRow.claim_id,
                PhotoRow.taken_at,
                PhotoRow.byte_size,
                PhotoRow.width,
                PhotoRow.height,
                PhotoRow.note,
                Station.name,
                User.full_name,
                User.username,
            )
            .outerjoin(Station, Station.id == PhotoRow.station_id)
            .outerjoin(User, User.id == PhotoRow.taken_by_user_id)
            .where(where)
            .order_by(PhotoRow.taken_at, PhotoRow.id)
        ).all()
        return [_info(row) for row in rows]


def _info(row: Any) -> PhotoInfo:
    package, claim = row.package_id, row.claim_id
    return PhotoInfo(
        id=row.id,
        subject=PhotoSubject.package(package) if package is not None else PhotoSubject.claim(claim),
        taken_at=row.taken_at,
        byte_size=row.byte_size,
        width=row.width,
        height=row.height,
        station=row.name,
        taken_by=row.full_name or row.username,
        note=row.note or "",
    )
