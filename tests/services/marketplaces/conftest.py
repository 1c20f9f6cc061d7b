"""Fixtures: a simulated Trendyol account served on 127.0.0.1, and a client tuned for short waits."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

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
    """A real HTTP server on 127.0.0.1 (pytest-httpserver) whose answers come from a test's ``route`` function."""

    def __init__(self, server: HTTPServer) -> None:
        self.route: Route = lambda seen: (404, None)
        self.seen: list[Seen] = []
        self.url = server.url_for("/").rstrip("/")
        server.expect_request(re.compile(".*")).respond_with_handler(self._serve)

    def _serve(self, request: Request) -> Response:
        raw = request.get_data()
        seen = Seen(
            request.method,
            request.path,
            dict(parse_qsl(request.query_string.decode())),
            {k.lower(): v for k, v in request.headers.items()},
            json.loads(raw) if raw else None,
        )
        self.seen.append(seen)
        status, body = self.route(seen)
        if isinstance(body, bytes | str):
            return Response(body, status=status, content_type="text/plain")
        return Response(json.dumps(body) if body is not None else b"", status=status, content_type="application/json")


@pytest.fixture
def loopback_api(httpserver: HTTPServer) -> LoopbackApi:
    """A scriptable HTTP API on loopback, for the Hepsiburada and N11 shapes."""
    return LoopbackApi(httpserver)
