"""The simulated N11 store over HTTP, strict where the real one refuses (reference §3, fixture README).

- Authentication: headers ``appkey`` and ``appsecret`` on every request; no Authorization header is read and
  no User-Agent is checked. A wrong key (or a store whose REST access N11 has not enabled) is refused as N11
  does: ``/rest/…`` 403 ``text/plain`` "Authentication failed", ``/ms/…`` 401
  ``{"@type": "SellerApiUserUnauthorizedException", …}``.
- ``GET /rest/delivery/v1/shipmentPackages``: ``page`` (0-based), ``size`` ≤ 100, one ``status`` per request
  (a list is refused), ``startDate``/``endDate`` epoch ms "GMT+3" (a window over 15 days clipped silently),
  ``orderByField=true`` filters on ``lastModifiedDate``, ``orderByDirection`` ASC|DESC, ``orderNumber``,
  ``packageIds``, ``sender``; any other parameter is refused (400). The answer is the documented envelope
  ``{content, page, size, pageCount, totalPages}`` (``totalElements`` is not confirmed: not sent). Past 1000
  requests a minute: 429 (shape unpublished).
- ``PUT /rest/order/v1/update``: exactly ``{"lines": [{"lineId": <integer>}], "status": "Picking"}``, answered
  per line in ``content``; another status or field is refused.
- ``POST /ms/product/tasks/price-stock-update`` and ``POST /ms/product/task-details/page-query`` (§3.3).

UNCERTAIN (no source says): the exact 400 body for a bad parameter (a JSON ``{code, status, errorCode,
errorMessage}`` as the documented authentication refusal is used), and whether N11 ignores unknown
parameters rather than refusing them (refused here, so a guessed name fails in tests).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import ThreadingHTTPServer
from typing import Any

from packstation.simulators.errors import SimError
from packstation.simulators.n11.state import STATUSES, SimulatedN11, window_filter
from packstation.simulators.serving import BackgroundServer, StandInHandler

_LIST_PARAMS = {
    "page",
    "size",
    "status",
    "startDate",
    "endDate",
    "orderNumber",
    "packageIds",
    "orderByDirection",
    "orderByField",
    "sender",
}
_MS_REFUSAL = {"@type": "SellerApiUserUnauthorizedException", "message": "Apide doğrulama işlemi başarısız oldu."}


def bad_request(message: str) -> SimError:
    """N11's JSON refusal shape (as its documented authentication refusal; UNCERTAIN for other errors)."""
    return SimError(
        400,
        {"code": 400, "status": "failure", "errorCode": "SELLER_API.badRequest", "errorMessage": message},
    )


def _int(params: dict[str, str], name: str, low: int, high: int) -> int:
    try:
        value = int(params[name])
    except ValueError:
        raise bad_request(f"{name} must be an integer") from None
    if not low <= value <= high:
        raise bad_request(f"{name} must be {low}..{high}")
    return value


class _Handler(StandInHandler):
    server: _Server

    def do_PUT(self) -> None:
        self._handle("PUT")

    def answer(self, method: str, path: str, params: dict[str, str], raw: bytes) -> tuple[int, Any]:
        self._authenticate(path)
        return self._route(method, path, params, raw)

    def _authenticate(self, path: str) -> None:
        config = self.server.sim.config
        right = self.headers.get("appkey") == config.app_key and self.headers.get("appsecret") == config.app_secret
        if right and config.rest_enabled:
            return
        if path.startswith("/ms/"):
            raise SimError(401, _MS_REFUSAL)
        raise SimError(403, b"Authentication failed")  # text/plain, not JSON

    def _route(self, method: str, path: str, params: dict[str, str], raw: bytes) -> tuple[int, Any]:
        if path == "/rest/delivery/v1/shipmentPackages" and method == "GET":
            self.server.count_list()
            return 200, self._packages(params)
        if path == "/rest/order/v1/update" and method == "PUT":
            self._no_params(params)
            return 200, {"content": self.server.sim.picking(_picking_lines(_json(raw)))}
        if path == "/ms/product/tasks/price-stock-update" and method == "POST":
            self._no_params(params)
            body = _json(raw)
            if not isinstance(body, dict) or set(body) != {"payload"}:
                raise bad_request('the body must be {"payload": {...}}')
            task = self.server.sim.price_stock_task(body["payload"])
            return 200, {"id": task.id, "type": "SKU_UPDATE", "status": task.status, "reasons": task.reasons}
        if path == "/ms/product/task-details/page-query" and method == "POST":
            self._no_params(params)
            return 200, self._task_details(_json(raw))
        raise SimError(404, {"message": f"no route {method} {path}"})

    @staticmethod
    def _no_params(params: dict[str, str]) -> None:
        if params:
            raise bad_request(f"unknown parameter(s): {', '.join(sorted(params))}")

    def _packages(self, params: dict[str, str]) -> dict[str, Any]:
        unknown = sorted(set(params) - _LIST_PARAMS)
        if unknown:
            raise bad_request(f"unknown parameter(s): {', '.join(unknown)}")
        page = _int(params, "page", 0, 10**6) if "page" in params else 0
        size = _int(params, "size", 1, 100) if "size" in params else 100
        status = params.get("status", "")
        if status and status not in STATUSES:  # one value per request: "Created,Picking" is refused
            raise bad_request(f"status must be one of {', '.join(STATUSES)}")
        direction = params.get("orderByDirection", "DESC")
        if direction not in ("ASC", "DESC"):
            raise bad_request("orderByDirection must be ASC or DESC")
        if params.get("orderByField", "true") not in ("true", "false"):
            raise bad_request("orderByField must be true or false")
        if params.get("sender", "SELLER") != "SELLER":
            raise bad_request("sender must be SELLER")
        start = _int(params, "startDate", 0, 10**14) if "startDate" in params else None
        end = _int(params, "endDate", 0, 10**14) if "endDate" in params else None
        sim = self.server.sim
        with self.server.lock:
            found = list(sim.packages)
        if status:
            found = [p for p in found if p["shipmentPackageStatus"] == status]
        if "orderNumber" in params:
            found = [p for p in found if p["orderNumber"] == params["orderNumber"]]
        if "packageIds" in params:
            wanted = {item.strip() for item in params["packageIds"].split(",") if item.strip()}
            found = [p for p in found if str(p["id"]) in wanted]
        found = window_filter(found, start, end, by_modified=params.get("orderByField") == "true")
        found.sort(key=lambda p: p["lastModifiedDate"], reverse=direction == "DESC")
        shown = [SimulatedN11.listed(p) for p in found[page * size : (page + 1) * size]]
        return {
            "content": shown,
            "page": page,
            "size": size,
            "pageCount": len(shown),
            "totalPages": -(-len(found) // size),
        }

    def _task_details(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or set(body) != {"taskId", "pageable"}:
            raise bad_request('the body must be {"taskId": <integer>, "pageable": {"page", "size"}}')
        pageable = body["pageable"]
        task_id = body["taskId"]
        if not isinstance(task_id, int) or isinstance(task_id, bool):
            raise bad_request("taskId must be an integer")
        if not isinstance(pageable, dict) or set(pageable) != {"page", "size"}:
            raise bad_request("pageable must be {page, size}")
        page, size = pageable["page"], pageable["size"]
        if not isinstance(page, int) or not isinstance(size, int) or page < 0 or not 1 <= size <= 1000:
            raise bad_request("pageable.page must be 0 or more and pageable.size 1..1000")
        return self.server.sim.task_details(task_id, page, size)

    def send_reply(self, status: int, body: Any, headers: dict[str, str]) -> None:
        if isinstance(body, bytes):
            data, kind = body, "text/plain; charset=utf-8"
        else:
            data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
            kind = "application/json; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        raise bad_request("request body is not JSON") from None


def _picking_lines(body: Any) -> list[int]:
    """The line ids of an ``order/v1/update`` body; only ``Picking`` is supported (reference §3.2)."""
    if not isinstance(body, dict) or set(body) != {"lines", "status"}:
        raise bad_request('the body must be {"lines": [{"lineId": ...}], "status": "Picking"}')
    if body["status"] != "Picking":
        raise bad_request("only status Picking is supported")
    lines = body["lines"]
    if not isinstance(lines, list) or not lines:
        raise bad_request("lines must be a non-empty array")
    ids = []
    for line in lines:
        if not isinstance(line, dict) or set(line) != {"lineId"}:
            raise bad_request('each line must be {"lineId": <integer>}')
        line_id = line["lineId"]
        if not isinstance(line_id, int) or isinstance(line_id, bool):
            raise bad_request("lineId must be an integer (the orderLineId)")
        ids.append(line_id)
    return ids


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sim: SimulatedN11
    lock: threading.Lock
    window_end: float = 0.0
    used: int = 0

    def count_list(self) -> None:
        """Count one ``shipmentPackages`` request in the current minute; 429 past the limit."""
        with self.lock:
            now = time.monotonic()
            if now >= self.window_end:
                self.window_end, self.used = now + 60.0, 0
            self.used += 1
            if self.used > self.sim.config.list_rate_per_minute:
                raise SimError(
                    429, {"message": "Too many requests"}, {"Retry-After": str(int(self.window_end - now) + 1)}
                )


class N11Server(BackgroundServer):
    """Serves a :class:`SimulatedN11` on a loopback port (0 = any free one); ``base_url`` is what a client
    is configured with."""

    def __init__(self, sim: SimulatedN11, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sim = sim
        server = _Server((host, port), _Handler)
        server.sim = sim
        server.lock = threading.Lock()
        super().__init__(server, name="n11-sim")
