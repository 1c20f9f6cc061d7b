"""A scanner you feed by hand (``fake://``): for tests, demos and a station without hardware."""

from __future__ import annotations

import threading

from packstation.devices.scanners.base import (
    ScanCallback,
    Scanner,
    ScannerState,
    ScannerStatus,
    StatusCallback,
)


class FakeScanner(Scanner):
    """Delivers whatever :meth:`feed` is given, synchronously on the caller's thread, while started.

    Scans fed while stopped or unplugged are dropped, as a real scanner's would be; ``delivered``
    keeps every text that reached ``on_scan``.
    """

    def __init__(
        self,
        *,
        on_scan: ScanCallback,
        on_status: StatusCallback | None = None,
        name: str = "fake://",
    ) -> None:
        super().__init__(on_scan=on_scan, on_status=on_status)
        self._name = name
        self._lock = threading.Lock()
        self._running = False
        self._plugged = True
        self.delivered: list[str] = []

    @property
    def device(self) -> str:
        """The address it was built from."""
        return self._name

    def start(self) -> None:
        """Start delivering (reports CONNECTED)."""
        with self._lock:
            self._running = True
        self._emit_status(ScannerStatus(self.device, ScannerState.CONNECTED))

    def stop(self) -> None:
        """Stop delivering (reports STOPPED)."""
        with self._lock:
            was_running, self._running = self._running, False
        if was_running:
            self._emit_status(ScannerStatus(self.device, ScannerState.STOPPED))

    def feed(self, text: str) -> bool:
        """Scan ``text``; True if it was delivered."""
        with self._lock:
            live = self._running and self._plugged
        if live:
            self.delivered.append(text)
            self._emit_scan(text)
        return live

    def unplug(self) -> None:
        """Simulate pulling the cable."""
        with self._lock:
            self._plugged = False
        self._emit_status(ScannerStatus(self.device, ScannerState.DISCONNECTED, "unplugged", attempt=1))

    def plug(self) -> None:
        """Simulate plugging it back in."""
        with self._lock:
            self._plugged = True
        self._emit_status(ScannerStatus(self.device, ScannerState.CONNECTED, "plugged in"))
