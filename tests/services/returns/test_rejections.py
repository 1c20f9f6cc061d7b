"""Rejecting returned units: only with a supervisor's approval, audited with the approver, the damaged unit in
quarantine (not sellable), and one claim issue at the Trendyol stand-in with the evidence attached."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from packstation.db.models.access import AuditEntry
from packstation.db.models.stock import LocationStock, StockLocation
from packstation.domain.returns import ReturnCondition, ReturnSession
from packstation.local_store.journal import Journal
from packstation.services.access.permissions import Permission, PermissionDenied
from packstation.services.returns.service import Rejection
from tests.support.return_bench import Bench, Nudge, claimed_parcel, poll, return_bench, stock


@pytest.fixture
def bench(db_url: str, tmp_path: Path) -> Iterator[Bench]:
    with return_bench(db_url, tmp_path, station="reject-bench") as running:
        yield running


def test_a_damaged_unit_is_rejected_with_approval_and_quarantined(bench: Bench) -> None:
    context, marketplace = bench
    claim, units = claimed_parcel(context, marketplace, poll)
    before = stock(context, set(units))
    packer = context.auth.login_badge("1001", station_id=context.station_id)
    opened = context.returns.find(str(claim["cargoTrackingNumber"]))
    assert opened is not None and len(opened.units) == sum(units.values())
    session = ReturnSession(opened.units)
    for unit in opened.units:
        assert session.scan(unit.barcode).unit is not None
    damaged = session.set_condition(ReturnCondition.DAMAGED)  # the last unit scanned
    decisions = session.decisions()
    reasons = context.returns.reject_reasons(opened.account_id)
    defective = next(reason for reason in reasons if reason.external_id == "251")
    assert defective.name == "İade gelen ürün defolu / zarar görmüş"  # as Trendyol serves it
    rejection = Rejection(reason=defective, description="Topuk kırık geldi")

    with pytest.raises(PermissionDenied):
        context.returns.complete(packer, opened, decisions, rejection=rejection)
    journal = Journal(context.settings.data_dir() / "journal.sqlite3")
    assert journal.stats().pending == 0  # nothing journaled for a refused rejection

    approval = context.auth.approve(
        "9001", "2580", Permission.REJECT_RETURN, station_id=context.station_id, requested_by=packer
    )
    context.returns.complete(packer, opened, decisions, rejection=rejection, approval=approval)

    nudge = Nudge(context)

    def answered() -> bool:
        nudge()
        return bool(marketplace.simulator.claims.issues) and bool(marketplace.simulator.claims.approvals)

    poll(answered, 30_000)
    [issue] = marketplace.simulator.claims.issues
    assert (issue.item_ids, issue.reason_id, issue.description) == ((damaged.external_id,), 251, "Topuk kırık geldi")
    assert issue.files == ("iade-inceleme.pdf",)  # no photo taken: the inspection report goes instead
    others = tuple(unit.external_id for unit in opened.units if unit.external_id != damaged.external_id)
    assert marketplace.simulator.claims.approvals == ([(claim["id"], others)] if others else [])
    assert damaged.product_id is not None
    expected = {pid: before[pid] + count - (pid == damaged.product_id) for pid, count in units.items()}
    poll(lambda: stock(context, set(units)) == expected, 10_000)
    with context.database.sessions() as db:
        quarantined = db.execute(
            select(LocationStock.quantity)
            .join(StockLocation, StockLocation.id == LocationStock.location_id)
            .where(StockLocation.sellable.is_(False), LocationStock.product_id == damaged.product_id)
        ).scalar_one()
        assert quarantined == 1
        rejected = db.scalars(select(AuditEntry).where(AuditEntry.action == "return.rejected")).one()
        assert rejected.actor_user_id == packer.user_id and rejected.detail["approved_by"] == approval.approver_id
