"""No text from a scan or a server can widen the window: a real offscreen window, size before == after."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from packstation.composition import AppContext, start_services
from packstation.config import load_settings
from packstation.demo.station import demo_seed
from packstation.domain.events import DatabaseStatus, EventBus, PumpStatus
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def context(db_url: str, tmp_path: Path) -> Iterator[AppContext]:
    settings = load_settings(
        environ={"XDG_CONFIG_HOME": str(tmp_path)},
        overrides={"database": {"url": db_url}, "station": {"name": "test-station", "data_dir": str(tmp_path)}},
    )
    ctx = start_services(settings, EventBus(), demo=True, seed=demo_seed(packages=5))
    yield ctx
    ctx.close()


def _logged_in_window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(
        station_name="test-station", bridge=Bridge(context.bus), demo=True, sounds=SoundBoard(enabled=False)
    )
    qtbot.addWidget(window)
    window.show()
    window.attach(context)
    qtbot.keyClicks(window.session.login.badge_input, "1003")
    qtbot.keyClick(window.session.login.badge_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.user is not None, timeout=10_000)
    return window


def _settle(qtbot: QtBot) -> None:
    for _ in range(5):
        QApplication.processEvents()
        qtbot.wait(20)


HOSTILE_SCANS = [
    "A" * 100_000,  # a stuck key
    "PSCMD" + "Ş" * 100_000,  # a command lookalike: "unknown command" quotes it
    "B" * 250,  # not too long to look up: "no package found for …" quotes it whole
    "\x00" * 50 + "869\x01" + "C" * 5_000,  # NUL and another control character
    "word " * 20_000,  # long but breakable
    "\udcff\udcfe" * 1_000,  # what a lenient decoder leaves of invalid UTF-8
]


def test_a_100000_character_scan_on_the_home_screen_does_not_grow_the_window(qtbot: QtBot, context: AppContext) -> None:
    window = _logged_in_window(qtbot, context)
    assert window.pages.currentWidget() is window.home
    _settle(qtbot)
    before = window.size()
    for scan in HOSTILE_SCANS:
        window.banner.setText("")
        window.handle_scan(scan)
        qtbot.waitUntil(lambda: window.banner.text() != "", timeout=10_000)
        _settle(qtbot)
        assert window.size() == before, f"scan of {len(scan)} characters resized the window"
        assert len(window.banner.text()) < 1_000
        assert "\x00" not in window.banner.text()
    assert window.pages.currentWidget() is window.home


def test_a_page_long_server_error_does_not_grow_the_window(qtbot: QtBot, context: AppContext) -> None:
    window = _logged_in_window(qtbot, context)
    _settle(qtbot)
    before = window.size()
    detail = "could not connect: " + "x" * 50_000
    window.status.show_database_status(DatabaseStatus(online=False, detail=detail, checked_at=datetime.now(UTC)))
    window.status.show_pump_status(PumpStatus(False, 3, datetime.now(UTC), 1, detail))
    _settle(qtbot)
    assert window.size() == before
    assert "OFFLINE" in window.status.database_label.text()
