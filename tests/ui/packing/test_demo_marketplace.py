"""The demo's marketplace, offscreen: orders arrive through the background sync; a cancellation stops the packer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from packstation.composition import AppContext, start_services
from packstation.config import load_settings
from packstation.db.models.packages import PackageRow
from packstation.db.models.sync import OutboxEntry
from packstation.demo.marketplace import DemoMarketplace, start_demo_marketplace
from packstation.demo.station import demo_seed, demo_settings
from packstation.domain.events import EventBus
from packstation.domain.status import PackageStatus
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def demo(db_url: str, tmp_path: Path) -> Iterator[tuple[AppContext, DemoMarketplace]]:
    marketplace = start_demo_marketplace(packages=40, seed=3)
    settings = demo_settings(
        load_settings(
            environ={"XDG_CONFIG_HOME": str(tmp_path)},
            overrides={"station": {"name": "demo-station", "data_dir": str(tmp_path)}},
        ),
        marketplace=marketplace.account,
    )
    # The test's database instead of an embedded one.
    settings = settings.model_copy(update={"database": settings.database.model_copy(update={"url": db_url})})
    context = start_services(settings, EventBus(), demo=True, seed=demo_seed(packages=0), demo_marketplace=marketplace)
    yield context, marketplace
    context.close()


def test_orders_arrive_by_sync_and_a_cancellation_stops_the_packer(
    qtbot: QtBot, demo: tuple[AppContext, DemoMarketplace]
) -> None:
    context, marketplace = demo
    window = MainWindow(
        station_name="demo-station", bridge=Bridge(context.bus), demo=True, sounds=SoundBoard(enabled=False)
    )
    qtbot.addWidget(window)
    window.show()
    window.attach(context)

    def ready() -> int:
        with context.database.sessions() as session:
            return int(
                session.scalar(
                    select(func.count()).where(
                        PackageRow.status.in_([PackageStatus.CREATED.value, PackageStatus.PICKING.value]),
                        PackageRow.packed_at.is_(None),
                    )
                )
                or 0
            )

    qtbot.waitUntil(lambda: ready() > 0, timeout=30_000)
    window.handle_scan("1001")
    qtbot.waitUntil(lambda: window.user is not None, timeout=10_000)

    with context.database.sessions() as session:
        package = session.scalars(
            select(PackageRow).where(PackageRow.status == PackageStatus.CREATED.value).order_by(PackageRow.id).limit(1)
        ).one()
    window.handle_scan(package.cargo_tracking_number)
    qtbot.waitUntil(lambda: window.pack.package is not None, timeout=10_000)

    # The picking status goes back to the marketplace through the outbox.
    def picking_sent() -> bool:
        with context.database.sessions() as session:
            state = session.scalar(select(OutboxEntry.state).where(OutboxEntry.business_key == f"{package.id}:picking"))
        return state == "done"

    assert context.jobs is not None
    context.jobs.sync_now()
    qtbot.waitUntil(picking_sent, timeout=30_000)

    # The customer cancels: the next sync sees it and the pack screen stops the packer at once.
    marketplace.simulator.cancel_package(int(package.external_id))
    context.jobs.sync_now()
    qtbot.waitUntil(window.pack.stop.isVisible, timeout=30_000)
    assert "CANCELLED" in window.banner.text()
