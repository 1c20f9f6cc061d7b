"""Serving a marketplace stand-in: on a loopback port in a background thread, or from the command line
until Ctrl+C."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Protocol, Self


class StoppableServer(Protocol):
    """A stand-in's HTTP server, already started."""

    def stop(self) -> None:
        """Stop serving and release the port."""


def serve_until_interrupted(server: StoppableServer) -> int:
    """Block until Ctrl+C, then stop ``server``; returns the process exit code."""
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


class BackgroundServer:
    """An HTTP server run in a daemon thread, with its base URL (a stand-in's outer shell)."""

    def __init__(self, server: ThreadingHTTPServer, *, name: str) -> None:
        self._server = server
        self._thread = threading.Thread(target=self._server.serve_forever, name=name, daemon=True)

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the bound socket (the port actually bound when 0 was asked for)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
