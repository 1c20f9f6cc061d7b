"""A ZPL printer simulator on 127.0.0.1: records the bytes it receives and answers ``~HS``.

It runs a real listening socket in a thread, so the TCP transport is tested against the
network stack, not a mock. ``answer_status=False`` models a printer that keeps quiet.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

from packstation.devices.printers.host_status import HOST_STATUS_QUERY, format_host_status
from tests.support import wait_until


class ZebraSimulator:
    """One-client-at-a-time raw port like a Zebra's 9100."""

    def __init__(
        self,
        *,
        port: int = 0,
        answer_status: bool = True,
        paper_out: bool = False,
        head_open: bool = False,
        paused: bool = False,
    ) -> None:
        self.answer_status = answer_status
        #: 1-based numbers of ``~HS`` queries answered by hanging up instead (the printer switched off).
        self.hang_up_on_query: set[int] = set()
        self.status_queries = 0
        self.flags = {"paper_out": paper_out, "head_open": head_open, "paused": paused}
        self._server = socket.create_server(("127.0.0.1", port))
        self.port = self._server.getsockname()[1]
        self._lock = threading.Lock()
        self._data = bytearray()
        self.first_byte_at: float | None = None
        self.connections = 0
        self._clients: list[socket.socket] = []
        self._closed = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}?timeout=0.5&connect_timeout=0.5"

    @property
    def received(self) -> bytes:
        """Everything received except the ``~HS`` queries."""
        with self._lock:
            return bytes(self._data)

    def reset(self) -> None:
        with self._lock:
            self._data.clear()
            self.first_byte_at = None

    def wait_for(self, needle: bytes, timeout: float = 5.0) -> None:
        """Fail the test unless ``needle`` arrives within ``timeout`` seconds."""
        wait_until(lambda: needle in self.received, timeout=timeout, interval=0.005, what=f"{needle!r} at the printer")

    def _serve(self) -> None:
        while not self._closed:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                if self._closed:  # switched off between accept() and here: drop the caller at once
                    client.close()
                    return
                self.connections += 1
                self._clients.append(client)
            threading.Thread(target=self._client, args=(client,), daemon=True).start()

    def _client(self, client: socket.socket) -> None:
        pending = b""
        with client:
            while True:
                try:
                    chunk = client.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                pending += chunk
                # ~HS is a control command: it may arrive anywhere in the stream.
                while HOST_STATUS_QUERY in pending:
                    before, _, pending = pending.partition(HOST_STATUS_QUERY)
                    self._record(before)
                    with self._lock:
                        self.status_queries += 1
                        hang_up = self.status_queries in self.hang_up_on_query
                    if hang_up:
                        return
                    if self.answer_status:
                        client.sendall(format_host_status(**self.flags))
                keep = len(HOST_STATUS_QUERY) - 1
                if pending.endswith(b"~") or pending.endswith(b"~H"):
                    self._record(pending[:-keep] if pending.endswith(b"~H") else pending[:-1])
                    pending = pending[-keep:] if pending.endswith(b"~H") else pending[-1:]
                else:
                    self._record(pending)
                    pending = b""

    def _record(self, data: bytes) -> None:
        if not data:
            return
        with self._lock:
            if self.first_byte_at is None:
                self.first_byte_at = time.perf_counter()
            self._data.extend(data)

    def close(self) -> None:
        """Stop listening and drop every client (the printer is switched off)."""
        with self._lock:
            self._closed = True
            clients = list(self._clients)
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)  # wakes the accept() so the serve thread ends
        self._thread.join(timeout=5)
        self._server.close()
        for client in clients:
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)
            client.close()
