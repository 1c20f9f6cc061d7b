"""The simulator's HTTP front: authentication, fault injection, JSON, and an admin API for demos.

Authentication is checked the way Trendyol does: a missing or malformed ``User-Agent`` gets 403 before
anything else, wrong Basic credentials get 401 ``{"exception":"ClientApiAuthenticationException"}``.
Admin endpoints under ``/__sim__/`` (no auth; the server listens on loopback) inject faults and add or
cancel packages, so a demo can do from a shell what tests do through the Python API.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from packstation.simulators.errors import SimError
from packstation.simulators.trendyol import trendyol_api
from packstation.simulators.trendyol.errors import refusal
from packstation.simulators.trendyol.faults import FaultKind, FaultPlan
from packstation.simulators.trendyol.render import Encoded, body_bytes
from packstation.simulators.trendyol.state import (
    RecordedRequest,
    SimulatedMarketplace,
)

log = logging.getLogger("packstation.simulators.trendyol")

API_PREFIX = "/integration"
ADMIN_PREFIX = "/__sim__"


def _delete_path(body: Any, dotted: str) -> None:
    """Remove ``dotted`` (e.g. ``lines.0.quantity``) from the first package of a listing reply."""
    if isinstance(body, dict) and isinstance(body.get("content"), Encoded):
        body["content"] = body["content"].decoded()
    if not isinstance(body, dict) or not body.get("content"):
        return
    target: Any = body["content"][0]
    parts = dotted.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target.get(part)
        if target is None:
            return
    if isinstance(target, dict):
        target.pop(parts[-1], None)


def _set_path(body: Any, item: int, dotted: str, value: object) -> None:
    """Set ``dotted`` (e.g. ``lines.0.productName``) of package ``item`` of a listing reply to ``value``."""
    if isinstance(body, dict) and isinstance(body.get("content"), Encoded):
        body["content"] = body["content"].decoded()
    if not isinstance(body, dict) or len(body.get("content") or ()) <= item:
        return
    target: Any = body["content"][item]
    parts = dotted.split(".")
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target.get(part)
        if target is None:
            return
    if isinstance(target, list):
        target[int(parts[-1])] = value
    elif isinstance(target, dict):
        target[parts[-1]] = value


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse one connection for a whole listing
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("http %s", format % args)

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        sim = self.server.sim
        length = int(self.headers.get("Content-Length") or 0)
        raw_body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        headers: dict[str, str] = {}
        delay = 0.0
        try:
            if parts.path.startswith(ADMIN_PREFIX):
                status, body = _admin(sim, method, parts.path[len(ADMIN_PREFIX) :], raw_body)
                payload = body_bytes(body) if body is not None else b""
            else:
                status, payload, headers, delay = self._api(sim, method, parts.path, params, raw_body)
        except SimError as error:
            status, payload, headers = error.status, body_bytes(error.body), error.headers
        sim.record(
            RecordedRequest(method, parts.path, parts.query, status, self.headers.get("User-Agent", ""), raw_body)
        )
        if delay:
            time.sleep(delay)
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if payload:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("client left before the reply path=%s", parts.path)  # it timed out on a SLOW fault

    def _api(
        self, sim: SimulatedMarketplace, method: str, path: str, params: dict[str, str], raw_body: bytes
    ) -> tuple[int, bytes, dict[str, str], float]:
        if not path.startswith(API_PREFIX + "/"):
            raise refusal(404, "not.found", f"{path} bulunamadı.")
        self._authenticate(sim)
        route = path[len(API_PREFIX) :]
        if sim.burst is not None and not sim.burst.admit(trendyol_api.endpoint_of(method, route)):
            # Trendyol documents no Retry-After; the body text is the documented "too.many.requests".
            raise SimError(429, {"error": "Too Many Requests", "message": "too.many.requests"})
        fault = sim.faults.take(method, route)
        if fault is not None and fault.kind is FaultKind.RATE_LIMIT:
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else {}
            raise SimError(429, {"error": "Too Many Requests", "message": "too.many.requests"}, headers)
        if fault is not None and fault.kind is FaultKind.SERVER_ERROR:
            raise SimError(
                500,
                {
                    "timestamp": int(time.time() * 1000),
                    "exception": "TrendyolSystemException",
                    "errors": [{"key": "generic.exception", "message": "Exception Occured", "errorCode": None}],
                },
            )
        if fault is not None and fault.kind is FaultKind.NOT_FOUND:
            raise refusal(404, "not.found", f"{route} bulunamadı.")
        if fault is not None and fault.kind is FaultKind.GATEWAY_556:
            raise SimError(556, {"error": "Service Unavailable", "message": "Servis geçici olarak kullanılamıyor."})
        content_type = self.headers.get("Content-Type", "")
        status, body = trendyol_api.dispatch(sim, method, route, params, raw_body, content_type=content_type)
        if fault is not None and fault.kind is FaultKind.MALFORMED_PACKAGE:
            _delete_path(body, fault.field)
        if fault is not None and fault.kind is FaultKind.POISON_PACKAGE:
            _set_path(body, fault.item, fault.field, fault.value)
        payload = body_bytes(body) if body is not None else b""
        if fault is not None and fault.kind is FaultKind.MALFORMED_BODY:
            payload = payload[: max(1, len(payload) // 2)]
        delay = fault.delay if fault is not None and fault.kind is FaultKind.SLOW else 0.0
        return status, payload, {}, delay

    def _authenticate(self, sim: SimulatedMarketplace) -> None:
        agent = self.headers.get("User-Agent", "")
        if not re.fullmatch(rf"{re.escape(sim.config.seller_id)} - [A-Za-z0-9]{{1,30}}", agent):
            raise refusal(403, "user.agent.invalid", "User-Agent başlığı eksik veya hatalı.")
        expected = f"{sim.config.api_key}:{sim.config.api_secret}"
        header = self.headers.get("Authorization", "")
        try:
            given = base64.b64decode(header.removeprefix("Basic "), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            given = ""
        if not header.startswith("Basic ") or given != expected:
            raise SimError(401, {"exception": "ClientApiAuthenticationException"})


def _admin(sim: SimulatedMarketplace, method: str, path: str, raw_body: bytes) -> tuple[int, Any]:
    body = json.loads(raw_body) if raw_body else {}
    if method == "GET" and path == "/health":
        return 200, {
            "packages": sim.config.packages,
            "sellerId": sim.config.seller_id,
            "version": sim.version,
        }
    if method == "POST" and path == "/faults":
        try:
            plan = FaultPlan(kind=FaultKind(body.pop("kind")), **body)
        except (KeyError, TypeError, ValueError) as exc:
            raise refusal(400, "invalid.fault", str(exc)) from exc
        sim.inject(plan)
        return 201, {"pending": sim.faults.pending}
    if method == "DELETE" and path == "/faults":
        sim.faults.clear()
        return 200, {"pending": 0}
    if method == "POST" and path == "/packages":
        return 201, {"shipmentPackageId": sim.add_package()}
    match = re.fullmatch(r"/packages/(\d+)/cancel", path)
    if method == "POST" and match:
        try:
            sim.cancel_package(int(match[1]))
        except KeyError as exc:
            raise refusal(404, "not.found", str(exc)) from exc
        return 200, {"status": "Cancelled"}
    raise refusal(404, "not.found", f"{method} {path} is not an admin endpoint")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sim: SimulatedMarketplace


class SimulatorServer:
    """Serve a :class:`SimulatedMarketplace` over HTTP in a background thread."""

    def __init__(self, sim: SimulatedMarketplace, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sim = sim
        self._host = host
        self._server = _Server((host, port), _Handler)
        self._server.sim = sim
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0)."""
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """What a Trendyol client uses as ``base_url`` (it includes ``/integration``)."""
        return f"http://{self._host}:{self.port}{API_PREFIX}"

    @property
    def admin_url(self) -> str:
        """The admin API root."""
        return f"http://{self._host}:{self.port}{ADMIN_PREFIX}"

    def start(self) -> SimulatorServer:
        """Start serving in a daemon thread."""
        # A short poll interval makes stop() quick; the idle cost is negligible.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="marketplace-simulator", daemon=True
        )
        self._thread.start()
        log.info("simulator listening url=%s packages=%d", self.base_url, self.sim.config.packages)
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:  # shutdown() waits for serve_forever, so only after start()
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
