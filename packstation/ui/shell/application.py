"""Starts Qt: the window shows first, the database comes up in the background."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QMetaObject, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from packstation.config import Settings, load_settings
from packstation.domain.events import EventBus
from packstation.i18n import resolve_language
from packstation.ui.platform.i18n import install_translators
from packstation.ui.platform.screen_fit import show_maximised
from packstation.ui.platform.tasks import Task
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.main_window import MainWindow
from packstation.ui.shell.theme import ThemeChoice, apply_theme

if TYPE_CHECKING:
    from packstation.composition import AppContext
    from packstation.devices.scanners.base import Scanner

log = logging.getLogger("packstation.ui.shell.application")
STARTUP_MARKER = "PACKSTATION_WINDOW_SHOWN"


class CrashHook(QObject):
    """Logs an unhandled exception and shows it on the GUI thread; the app keeps running.

    The log handlers mask secrets themselves; the dialog's text is masked by ``redact`` (the same
    filter), so a password quoted by an exception reaches neither the log nor the screen.
    """

    _show = Signal(str)

    def __init__(self, window: MainWindow, *, redact: Callable[[str], str] = lambda text: text) -> None:
        super().__init__(window)
        self._window = window
        self._redact = redact
        self._show.connect(self._dialog, Qt.ConnectionType.QueuedConnection)

    def report(self, kind: type[BaseException], value: BaseException) -> str:
        """The text the crash dialog shows for this exception (secrets masked)."""
        return self._redact("".join(traceback.format_exception_only(kind, value)).strip())

    def __call__(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.critical("unhandled exception", exc_info=(kind, value, tb))
        self._show.emit(self.report(kind, value))

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
    config_path: Path | None = None,
    start_with: Callable[[Settings], AppContext] | None = None,
    redact: Callable[[str], str] = lambda text: text,
) -> int:
    """Show the window, start the services off the GUI thread, run the event loop.

    With ``config_path`` naming a file that does not exist yet (a new station, not the demo), the
    station set-up wizard runs first and writes it; the services then start through ``start_with``
    on the new settings. ``redact`` masks secrets in the crash dialog (the log filter's ``redact``).
    """
    started = time.perf_counter()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("PackStation")
    # Widgets translate their text as they are built, so the catalogues go in before the first widget.
    translators = install_translators(app, settings.station.language)
    if config_path is not None and start_with is not None and not demo and not config_path.exists():
        configured = _first_run_setup(app, config_path, settings)
        if configured is None:
            return 1  # the station cannot run without its set-up
        # Read back like any start: environment variables still override the new file.
        settings = configured = load_settings(config_path)
        translators.install(resolve_language(settings.station.language))
        start = partial(start_with, configured)
    apply_theme(app, ThemeChoice(text_scale=settings.station.text_scale, high_contrast=settings.station.high_contrast))
    bridge = Bridge(bus)
    window = MainWindow(station_name=settings.station.name, bridge=bridge, demo=demo)
    sys.excepthook = CrashHook(window, redact=redact)
    scanners = install_scanners(app, window, settings)
    show_maximised(window)
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
    ticker = quit_on_signals(app)
    code = app.exec()
    ticker.stop()
    for scanner in scanners:
        scanner.stop()
    shut_down(window, contexts)
    return code


def quit_on_signals(app: QApplication) -> QTimer:
    """SIGTERM, SIGINT and SIGHUP (a session logout, ``kill``, Ctrl+C) end the event loop like closing the window.

    Without this the default action kills the process mid-scan and leaves the embedded PostgreSQL running
    with no owner. Python runs a signal handler only when it gets control, so a timer hands it control.
    """

    def stop(signum: int, _frame: object) -> None:
        log.warning("signal %s received: shutting down", signal.Signals(signum).name)
        app.quit()

    for name in ("SIGTERM", "SIGINT", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, stop)
    ticker = QTimer(app)
    ticker.timeout.connect(lambda: None)
    ticker.start(200)
    return ticker


def shut_down(window: MainWindow, contexts: list[AppContext]) -> None:
    """Put the open parcel back, stop the packing thread, then the services (journal closed, server stopped)."""
    window.shutdown()  # the packing thread has stopped: the service is this thread's now
    for context in contexts:
        packing = context.packing
        session = packing.session
        current = packing.current
        if current is not None and session is not None and not session.is_complete:
            try:
                user = window.user  # journaled under their session: the claim is released when it uploads
                packing.abort(user_id=user.user_id if user else None, token=user.token if user else None)
                log.info("open parcel put back at shutdown package=%s", current.external_id)
            except Exception:
                log.exception("could not put the open parcel back at shutdown")
        context.close()


class _ScannerRelay(QObject):
    """Carries text from a scanner's reader thread to the GUI thread."""

    scanned = Signal(str)


def install_scanners(app: QApplication, window: MainWindow, settings: Settings) -> list[Scanner]:
    """The keyboard wedge always listens; a serial scanner is added when configured."""
    from packstation.devices.scanners.wedge import WedgeSettings
    from packstation.ui.input.wedge import WedgeScanFilter

    wedge = WedgeScanFilter(settings=WedgeSettings(max_gap_ms=settings.scanner.max_key_gap_ms), parent=window)
    wedge.install(app)
    wedge.scanned.connect(window.handle_scan)
    started: list[Scanner] = []
    if settings.scanner.uri.startswith("serial://"):
        from packstation.devices.scanners import build_scanner

        relay = _ScannerRelay(window)
        relay.scanned.connect(window.handle_scan)
        scanner = build_scanner(settings.scanner.uri, on_scan=relay.scanned.emit)
        scanner.start()
        started.append(scanner)
    return started


def _first_run_setup(app: QApplication, config_path: Path, settings: Settings) -> Settings | None:
    """The station set-up wizard, modal; the settings it wrote, or None when it was cancelled."""
    from packstation.ui.admin.setup_wizard import StationSetupWizard, default_print_test

    apply_theme(app, ThemeChoice(text_scale=settings.station.text_scale, high_contrast=settings.station.high_contrast))
    wizard = StationSetupWizard(config_path=config_path, settings=settings, print_test=default_print_test)
    wizard.exec()
    return wizard.settings


def _save_screenshot(window: MainWindow, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(path))
    log.info("screenshot saved path=%s", path)
    app = QApplication.instance()
    if app is not None:  # the window exists, so the application does
        QMetaObject.invokeMethod(app, "quit", Qt.ConnectionType.QueuedConnection)
