"""A packer packs a parcel in the real window (offscreen) while the station connects as its least-privilege role."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from packstation.composition import start_services
from packstation.config import load_settings
from packstation.db.models import Package, PackEvent
from packstation.domain.events import EventBus
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.main_window import MainWindow

from .test_station_role import station_url  # noqa: F401  (the fixture)

pytestmark = pytest.mark.gui


def _settings(db_url: str, data_dir: Path, station: str):  # type: ignore[no-untyped-def]
    return load_settings(
        environ={"XDG_CONFIG_HOME": str(data_dir)},
        overrides={"database": {"url": db_url}, "station": {"name": station, "data_dir": str(data_dir)}},
    )


def test_a_packer_packs_in_the_window_as_the_station_role(
    qtbot: QtBot,
    db_url: str,
    station_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    # The owner seeds the demo catalogue, parcels and badges once (it writes users; a station cannot).
    owner = start_services(_settings(db_url, tmp_path / "owner", "owner"), EventBus(), demo=True, demo_packages=5)
    owner.close()

    context = start_services(_settings(station_url, tmp_path / "station-1", "station-1"), EventBus(), demo=True)
    window = MainWindow(
        station_name="station-1", bridge=Bridge(context.bus), demo=True, sounds=SoundBoard(enabled=False)
    )
    qtbot.addWidget(window)
    window.show()
    window.attach(context)
    try:
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.login, timeout=10_000)
        window.handle_scan("1001")  # Ayşe's demo badge
        qtbot.waitUntil(lambda: window.user is not None, timeout=10_000)
        with context.database.sessions() as session:
            package = session.scalars(select(Package).order_by(Package.id).limit(1)).one()
            items = [line.barcode for line in package.lines for _ in range(line.quantity)]
        window.handle_scan(package.cargo_tracking_number)
        qtbot.waitUntil(lambda: window.pack.package is not None, timeout=10_000)
        for barcode in items:
            window.handle_scan(barcode)
        qtbot.waitUntil(lambda: window.pack.feedback.property("kind") == "complete", timeout=10_000)

        def landed() -> int:
            with context.database.sessions() as session:
                count = select(func.count()).select_from(PackEvent).where(PackEvent.package_id == package.id)
                return int(session.scalar(count) or 0)

        qtbot.waitUntil(lambda: landed() == len(items) + 2, timeout=15_000)
        with context.database.sessions() as session:
            assert session.get(Package, package.id).packed_at is not None  # type: ignore[union-attr]
    finally:
        window.shutdown()
        context.close()
