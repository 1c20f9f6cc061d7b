"""A return at the bench, through the real window: claims synced from the Trendyol stand-in over HTTP, the
return parcel's tracking number scanned, every claimed item scanned, COMPLETE; the stand-in then holds
exactly those claim items approved, once, and the units are back in stock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from packstation.composition import AppContext
from packstation.db.models.access import AuditEntry
from packstation.db.models.stock import StockMovement
from packstation.db.models.sync import ClaimRow, OutboxEntry, ReturnEventRow
from packstation.demo.marketplace import DemoMarketplace
from packstation.domain.command_barcodes import Command
from packstation.services.reports.returns import ReturnsToday
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.main_window import MainWindow
from packstation.ui.shell.pages import SupervisorServices
from packstation.ui.supervisor.returns_tile import ReturnsTile
from tests.support.return_bench import Nudge, claimed_parcel, return_bench, stock

pytestmark = pytest.mark.gui


@pytest.fixture
def bench(db_url: str, tmp_path: Path) -> Iterator[tuple[AppContext, DemoMarketplace]]:
    with return_bench(db_url, tmp_path) as running:
        yield running


def _window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(
        station_name="return-bench", bridge=Bridge(context.bus), demo=True, sounds=SoundBoard(enabled=False)
    )
    qtbot.addWidget(window)
    window.show()
    window.attach(context)
    return window


def test_a_return_scanned_in_is_approved_once_and_back_instock(
    qtbot: QtBot, bench: tuple[AppContext, DemoMarketplace]
) -> None:
    context, marketplace = bench
    window = _window(qtbot, context)
    claim, units = claimed_parcel(context, marketplace, lambda check, ms: qtbot.waitUntil(check, timeout=ms))
    before = stock(context, set(units))

    window.handle_scan("1001")  # a packer's badge
    qtbot.waitUntil(lambda: window.user is not None, timeout=10_000)
    # A scanner does not wait for the screen: the return's scans arrive back to back and keep their order.
    window.handle_scan(str(claim["cargoTrackingNumber"]))
    claimed = [item for line in claim["items"] for item in line["claimItems"]]
    for line in claim["items"]:
        for _item in line["claimItems"]:
            window.handle_scan(line["orderLine"]["barcode"])
    window.handle_scan("8690000000000")  # something else in the box: not ours, nothing happens to it
    assert window.returns is not None
    qtbot.waitUntil(lambda: window.returns is not None and window.returns.active and not window.returns.opening)
    assert window.pages.currentWidget() is window.returns_view
    assert window.returns_view.units.rowCount() == sum(units.values())
    # Not a claimed unit: asked first whether it is a badge (it is not), then shown as not ours.
    qtbot.waitUntil(lambda: "8690000000000" in window.returns_view.not_ours.text())
    assert window.returns.session is not None and window.returns.session.is_complete
    window.handle_scan(Command.COMPLETE.payload)
    qtbot.waitUntil(lambda: not window.returns.active, timeout=10_000)  # type: ignore[union-attr]

    # The pump applies the return; the outbox approves at the stand-in.
    assert context.jobs is not None

    nudge = Nudge(context)

    def approved() -> bool:
        nudge()
        return bool(marketplace.simulator.claims.approvals)

    qtbot.waitUntil(approved, timeout=30_000)
    assert marketplace.simulator.claims.approvals == [(claim["id"], tuple(item["id"] for item in claimed))]
    assert {item["claimItemStatus"]["name"] for item in claimed} == {"Accepted"}
    assert stock(context, set(units)) == {pid: before[pid] + count for pid, count in units.items()}

    # Once: another push and the replayed journal change nothing.
    context.jobs.sync_now()
    qtbot.wait(500)
    assert len(marketplace.simulator.claims.approvals) == 1
    with context.database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ReturnEventRow)) == 1
        assert session.scalar(select(func.count()).where(StockMovement.reason == "return")) == sum(units.values())
        row = session.scalars(select(ClaimRow).where(ClaimRow.external_id == claim["id"])).one()
        assert row.processed_at is not None and {item.condition for item in row.items} == {"resellable"}
        keys = session.scalars(select(OutboxEntry.business_key).where(OutboxEntry.kind == "claim_approve")).all()
        assert len(keys) == 1
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("return.%"))).all()
        assert actions == ["return.completed"]
    # The dashboard's returns tile counts it.
    services = SupervisorServices.of(context)
    assert services.returns_today is not None
    tile = ReturnsTile(services.returns_today)
    tile.refresh()
    qtbot.waitUntil(lambda: tile.figures is not None)
    assert tile.figures == ReturnsToday(processed=1, back_to_stock=sum(units.values()), rejected=0, waiting=0)
    assert tile.tile.value.text() == "1"
    # The processed claim no longer opens a return: its tracking number is just an unknown code now.
    window.handle_scan(str(claim["cargoTrackingNumber"]))
    qtbot.wait(300)
    assert not window.returns.active  # type: ignore[union-attr]


def test_a_damaged_unit_is_rejected_after_a_supervisor_approves_at_the_station(
    qtbot: QtBot, bench: tuple[AppContext, DemoMarketplace]
) -> None:
    from PySide6.QtWidgets import QApplication

    from packstation.ui.packing.reject_dialog import RejectDialog
    from packstation.ui.shell.login import ApprovalDialog

    context, marketplace = bench
    window = _window(qtbot, context)
    claim, _units = claimed_parcel(context, marketplace, lambda check, ms: qtbot.waitUntil(check, timeout=ms))
    window.handle_scan("1001")  # a packer: rejecting needs a supervisor
    qtbot.waitUntil(lambda: window.user is not None, timeout=10_000)
    window.handle_scan(str(claim["cargoTrackingNumber"]))
    lines = claim["items"]
    for line in lines:
        for _item in line["claimItems"]:
            window.handle_scan(line["orderLine"]["barcode"])
    window.handle_scan(Command.DAMAGED.payload)  # the unit scanned last is damaged
    assert window.returns is not None
    qtbot.waitUntil(lambda: window.returns is not None and window.returns.active and not window.returns.opening)
    assert "Damaged" in [
        window.returns_view.units.item(row, 4).text() for row in range(window.returns_view.units.rowCount())
    ]
    window.handle_scan(Command.COMPLETE.payload)

    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), RejectDialog), timeout=10_000)
    reject = QApplication.activeModalWidget()
    assert isinstance(reject, RejectDialog)
    reason, _description = reject.chosen()
    assert reason.name == "İade gelen ürün defolu / zarar görmüş"  # suggested for a damaged unit, in Trendyol's words
    reject.description.setPlainText("Topuk kırık")
    reject.accept()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ApprovalDialog), timeout=5_000)
    approval = QApplication.activeModalWidget()
    assert isinstance(approval, ApprovalDialog)
    approval.badge_input.setText("9001")
    approval.pin_input.setText("2580")
    approval.submit()
    qtbot.waitUntil(lambda: not window.returns.active, timeout=10_000)  # type: ignore[union-attr]

    nudge = Nudge(context)

    def answered() -> bool:
        nudge()
        return bool(marketplace.simulator.claims.issues)

    qtbot.waitUntil(answered, timeout=30_000)
    [issue] = marketplace.simulator.claims.issues
    last = lines[-1]["claimItems"][-1]["id"]
    assert issue.item_ids == (last,) and issue.reason_id == 251 and issue.description == "Topuk kırık"
    with context.database.sessions() as session:
        rejected = session.scalars(select(AuditEntry).where(AuditEntry.action == "return.rejected")).one()
        assert (
            rejected.detail["approved_by"] != rejected.actor_user_id
        )  # the supervisor approved the packer's rejection


def test_a_badge_scanned_on_the_return_screen_switches_the_packer_and_is_never_kept(
    qtbot: QtBot, bench: tuple[AppContext, DemoMarketplace]
) -> None:
    context, marketplace = bench
    window = _window(qtbot, context)
    claim, _units = claimed_parcel(context, marketplace, lambda check, ms: qtbot.waitUntil(check, timeout=ms))
    window.handle_scan("1001")
    qtbot.waitUntil(lambda: window.user is not None, timeout=10_000)
    first = window.user
    window.handle_scan(str(claim["cargoTrackingNumber"]))
    qtbot.waitUntil(lambda: window.returns is not None and window.returns.active, timeout=10_000)
    window.handle_scan("1002")  # another packer's badge
    qtbot.waitUntil(lambda: window.user is not None and window.user != first, timeout=10_000)
    assert window.returns is not None and not window.returns.active  # left unrecorded, like a parcel put back
    assert "1002" not in window.returns_view.not_ours.text()
    with context.database.sessions() as session:
        assert session.scalar(select(ClaimRow.processed_at).where(ClaimRow.external_id == claim["id"])) is None
