"""A packer packs a parcel in the real window (offscreen) while the station connects as its least-privilege role."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from packstation.composition import AppContext, start_services
from packstation.config import load_settings
from packstation.db.models.packages import PackageRow, PackEvent
from packstation.demo.station import demo_seed
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
    owner = start_services(
        _settings(db_url, tmp_path / "owner", "owner"), EventBus(), demo=True, seed=demo_seed(packages=5)
    )
    owner.close()

    context = start_services(
        _settings(station_url, tmp_path / "station-1", "station-1"), EventBus(), demo=True, seed=demo_seed(packages=300)
    )
    window = MainWindow(
        station_name="station-1", bridge=Bridge(context.bus), demo=True, sounds=SoundBoard(enabled=False)
    )
    qtbot.addWidget(window)
    window.show()
    window.attach(context)
    try:
        qtbot.waitUntil(lambda: window.pages.currentWidget() is window.session.login, timeout=10_000)
        window.handle_scan("1001")  # Ayşe's demo badge
        qtbot.waitUntil(lambda: window.user is not None, timeout=10_000)
        with context.database.sessions() as session:
            package = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(1)).one()
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
            assert session.get(PackageRow, package.id).packed_at is not None  # type: ignore[union-attr]

        # Mid-parcel, Ömer scans his badge: Ayşe's parcel goes back, Ömer is the packer, and the
        # badge never becomes an item scan (not in pack_events, not in the journal).
        ayse = window.user
        second = _open_next(qtbot, window, context, after=package.id)
        window.handle_scan("1002")
        qtbot.waitUntil(lambda: window.user is not None and window.user.username == "omer", timeout=10_000)
        assert ayse is not None and window.user.user_id != ayse.user_id
        qtbot.waitUntil(lambda: window.pack.package is None or not window.pack.is_packing, timeout=10_000)
        qtbot.waitUntil(lambda: _put_back(context, tmp_path / "station-1", second), timeout=10_000)
        with context.database.sessions() as session:
            assert session.scalar(select(func.count()).select_from(PackEvent).where(PackEvent.barcode == "1002")) == 0
        assert not _scans_of(tmp_path / "station-1", "1002")

        # Idle: any key press keeps Ömer logged in; without input he is logged out and the parcel goes back.
        third = _open_next(qtbot, window, context, after=second)
        session = window.session.station_session
        assert session is not None
        session._idle = timedelta(seconds=1)  # the test cannot wait [security] idle_logout_s (600 s)
        time.sleep(1.2)
        QTest.keyClick(window, Qt.Key.Key_Shift)  # typing anywhere (an admin form too) is activity
        assert not session.is_idle()
        time.sleep(1.2)
        window.session.check_idle()
        assert window.user is None
        # The parcel was put back: the packing thread journals the abort (the pump releases the claim).
        qtbot.waitUntil(lambda: _put_back(context, tmp_path / "station-1", third), timeout=10_000)
    finally:
        window.shutdown()
        context.close()


def _open_next(qtbot: QtBot, window: MainWindow, context: AppContext, *, after: int) -> int:
    with context.database.sessions() as session:
        package = session.scalars(
            select(PackageRow)
            .where(PackageRow.id > after, PackageRow.packed_at.is_(None))
            .order_by(PackageRow.id)
            .limit(1)
        ).one()
        first_item = package.lines[0].barcode
        units = sum(line.quantity for line in package.lines)
    window.handle_scan(package.cargo_tracking_number)
    qtbot.waitUntil(lambda: window.pack.package is not None and window.pack.package.id == package.id, timeout=10_000)
    if units > 1:  # one item scanned, the parcel still open (a one-unit parcel would complete)
        window.handle_scan(first_item)
        qtbot.waitUntil(lambda: window.pack.progress.value() >= 1, timeout=10_000)
    assert window.pack.is_packing
    return package.id


def _put_back(context: AppContext, data_dir: Path, package_id: int) -> bool:
    """The station put the parcel back: the abort is in its journal, or already uploaded to pack_events."""
    if package_id in _aborted(data_dir):
        return True
    with context.database.sessions() as session:
        uploaded = select(func.count()).where(PackEvent.package_id == package_id, PackEvent.kind == "abort")
        return bool(session.scalar(uploaded))


def _aborted(data_dir: Path) -> set[int]:
    """Packages whose abort (put back) the station journaled."""
    found: set[int] = set()
    for path in data_dir.rglob("journal*.sqlite3"):
        with sqlite3.connect(path) as connection:
            found |= {row[0] for row in connection.execute("SELECT package_id FROM operations WHERE kind = 'abort'")}
    return found


def _scans_of(data_dir: Path, text: str) -> list[str]:
    """Journaled scan operations whose scanned text is ``text``."""
    found: list[str] = []
    for path in data_dir.rglob("journal*.sqlite3"):
        with sqlite3.connect(path) as connection:
            payloads = [row[0] for row in connection.execute("SELECT payload FROM operations WHERE kind = 'scan'")]
        found += [p for p in payloads if json.loads(p).get("text") == text or json.loads(p).get("code") == text]
    return found
