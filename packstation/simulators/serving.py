"""Serving a marketplace stand-in: on a loopback port in a background thread, or from the command line
until Ctrl+C."""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Protocol, Self
from urllib.parse import parse_qsl, unquote, urlsplit

from packstation.simulators.errors import SimError

log = logging.getLogger("packstation.simulators")


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


class StandInHandler(BaseHTTPRequestHandler):
    """The request loop the Hepsiburada and N11 stand-ins share: read the request, record it in the
    simulator's ``requests`` (under the server's ``lock``), answer it, a :class:`SimError` or a 500.

    A stand-in gives :meth:`answer` (authentication and routes) and :meth:`send_reply` (its own reply shape).
    """

    protocol_version = "HTTP/1.1"
    #: What an unexpected failure inside the stand-in answers, in the marketplace's own error shape.
    internal_error: ClassVar[Any] = {"message": "Internal Server Error"}
    server: Any  # the stand-in's ThreadingHTTPServer, with ``sim`` and ``lock``

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("http %s", format % args)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        path = unquote(parts.path)
        with self.server.lock:
            self.server.sim.requests.append((method, path, params))
        headers: dict[str, str] = {}
        try:
            status, body = self.answer(method, path, params, raw)
        except SimError as error:
            status, body, headers = error.status, error.body, error.headers
        except Exception:  # the stand-in must answer, whatever went wrong in it
            log.exception("simulator failed path=%s", path)
            status, body = 500, self.internal_error
        self.send_reply(status, body, headers)

    def answer(self, method: str, path: str, params: dict[str, str], raw: bytes) -> tuple[int, Any]:
        """Status and body for one request; raises :class:`SimError` for a refusal."""
        raise NotImplementedError

    def send_reply(self, status: int, body: Any, headers: dict[str, str]) -> None:
        """Write the reply in the marketplace's shape."""
        raise NotImplementedError
