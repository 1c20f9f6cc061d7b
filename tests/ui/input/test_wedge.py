"""The Qt wedge filter with real QKeyEvents (offscreen) and an injected clock."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from packstation.devices.scanners.wedge import WedgeSettings
from packstation.ui.input.wedge import WedgeScanFilter

pytestmark = pytest.mark.gui

SCANNER_GAP_MS = 8  # measured wedge scanners: 7-16 ms per key
HUMAN_GAP_MS = 150


class FakeClock:
    """Milliseconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 10_000.0

    def __call__(self) -> float:
        return self.now


def _key_code(char: str) -> int:
    if char in "\r\n":
        return int(Qt.Key.Key_Return.value)
    if char == " ":
        return int(Qt.Key.Key_Space.value)
    return ord(char.upper())  # Qt key codes for Latin letters and digits are their uppercase ASCII


class Station:
    """A window with a text field and a button, the filter installed, and a keyboard to type with."""

    def __init__(self, qtbot: QtBot, settings: WedgeSettings | None = None) -> None:
        self.clock = FakeClock()
        self.window = QWidget()
        self.field = QLineEdit()
        self.button = QPushButton("Print")
        layout = QVBoxLayout(self.window)
        layout.addWidget(self.field)
        layout.addWidget(self.button)
        qtbot.addWidget(self.window)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.field.setFocus()
        self.app = QApplication.instance()
        assert isinstance(self.app, QApplication)
        self.filter = WedgeScanFilter(settings=settings, clock=self.clock)
        self.filter.install(self.app)
        self.scans: list[str] = []
        self.filter.scanned.connect(self.scans.append)

    def key(self, char: str, *, gap: float, target: QWidget | None = None) -> None:
        """Press and release one key ``gap`` ms after the previous one, as the hardware would."""
        self.clock.now += gap
        widget = target or self.field
        code = _key_code(char)
        modifiers = Qt.KeyboardModifier.ShiftModifier if char.isupper() else Qt.KeyboardModifier.NoModifier
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, code, modifiers, char))

    def type(self, text: str, *, gap: float) -> None:
        for char in text:
            self.key(char, gap=gap)

    def idle(self, qtbot: QtBot, ms: float = 200) -> None:
        """Let time pass with no keys, so held keys expire (the filter's timer polls the clock)."""
        self.clock.now += ms
        qtbot.wait(60)


@pytest.fixture
def station(qtbot: QtBot) -> Iterator[Station]:
    station = Station(qtbot)
    yield station
    station.filter.uninstall(station.app)


def test_fast_burst_with_enter_is_a_scan_and_the_field_stays_empty(station: Station, qtbot: QtBot) -> None:
    with qtbot.waitSignal(station.filter.scanned, timeout=1000) as blocker:
        station.type("8690000000005\r", gap=SCANNER_GAP_MS)
    assert blocker.args == ["8690000000005"]
    station.idle(qtbot)
    assert station.field.text() == ""
    assert station.scans == ["8690000000005"]


def test_slow_typing_reaches_the_field_and_emits_nothing(station: Station, qtbot: QtBot) -> None:
    station.type("Ayse 42", gap=HUMAN_GAP_MS)
    station.idle(qtbot)
    qtbot.waitUntil(lambda: station.field.text() == "Ayse 42", timeout=1000)
    station.key("\r", gap=HUMAN_GAP_MS)
    station.idle(qtbot)
    assert station.scans == []
    assert station.field.text() == "Ayse 42"


def test_typing_then_a_scan_keeps_both_apart(station: Station, qtbot: QtBot) -> None:
    station.type("ab", gap=HUMAN_GAP_MS)
    station.idle(qtbot)
    station.type("TYSELLER7\r", gap=SCANNER_GAP_MS)
    station.idle(qtbot)
    station.type("c", gap=HUMAN_GAP_MS)
    station.idle(qtbot)
    qtbot.waitUntil(lambda: station.field.text() == "abc", timeout=1000)
    assert station.scans == ["TYSELLER7"]


def test_a_short_quick_run_is_given_back_in_order(station: Station, qtbot: QtBot) -> None:
    station.type("xy\r", gap=SCANNER_GAP_MS)  # fast but too short to be a barcode
    station.idle(qtbot)
    qtbot.waitUntil(lambda: station.field.text() == "xy", timeout=1000)
    assert station.scans == []


def test_held_key_release_is_given_back_with_its_press(station: Station, qtbot: QtBot) -> None:
    station.button.setFocus()
    clicks: list[bool] = []
    station.button.clicked.connect(lambda: clicks.append(True))
    station.key(" ", gap=HUMAN_GAP_MS, target=station.button)  # press and release both held, then replayed
    station.idle(qtbot)
    qtbot.waitUntil(lambda: len(clicks) == 1, timeout=1000)
    assert not station.button.isDown()


def test_disabled_filter_lets_scans_through(station: Station, qtbot: QtBot) -> None:
    station.filter.set_enabled(False)
    station.type("12345678\r", gap=SCANNER_GAP_MS)
    assert station.field.text() == "12345678" and station.scans == []


def test_prefix_setting(qtbot: QtBot) -> None:
    station = Station(qtbot, WedgeSettings(prefix="Q"))
    try:
        station.type("86900000\r", gap=SCANNER_GAP_MS)  # no prefix: typing, however fast
        station.type("Q86900000\r", gap=SCANNER_GAP_MS)
        station.idle(qtbot)
        assert station.scans == ["86900000"]
        assert station.field.text() == "86900000"
    finally:
        station.filter.uninstall(station.app)
