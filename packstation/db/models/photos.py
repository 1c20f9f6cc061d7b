"""Photo evidence: JPEG photos of parcels and returns, kept in the shared database for a number of days.

Why PostgreSQL and not a shared folder: every station already reaches the database (with TLS and
a least-privilege login); a folder share would be one more thing to mount, secure and back up on
every station, and its files could be changed or deleted by anyone who can write to it. In the
database a station can only add a photo through ``photo_add()`` (which takes the photographer from
the user's server-side session, checks the JPEG's size and magic bytes and never overwrites one)
and delete only what is older than the keep time (``photo_prune()``). Photos are capped
(``[camera] max_kb``, 8 MB on the server) and pruned after ``[camera] keep_days``, so the table
stays within a few GB even at thousands of photos a day.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, Index, Integer, LargeBinary, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from packstation.db.models.base import Base


class PhotoRow(Base):
    """One photo: its bytes and what it is evidence of (a package or a return's claim: exactly one)."""

    __tablename__ = "photos"
    __table_args__ = (
        CheckConstraint("num_nonnulls(package_id, claim_id) = 1", name="one_subject"),
        Index("ix_photos_package_id", "package_id", postgresql_where=text("package_id IS NOT NULL")),
        Index("ix_photos_claim_id", "claim_id", postgresql_where=text("claim_id IS NOT NULL")),
        Index("ix_photos_taken_at", "taken_at"),
    )
    #: Made by the station when the photo is taken, so a retried upload never stores it twice.
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    package_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("packages.id", ondelete="CASCADE"))
    claim_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("claims.id", ondelete="CASCADE"))
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    #: Set by the server from the session that added the photo, never by the station.
    taken_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    taken_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp(), nullable=False
    )
    note: Mapped[str] = mapped_column(Text, server_default=text("''"))
    byte_size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    jpeg: Mapped[bytes] = mapped_column(LargeBinary)
