"""Keyboard-wedge capture: an application-wide event filter that takes scans away from the focused widget.

Installed on the QApplication, the filter sees every key press before any widget does. It hands the
text keys to :class:`~packstation.devices.scanners.wedge.WedgeBurstDetector` and holds them while
the burst is undecided (at most ``max_gap_ms``). A burst that turns out to be a scan is swallowed and
emitted as :attr:`WedgeScanFilter.scanned`; keys that turn out to be typing are re-sent, in order, to
the object they were meant for, so a person typing in a search field notices nothing.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent

from packstation.devices.scanners.wedge import KeyStroke, WedgeBurstDetector, WedgeSettings, WedgeVerdict

logger = logging.getLogger("packstation.ui.input.wedge")

# Scanners send FNC1/GS as Ctrl+], which Qt reports with the text "\x1d": that one is scan data.
_GS = "\x1d"
_SHORTCUT_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
)
_MODIFIER_KEYS = frozenset(
    {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_AltGr, Qt.Key.Key_Meta, Qt.Key.Key_CapsLock}
)


@dataclass
class _HeldKey:
    """A swallowed key press, where it was going, and its release if that came while it was held."""

    receiver: QObject
    press: QKeyEvent
    release: QKeyEvent | None = None


class WedgeScanFilter(QObject):
    """Application-wide scan capture. ``scanned`` carries the scan text without prefix or suffix.

    ``clock`` returns milliseconds; inject one in tests. Without it the filter uses each event's own
    timestamp, so a busy GUI thread replaying queued typing cannot make it look like a burst.
    """

    scanned = Signal(str)

    def __init__(
        self,
        *,
        settings: WedgeSettings | None = None,
        clock: Callable[[], float] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._detector = WedgeBurstDetector(settings)
        self._clock = clock
        self._enabled = True
        self._replaying = False
        self._passed: tuple[int, int, int, int] | None = None
        self._scan_keys: Counter[int] = Counter()
        self._last_key_ms = 0.0
        self._last_key_wall = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timeout)

    # -- public ------------------------------------------------------------------------------------

    def install(self, app: QCoreApplication) -> None:
        """Start capturing on the whole application."""
        app.installEventFilter(self)

    def uninstall(self, app: QCoreApplication) -> None:
        """Stop capturing; anything held goes back as typing first."""
        self._apply(self._detector.interrupt())
        app.removeEventFilter(self)

    def set_enabled(self, enabled: bool) -> None:
        """Pause capture (e.g. in the settings dialog where a scanner is being programmed)."""
        if not enabled:
            self._apply(self._detector.interrupt())
        self._enabled = enabled

    # -- Qt ----------------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Hold, swallow or pass each key event (never anything else)."""
        kind = event.type()
        if self._replaying or not self._enabled or kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        assert isinstance(event, QKeyEvent)
        signature = (shiboken6.getCppPointer(event)[0], int(kind.value), event.key(), event.timestamp())
        if signature == self._passed:
            return False  # the same event again, forwarded from the window to the widget or a parent
        if kind == QEvent.Type.KeyRelease:
            return self._on_release(event) or self._pass(signature)
        return self._on_press(watched, event) or self._pass(signature)

    def _pass(self, signature: tuple[int, int, int, int]) -> bool:
        self._passed = signature
        return False

    def _on_press(self, watched: QObject, event: QKeyEvent) -> bool:
        key = Qt.Key(event.key())
        if key in _MODIFIER_KEYS:
            return False  # scanners press Shift for capitals; it is neither data nor a reason to stop
        text = event.text()
        data = text and (text == _GS or not event.modifiers() & _SHORTCUT_MODIFIERS)
        if not data:
            # Arrows, F-keys, Ctrl+C: a person is at the keyboard; give back what is held, in order.
            self._apply(self._detector.interrupt())
            return False
        now = self._now(event)
        held = _HeldKey(watched, event.clone())
        self._apply(self._detector.feed(KeyStroke(text, now, payload=held)))
        # Always taken: held, part of a scan, or already re-sent by _apply in its right place in order.
        return True

    def _on_release(self, event: QKeyEvent) -> bool:
        for stroke in self._detector.held:
            held = stroke.payload
            assert isinstance(held, _HeldKey)
            if held.release is None and held.press.key() == event.key():
                held.release = event.clone()
                return True
        if self._scan_keys[event.key()] > 0:
            self._scan_keys[event.key()] -= 1
            return True
        return False

    # -- decisions ---------------------------------------------------------------------------------

    def _now(self, event: QKeyEvent | None = None) -> float:
        if self._clock is not None:
            return self._clock()
        wall = time.monotonic() * 1000
        if event is not None:
            self._last_key_ms = float(event.timestamp()) or wall
            self._last_key_wall = wall
            return self._last_key_ms
        # Between keys, extend the last event's timestamp by the time that has really passed.
        return self._last_key_ms + (wall - self._last_key_wall)

    def _on_timeout(self) -> None:
        self._apply(self._detector.poll(self._now()))

    def _apply(self, verdict: WedgeVerdict) -> None:
        for stroke in verdict.release:
            self._replay(stroke)
        if verdict.scan is not None:
            self._forget_scan_keys(verdict.consumed)
            logger.debug("wedge scan length=%d", len(verdict.scan))
            self.scanned.emit(verdict.scan)
        deadline = self._detector.deadline_ms
        if deadline is None:
            self._timer.stop()
        else:
            self._timer.start(max(1, int(deadline - self._now()) + 1))

    def _forget_scan_keys(self, consumed: tuple[KeyStroke, ...]) -> None:
        # The presses of a scan are gone; their releases, still to come, must not reach a widget.
        for stroke in consumed:
            held = stroke.payload
            if isinstance(held, _HeldKey) and held.release is None:
                self._scan_keys[held.press.key()] += 1

    def _replay(self, stroke: KeyStroke) -> None:
        held = stroke.payload
        assert isinstance(held, _HeldKey)
        receiver = held.receiver if shiboken6.isValid(held.receiver) else None
        if receiver is None:
            logger.warning("typed key dropped: its widget was closed key=%s", held.press.key())
            return
        self._replaying = True
        try:
            QCoreApplication.sendEvent(receiver, held.press)
            if held.release is not None:
                QCoreApplication.sendEvent(receiver, held.release)
        finally:
            self._replaying = False
