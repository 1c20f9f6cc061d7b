"""A return at the bench, through the real window: claims synced from the Trendyol stand-in over HTTP, the
return parcel's tracking number scanned, every claimed item scanned, COMPLETE; the stand-in then holds
exactly those claim items approved, once, and the units are back in stock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from packstation.composition import AppContext, start_services
from packstation.config import load_settings
from packstation.db.models.access import AuditEntry
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.db.models.stock import StockLevel, StockMovement
from packstation.db.models.sync import ClaimRow, OutboxEntry, ReturnEventRow
from packstation.demo.marketplace import DemoMarketplace, start_demo_marketplace
from packstation.demo.station import demo_seed, demo_settings
from packstation.domain.command_barcodes import Command
from packstation.domain.events import EventBus
from packstation.simulators.trendyol.catalog import SimPackage
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def bench(db_url: str, tmp_path: Path) -> Iterator[tuple[AppContext, DemoMarketplace]]:
    marketplace = start_demo_marketplace(packages=12, seed=4, sync_interval_s=600)
    settings = demo_settings(
        load_settings(
            environ={"XDG_CONFIG_HOME": str(tmp_path)},
            overrides={"station": {"name": "return-bench", "data_dir": str(tmp_path)}},
        ),
        marketplace=marketplace.account,
    )
    settings = settings.model_copy(update={"database": settings.database.model_copy(update={"url": db_url})})
    context = start_services(settings, EventBus(), demo=True, seed=demo_seed(packages=0), demo_marketplace=marketplace)
    yield context, marketplace
    context.close()


def _window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(
        station_name="return-bench", bridge=Bridge(context.bus), demo=True, sounds=SoundBoard(enabled=False)
    )
    qtbot.addWidget(window)
    window.show()
    window.attach(context)
    return window


def _stock(context: AppContext, product_ids: set[int]) -> dict[int, int]:
    with context.database.sessions() as session:
        levels = select(StockLevel.product_id, StockLevel.quantity).where(StockLevel.product_id.in_(product_ids))
        rows = session.execute(levels)
        found = {product_id: quantity for product_id, quantity in rows}
    return {product_id: found.get(product_id, 0) for product_id in product_ids}


def _claimed_parcel(qtbot: QtBot, context: AppContext, marketplace: DemoMarketplace) -> tuple[dict, dict[int, int]]:
    """A synced parcel that the customer sends back: its claim, synced, and the units per product."""

    def synced() -> int:
        with context.database.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(PackageRow)) or 0)

    assert context.jobs is not None
    qtbot.waitUntil(lambda: synced() > 0, timeout=30_000)
    with context.database.sessions() as session:
        package = (
            session.scalars(
                select(PackageRow)
                .join(PackageLineRow)
                .where(PackageLineRow.quantity >= 2)
                .order_by(PackageRow.id)
                .limit(1)
            ).first()
            or session.scalars(select(PackageRow).order_by(PackageRow.id).limit(1)).one()
        )
        units: dict[int, int] = {}
        for line in package.lines:
            assert line.product_id is not None
            units[line.product_id] = units.get(line.product_id, 0) + line.quantity
        external = int(package.external_id)
    simulated = marketplace.simulator.package(external)
    assert isinstance(simulated, SimPackage)
    claim = marketplace.simulator.claims.add(simulated)
    context.jobs.sync_now()

    def claim_synced() -> bool:
        with context.database.sessions() as session:
            return session.scalar(select(ClaimRow.id).where(ClaimRow.external_id == claim["id"])) is not None

    qtbot.waitUntil(claim_synced, timeout=30_000)
    return claim, units


def test_a_return_scanned_in_is_approved_once_and_back_in_stock(
    qtbot: QtBot, bench: tuple[AppContext, DemoMarketplace]
) -> None:
    context, marketplace = bench
    window = _window(qtbot, context)
    claim, units = _claimed_parcel(qtbot, context, marketplace)
    before = _stock(context, set(units))

    window.handle_scan("1001")  # a packer's badge
    qtbot.waitUntil(lambda: window.user is not None, timeout=10_000)
    window.handle_scan(str(claim["cargoTrackingNumber"]))
    assert window.returns is not None
    qtbot.waitUntil(lambda: window.returns is not None and window.returns.active, timeout=10_000)
    assert window.pages.currentWidget() is window.returns_view
    assert window.returns_view.units.rowCount() == sum(units.values())

    claimed = [item for line in claim["items"] for item in line["claimItems"]]
    for line in claim["items"]:
        for _item in line["claimItems"]:
            window.handle_scan(line["orderLine"]["barcode"])
    window.handle_scan("8690000000000")  # something else in the box: not ours, nothing happens to it
    assert "8690000000000" in window.returns_view.not_ours.text()
    window.handle_scan(Command.COMPLETE.payload)
    qtbot.waitUntil(lambda: not window.returns.active, timeout=10_000)  # type: ignore[union-attr]

    # The pump applies the return; the outbox approves at the stand-in.
    assert context.jobs is not None

    def approved() -> bool:
        context.jobs.sync_now()  # type: ignore[union-attr]
        return bool(marketplace.simulator.claims.approvals)

    qtbot.waitUntil(approved, timeout=30_000)
    assert marketplace.simulator.claims.approvals == [(claim["id"], tuple(item["id"] for item in claimed))]
    assert {item["claimItemStatus"]["name"] for item in claimed} == {"Accepted"}
    assert _stock(context, set(units)) == {pid: before[pid] + count for pid, count in units.items()}

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
    # The processed claim no longer opens a return: its tracking number is just an unknown code now.
    window.handle_scan(str(claim["cargoTrackingNumber"]))
    qtbot.wait(300)
    assert not window.returns.active  # type: ignore[union-attr]
