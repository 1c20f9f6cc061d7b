"""The photo store on a real PostgreSQL: add, list, read, attach, prune; garbage is refused and nothing is lost.

Also as a real least-privilege station login: it reads photos and adds them through ``photo_add()``
(which takes the photographer from the session) but cannot write, change or delete the table itself.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator

import psycopg2
import pytest
from PIL import Image
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from packstation.db.connect import Database
from packstation.db.engine import create_db_engine, session_factory
from packstation.db.models.packages import PackageRow
from packstation.db.models.photos import PhotoRow
from packstation.db.roles import create_station_role
from packstation.demo.data import seed_demo_data
from packstation.domain.photos import HARD_MAX_BYTES, PhotoRejected, PhotoSubject, check_jpeg
from packstation.services.access.audit import AuditLog
from packstation.services.access.server import ServerRefused
from packstation.services.photos.store import PhotoNotFound, PhotoStore
from packstation.services.station.heartbeat import StationService
from tests.support.sessions import server_session

PASSWORD = "Istasyon-Parola-2026"
RAW_ADD = "SELECT photo_add(NULL, NULL, gen_random_uuid(), {package}, {claim}, {jpeg}::bytea, 1, 1, '', NULL)"


def jpeg(width: int = 64, height: int = 48, colour: str = "orange") -> bytes:
    """A real JPEG picture."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _user(db: Database, username: str = "ayse") -> int:
    with db.sessions.begin() as session:
        return int(
            session.execute(
                text(
                    "INSERT INTO users (username, full_name, role, password_hash) "
                    "VALUES (:u, 'Ayşe Yılmaz', 'packer', 'x') RETURNING id"
                ),
                {"u": username},
            ).scalar_one()
        )


@pytest.fixture
def world(db: Database) -> tuple[int, int, int]:
    """(station id, packer id, a package id) on a seeded database."""
    seed_demo_data(db.sessions, packages=2)
    station_id = StationService(db.sessions, name="st-photo", audit=AuditLog(db.sessions)).register()
    with db.sessions() as session:
        package_id = session.scalars(select(PackageRow.id).order_by(PackageRow.id).limit(1)).one()
    return station_id, _user(db), package_id


def test_check_jpeg_names_the_problem() -> None:
    good = jpeg(320, 200)
    assert (check_jpeg(good).width, check_jpeg(good).height) == (320, 200)
    png = io.BytesIO()
    Image.new("RGB", (8, 8)).save(png, "PNG")
    cases = {
        b"": "empty",
        png.getvalue(): "PNG",
        b"hello, this is not a photo": "text",
        good[: len(good) // 2]: "cut short",
        b"\xff\xd8\xff\xda" + b"\x00" * 40 + b"\xff\xd9": "damaged",
    }
    for data, words in cases.items():
        with pytest.raises(PhotoRejected, match=words):
            check_jpeg(data)
    with pytest.raises(PhotoRejected, match=r"limit is 1 KB"):
        check_jpeg(good, max_bytes=1024)


def test_add_list_read_attach_and_retry(db: Database, world: tuple[int, int, int]) -> None:
    station_id, user_id, package_id = world
    store = PhotoStore(db.sessions, station_id=station_id)
    packer = server_session(db.sessions, user_id, station_id)
    parcel = PhotoSubject.package(package_id)
    first = store.add(parcel, jpeg(colour="red"), packer, note="kutu")
    photo_id = uuid.uuid4()
    second = store.add(parcel, jpeg(colour="blue"), packer, photo_id=photo_id)
    # A retry of the same photo (a lost answer) stores nothing new and changes nothing.
    again = store.add(parcel, jpeg(colour="green"), packer, photo_id=photo_id)
    assert again == second

    listed = store.list(parcel)
    assert [p.id for p in listed] == [first.id, second.id]
    assert listed[0].taken_by == "Ayşe Yılmaz" and listed[0].station == "st-photo" and listed[0].note == "kutu"
    assert (listed[0].width, listed[0].height) == (64, 48)
    assert Image.open(io.BytesIO(store.read(second.id))).getpixel((5, 5))[2] > 200  # blue, not green
    files = store.attachments(parcel)
    assert [f.content_type for f in files] == ["image/jpeg"] * 2
    assert files[0].name.endswith(".jpg") and files[0].data == store.read(first.id)
    assert store.list(PhotoSubject.package(package_id + 999)) == []
    with pytest.raises(PhotoNotFound):
        store.read(uuid.uuid4())


def test_garbage_is_refused_before_anything_is_stored(db: Database, world: tuple[int, int, int]) -> None:
    station_id, user_id, package_id = world
    store = PhotoStore(db.sessions, station_id=station_id, max_bytes=4096)
    packer = server_session(db.sessions, user_id, station_id)
    parcel = PhotoSubject.package(package_id)
    kept = store.add(parcel, jpeg(), packer)
    for data in (b"", b"GIF89a....", jpeg(1200, 900, "white")[:-100], b"\xff\xd8\xff" + bytes(5000)):
        with pytest.raises(PhotoRejected):
            store.add(parcel, data, packer)
    assert [p.id for p in store.list(parcel)] == [kept.id]
    # The server checks again, whatever a station claims: a claim that does not exist, two subjects, a fake JPEG.
    with db.sessions.begin() as session, pytest.raises(Exception, match="photo_subject"):
        session.execute(text(RAW_ADD.format(package="1", claim="1", jpeg="'\\xffd8ff00'")))
    with db.sessions.begin() as session, pytest.raises(Exception, match="photo_not_jpeg"):
        session.execute(
            text(RAW_ADD.format(package=":p", claim="NULL", jpeg="'\\x89504e47'")),
            {"p": package_id},
        )


def test_prune_deletes_only_what_is_older_than_the_keep_time(db: Database, world: tuple[int, int, int]) -> None:
    station_id, user_id, package_id = world
    store = PhotoStore(db.sessions, station_id=station_id, keep_days=30)
    packer = server_session(db.sessions, user_id, station_id)
    old, recent, fresh = (store.add(PhotoSubject.package(package_id), jpeg(), packer) for _ in range(3))
    with db.sessions.begin() as session:
        for photo, days in ((old, 31), (recent, 29)):
            session.execute(
                text("UPDATE photos SET taken_at = clock_timestamp() - make_interval(days => :d) WHERE id = :id"),
                {"d": days, "id": photo.id},
            )
    assert store.prune() == 1
    assert {p.id for p in store.list(PhotoSubject.package(package_id))} == {recent.id, fresh.id}
    assert store.prune(0) == 0  # a keep time below one day is one day: today's photos stay
    assert store.prune() == 0


def test_server_limit_matches_the_domain() -> None:
    from importlib import import_module

    migration = import_module("packstation.db.migrations.versions.0020_photos")
    assert migration.HARD_MAX_BYTES == HARD_MAX_BYTES


@pytest.fixture
def station_login(db: Database, db_url: str) -> Iterator[str]:
    login = f"station_{uuid.uuid4().hex[:8]}"
    with db.engine.begin() as connection:
        create_station_role(connection, login, PASSWORD)
    yield make_url(db_url).set(username=login, password=PASSWORD).render_as_string(hide_password=False)
    url = make_url(db_url)
    owner = psycopg2.connect(dbname=url.database, user="postgres", host=url.host, port=url.port)
    owner.autocommit = True
    with owner.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {login}")
        cursor.execute(f"DROP ROLE {login}")
    owner.close()


def test_a_station_login_adds_and_reads_but_cannot_rewrite(
    db: Database, world: tuple[int, int, int], station_login: str
) -> None:
    station_id, user_id, package_id = world
    packer = server_session(db.sessions, user_id, station_id)
    engine = create_db_engine(station_login)
    try:
        store = PhotoStore(session_factory(engine), station_id=station_id, keep_days=30)
        photo = store.add(PhotoSubject.package(package_id), jpeg(), packer)
        assert store.list(PhotoSubject.package(package_id))[0].taken_by == "Ayşe Yılmaz"
        assert store.prune() == 0
        with pytest.raises(ServerRefused) as refused:
            store.add(PhotoSubject.package(package_id), jpeg(), None)  # no session: nobody to name
        assert refused.value.key == "session_invalid"
        for statement in (
            "INSERT INTO photos (id, package_id, byte_size, width, height, jpeg) "
            "VALUES (gen_random_uuid(), 1, 1, 1, 1, '\\xffd8ff'::bytea)",
            "UPDATE photos SET jpeg = '\\xffd8ff00'::bytea",
            "DELETE FROM photos",
            "UPDATE photos SET taken_by_user_id = NULL",
        ):
            with engine.begin() as connection, pytest.raises(Exception) as error:
                connection.execute(text(statement))
            assert getattr(error.value.orig, "pgcode", None) == "42501", statement  # type: ignore[attr-defined]
    finally:
        engine.dispose()
    with db.sessions() as session:
        assert session.scalar(select(PhotoRow.taken_by_user_id).where(PhotoRow.id == photo.id)) == user_id
