"""The simulated Hepsiburada order service over HTTP, strict as the spec (FACTS.md §11).

- Every answer: ``X-RateLimit-Limit/Remaining/Reset`` (reset = seconds to the window's end), and
  ``x-correlation-id``; 429 with them past the per-second limit (DOC changelog Kasım 2025).
- Authentication: Basic ``merchantId:serviceKey`` where the user is the path's merchant, and a User-Agent
  exactly equal to the integrator name; otherwise 401 with an empty JSON body (SDK README).
- Unknown query parameters, body fields and legacy spellings get 400: a guessed name is never silently
  accepted (HB itself ignores some; refusing makes a client's mistake visible in tests).
- ``/orders``: ``offset`` and ``limit`` (1..100) mandatory (400 "Bad Request limit and offset parameters are
  required"); ``begindate``/``enddate`` as ``yyyy-MM-dd HH:mm`` Turkey time, a range over 24 h cut to begindate
  + 24 h, filtering on line creation; an ISO date answers 200 with an empty page (OVL; SDK date.ts).
- ``/packages``: ``limit`` (1..10), capital ``Offset``, and ``timespan`` (hours) or dates, mandatory; a
  bare array; lower-case ``offset`` is refused.
- Thin feeds and ``/orders/…/cancelled``: ``offset``/``limit`` ≤ 50; any date → 400 ``"WrongDateFormat"``.
- ``/packages/…/status/unpacked``: like ``/packages`` (``limit`` ≤ 10, capital ``Offset``, ``timespan`` or dates),
  answered as SPEC types it: an array of paged envelopes of ``{barcode, packageNumber, unpackedDate}``.
- ``POST …/packagenumber/{pn}/unpack``: the package is unpacked and its lines are open again.
- ``POST /lineitems/merchantid/{m}/id/{line}/cancelbymerchant`` with exactly ``{"reasonId": <integer>}`` (SPEC
  ``CancelByMerchantRequest``), the path in SPEC's lower case (``/lineItems/merchantId/…/cancelByMerchant``, as one
  open-source client spells it, is no route); only a line not yet packed, and only reason ids HB publishes (83).
- Claims (returns): ``GET /claims/merchantId/{m}/status/{status}``, ``POST /claims/number/{n}/accept|reject``,
  strictly as "Talep Listeleme v1.0" publishes them (see :mod:`.claims`).
- The listing host's stock uploads (``POST /listings/…/stock-uploads``, ``GET …/stock-uploads/id/{id}``) on
  the same port: a bare array of rows keyed ``hepsiburadaSku`` and/or ``merchantSku``; unknown fields refused.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
import uuid
from datetime import datetime, timedelta
from http.server import ThreadingHTTPServer
from typing import Any

from packstation.simulators.errors import SimError
from packstation.simulators.hepsiburada.checks import (
    CREATE_FIELDS,
    LABEL_FORMATS,
    LIMIT_OFFSET,
    LINE_REQUEST_FIELDS,
    allow,
    cancel_reason,
    hb_date,
    int_param,
    line_time,
    stock_rows,
)
from packstation.simulators.hepsiburada.state import MUTUAL_CARRIERS, SimulatedHepsiburada
from packstation.simulators.serving import BackgroundServer, StandInHandler


class _Handler(StandInHandler):
    server: _Server
    internal_error = "Internal Server Error"  # HB's errors are bare strings

    def answer(self, method: str, path: str, params: dict[str, str], raw: bytes) -> tuple[int, Any]:
        self.server.count_request()
        self._authenticate(path)
        return self._route(method, path, params, raw)

    def _authenticate(self, path: str) -> None:
        sim = self.server.sim
        match = re.match(
            r"^/(?:orders|packages|lineitems|listings)/merchantid/([^/]+)|^/claims/merchantId/([^/]+)", path
        )
        expected_user = (match.group(1) or match.group(2)) if match else sim.config.merchant_id
        header = self.headers.get("Authorization", "")
        try:
            scheme, encoded = header.split(" ", 1)
            user, _sep, key = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise SimError(401) from None
        if scheme != "Basic" or user != sim.config.merchant_id or user != expected_user:
            raise SimError(401)
        if key != sim.config.service_key or self.headers.get("User-Agent") != sim.config.user_agent:
            raise SimError(401)

    def _route(self, method: str, path: str, params: dict[str, str], raw: bytes) -> tuple[int, Any]:
        sim = self.server.sim
        m = re.escape(sim.config.merchant_id)
        if method == "GET" and re.fullmatch(f"/orders/merchantid/{m}", path):
            return 200, self._orders(params)
        if method == "GET" and re.fullmatch(f"/orders/merchantid/{m}/cancelled", path):
            return 200, self._envelope(params, list(sim.cancelled))
        if re.fullmatch(f"/packages/merchantid/{m}", path):
            if method == "POST":
                return 201, self._create(params, raw)
            return 200, self._packages(params)
        feed = re.fullmatch(f"/packages/merchantid/{m}/(shipped|delivered|undelivered)", path)
        if method == "GET" and feed:
            wanted = {"shipped": "InTransit", "delivered": "Delivered", "undelivered": "Undelivered"}[feed.group(1)]
            items = [sim.thin_json(p, feed.group(1)) for p in sim.packages.values() if p.status == wanted]
            return 200, self._envelope(params, items)
        if method == "POST" and re.fullmatch(f"/listings/merchantid/{m}/stock-uploads", path):
            allow(params, set())
            return 200, {"id": sim.upload_stock(stock_rows(raw))}
        upload = re.fullmatch(f"/listings/merchantid/{m}/stock-uploads/id/([^/]+)", path)
        if method == "GET" and upload:
            allow(params, set())
            if upload.group(1) not in sim.stock_uploads:
                raise SimError(404, f"upload {upload.group(1)} not found")
            return 200, sim.stock_uploads[upload.group(1)]
        if method == "GET" and re.fullmatch(f"/packages/merchantid/{m}/status/unpacked", path):
            return 200, self._unpacked(params)
        unpack = re.fullmatch(f"/packages/merchantid/{m}/packagenumber/([^/]+)/unpack", path)
        if method == "POST" and unpack:
            allow(params, set())
            if unpack.group(1) not in sim.packages:
                raise SimError(404, f"cannot find package with package number {unpack.group(1)}")
            sim.unpack(unpack.group(1))
            return 200, ""
        label = re.fullmatch(f"/packages/merchantid/{m}/packagenumber/([^/]+)/labels", path)
        if method == "GET" and label:
            return 200, self._label(label.group(1), params)
        cancel = re.fullmatch(f"/lineitems/merchantid/{m}/id/([^/]+)/cancelbymerchant", path)
        if method == "POST" and cancel:
            allow(params, set())
            sim.cancel_by_merchant(cancel.group(1), cancel_reason(raw))
            return 200, ""
        claims = re.fullmatch(f"/claims/merchantId/{m}/status/([^/]+)", path)
        if method == "GET" and claims:
            return 200, sim.claims.listing(claims.group(1), params)
        answer = re.fullmatch("/claims/number/([^/]+)/(accept|reject)", path)
        if method == "POST" and answer:
            return 200, sim.claims.answer(answer.group(1), answer.group(2), params, raw)
        joinable = re.fullmatch(f"/lineitems/merchantid/{m}/packageablewith/lineitemid/([^/]+)", path)
        if method == "GET" and joinable:
            allow(params, set())
            lines = sim.packageable_with(joinable.group(1))
            if not lines:
                raise SimError(404, "no line item can be packaged with this one")
            return 200, {"lineItems": lines}
        raise SimError(
            404,
            {
                "statusCode": 404,
                "code": "1004",
                "defaultMessage": None,
                "correlationId": str(uuid.uuid4()),
                "message": f"no route {method} {path}",
            },
        )

    def _orders(self, params: dict[str, str]) -> dict[str, Any]:
        allow(params, {"offset", "limit", "begindate", "enddate"})
        if "offset" not in params or "limit" not in params:
            raise SimError(400, LIMIT_OFFSET)
        offset, limit = int_param(params, "offset", 0, 10**9), int_param(params, "limit", 1, 100)
        sim = self.server.sim
        with self.server.lock:
            lines = list(sim.open_lines.values())
        if "begindate" in params or "enddate" in params:
            begin = hb_date(params.get("begindate", ""))
            end = hb_date(params.get("enddate", "")) if "enddate" in params else None
            if begin is None or ("enddate" in params and end is None):
                lines = []  # an ISO (or other) date is accepted and matches nothing (OVL)
            else:
                # A range over 24 hours is cut to begindate + 24 h (DOC changelog Ocak 2023).
                end = min(end or begin + timedelta(hours=24), begin + timedelta(hours=24))
                lines = [line for line in lines if begin <= line_time(line["orderDate"]) <= end]
        page = lines[offset : offset + limit]
        return {
            "totalCount": len(lines),
            "limit": limit,
            "offset": offset,
            "pageCount": -(-len(lines) // limit),
            "items": page,
        }

    def _packages(self, params: dict[str, str]) -> list[Any]:
        allow(params, {"limit", "Offset", "timespan", "begindate", "enddate"})
        if "limit" not in params or "Offset" not in params:
            raise SimError(400, LIMIT_OFFSET)
        limit, offset = int_param(params, "limit", 1, 10), int_param(params, "Offset", 0, 10**9)
        sim = self.server.sim
        window = self._window(params)
        if window is None:
            return []  # an ISO (or other) date is accepted and matches nothing (OVL)
        since, until = window
        with self.server.lock:
            ready = [p for p in sim.packages.values() if p.status == "Packaged" and since <= p.packaged_at <= until]
            listed: list[Any] = list(sim.raw_packages) + [sim.package_json(p) for p in ready]
        return listed[offset : offset + limit]

    def _window(self, params: dict[str, str]) -> tuple[datetime, datetime] | None:
        """``timespan`` hours back from now, or ``begindate``..``enddate`` cut to 24 h; None for an ISO date."""
        now = self.server.sim.now()
        if "timespan" in params:
            hours = int_param(params, "timespan", 1, 24 * 366)
            return now - timedelta(hours=hours), now
        if "begindate" in params and "enddate" in params:
            begin, end = hb_date(params["begindate"]), hb_date(params["enddate"])
            if begin is None or end is None:
                return None
            return begin, min(end, begin + timedelta(hours=24))
        raise SimError(400, "timespan or begindate and enddate must be given with limit and Offset")

    def _unpacked(self, params: dict[str, str]) -> list[Any]:
        """``/status/unpacked``: capital ``Offset``, limit 1..10, ``timespan`` or dates (SPEC); the reply is an
        *array* of ``DeletedDeliveriesWithPagination`` envelopes, as SPEC types it (one envelope here)."""
        allow(params, {"limit", "Offset", "timespan", "begindate", "enddate"})
        if "limit" not in params or "Offset" not in params:
            raise SimError(400, LIMIT_OFFSET)
        limit, offset = int_param(params, "limit", 1, 10), int_param(params, "Offset", 0, 10**9)
        window = self._window(params)
        sim = self.server.sim
        with self.server.lock:
            unpacked = [
                sim.unpacked_json(p)
                for p in sim.packages.values()
                if p.unpacked_at is not None and window is not None and window[0] <= p.unpacked_at <= window[1]
            ]
        return [
            {
                "items": unpacked[offset : offset + limit],
                "limit": limit,
                "offset": offset,
                "pageCount": -(-len(unpacked) // limit),
                "totalCount": len(unpacked),
            }
        ]

    def _envelope(self, params: dict[str, str], items: list[Any]) -> dict[str, Any]:
        if "begindate" in params or "enddate" in params:
            raise SimError(400, "WrongDateFormat")  # whatever the format (OVL; SDK quirks.ts)
        allow(params, {"offset", "limit"})
        if "offset" not in params or "limit" not in params:
            raise SimError(400, LIMIT_OFFSET)
        offset, limit = int_param(params, "offset", 0, 10**9), int_param(params, "limit", 1, 50)
        return {
            "totalCount": len(items),
            "limit": limit,
            "offset": offset,
            "pageCount": -(-len(items) // limit),
            "items": items[offset : offset + limit],
        }

    def _create(self, params: dict[str, str], raw: bytes) -> dict[str, Any]:
        allow(params, set())
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise SimError(400, "request body is not JSON") from exc
        if not isinstance(body, dict) or not isinstance(body.get("lineItemRequests"), list):
            raise SimError(400, "lineItemRequests is required")
        unknown = sorted(set(body) - CREATE_FIELDS)
        if unknown:
            raise SimError(400, f"Unknown field(s): {', '.join(unknown)}")
        requests = []
        for item in body["lineItemRequests"]:
            if not isinstance(item, dict) or set(item) - LINE_REQUEST_FIELDS:
                raise SimError(400, f"lineItemRequests item {item!r} has unknown fields")
            if not isinstance(item.get("id"), str) or not isinstance(item.get("quantity"), int):
                raise SimError(400, f"lineItemRequests item {item!r} needs id (string) and quantity (integer)")
            requests.append((item["id"], item["quantity"]))
        parcels = body.get("parcelQuantity", 1)
        deci = body.get("deci", 1)
        if not isinstance(parcels, int) or parcels < 1 or not isinstance(deci, int | float) or deci < 0:
            raise SimError(400, "parcelQuantity and deci must be positive numbers")
        package = self.server.sim.create_package(requests, parcels=parcels, deci=float(deci))
        return {"barcode": package.barcode, "packageNumber": package.number}

    def _label(self, number: str, params: dict[str, str]) -> dict[str, Any]:
        allow(params, {"format"})
        fmt = params.get("format", "")
        if fmt not in LABEL_FORMATS:  # HB lists them in lower case (DOCS-TXT)
            raise SimError(400, f"format must be one of {', '.join(LABEL_FORMATS)}")
        package = self.server.sim.packages.get(number)
        if package is None:
            raise SimError(
                404,
                {
                    "statusCode": 404,
                    "code": "1004",
                    "defaultMessage": None,
                    "correlationId": str(uuid.uuid4()),
                    "message": f"cannot find package with package number {number}",
                },
            )
        if package.lines[0]["cargoCompany"] not in MUTUAL_CARRIERS:
            raise SimError(400, "Cargo company does not provide mutual barcodes.")
        return self.server.sim.label(package, fmt)

    def send_reply(self, status: int, body: Any, headers: dict[str, str]) -> None:
        # HB's refusals carry no headers of their own (a 429 is told by the rate headers every reply has).
        data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-correlation-id", str(uuid.uuid4()))
        for name, value in self.server.rate_headers().items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    sim: SimulatedHepsiburada
    lock: threading.Lock
    window_end: float = 0.0
    used: int = 0

    def count_request(self) -> None:
        """Count one request in the current one-second window; 429 past the limit."""
        with self.lock:
            now = time.monotonic()
            if now >= self.window_end:
                self.window_end, self.used = now + 1.0, 0
            self.used += 1
            if self.used > self.sim.config.rate_limit:
                self.sim.throttled += 1
                raise SimError(429, "TooManyRequest")

    def rate_headers(self) -> dict[str, str]:
        """``X-RateLimit-*`` (DOC changelog Kasım 2025: Reset is the seconds until the window resets)."""
        with self.lock:
            left = max(0, self.sim.config.rate_limit - self.used)
            reset = max(0.0, self.window_end - time.monotonic())
        return {
            "X-RateLimit-Limit": str(self.sim.config.rate_limit),
            "X-RateLimit-Remaining": str(left),
            "X-RateLimit-Reset": f"{reset:.3f}",
        }


class HepsiburadaServer(BackgroundServer):
    """Serves a :class:`SimulatedHepsiburada` on a loopback port (0 = any free one); ``base_url`` is what a client
    is configured with."""

    def __init__(self, sim: SimulatedHepsiburada, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sim = sim
        server = _Server((host, port), _Handler)
        server.sim = sim
        server.lock = threading.Lock()
        super().__init__(server, name="hb-sim")
