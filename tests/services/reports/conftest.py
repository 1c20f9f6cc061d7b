"""A hand-built day of packing, inserted as pack_events rows with explicit timestamps.

Local day D = 2026-03-10 in Europe/Istanbul (UTC+3). Hand-computed figures are in ``EXPECTED``
of test_figures.py; the story:

* Ayşe (station "İstasyon 1", Güllü Ayakkabı on Trendyol): P1 open 09:00 → complete 09:01 (3 items),
  P2 09:10 → 09:12 (1 item), P6 opened 10:59, 1 item, completed 11:00 but that complete became a
  conflict (someone else had packed it), P8 23:59:00 → 23:59:30 (1 item).
* Şükrü (station "İstasyon 2", Çiçek Tekstil on Hepsiburada except P5): P3 10:00 → 10:03 with a wrong
  item, an unknown barcode, an over-scan and an invalid scan; P4 opened on D-1 at 23:58 with 2 items
  scanned at 23:59, completed on D at 00:02 (spans midnight); P5 (Güllü) 10:30 → 10:35 with a wrong item.
* P7: Ayşe completes a parcel on D+1 at 00:30 (outside day D).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from packstation.db.connect import Database
from packstation.db.models.access import User
from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow, Station
from packstation.db.models.packages import PackageRow, PackEvent, PackException

IST = ZoneInfo("Europe/Istanbul")
DAY = date(2026, 3, 10)


def local(day_offset: int, hh: int, mm: int, ss: int = 0) -> datetime:
    """A moment on day D (+ offset) in Istanbul."""
    day = DAY + timedelta(days=day_offset)
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=IST)


@dataclass(frozen=True)
class Seeded:
    """Ids of what the seeded day created."""

    ayse: int
    sukru: int
    station_1: int
    station_2: int
    gullu: int
    cicek: int
    trendyol: int
    hepsiburada: int
    packages: dict[str, int]


def add_parties(session: Session) -> Seeded:
    """Clients, accounts, stations, users and eight packages (no events)."""
    gullu = ClientCompany(name="Güllü Ayakkabı")
    cicek = ClientCompany(name="Çiçek Tekstil")
    session.add_all([gullu, cicek])
    session.flush()
    trendyol = MarketplaceAccountRow(
        name="gullu-trendyol", kind="trendyol", seller_id="1", base_url="http://x", client_company_id=gullu.id
    )
    hb = MarketplaceAccountRow(
        name="cicek-hb", kind="hepsiburada", seller_id="2", base_url="http://y", client_company_id=cicek.id
    )
    st1, st2 = Station(name="İstasyon 1"), Station(name="İstasyon 2")
    ayse = User(username="ayse", full_name="Ayşe Yılmaz", role="packer", password_hash="x")
    sukru = User(username="sukru", full_name="Şükrü Öztürk", role="packer", password_hash="x")
    session.add_all([trendyol, hb, st1, st2, ayse, sukru])
    session.flush()
    accounts = {"P1": trendyol, "P2": trendyol, "P3": hb, "P4": hb, "P5": trendyol, "P6": trendyol}
    accounts |= {"P7": trendyol, "P8": trendyol}
    packages = {}
    for name, account in accounts.items():
        row = PackageRow(account_id=account.id, external_id=f"EXT-{name}", order_number=f"ORD-{name}", status="Picking")
        session.add(row)
        session.flush()
        packages[name] = row.id
    return Seeded(ayse.id, sukru.id, st1.id, st2.id, gullu.id, cicek.id, trendyol.id, hb.id, packages)


def event(
    seeded: Seeded,
    package: str,
    kind: str,
    at: datetime,
    *,
    user: int,
    station: int,
    outcome: str | None = None,
    qty: int = 0,
) -> dict[str, object]:
    """One pack_events row."""
    return {
        "op_id": uuid.uuid4(),
        "package_id": seeded.packages[package],
        "station_id": station,
        "user_id": user,
        "kind": kind,
        "outcome": outcome,
        "quantity": qty,
        "occurred_at": at,
    }


def day_events(s: Seeded) -> tuple[list[dict[str, object]], dict[str, object]]:
    """Every event of the story, and the P6 complete that becomes a conflict."""
    a = {"user": s.ayse, "station": s.station_1}
    k = {"user": s.sukru, "station": s.station_2}
    p6_complete = event(s, "P6", "complete", local(0, 11, 0), **a)
    rows = [
        event(s, "P1", "open", local(0, 9, 0), **a),
        event(s, "P1", "scan", local(0, 9, 0, 20), outcome="accepted", qty=1, **a),
        event(s, "P1", "scan", local(0, 9, 0, 40), outcome="accepted", qty=2, **a),
        event(s, "P1", "complete", local(0, 9, 1), **a),
        event(s, "P2", "open", local(0, 9, 10), **a),
        event(s, "P2", "scan", local(0, 9, 10, 30), outcome="accepted", qty=1, **a),
        event(s, "P2", "complete", local(0, 9, 12), **a),
        event(s, "P3", "open", local(0, 10, 0), **k),
        event(s, "P3", "scan", local(0, 10, 0, 10), outcome="wrong_item", **k),
        event(s, "P3", "scan", local(0, 10, 0, 20), outcome="unknown_barcode", **k),
        event(s, "P3", "scan", local(0, 10, 0, 30), outcome="accepted", qty=1, **k),
        event(s, "P3", "scan", local(0, 10, 0, 40), outcome="over_scan", **k),
        event(s, "P3", "scan", local(0, 10, 0, 50), outcome="invalid", **k),
        event(s, "P3", "complete", local(0, 10, 3), **k),
        event(s, "P4", "open", local(-1, 23, 58), **k),
        event(s, "P4", "scan", local(-1, 23, 59), outcome="accepted", qty=2, **k),
        event(s, "P4", "complete", local(0, 0, 2), **k),
        event(s, "P5", "open", local(0, 10, 30), **k),
        event(s, "P5", "scan", local(0, 10, 31), outcome="accepted", qty=1, **k),
        event(s, "P5", "scan", local(0, 10, 31, 30), outcome="wrong_item", **k),
        event(s, "P5", "complete", local(0, 10, 35), **k),
        event(s, "P6", "open", local(0, 10, 59), **a),
        event(s, "P6", "scan", local(0, 10, 59, 30), outcome="accepted", qty=1, **a),
        p6_complete,
        event(s, "P8", "open", local(0, 23, 59), **a),
        event(s, "P8", "scan", local(0, 23, 59, 10), outcome="accepted", qty=1, **a),
        event(s, "P8", "complete", local(0, 23, 59, 30), **a),
        event(s, "P7", "open", local(1, 0, 20), **a),
        event(s, "P7", "complete", local(1, 0, 30), **a),
    ]
    return rows, p6_complete


def seed_day(db: Database, *, one_by_one: bool = False) -> Seeded:
    """Insert the story: in one multi-row statement, or one statement per event as the pump does."""
    with db.sessions.begin() as session:
        seeded = add_parties(session)
        rows, conflict = day_events(seeded)
        if one_by_one:
            for row in rows:
                session.execute(insert(PackEvent).values(**row))
        else:
            session.execute(insert(PackEvent), rows)
        # The pump records the conflict after the event, in the same transaction.
        session.add(
            PackException(
                kind="conflict",
                package_id=conflict["package_id"],
                station_id=conflict["station_id"],
                op_id=conflict["op_id"],
                message="already packed",
            )
        )
    return seeded


@pytest.fixture
def seeded(db: Database) -> Seeded:
    """The story, inserted in one statement."""
    return seed_day(db)
