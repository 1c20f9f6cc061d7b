"""Fixtures: a simulated Trendyol account served on 127.0.0.1, and a client tuned for short waits."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from packstation.services.marketplaces import RateLimit, RetryPolicy, Timeouts, TrendyolClient, TrendyolConfig
from packstation.services.marketplaces.trendyol.config import TrendyolLimits
from packstation.simulators.trendyol import (
    SimulatedMarketplace,
    SimulatorConfig,
    SimulatorServer,
    sim_credentials,
)

FAST_RETRY = RetryPolicy(max_attempts=6, base_delay=0.001, max_delay=0.01, max_total=10.0, retry_after_cap=2.0)
NO_LIMITS = TrendyolLimits(**{name: RateLimit(100_000, 1.0) for name in TrendyolLimits.__dataclass_fields__})


def fast_config(server: SimulatorServer, **changes: object) -> TrendyolConfig:
    """A client config pointing at the simulator, with millisecond backoff and no throttling."""
    settings: dict[str, object] = {
        "base_url": server.base_url,
        "retry": FAST_RETRY,
        "limits": NO_LIMITS,
        "timeouts": Timeouts(connect=2.0, read=5.0, write=5.0, pool=2.0),
        "label_poll_delay": 0.01,
    }
    settings.update(changes)
    return TrendyolConfig(**settings)  # type: ignore[arg-type]


@pytest.fixture
def sim() -> SimulatedMarketplace:
    """A small shoe shop: 120 packages, mixed field-name generations."""
    return SimulatedMarketplace(SimulatorConfig(seed=11, packages=120))


@pytest.fixture
def server(sim: SimulatedMarketplace) -> Iterator[SimulatorServer]:
    """The simulator listening on a free loopback port."""
    with SimulatorServer(sim) as running:
        yield running


@pytest.fixture
def client(sim: SimulatedMarketplace, server: SimulatorServer) -> Iterator[TrendyolClient]:
    """The real Trendyol client against the simulator."""
    with TrendyolClient(sim_credentials(sim), config=fast_config(server, page_size=25)) as trendyol:
        yield trendyol


@pytest.fixture
def config_for() -> object:
    """``config_for(server, **changes)``: a fast client config for any simulator server."""
    return fast_config


@pytest.fixture
def fast_retry() -> RetryPolicy:
    """The retry policy the fixtures' clients use."""
    return FAST_RETRY


@dataclass(frozen=True)
class Seen:
    """A request the loopback API received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


Route = Callable[[Seen], tuple[int, Any]]


class LoopbackApi:
    """A real HTTP server on 127.0.0.1 whose answers come from a test's ``route`` function."""

    def __init__(self) -> None:
        self.route: Route = lambda seen: (404, None)
        self.seen: list[Seen] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                seen = Seen(
                    self.command,
                    parts.path,
                    dict(parse_qsl(parts.query)),
                    {k.lower(): v for k, v in self.headers.items()},
                    json.loads(raw) if raw else None,
                )
                api.seen.append(seen)
                status, body = api.route(seen)
                if isinstance(body, bytes | str):
                    payload = body.encode() if isinstance(body, str) else body
                    kind = "text/plain"
                else:
                    payload = json.dumps(body).encode() if body is not None else b""
                    kind = "application/json"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop the server."""
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def loopback_api() -> Iterator[LoopbackApi]:
    """A scriptable HTTP API on loopback, for the Hepsiburada and N11 shapes."""
    api = LoopbackApi()
    yield api
    api.close()
