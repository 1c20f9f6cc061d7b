"""Every status x every way in: only packable parcels open; the others are refused in words, online and offline.

Awaiting is the one that shipped unpaid orders: it was listed as ready, and claims refused only Cancelled.
"""

from __future__ import annotations

import socket
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from packstation.db.connect import Database
from packstation.db.engine import ConnectionLimits, create_db_engine, session_factory
from packstation.db.models.packages import PackageRow
from packstation.demo.data import seed_demo_data
from packstation.domain.status import PACKABLE, STORED_STATUSES, PackageStatus, why_not_packable
from packstation.i18n import set_language
from packstation.local_store.journal import Journal
from packstation.services.access.audit import AuditLog
from packstation.services.packing.claims import ClaimService
from packstation.services.packing.offline_cache import OfflineCache
from packstation.services.packing.read_model import READY_STATUSES, PackageQueries
from packstation.services.packing.service import OpenOutcome, OpenResult, PackingService
from packstation.services.station.heartbeat import StationService


def _service(sessions, tmp_path: Path, station_id: int, cache: OfflineCache | None = None) -> PackingService:
    return PackingService(
        sessions,
        journal=Journal(tmp_path / "journal.sqlite3"),
        claims=ClaimService(sessions, station_id=station_id, lease=timedelta(minutes=5)),
        station="st-1",
        clock=lambda: datetime.now(UTC),
        cache=cache,
    )


def _codes(db: Database, package_id: int) -> dict[str, str]:
    """The codes a packer may scan for the package: tracking number, package id, order number, slip code."""
    with db.sessions.begin() as session:
        package = session.get(PackageRow, package_id)
        assert package is not None
        package.order_number = f"ORD-{package_id}"  # its own order: one match, not a choice
        return {
            "tracking number": package.cargo_tracking_number or "",
            "package id": package.external_id,
            "order number": package.order_number,
            "slip code": package.packing_slip_code or "",
        }


def _assert_refused(result: OpenResult, status: PackageStatus, how: str) -> None:
    reason = why_not_packable(status)
    assert reason, status
    assert result.outcome is OpenOutcome.NOT_PACKABLE, (status, how, result)
    assert reason in result.message and result.package is None, (status, how, result.message)


@pytest.mark.parametrize("status", STORED_STATUSES, ids=str)
def test_every_status_at_every_entry_point_online(db: Database, tmp_path: Path, status: PackageStatus) -> None:
    seed_demo_data(db.sessions, packages=3)
    with db.sessions() as session:
        package_id = session.scalars(select(PackageRow.id).order_by(PackageRow.id).limit(1)).one()
    codes = _codes(db, package_id)
    with db.sessions.begin() as session:
        session.execute(update(PackageRow).where(PackageRow.id == package_id).values(status=status.value))
    station_id = StationService(db.sessions, name="st-1", audit=AuditLog(db.sessions)).register()
    service = _service(db.sessions, tmp_path, station_id)

    attempts = [(how, lambda code=code: service.open(code, user_id=None)) for how, code in codes.items()]
    attempts.append(("database id", lambda: service.open_package(package_id, user_id=None)))
    for how, attempt in attempts:
        result = attempt()
        if status.is_packable:
            assert result.outcome is OpenOutcome.OPENED, (how, result.message)
            service.abort(user_id=None)
        else:
            _assert_refused(result, status, how)
            assert service.current is None and service.session is None
    with db.sessions() as session:
        claimed = session.scalar(select(PackageRow.claimed_by_station_id).where(PackageRow.id == package_id))
    assert (claimed is None) or status.is_packable  # a refused parcel is never claimed
    ready = {summary.id for summary in PackageQueries(db.sessions).ready_to_pack()}
    assert (package_id in ready) == status.is_packable


def _unreachable_sessions():
    with socket.socket() as probe:  # a port nobody listens on: PostgreSQL is "away"
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = create_db_engine(
        f"postgresql+psycopg2://nobody@127.0.0.1:{port}/packstation", limits=ConnectionLimits(connect_timeout_s=1)
    )
    return engine, session_factory(engine)


def test_every_status_from_the_offline_cache(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=len(STORED_STATUSES) + 2)
    cache = OfflineCache(tmp_path / "cache.sqlite3")
    cache.refresh(db.sessions, full=True)
    with db.sessions() as session:
        ids = session.scalars(
            select(PackageRow.id).where(PackageRow.status.in_(READY_STATUSES)).order_by(PackageRow.id)
        ).all()
    chosen = dict(zip(STORED_STATUSES, ids, strict=False))
    codes = {status: _codes(db, package_id) for status, package_id in chosen.items()}
    cache.refresh(db.sessions, full=True)  # the new order numbers
    # A cache may hold a parcel whose status no longer allows packing (one written by the previous release
    # held Awaiting parcels): the cached status decides, as PostgreSQL cannot be asked.
    with sqlite3.connect(cache.path) as connection:
        for status, package_id in chosen.items():
            connection.execute(
                "UPDATE packages SET status = ?, summary = json_set(summary, '$.status', ?) WHERE id = ?",
                (status.value, status.value, package_id),
            )
    connection.close()

    engine, sessions = _unreachable_sessions()
    try:
        service = _service(sessions, tmp_path, station_id=1, cache=cache)
        for status, package_id in chosen.items():
            attempts = [
                (how, lambda code=code: service.open(code, user_id=None)) for how, code in codes[status].items()
            ]
            attempts.append(
                ("database id", lambda package_id=package_id: service.open_package(package_id, user_id=None))
            )
            for how, attempt in attempts:
                result = attempt()
                assert service.offline, how
                if status.is_packable:
                    assert result.outcome is OpenOutcome.OPENED, (status, how, result.message)
                    service.abort(user_id=None)
                else:
                    _assert_refused(result, status, how)
    finally:
        engine.dispose()


def test_one_rule_names_every_status() -> None:
    assert {PackageStatus.CREATED, PackageStatus.PICKING, PackageStatus.INVOICED} == PACKABLE
    assert set(READY_STATUSES) == {status.value for status in PACKABLE}
    for status in PackageStatus:
        assert status.is_packable == (why_not_packable(status) is None), status
        assert status.stored in STORED_STATUSES
        assert status.stored.is_packable == status.is_packable  # storing never makes a parcel packable
    assert why_not_packable(PackageStatus.AWAITING) == "payment not confirmed yet: do not pack"


def test_the_packer_is_told_why_in_turkish() -> None:
    set_language("tr")
    try:
        assert why_not_packable(PackageStatus.AWAITING) == "ödeme henüz onaylanmadı: paketlemeyin"
        assert why_not_packable(PackageStatus.SHIPPED) == "zaten kargoya verildi"
    finally:
        set_language(None)
