"""The main window, offscreen, on a real database: start-up off the GUI thread, scan, open a package."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from packstation.app import AppContext, start_services
from packstation.config import Settings, load_settings
from packstation.db.models import Package
from packstation.services.events import DatabaseStatus, EventBus
from packstation.ui.bridge import Bridge
from packstation.ui.main_window import MainWindow
from packstation.ui.tasks import Task

pytestmark = pytest.mark.gui


def _settings(db_url: str, tmp_path: Path) -> Settings:
    return load_settings(
        environ={"XDG_CONFIG_HOME": str(tmp_path)},
        overrides={"database": {"url": db_url}, "station": {"name": "test-station", "data_dir": str(tmp_path)}},
    )


@pytest.fixture
def context(db_url: str, tmp_path: Path) -> Iterator[AppContext]:
    bus = EventBus()
    ctx = start_services(_settings(db_url, tmp_path), bus, demo=True, demo_packages=30)
    yield ctx
    ctx.close()


def test_window_opens_a_package_from_a_typed_scan(qtbot: QtBot, context: AppContext) -> None:
    window = MainWindow(station_name="test-station", bridge=Bridge(context.bus), demo=True)
    qtbot.addWidget(window)
    window.show()
    window.attach(context)
    qtbot.waitUntil(lambda: window.home.model.rowCount() == 30, timeout=10_000)
    qtbot.waitUntil(lambda: window.home.ready_card.value.text() == "30", timeout=10_000)
    assert "online" in window.database_label.text()

    with context.database.sessions() as session:
        package = session.scalars(select(Package).order_by(Package.id).limit(1)).one()
        line_count = len(package.lines)
    qtbot.keyClicks(window.home.scan_input, package.cargo_tracking_number)
    qtbot.keyClick(window.home.scan_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.home.pages.currentIndex() == 1, timeout=10_000)
    assert package.external_id in window.home.banner.text()
    assert window.home.lines.rowCount() == line_count
    assert package.customer_name in window.home.detail_title.text()

    qtbot.keyClicks(window.home.scan_input, "0000-not-a-parcel")
    qtbot.keyClick(window.home.scan_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "No package found" in window.home.banner.text(), timeout=10_000)


def test_offline_status_reaches_the_status_bar_from_a_worker_thread(qtbot: QtBot, context: AppContext) -> None:
    window = MainWindow(station_name="test-station", bridge=Bridge(context.bus), demo=False)
    qtbot.addWidget(window)
    window.attach(context)
    import threading
    from datetime import UTC, datetime

    thread = threading.Thread(
        target=context.bus.publish,
        args=(DatabaseStatus(online=False, detail="connection refused", checked_at=datetime.now(UTC)),),
    )
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: "OFFLINE" in window.database_label.text(), timeout=5_000)
    assert "connection refused" in window.database_label.text()


def test_startup_failure_is_shown_not_raised(qtbot: QtBot) -> None:
    window = MainWindow(station_name="s", bridge=Bridge(EventBus()), demo=False)
    qtbot.addWidget(window)

    def broken() -> None:
        raise RuntimeError("could not reach db.example: connection refused")

    Task(broken, owner=window).on_failure(window.show_startup_error).run()
    qtbot.waitUntil(lambda: "connection refused" in window.home.banner.text(), timeout=5_000)
    assert "unavailable" in window.database_label.text()
