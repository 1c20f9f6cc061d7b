"""Count mode: enabled by a supervisor, a bin scanned and counted, the differences become audited adjustments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.access import AuditEntry
from packstation.db.models.catalog import ProductBarcode
from packstation.db.models.stock import StockMovement
from packstation.domain.stock import StockReason
from packstation.domain.stock_count import CountOutcome
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.permissions import PermissionDenied
from packstation.services.packing.source import PostgresPackageSource
from packstation.services.stock.counting import CountService
from packstation.services.stock.locations import LocationService
from packstation.services.stock.movements import StockError, StockMove, apply_movements
from tests.services.stock.conftest import Warehouse, in_bin, level, person


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_a_count_turns_differences_into_audited_count_adjustments(db: Database, warehouse: Warehouse) -> None:
    shoe1, shoe2, shoe3 = (warehouse.products[c] for c in ("SHOE-1", "SHOE-2", "SHOE-3"))
    a01 = warehouse.bins["A-01"]
    with db.sessions.begin() as session:
        apply_movements(session, [StockMove(shoe1, 3, StockReason.FOUND, location_id=a01),
                                  StockMove(shoe2, 2, StockReason.FOUND, location_id=a01)])  # fmt: skip
        session.add(ProductBarcode(product_id=shoe3, barcode="CASE-SHOE3-6", multiplier=6))
    clock = Clock()
    counts = CountService(
        db.sessions, audit=AuditLog(db.sessions), catalogue=PostgresPackageSource(db.sessions).catalogue, clock=clock
    )
    permit = counts.enable(person(db, "sena", "supervisor"))
    info = next(loc for loc in LocationService(db.sessions, audit=AuditLog(db.sessions)).tree() if loc.id == a01)
    located, count = counts.start(permit, info.barcode)
    assert located.code == "A-01" and dict(count.expected) == {shoe1: 3, shoe2: 2}
    for code in (f"869{shoe1:010d}", f"869{shoe1:010d}", "CASE-SHOE3-6", "NOT-A-PRODUCT"):
        result = count.scan(code)
    assert result.outcome is CountOutcome.UNKNOWN
    assert count.counted == {shoe1: 2, shoe3: 6}
    # While counting, a parcel took one SHOE-1 out of the bin: the books say 2 now, the count says 2.
    with db.sessions.begin() as session:
        apply_movements(session, [StockMove(shoe1, -1, StockReason.PACKED, location_id=a01)])
    result = counts.confirm(permit, count)
    assert [(d.product_id, d.expected, d.counted) for d in result.differences] == [(shoe2, 2, 0), (shoe3, 0, 6)]
    assert (in_bin(db.sessions, a01, shoe1), in_bin(db.sessions, a01, shoe2), in_bin(db.sessions, a01, shoe3)) == (
        2,
        0,
        6,
    )
    assert level(db.sessions, shoe3) == (6, 0)
    with db.sessions() as session:
        reasons = session.scalars(select(StockMovement.reason).where(StockMovement.reason == "count")).all()
        audited = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == AuditAction.STOCK_ADJUSTED.value)
        ).all()
        summary = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == AuditAction.STOCK_COUNTED.value)
        ).one()
    assert len(reasons) == 2
    assert [(d["reason"], d["deltas"], d["via"]) for d in audited] == [
        ("count", [-2], "count"),
        ("count", [6], "count"),
    ]
    assert summary["bin"] == "MAIN / A / A-01" and summary["differences"] == 2


def test_count_mode_needs_a_supervisor_ends_and_wants_a_bin(db: Database, warehouse: Warehouse) -> None:
    clock = Clock()
    counts = CountService(
        db.sessions, audit=AuditLog(db.sessions), catalogue=PostgresPackageSource(db.sessions).catalogue, clock=clock
    )
    with pytest.raises(PermissionDenied):
        counts.enable(person(db, "ayse", "packer"))
    permit = counts.enable(person(db, "sena", "supervisor"))
    zone = next(loc for loc in LocationService(db.sessions, audit=AuditLog(db.sessions)).tree() if loc.code == "A")
    with pytest.raises(StockError, match="MAIN / A is a zone: scan a bin"):
        counts.start(permit, zone.barcode)
    with pytest.raises(StockError, match="not the barcode of a location"):
        counts.start(permit, "869000000")
    clock.now += timedelta(hours=3)
    with pytest.raises(StockError, match="count mode has ended"):
        counts.start(permit, zone.barcode)
