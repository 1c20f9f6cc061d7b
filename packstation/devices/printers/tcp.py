"""Raw TCP printing (port 9100) with Zebra ``~HS`` status over the same connection.

The connection is kept open between labels (many printers accept one client at a time and a
connect costs a round trip); each reconnect gets a new connection id so the queue re-sends the
font job. A status query that gets no answer within the timeout is "printer not answering".
"""

from __future__ import annotations

import logging
import select
import socket
import time

from packstation.devices.base import LabelPrinter, PrinterFaultKind, PrinterStatus
from packstation.devices.printers.faults import fault_error
from packstation.devices.printers.host_status import (
    HOST_STATUS_QUERY,
    HostStatusError,
    complete_answer,
    parse_host_status,
)
from packstation.domain.marketplace import LabelFormat

log = logging.getLogger("packstation.devices.printer.tcp")


class TcpPrinter(LabelPrinter):
    """A ZPL printer on ``host:port`` (raw socket)."""

    def __init__(
        self,
        host: str,
        port: int = 9100,
        *,
        uri: str = "",
        connect_timeout: float = 3.0,
        status_timeout: float = 2.0,
        send_timeout: float = 10.0,
        query_status: bool = True,
    ) -> None:
        self.uri = uri or f"tcp://{host}:{port}"
        self._address = (host, port)
        self._connect_timeout = connect_timeout
        self._status_timeout = status_timeout
        self._send_timeout = send_timeout
        self._query_status = query_status
        self._sock: socket.socket | None = None
        self._connection_id = 0

    def open(self) -> int:
        """Connect unless a live connection exists; return its id."""
        if self._sock is not None and self._peer_closed(self._sock):
            log.info("printer closed the connection uri=%s connection=%d", self.uri, self._connection_id)
            self.close()
        if self._sock is None:
            try:
                sock = socket.create_connection(self._address, timeout=self._connect_timeout)
            except OSError as exc:
                raise fault_error(PrinterFaultKind.UNREACHABLE, f"{self.uri}: {exc}") from exc
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sock = sock
            self._connection_id += 1
            log.info("connected uri=%s connection=%d", self.uri, self._connection_id)
        return self._connection_id

    @staticmethod
    def _peer_closed(sock: socket.socket) -> bool:
        """True when the peer has closed or reset the connection (readable with no data)."""
        try:
            readable, _, _ = select.select([sock], [], [], 0)
            if not readable:
                return False
            return sock.recv(4096, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _connected(self) -> socket.socket:
        if self._sock is None:
            raise fault_error(PrinterFaultKind.UNREACHABLE, f"{self.uri}: not connected")
        return self._sock

    def send(self, data: bytes, *, kind: LabelFormat, job_id: str = "") -> None:
        """Write ``data`` to the printer socket."""
        if kind is not LabelFormat.ZPL:
            raise fault_error(PrinterFaultKind.NOT_SUPPORTED, f"{kind.value} over raw TCP")
        sock = self._connected()
        try:
            sock.settimeout(self._send_timeout)
            sock.sendall(data)
        except OSError as exc:
            self.close()
            raise fault_error(PrinterFaultKind.UNREACHABLE, f"{self.uri}: {exc}") from exc
        log.info("sent job=%s bytes=%d uri=%s", job_id, len(data), self.uri)

    def status(self) -> PrinterStatus:
        """Send ``~HS`` and parse the answer; silence within the timeout is a fault."""
        if not self._query_status:
            return PrinterStatus(queried=False)
        sock = self._connected()
        try:
            self._drain(sock)
            sock.sendall(HOST_STATUS_QUERY)
            answer = self._read_answer(sock)
        except OSError as exc:
            self.close()
            raise fault_error(PrinterFaultKind.UNREACHABLE, f"{self.uri}: {exc}") from exc
        try:
            return parse_host_status(answer)
        except HostStatusError as exc:
            self.close()
            raise fault_error(PrinterFaultKind.NOT_ANSWERING, str(exc)) from exc

    def _drain(self, sock: socket.socket) -> None:
        """Discard a late answer to an earlier query, so it is not taken for this one."""
        while select.select([sock], [], [], 0)[0]:
            if not sock.recv(4096):
                raise ConnectionResetError("connection closed by the printer")

    def _read_answer(self, sock: socket.socket) -> bytes:
        deadline = time.monotonic() + self._status_timeout
        answer = b""
        while not complete_answer(answer):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                # The printer may keep quiet with media out or the head open: never assume "ready".
                self.close()
                raise fault_error(PrinterFaultKind.NOT_ANSWERING, f"{self.uri}: no ~HS answer")
            sock.settimeout(remaining)
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                continue
            if not chunk:
                raise ConnectionResetError("connection closed by the printer")
            answer += chunk
        return answer

    def close(self) -> None:
        """Close the socket (if any)."""
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None
