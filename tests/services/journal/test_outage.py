"""Packing through a database outage: nothing lost, nothing done twice, conflicts reported."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.local_server import LocalPostgres
from packstation.db.models.packages import PackageRow, PackEvent, PackException
from packstation.db.models.sync import OutboxEntry
from packstation.domain.outcomes import ScanOutcome
from packstation.services.packing.service import OpenOutcome
from tests.support import wait_until

from .conftest import StationRig

pytestmark = pytest.mark.slow


def _ready(sessions: sessionmaker[Session], count: int) -> list[tuple[int, str, list[str]]]:
    with sessions() as session:
        packages = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(count)).all()
        return [
            (p.id, p.cargo_tracking_number or "", [ln.barcode for ln in p.lines for _ in range(ln.quantity)])
            for p in packages
        ]


def _pack(rig: StationRig, tracking: str, items: list[str]) -> int:
    opened = rig.packing.open(tracking, user_id=None)
    assert opened.outcome is OpenOutcome.OPENED, opened.message
    for barcode in items:
        result = rig.packing.scan(barcode, user_id=None)
        assert result.outcome is ScanOutcome.ACCEPTED, result.message
    assert rig.packing.session is not None and rig.packing.session.is_complete
    return 1 + len(items) + 1  # open, each item, complete


def _drain(rig: StationRig, timeout: float = 90) -> None:
    wait_until(lambda: not rig.journal.stats().pending, timeout=timeout, interval=0.2, what="the journal to drain")


def test_200_parcels_across_an_outage(
    outage_server: LocalPostgres, outage_sessions: sessionmaker[Session], make_station: Callable[[str], StationRig]
) -> None:
    rig = make_station("station-1")
    rig.pump.start()
    parcels = _ready(outage_sessions, 200)
    operations = 0
    offline_seen = False
    for index, (_package_id, tracking, items) in enumerate(parcels):
        if index == 60:
            outage_server.stop("immediate")
        if index == 140:
            outage_server.start()
        operations += _pack(rig, tracking, items)
        offline_seen = offline_seen or rig.packing.offline
    assert offline_seen, "the middle third must have been packed offline"
    _drain(rig)
    ids = [package_id for package_id, _t, _i in parcels]
    with outage_sessions() as session:
        assert (
            session.scalar(select(func.count()).where(PackageRow.id.in_(ids), PackageRow.packed_at.is_not(None))) == 200
        )
        assert session.scalar(select(func.count()).select_from(PackEvent)) == operations
        completes = session.execute(
            select(PackEvent.package_id, func.count())
            .where(PackEvent.kind == "complete")
            .group_by(PackEvent.package_id)
        ).all()
        assert len(completes) == 200 and all(count == 1 for _p, count in completes)
        keys = session.scalars(select(OutboxEntry.business_key)).all()
        assert len(keys) == len(set(keys)) == 400  # picking + packed, once each
        assert session.scalar(select(func.count()).select_from(PackException)) == 0


def test_two_stations_offline_pack_the_same_parcel(
    outage_server: LocalPostgres, outage_sessions: sessionmaker[Session], make_station: Callable[[str], StationRig]
) -> None:
    first, second = make_station("station-a"), make_station("station-b")
    ((package_id, tracking, items),) = _ready(outage_sessions, 1)
    outage_server.stop("immediate")
    ops_a = _pack(first, tracking, items)
    ops_b = _pack(second, tracking, items)
    assert first.packing.offline and second.packing.offline
    outage_server.start()
    first.pump.start()
    _drain(first)
    second.pump.start()
    _drain(second)
    with outage_sessions() as session:
        assert session.get(PackageRow, package_id).packed_at is not None
        assert session.scalar(select(func.count()).select_from(PackEvent)) == ops_a + ops_b  # nothing lost
        exceptions = session.scalars(select(PackException)).all()
        assert [e.kind for e in exceptions].count("conflict") >= 1
        assert any("already packed" in e.message for e in exceptions)
        assert session.scalar(select(func.count()).where(OutboxEntry.business_key == f"{package_id}:packed")) == 1


def test_a_parcel_packed_offline_cannot_be_packed_again_offline(
    outage_server: LocalPostgres, outage_sessions: sessionmaker[Session], make_station: Callable[[str], StationRig]
) -> None:
    rig = make_station("station-1")
    ((_package_id, tracking, items),) = _ready(outage_sessions, 1)
    outage_server.stop("immediate")
    _pack(rig, tracking, items)
    again = rig.packing.open(tracking, user_id=None)
    assert again.outcome is OpenOutcome.ALREADY_PACKED
    outage_server.start()
