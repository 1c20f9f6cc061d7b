"""A return judged while PostgreSQL is away: opened from the station's copy of the open claims, journaled,
and applied once when the database is back (stock, claim, the approval queued in the outbox)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from packstation.db.connect import Database
from packstation.db.engine import create_db_engine, session_factory
from packstation.db.models.access import User
from packstation.db.models.stock import StockLevel
from packstation.db.models.sync import ClaimRow, OutboxEntry
from packstation.domain.returns import ReturnSession
from packstation.domain.status import Role
from packstation.local_store.journal import Journal
from packstation.local_store.return_cache import ReturnCache
from packstation.services.access.audit import AuditLog
from packstation.services.access.permissions import LoginMethod, UserSession
from packstation.services.journal.applier import OperationApplier
from packstation.services.marketplaces import TrendyolClient
from packstation.services.returns.offline import OpenClaimsCopy
from packstation.services.returns.service import ReturnService
from packstation.services.sync.claims import ClaimSync
from packstation.simulators.trendyol import SimulatedMarketplace
from tests.services.sync.conftest import ACCOUNT


def test_a_return_judged_offline_is_applied_once_when_the_database_is_back(
    db: Database, client: TrendyolClient, sim: SimulatedMarketplace, account_id: int, tmp_path: Path
) -> None:
    claim = sim.claims.add(sim.package(sim.matching_ids()[0]))  # type: ignore[arg-type]
    ClaimSync(db.sessions).pull(client, account_id=account_id, account=ACCOUNT)
    online = ReturnService(
        db.sessions,
        journal=Journal(tmp_path / "j0.sqlite3"),
        station="b1",
        audit=AuditLog(db.sessions),
        clock=lambda: datetime.now(UTC),
    )
    by_order = online.find(claim["orderNumber"])  # the original order number opens it too
    assert by_order is not None and by_order.external_id == claim["id"]
    assert online.find("8690000000000") is None  # anything else is left to the packing screen
    copy = OpenClaimsCopy(ReturnCache(tmp_path / "return_cache.sqlite3"))
    assert copy.refresh(db.sessions) == 1
    with db.sessions.begin() as session:
        user = User(username="ayse", full_name="Ayşe Yılmaz", role="packer", password_hash="x")
        session.add(user)
        session.flush()
        user_id = user.id
    actor = UserSession(
        user_id, "ayse", "Ayşe Yılmaz", Role.PACKER, None, LoginMethod.BADGE, datetime.now(UTC), uuid.uuid4()
    )

    # PostgreSQL is away: nothing listens on port 1.
    away = session_factory(create_db_engine("postgresql+psycopg2://packstation@127.0.0.1:1/none"))
    journal = Journal(tmp_path / "journal.sqlite3")
    service = ReturnService(
        away,
        journal=journal,
        station="bench-1",
        audit=AuditLog(away),
        clock=lambda: datetime.now(UTC),
        offline_copy=copy,
    )
    tracking = str(claim["cargoTrackingNumber"])
    opened = service.find(tracking)  # falls back to the copy
    assert opened is not None and opened.external_id == claim["id"]
    session = ReturnSession(opened.units)
    for unit in opened.units:
        session.scan(unit.barcode)
    service.complete(actor, opened, session.decisions())
    assert service.find(tracking, offline=True) is None  # judged here: it does not open twice
    [op] = journal.pending()

    # The database is back: the pump applies the journal; a replay changes nothing.
    products = {unit.product_id for unit in opened.units}
    assert None not in products  # the claim sync put its products in the catalogue
    applier = OperationApplier()
    for _attempt in range(2):
        with db.sessions.begin() as db_session:
            applier.apply_batch(db_session, [op])
    with db.sessions() as db_session:
        levels = dict(db_session.execute(select(StockLevel.product_id, StockLevel.quantity)).all())
        assert sum(levels.get(pid, 0) for pid in products) == len(opened.units)
        assert db_session.scalar(select(ClaimRow.processed_at).where(ClaimRow.external_id == claim["id"])) is not None
        approvals = db_session.scalars(select(OutboxEntry).where(OutboxEntry.kind == "claim_approve")).all()
        assert len(approvals) == 1 and approvals[0].payload["items"] == [unit.external_id for unit in opened.units]
        assert (
            db_session.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.kind == "claim_reject"))
            == 0
        )
