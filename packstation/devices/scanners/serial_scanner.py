"""Serial (USB-CDC / RS-232) scanners: a pyserial ``ReaderThread`` that survives unplugging.

A scanner in USB-COM mode sends each barcode followed by a terminator (CR by default) and no
keyboard layout is involved, so this is the robust choice for Turkish-Q stations. One supervisor
thread owns the port: it opens it, runs a ``ReaderThread`` until the device goes away, and then
reopens with backoff, reporting every change as a :class:`ScannerStatus`.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from enum import Enum

import serial
from serial.threaded import Packetizer, ReaderThread

from packstation.devices.scanners.base import (
    ScanCallback,
    Scanner,
    ScannerState,
    ScannerStatus,
    StatusCallback,
)
from packstation.domain.scan import MAX_SCAN_LENGTH

logger = logging.getLogger("packstation.devices.scanner.serial")

#: Bytes a scan may reach before its terminator (4 per character covers any UTF-8). A scanner set to the
#: wrong terminator, or line noise, would otherwise grow the buffer without end and glue everything it
#: sends to the next real scan.
MAX_SCAN_BYTES = 4 * MAX_SCAN_LENGTH

DEFAULT_BACKOFF: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 5.0)
"""Seconds between reconnection attempts; the last value repeats. Short first: a replug takes ~1 s."""


class Terminator(Enum):
    """What ends one scan on the wire."""

    CR = b"\r"
    LF = b"\n"
    CRLF = b"\r\n"

    @classmethod
    def parse(cls, name: str) -> Terminator:
        """``"CR"``, ``"lf"``, ``"CRLF"`` -> member; ValueError naming the choices otherwise."""
        try:
            return cls[name.strip().upper()]
        except KeyError:
            choices = ", ".join(member.name for member in cls)
            raise ValueError(f"unknown scanner terminator {name!r} (use one of: {choices})") from None


@dataclass(frozen=True)
class SerialScannerSettings:
    """How to talk to one serial scanner."""

    port: str
    baudrate: int = 9600
    terminator: Terminator = Terminator.CR
    encoding: str = "utf-8"
    backoff: tuple[float, ...] = DEFAULT_BACKOFF

    def __post_init__(self) -> None:
        if self.baudrate <= 0:
            raise ValueError(f"baud rate must be positive, got {self.baudrate}")
        if not self.backoff or any(delay <= 0 for delay in self.backoff):
            raise ValueError(f"backoff delays must be positive seconds, got {self.backoff}")


class _ScanLines(Packetizer):
    """pyserial protocol: split the byte stream at the terminator; a partial scan waits for the rest."""

    def __init__(self, scanner: SerialScanner) -> None:
        super().__init__()
        self.TERMINATOR = scanner.settings.terminator.value
        self._scanner = scanner
        # After an overlong run: everything up to the next terminator belongs to it and is dropped.
        self._discarding = False

    def data_received(self, data: bytes) -> None:
        self.buffer.extend(data)
        while self.TERMINATOR in self.buffer:
            packet, self.buffer = self.buffer.split(self.TERMINATOR, 1)
            if self._discarding:
                self._discarding = False
                continue
            self.handle_packet(bytes(packet))
        if len(self.buffer) > MAX_SCAN_BYTES:
            if not self._discarding:
                # One outcome for the whole run ("scan too long"), however long it goes on.
                logger.warning(
                    "scan without terminator over %d bytes dropped port=%s", MAX_SCAN_BYTES, self._scanner.device
                )
                self.handle_packet(bytes(self.buffer[:MAX_SCAN_BYTES]))
                self._discarding = True
            self.buffer.clear()

    def handle_packet(self, packet: bytes) -> None:
        # NUL padding is line noise, never data (and PostgreSQL cannot store it): dropped here. Bytes
        # that are not text become U+FFFD, which the scan interpretation refuses as unreadable.
        # A scanner set to CRLF while we expect CR leaves a stray LF at the front; it is not data.
        text = packet.decode(self._scanner.settings.encoding, errors="replace").replace("\x00", "").strip("\r\n")
        if text:
            self._scanner._emit_scan(text)

    def connection_lost(self, exc: BaseException | None) -> None:
        if self.buffer:
            logger.warning("partial scan dropped port=%s bytes=%d", self._scanner.device, len(self.buffer))
        # Not calling super(): pyserial's Protocol re-raises the error on the reader thread, where
        # nobody catches it; the supervisor reports it as a status and reconnects instead.
        self.buffer = bytearray()
        self.transport = None
        self._scanner._connection_lost(exc)


class _ReaderThread(ReaderThread):
    """pyserial's reader, plus the unplug case it misses.

    On an unplugged port ``in_waiting`` raises a bare OSError (EIO) outside ``run``'s try block, so
    the stock thread dies without calling ``connection_lost`` and nobody learns the device is gone.
    """

    def run(self) -> None:
        try:
            super().run()
        except OSError as exc:
            self.alive = False
            protocol = self.protocol
            self.protocol = None  # type: ignore[assignment]  # pyserial itself sets None when closing; stubs omit it
            if protocol is not None:
                protocol.connection_lost(serial.SerialException(f"read failed: {exc}"))


class SerialScanner(Scanner):
    """A serial scanner with automatic reconnection; callbacks run on its reader thread."""

    def __init__(
        self,
        settings: SerialScannerSettings,
        *,
        on_scan: ScanCallback,
        on_status: StatusCallback | None = None,
    ) -> None:
        super().__init__(on_scan=on_scan, on_status=on_status)
        self.settings = settings
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._supervisor: threading.Thread | None = None
        self._last_error: str = ""

    @property
    def device(self) -> str:
        """The serial port path or pyserial URL."""
        return self.settings.port

    def start(self) -> None:
        """Start the supervisor thread; it connects, reads, and reconnects until :meth:`stop`."""
        if self._supervisor is not None:
            raise RuntimeError(f"scanner {self.device} is already started")
        self._supervisor = threading.Thread(target=self._supervise, name=f"scanner-serial:{self.device}", daemon=True)
        self._supervisor.start()

    def stop(self) -> None:
        """Stop reading and close the port (waits up to a few seconds for the thread)."""
        self._stop.set()
        self._wake.set()
        if self._supervisor is not None:
            self._supervisor.join(5)
            self._supervisor = None

    def _connection_lost(self, exc: BaseException | None) -> None:
        self._last_error = str(exc) if exc else "port closed"
        self._wake.set()

    def _open(self) -> serial.Serial:
        # serial_for_url also accepts pyserial URLs (loop://, socket://, rfc2217://) for tests and remotes.
        return serial.serial_for_url(self.settings.port, baudrate=self.settings.baudrate, timeout=None)

    def _supervise(self) -> None:
        attempt = 0
        self._emit_status(ScannerStatus(self.device, ScannerState.CONNECTING))
        while not self._stop.is_set():
            try:
                port = self._open()
            except (serial.SerialException, OSError, ValueError) as exc:
                delay = self.settings.backoff[min(attempt, len(self.settings.backoff) - 1)]
                attempt += 1
                self._emit_status(
                    ScannerStatus(self.device, ScannerState.DISCONNECTED, str(exc), attempt, retry_in=delay)
                )
                self._stop.wait(delay)
                continue
            self._wake.clear()
            reader = _ReaderThread(port, lambda: _ScanLines(self))
            reader.name = f"scanner-reader:{self.device}"
            reader.start()
            try:
                reader.connect()
            except RuntimeError:
                reader.join(2)
                port.close()
                continue
            attempt = 0
            self._emit_status(ScannerStatus(self.device, ScannerState.CONNECTED, f"{self.settings.baudrate} baud"))
            # Polls the stop flag too, so a stop() racing with the connect above is never missed.
            while not self._wake.wait(0.5) and not self._stop.is_set():
                pass
            reader.close()  # stops the thread (if still running) and closes the port
            if self._stop.is_set():
                break
            delay = self.settings.backoff[0]
            attempt = 1
            self._emit_status(
                ScannerStatus(self.device, ScannerState.DISCONNECTED, self._last_error, attempt, retry_in=delay)
            )
            self._stop.wait(delay)
        self._emit_status(ScannerStatus(self.device, ScannerState.STOPPED))
