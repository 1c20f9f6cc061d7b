"""Adjustments, transfers, thresholds and locations: each change audited with its reason and its user."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.access import AuditEntry
from packstation.db.models.stock import StockMovement
from packstation.domain.stock import LocationKind, StockReason
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.permissions import PermissionDenied
from packstation.services.stock.locations import LocationService
from packstation.services.stock.movements import StockError
from packstation.services.stock.service import StockService
from tests.services.stock.conftest import Warehouse, add_package, in_bin, level, person


def _audit(db: Database, action: AuditAction) -> list[AuditEntry]:
    with db.sessions() as session:
        return list(
            session.scalars(select(AuditEntry).where(AuditEntry.action == action.value).order_by(AuditEntry.id))
        )


def test_an_adjustment_carries_reason_user_and_audit_entry(db: Database, warehouse: Warehouse) -> None:
    stock = StockService(db.sessions, audit=AuditLog(db.sessions))
    sena = person(db, "sena", "supervisor")
    shoe, a01 = warehouse.products["SHOE-1"], warehouse.bins["A-01"]
    stock.adjust(sena, shoe, a01, 6, StockReason.FOUND, note="rafın arkasında bulundu")
    applied = stock.adjust(sena, shoe, a01, -2, StockReason.DAMAGE, note="ıslanmış")
    assert (applied.bin_before, applied.bin_after) == (6, 4)
    assert level(db.sessions, shoe) == (4, 0)
    with db.sessions() as session:
        movements = session.execute(
            select(StockMovement.delta, StockMovement.reason, StockMovement.user_id, StockMovement.note).order_by(
                StockMovement.id
            )
        ).all()
    assert movements == [
        (6, "found", sena.user_id, "rafın arkasında bulundu"),
        (-2, "damage", sena.user_id, "ıslanmış"),
    ]
    entries = _audit(db, AuditAction.STOCK_ADJUSTED)
    assert [(e.actor_user_id, e.subject, e.detail["reason"], e.detail["deltas"]) for e in entries] == [
        (sena.user_id, f"product:{shoe}", "found", [6]),
        (sena.user_id, f"product:{shoe}", "damage", [-2]),
    ]
    assert entries[1].detail["bins"] == ["A-01"] and entries[1].detail["note"] == "ıslanmış"


def test_adjustments_refuse_a_packer_an_unknown_reason_and_going_below_zero(db: Database, warehouse: Warehouse) -> None:
    stock = StockService(db.sessions, audit=AuditLog(db.sessions))
    sena, ayse = person(db, "sena", "supervisor"), person(db, "ayse", "packer")
    shoe, a01 = warehouse.products["SHOE-1"], warehouse.bins["A-01"]
    with pytest.raises(PermissionDenied):
        stock.adjust(ayse, shoe, a01, 1, StockReason.FOUND)
    with pytest.raises(StockError, match="reason is one of count, damage, found, return"):
        stock.adjust(sena, shoe, a01, 1, StockReason.PACKED)
    with pytest.raises(StockError, match="A-01 holds 0 of SHOE-1: 1 cannot go out"):
        stock.adjust(sena, shoe, a01, -1, StockReason.DAMAGE)
    assert _audit(db, AuditAction.STOCK_ADJUSTED) == []
    assert len(_audit(db, AuditAction.PERMISSION_DENIED)) == 1


def test_a_transfer_moves_between_bins_in_one_audited_change(db: Database, warehouse: Warehouse) -> None:
    stock = StockService(db.sessions, audit=AuditLog(db.sessions))
    sena = person(db, "sena", "supervisor")
    shoe, a01, b01 = warehouse.products["SHOE-2"], warehouse.bins["A-01"], warehouse.bins["B-01"]
    stock.adjust(sena, shoe, a01, 5, StockReason.FOUND)
    stock.transfer(sena, shoe, a01, b01, 3, note="yer değişimi")
    assert (in_bin(db.sessions, a01, shoe), in_bin(db.sessions, b01, shoe)) == (2, 3)
    assert level(db.sessions, shoe) == (5, 0)
    (entry,) = _audit(db, AuditAction.STOCK_TRANSFERRED)
    assert entry.detail["bins"] == ["A-01", "B-01"] and entry.detail["deltas"] == [-3, 3]
    with pytest.raises(StockError, match="A-01 holds 2 of SHOE-2: 3 cannot go out"):
        stock.transfer(sena, shoe, a01, b01, 3)


def test_low_stock_lists_outflow_and_days_of_cover(db: Database, warehouse: Warehouse) -> None:
    stock = StockService(db.sessions, audit=AuditLog(db.sessions))
    sena = person(db, "sena", "supervisor")
    a01 = warehouse.bins["A-01"]
    for code, units in (("SHOE-1", 30), ("SHOE-2", 4), ("SHOE-3", 9)):
        stock.adjust(sena, warehouse.products[code], a01, units, StockReason.FOUND)
    # 14 units of SHOE-3 went out over the last days: one a day; 2 are reserved for an order.
    from packstation.services.stock.movements import StockMove, apply_movements

    with db.sessions.begin() as session:
        apply_movements(session, [StockMove(warehouse.products["SHOE-3"], -14, StockReason.PACKED, location_id=a01)])
        apply_movements(session, [StockMove(warehouse.products["SHOE-3"], 14, StockReason.FOUND, location_id=a01)])
    package = add_package(db.sessions, warehouse, "LS1", {"SHOE-3": 2})
    from packstation.services.stock.reservations import settle_reservations

    with db.sessions.begin() as session:
        settle_reservations(session, [package])
    stock.set_threshold(sena, warehouse.products["SHOE-3"], 10)
    low = stock.low_stock()
    assert [(p.stock_code, p.figures.available, p.figures.threshold) for p in low] == [
        ("SHOE-3", 7, 10),
        ("SHOE-2", 4, 5),
    ]
    shoe3 = low[0]
    assert str(shoe3.figures.daily_outflow) == "1.00" and str(shoe3.figures.days_of_cover) == "7.0"
    assert low[1].figures.days_of_cover is None  # nothing went out: no cover to speak of
    stock.set_default_threshold(sena, 3)
    assert [p.stock_code for p in stock.low_stock()] == ["SHOE-3"]
    assert len(_audit(db, AuditAction.STOCK_THRESHOLD_SET)) == 2


def test_locations_are_made_checked_and_audited(db: Database, warehouse: Warehouse) -> None:
    places = LocationService(db.sessions, audit=AuditLog(db.sessions))
    sena = person(db, "sena", "supervisor")
    depot = places.create(sena, LocationKind.WAREHOUSE, "İZMİR", name="İzmir deposu")
    zone = places.create(sena, LocationKind.ZONE, "Ç", parent_id=depot.id)
    made = places.create(sena, LocationKind.BIN, "Ç-01-1", parent_id=zone.id, barcode="RAF-Ç011".replace("Ç", "C"))
    assert made.path == "İZMİR / Ç / Ç-01-1" and made.barcode == "RAF-C011"
    assert places.by_barcode(" RAF-C011 ") == made
    for kwargs, message in (
        ({"kind": LocationKind.BIN, "code": "X-1", "parent_id": depot.id}, "a bin goes inside a zone"),
        ({"kind": LocationKind.BIN, "code": "Ç-01-1", "parent_id": zone.id}, "already a location Ç-01-1 there"),
        ({"kind": LocationKind.BIN, "code": "Ç 01", "parent_id": zone.id}, "letters, digits and"),
        ({"kind": LocationKind.BIN, "code": "Ç-02", "parent_id": zone.id, "barcode": "RAF-C011"}, "already names"),
    ):
        with pytest.raises(StockError, match=message):
            places.create(sena, **kwargs)  # type: ignore[arg-type]
    places.change(sena, zone.id, sellable=False)
    assert not next(loc for loc in places.tree() if loc.id == made.id).sellable
    assert [e.subject for e in _audit(db, AuditAction.LOCATION_CREATED)] == [
        f"location:{depot.id}",
        f"location:{zone.id}",
        f"location:{made.id}",
    ]
    (changed,) = _audit(db, AuditAction.LOCATION_CHANGED)
    assert changed.detail["sellable"] is False and changed.detail["sellable_before"] is True
