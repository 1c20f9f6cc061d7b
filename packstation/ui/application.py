"""Starts Qt: the window shows first, the database comes up in the background."""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QMetaObject, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from packstation.config import Settings
from packstation.services.events import EventBus
from packstation.ui.bridge import Bridge
from packstation.ui.main_window import MainWindow
from packstation.ui.tasks import Task
from packstation.ui.theme import apply_theme

if TYPE_CHECKING:
    from packstation.app import AppContext

log = logging.getLogger("packstation.ui.application")
STARTUP_MARKER = "PACKSTATION_WINDOW_SHOWN"


class CrashHook(QObject):
    """Logs an unhandled exception and shows it on the GUI thread; the app keeps running."""

    _show = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._show.connect(self._dialog, Qt.ConnectionType.QueuedConnection)

    def __call__(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.critical("unhandled exception", exc_info=(kind, value, tb))
        self._show.emit("".join(traceback.format_exception_only(kind, value)).strip())

    def _dialog(self, text: str) -> None:
        QMessageBox.critical(self._window, self.tr("Unexpected error"), text)


def run_application(
    *,
    settings: Settings,
    bus: EventBus,
    start: Callable[[], AppContext],
    demo: bool,
    screenshot: Path | None = None,
    quit_after: float | None = None,
) -> int:
    """Show the window, start the services off the GUI thread, run the event loop."""
    started = time.perf_counter()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("PackStation")
    apply_theme(app)
    bridge = Bridge(bus)
    window = MainWindow(station_name=settings.station.name, bridge=bridge, demo=demo)
    sys.excepthook = CrashHook(window)
    scanners = _install_scanners(app, window, settings)
    window.show()
    if os.environ.get("PACKSTATION_REPORT_STARTUP"):
        # The start-up benchmark reads this line: time from QApplication creation to the window shown.
        QTimer.singleShot(0, lambda: print(f"{STARTUP_MARKER} {time.perf_counter() - started:.4f}", flush=True))

    contexts: list[AppContext] = []

    def attached(context: AppContext) -> None:
        contexts.append(context)
        window.attach(context)
        if screenshot is not None:
            QTimer.singleShot(1500, lambda: _save_screenshot(window, screenshot))

    def failed(exc: Exception) -> None:
        log.error("start-up failed: %s", exc)
        window.show_startup_error(exc)
        if screenshot is not None:
            QTimer.singleShot(200, lambda: _save_screenshot(window, screenshot))

    Task(start, owner=window).on_success(attached).on_failure(failed).run()
    if quit_after is not None:
        QTimer.singleShot(int(quit_after * 1000), app.quit)
    code = app.exec()
    for scanner in scanners:
        scanner.stop()
    window.shutdown()
    for context in contexts:
        context.close()
    return code


class _ScannerRelay(QObject):
    """Carries text from a scanner's reader thread to the GUI thread."""

    scanned = Signal(str)


def _install_scanners(app: QApplication, window: MainWindow, settings: Settings) -> list[object]:
    """The keyboard wedge always listens; a serial scanner is added when configured."""
    from packstation.devices.scanners.wedge import WedgeSettings
    from packstation.ui.wedge import WedgeScanFilter

    wedge = WedgeScanFilter(settings=WedgeSettings(max_gap_ms=settings.scanner.max_key_gap_ms), parent=window)
    wedge.install(app)
    wedge.scanned.connect(window.handle_scan)
    started: list[object] = []
    if settings.scanner.uri.startswith("serial://"):
        from packstation.devices.scanners import build_scanner

        relay = _ScannerRelay(window)
        relay.scanned.connect(window.handle_scan)
        scanner = build_scanner(settings.scanner.uri, on_scan=relay.scanned.emit)
        scanner.start()
        started.append(scanner)
    return started


def _save_screenshot(window: MainWindow, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(path))
    log.info("screenshot saved path=%s", path)
    QMetaObject.invokeMethod(QApplication.instance(), "quit", Qt.ConnectionType.QueuedConnection)
