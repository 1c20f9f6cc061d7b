"""Photos taken while PostgreSQL cannot be reached: kept on the station's disk, stored later, never lost.

The "away" database is a real refused TCP connection (a port nothing listens on); the same folder is
then uploaded through the real database.
"""

from __future__ import annotations

import io
import json
import socket
import stat
import sys
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.engine import create_db_engine, session_factory
from packstation.db.models.packages import PackageRow
from packstation.demo.data import seed_demo_data
from packstation.domain.photos import PhotoRejected, PhotoSubject
from packstation.services.access.audit import AuditLog
from packstation.services.photos.spool import PhotoSpool
from packstation.services.photos.store import PhotoStore
from packstation.services.station.heartbeat import StationService
from tests.services.photos.test_photo_store import _user
from tests.support.sessions import server_session


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), "purple").save(buffer, "JPEG")
    return buffer.getvalue()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_kept_while_away_and_stored_when_back(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=1)
    station_id = StationService(db.sessions, name="st-away", audit=AuditLog(db.sessions)).register()
    packer = server_session(db.sessions, _user(db), station_id)
    with db.sessions() as session:
        package_id = session.scalars(select(PackageRow.id).limit(1)).one()
    subject = PhotoSubject.package(package_id)
    folder = tmp_path / "photos-pending"
    away = create_db_engine(f"postgresql+psycopg2://nobody@127.0.0.1:{_closed_port()}/packstation")
    try:
        offline = PhotoSpool(folder, PhotoStore(session_factory(away), station_id=station_id))
        saved = offline.save(subject, _jpeg(), packer)
        assert (
            saved.kept_locally and saved.info.subject == subject and (saved.info.width, saved.info.height) == (120, 90)
        )
        with pytest.raises(PhotoRejected):
            offline.save(subject, b"not a picture", packer)  # garbage is refused, not kept
        assert offline.pending() == 1
        assert offline.upload() == 0  # still away: nothing stored, nothing lost
        assert offline.pending() == 1
    finally:
        away.dispose()
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == [f"{saved.info.id}.jpg", f"{saved.info.id}.json"]
    if sys.platform != "win32":
        assert all(stat.S_IMODE((folder / name).stat().st_mode) == 0o600 for name in kept)

    store = PhotoStore(db.sessions, station_id=station_id)
    online = PhotoSpool(folder, store)
    assert online.upload() == 1 and online.pending() == 0
    [photo] = store.list(subject)
    assert photo.id == saved.info.id and photo.taken_by == "Ayşe Yılmaz" and photo.station == "st-away"
    assert abs((photo.taken_at - saved.info.taken_at).total_seconds()) < 1  # when it was taken, not uploaded
    assert online.upload() == 0
    assert [p.name for p in folder.iterdir()] == []


def test_a_kept_photo_the_server_refuses_is_set_aside_not_deleted(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=1)
    with db.sessions() as session:
        package_id = session.scalars(select(PackageRow.id).limit(1)).one()
    folder = tmp_path / "photos-pending"
    folder.mkdir()
    (folder / "00000000-0000-4000-8000-000000000001.jpg").write_bytes(_jpeg())
    (folder / "00000000-0000-4000-8000-000000000001.json").write_text(
        json.dumps({"kind": "package", "id": package_id, "token": "forged", "taken_at": "2026-12-07T03:00:00+00:00"})
    )
    spool = PhotoSpool(folder, PhotoStore(db.sessions, station_id=None))
    assert spool.upload() == 0 and spool.pending() == 0
    assert sorted(p.name for p in (folder / "refused").iterdir()) == [
        "00000000-0000-4000-8000-000000000001.jpg",
        "00000000-0000-4000-8000-000000000001.json",
    ]
