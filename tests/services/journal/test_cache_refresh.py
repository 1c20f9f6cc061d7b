"""The offline cache between full copies: only what changed in PostgreSQL is copied again."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.connect import Database
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.demo.data import seed_demo_data
from packstation.domain.status import PackageStatus
from packstation.services.packing.offline_cache import OfflineCache
from packstation.services.packing.read_model import READY_STATUSES


def _seed_backlog(sessions: sessionmaker[Session], packages: int, seed: int) -> None:
    """Demo packages last written an hour ago (a refresh's change window is a few minutes)."""
    seed_demo_data(sessions, packages=packages, seed=seed)
    with sessions.begin() as session:
        session.execute(update(PackageRow).values(updated_at=func.now() - timedelta(hours=1)))


def _ready_ids(sessions: sessionmaker[Session]) -> list[int]:
    with sessions() as session:
        return list(
            session.scalars(
                select(PackageRow.id)
                .where(PackageRow.status.in_(READY_STATUSES), PackageRow.packed_at.is_(None))
                .order_by(PackageRow.id)
            )
        )


def _add_package(sessions: sessionmaker[Session], external_id: str) -> int:
    with sessions.begin() as session:
        template = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(1)).one()
        package = PackageRow(
            account_id=template.account_id,
            external_id=external_id,
            order_number=f"O-{external_id}",
            status=PackageStatus.CREATED.value,
            cargo_tracking_number=f"TRK-{external_id}",
            customer_name="Şükrü Gökçe",
            city="Iğdır",
            order_date=datetime.now(UTC),
        )
        session.add(package)
        session.flush()
        session.add(
            PackageLineRow(
                package_id=package.id, external_line_id="1", barcode="8690000000017", product_name="Çanta", quantity=2
            )
        )
        return package.id


def test_a_refresh_between_full_copies_copies_only_what_changed(db: Database, tmp_path: Path) -> None:
    sessions = db.sessions
    _seed_backlog(sessions, 40, 3)
    cache = OfflineCache(tmp_path / "cache.sqlite3")
    ready = _ready_ids(sessions)
    assert cache.refresh(sessions) == len(ready)  # the first refresh is a full copy

    packed, cancelled, moved, marked = ready[:4]
    cache.mark_packed(marked)  # packed here while offline: the mark must survive the refresh
    with sessions.begin() as session:
        session.execute(update(PackageRow).where(PackageRow.id == packed).values(packed_at=func.now()))
        session.execute(
            update(PackageRow).where(PackageRow.id == cancelled).values(status=PackageStatus.CANCELLED.value)
        )
        session.execute(update(PackageRow).where(PackageRow.id.in_([moved, marked])).values(city="Ağrı"))
    new = _add_package(sessions, "NEW-1")

    copied = cache.refresh(sessions)

    assert copied == 3  # the two changed ready packages and the new one, not everything again
    assert not cache.find_by_code(_tracking(sessions, packed))
    assert not cache.find_by_code(_tracking(sessions, cancelled))
    moved_copy = cache.load(moved)
    assert moved_copy is not None and moved_copy.package.city == "Ağrı"
    marked_copy = cache.load(marked)
    assert marked_copy is not None and marked_copy.packed_here is True
    new_copy = cache.load(new)
    assert new_copy is not None and new_copy.package.customer_name == "Şükrü Gökçe"
    assert [line.name for line in new_copy.package.lines] == ["Çanta"]
    assert [summary.id for summary in cache.find_by_code("TRK-NEW-1")] == [new]

    # Unchanged packages were left as they were, and a second refresh in a row copies nothing new.
    untouched = cache.load(ready[-1])
    assert untouched is not None
    assert cache.refresh(sessions) == copied  # within the overlap the same changes are read again


def test_a_full_copy_is_made_when_one_is_due(db: Database, tmp_path: Path) -> None:
    sessions = db.sessions
    _seed_backlog(sessions, 12, 4)
    cache = OfflineCache(tmp_path / "cache.sqlite3")
    total = cache.refresh(sessions)
    assert cache.refresh(sessions) == 0  # nothing changed: nothing copied
    stale = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    with sqlite3.connect(cache.path) as connection:  # the last full copy an hour ago
        connection.execute("UPDATE meta SET value = ? WHERE key = 'full_at'", (stale,))
    connection.close()
    assert cache.refresh(sessions) == total
    assert cache.refresh(sessions, full=True) == total


def _tracking(sessions: sessionmaker[Session], package_id: int) -> str:
    with sessions() as session:
        tracking = session.scalar(select(PackageRow.cargo_tracking_number).where(PackageRow.id == package_id))
    assert tracking
    return tracking


def test_a_parcel_packed_while_a_refresh_holds_the_cache_is_marked_without_holding_up_the_scan(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Found by the soak on a slow machine: the last scan waited 10 s for a refresh's write, then failed.

    Expected whenever a parcel is completed during a refresh, so it is no warning in the station's log."""
    import logging
    import time

    sessions = db.sessions
    _seed_backlog(sessions, 10, 5)
    path = tmp_path / "cache.sqlite3"
    cache = OfflineCache(path)
    cache.refresh(sessions)
    first, second = _ready_ids(sessions)[:2]
    refresh = sqlite3.connect(path, isolation_level=None)  # a refresh writing on another thread
    refresh.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with caplog.at_level(logging.INFO, logger="packstation"):
            cache.mark_packed(first)  # the parcel's last scan
        assert time.monotonic() - started < 1.0, "a scan must not wait for the cache"
        waited = [r for r in caplog.records if "not marked packed yet" in r.getMessage()]
        assert [r.levelno for r in waited] == [logging.INFO], "waiting for a refresh is expected, not a warning"
        loaded = cache.load(first)
        assert loaded is not None and loaded.packed_here, "the mark waits in memory, and reads see it"
    finally:
        refresh.execute("ROLLBACK")
        refresh.close()
    cache.mark_packed(second)  # the next mark writes the waiting one too
    with sqlite3.connect(path) as check:
        marked = {row[0] for row in check.execute("SELECT id FROM packages WHERE packed_locally = 1")}
    assert marked == {first, second}
    cache.close()


def test_a_full_copy_gives_the_shared_connection_back_between_chunks(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The station's background jobs share one connection: a full copy of 20,000 parcels read in one
    checkout held it for tens of seconds, and leadership waited for it."""
    from packstation.services.packing import offline_cache

    sessions = db.sessions
    _seed_backlog(sessions, 40, 5)
    ready = _ready_ids(sessions)
    monkeypatch.setattr(offline_cache, "READ_CHUNK", 7)
    checkouts: list[object] = []

    def count(*args: object) -> None:
        checkouts.append(args)

    event.listen(db.engine, "checkout", count)
    try:
        cache = OfflineCache(tmp_path / "cache.sqlite3")
        assert cache.refresh(sessions, full=True) == len(ready)
    finally:
        event.remove(db.engine, "checkout", count)

    chunks = -(-len(ready) // 7)
    assert len(checkouts) == chunks + 2, "which parcels, each chunk of them, the catalogue: one checkout each"
    assert sorted(p.id for code in _codes(sessions, ready) for p in cache.find_by_code(code)) == sorted(ready)


def _codes(sessions: sessionmaker[Session], ids: list[int]) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(PackageRow.external_id).where(PackageRow.id.in_(ids))))
