"""A ZPL printer on a serial port (USB-CDC or RS-232) through pyserial.

``serial:///dev/ttyACM0?baud=9600&status=hs`` turns on ``~HS`` status queries; without
``status=hs`` the port is write-only and the status is "not queried" (many serial setups
have no return line).
"""

from __future__ import annotations

import logging
import time

import serial

from packstation.devices.base import LabelPrinter, PrinterFaultKind, PrinterStatus
from packstation.devices.printers.faults import fault_error
from packstation.devices.printers.host_status import (
    HOST_STATUS_QUERY,
    HostStatusError,
    complete_answer,
    parse_host_status,
)
from packstation.domain.marketplace import LabelFormat

log = logging.getLogger("packstation.devices.printer.serial")


class SerialPrinter(LabelPrinter):
    """A ZPL printer on a serial port (``port`` is a device path or a pyserial URL such as ``loop://``)."""

    def __init__(
        self,
        port: str,
        *,
        baudrate: int = 9600,
        uri: str = "",
        query_status: bool = False,
        status_timeout: float = 2.0,
        write_timeout: float = 10.0,
    ) -> None:
        self.uri = uri or f"serial://{port}"
        self._port = port
        self._baudrate = baudrate
        self._query_status = query_status
        self._status_timeout = status_timeout
        self._write_timeout = write_timeout
        self._serial: serial.Serial | None = None
        self._connection_id = 0

    def open(self) -> int:
        """Open the port unless it is open; return the connection id."""
        if self._serial is None:
            try:
                self._serial = serial.serial_for_url(
                    self._port, baudrate=self._baudrate, timeout=0.05, write_timeout=self._write_timeout
                )
            except (serial.SerialException, OSError, ValueError) as exc:
                raise fault_error(PrinterFaultKind.UNREACHABLE, f"{self.uri}: {exc}") from exc
            self._connection_id += 1
            log.info("opened uri=%s connection=%d", self.uri, self._connection_id)
        return self._connection_id

    def _port_or_fail(self) -> serial.Serial:
        if self._serial is None:
            raise fault_error(PrinterFaultKind.UNREACHABLE, f"{self.uri}: not open")
        return self._serial

    def send(self, data: bytes, *, kind: LabelFormat, job_id: str = "") -> None:
        """Write ``data`` and wait until it has left the output buffer."""
        if kind is not LabelFormat.ZPL:
            raise fault_error(PrinterFaultKind.NOT_SUPPORTED, f"{kind.value} over serial")
        port = self._port_or_fail()
        try:
            port.write(data)
            port.flush()
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise fault_error(PrinterFaultKind.UNREACHABLE, f"{self.uri}: {exc}") from exc
        log.info("sent job=%s bytes=%d uri=%s", job_id, len(data), self.uri)

    def status(self) -> PrinterStatus:
        """``~HS`` when enabled in the URI, else "not queried"."""
        if not self._query_status:
            return PrinterStatus(queried=False)
        port = self._port_or_fail()
        try:
            port.reset_input_buffer()
            port.write(HOST_STATUS_QUERY)
            deadline = time.monotonic() + self._status_timeout
            answer = b""
            while not complete_answer(answer):
                if time.monotonic() >= deadline:
                    raise fault_error(PrinterFaultKind.NOT_ANSWERING, f"{self.uri}: no ~HS answer")
                answer += port.read(256)
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise fault_error(PrinterFaultKind.UNREACHABLE, f"{self.uri}: {exc}") from exc
        try:
            return parse_host_status(answer)
        except HostStatusError as exc:
            raise fault_error(PrinterFaultKind.NOT_ANSWERING, str(exc)) from exc

    def close(self) -> None:
        """Close the port (if open)."""
        if self._serial is not None:
            try:
                self._serial.close()
            finally:
                self._serial = None
