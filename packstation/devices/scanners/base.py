"""The scanner interface: start, stop, and two callbacks (a scan, a status change).

Threading rule (as in calibre's device drivers): each scanner has one owning thread, and the
callbacks run **on that thread**. The UI bridge turns them into Qt signals; nothing here touches Qt.
A callback that raises is logged and does not stop the scanner.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

logger = logging.getLogger("packstation.devices.scanner")


class ScannerState(Enum):
    """Where a scanner connection stands."""

    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    STOPPED = "stopped"


@dataclass(frozen=True)
class ScannerStatus:
    """A status event: ``detail`` says why (English, for logs and the device panel).

    ``attempt`` counts reconnection attempts since the last good connection (0 when connected);
    ``retry_in`` is the seconds until the next attempt when DISCONNECTED, else None.
    """

    device: str
    state: ScannerState
    detail: str = ""
    attempt: int = 0
    retry_in: float | None = None


ScanCallback = Callable[[str], None]
StatusCallback = Callable[[ScannerStatus], None]


class Scanner(ABC):
    """A barcode scanner that delivers whole scans (terminator already removed) to ``on_scan``."""

    def __init__(self, *, on_scan: ScanCallback, on_status: StatusCallback | None = None) -> None:
        self._on_scan = on_scan
        self._on_status = on_status

    @property
    @abstractmethod
    def device(self) -> str:
        """The address the scanner was built from, for logs and status events."""

    @abstractmethod
    def start(self) -> None:
        """Begin delivering scans; returns at once (connecting happens on the scanner's thread)."""

    @abstractmethod
    def stop(self) -> None:
        """Stop delivering scans and release the device; safe to call twice."""

    def _emit_scan(self, text: str) -> None:
        try:
            self._on_scan(text)
        except Exception:
            # The device must keep reading even if one consumer fails; the error is still visible.
            logger.exception("scan callback failed device=%s", self.device)

    def _emit_status(self, status: ScannerStatus) -> None:
        logger.info(
            "scanner status device=%s state=%s attempt=%d detail=%s",
            status.device,
            status.state.value,
            status.attempt,
            status.detail,
        )
        if self._on_status is None:
            return
        try:
            self._on_status(status)
        except Exception:
            logger.exception("status callback failed device=%s", self.device)
