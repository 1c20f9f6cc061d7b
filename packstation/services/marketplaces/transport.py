"""The HTTP layer every marketplace client shares: throttling, timeouts, retries and typed errors.

Retries: 429, 5xx, 556, timeouts and connection failures are retried with jittered exponential backoff
(``Retry-After`` wins when the marketplace sends one), within a bounded number of attempts and a bounded
total time. Other 4xx are never retried: the request itself is wrong and sending it again cannot help.

Writes and ambiguity: after a read timeout, a dropped connection or a 500/502/504/556, the marketplace
may have applied the write even though we saw no success. None of the three marketplaces offers an
idempotency key, so a write passes ``already_applied``: a look-up (e.g. "is the package already
Picking?") that runs before any resend once an attempt was ambiguous. If it reports the change is
there, nothing is resent and the reply says so. 429, 503 and connection-refused failures are not
ambiguous: the request never reached the application.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx

from packstation.domain.marketplace import Marketplace
from packstation.domain.retry import RetryPolicy
from packstation.i18n import _
from packstation.services.marketplaces.errors import (
    AuthError,
    DuplicateRequest,
    EndpointRetired,
    MalformedReply,
    MarketplaceError,
    NotFound,
    RateLimited,
    Rejected,
    ServerError,
    Unreachable,
)
from packstation.services.marketplaces.ratelimit import RateLimiter

# 556 is not in Trendyol's table but shows up during their outages; treat it like a 5xx.
_AMBIGUOUS_STATUSES = frozenset({500, 502, 504, 556})
_DUPLICATE_MARKER = "15 dakika"


@dataclass(frozen=True)
class Timeouts:
    """Per-call timeouts in seconds (every call has them; httpx applies each phase separately)."""

    connect: float = 10.0
    read: float = 45.0
    write: float = 30.0
    pool: float = 10.0

    def as_httpx(self) -> httpx.Timeout:
        """The httpx form."""
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


@dataclass(frozen=True)
class Reply:
    """A successful reply; ``already_applied`` means a look-up found the write done and nothing was sent."""

    status: int
    content: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    already_applied: bool = False


#: Integers longer than this stay text: Python refuses to convert over 4,300 digits, and one absurd
#: number (a 10,000-digit "tracking number") must fail its own package, not the whole reply.
_LONGEST_INT = 100


def _bounded_int(digits: str) -> int | str:
    return int(digits) if len(digits) <= _LONGEST_INT else digits


def parse_json(content: bytes, *, marketplace: Marketplace, endpoint: str) -> Any:
    """Parse JSON keeping numbers exact: ints are Python ints (no digits lost), decimals are Decimal."""
    try:
        try:
            return json.loads(content, parse_float=Decimal)
        except ValueError as exc:
            if "digits" not in str(exc):
                raise
            # The fast parse refused an integer over Python's digit limit: parse again keeping such
            # numbers as text, so the field readers refuse only the package that carries one.
            return json.loads(content, parse_float=Decimal, parse_int=_bounded_int)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedReply(
            _("{marketplace} sent a reply that is not valid JSON ({detail})").format(
                marketplace=marketplace.display_name, detail=str(exc)[:120]
            ),
            marketplace=marketplace,
            endpoint=endpoint,
        ) from exc


def dump_json(value: Any) -> bytes:
    """Serialise a request body; Decimals go out as plain numbers, the same bytes for the same value."""

    def default(obj: object) -> object:
        if isinstance(obj, Decimal):
            return float(obj)
        raise TypeError(f"cannot send {type(obj).__name__} as JSON")

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=default).encode()


def marketplace_message(content: bytes) -> tuple[str, str]:
    """Extract ``(key, message)`` from any of the error body shapes the marketplaces use."""
    text = content.decode("utf-8", errors="replace").strip()
    if not text:
        return "", ""
    try:
        body = json.loads(text)
    except ValueError:
        return "", text[:500]  # N11 /rest and HB listing answer in plain text
    if not isinstance(body, dict):
        return "", text[:500]
    errors = body.get("errors")
    if isinstance(body.get("error"), dict):  # Trendyol common label: {"error":{"errors":[{title}]}}
        errors = body["error"].get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        message = first.get("message") or first.get("title") or ""
        key = first.get("key") or first.get("type") or ""
        return str(key), "; ".join([str(message)] + [str(e.get("message", "")) for e in errors[1:]]).strip("; ")
    # N11 /rest: {"errorCode": "SELLER_API.authenticationFailed", "errorMessage": ...}
    key = body.get("exception") or body.get("@type") or body.get("error") or body.get("errorCode") or ""
    message = body.get("message") or body.get("errorMessage") or ""
    return str(key), str(message) if message else str(key)


def error_for_reply(marketplace: Marketplace, status: int, content: bytes, endpoint: str) -> MarketplaceError:
    """The typed error for a failed reply."""
    key, said = marketplace_message(content)
    name = marketplace.display_name
    context: dict[str, Any] = {
        "marketplace": marketplace,
        "status": status,
        "marketplace_message": said,
        "error_key": key,
        "endpoint": endpoint,
    }
    if marketplace is Marketplace.N11 and _n11_auth_refusal(status, key, said):
        # N11 checks no User-Agent. Its refusals: /rest answers 403 text/plain "Authentication failed"
        # (or 400 JSON SELLER_API.authenticationFailed), /ms answers 401 SellerApiUserUnauthorizedException
        # (research/n11/FACTS.md §2). Causes: wrong keys, or REST access not yet enabled for the store.
        return AuthError(
            _(
                "N11 refused the API keys (HTTP {status}): either the appKey/appSecret are wrong, or N11 has "
                "not enabled REST API access for this store yet (ask N11 at sellerintegration@n11.com)"
            ).format(status=status),
            **context,
        )
    if status == 401:
        return AuthError(_("{name} rejected the API credentials (HTTP 401)").format(name=name), **context)
    if status == 403:
        return AuthError(
            _("{name} refused the request (HTTP 403); check the API user, seller id and User-Agent").format(name=name),
            **context,
        )
    if status == 404:
        return NotFound(_("{name} could not find {endpoint}").format(name=name, endpoint=endpoint), **context)
    if status in (410, 426):
        return EndpointRetired(
            _("{name} is retiring {endpoint} (HTTP {status})").format(name=name, endpoint=endpoint, status=status),
            **context,
        )
    if status == 429:
        return RateLimited(_("{name} is rate limiting us").format(name=name), **context)
    if status >= 500:
        return ServerError(_("{name} had a server error (HTTP {status})").format(name=name, status=status), **context)
    if _DUPLICATE_MARKER in said:
        return DuplicateRequest(_("{name} refused a repeated request").format(name=name), **context)
    return Rejected(_("{name} refused the request (HTTP {status})").format(name=name, status=status), **context)


def _n11_auth_refusal(status: int, key: str, said: str) -> bool:
    """Every shape N11 uses to say "not authenticated" (the sources disagree on which path gives which)."""
    return (
        status in (401, 403)
        or key.endswith("authenticationFailed")
        or "SellerApiUserUnauthorized" in key
        or "Authentication failed" in said
    )


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Parse ``Retry-After`` (seconds, fractional accepted, or an HTTP date); None when absent or bad."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    reference = now or datetime.now(UTC)
    return max(0.0, (when - reference).total_seconds())


class Transport:
    """One marketplace account's HTTP connection pool, limiter and retry loop."""

    def __init__(
        self,
        *,
        marketplace: Marketplace,
        base_url: str,
        headers: Mapping[str, str],
        auth: httpx.Auth | tuple[str, str] | None,
        limiter: RateLimiter,
        retry: RetryPolicy,
        timeouts: Timeouts,
        logger: logging.Logger,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.marketplace = marketplace
        self._client = httpx.Client(base_url=base_url, headers=dict(headers), auth=auth, timeout=timeouts.as_httpx())
        self._limiter = limiter
        self._retry = retry
        self._log = logger
        self._sleep = sleep
        self._clock = clock
        self._random = random.Random()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        group: str,
        params: Mapping[str, str | int] | None = None,
        body: Any = None,
        business_key: str = "",
        headers: Mapping[str, str] | None = None,
        already_applied: Callable[[], bool] | None = None,
        form: Mapping[str, str] | None = None,
        files: Sequence[tuple[str, tuple[str, bytes, str]]] | None = None,
    ) -> Reply:
        """Send one request with throttling and retries; return the 2xx reply or raise a typed error.

        ``form`` and ``files`` send a ``multipart/form-data`` body instead of JSON (Trendyol's claim issue).
        """
        content = dump_json(body) if body is not None else None
        multipart: dict[str, Any] = {}
        if form is not None or files:
            # Fields as parts without a file name: httpx sends multipart even when no file goes along.
            fields = [(name, (None, value.encode("utf-8"))) for name, value in (form or {}).items()]
            multipart = {"files": [*fields, *(files or ())]}
        send_headers = dict(headers or {})
        if content is not None:
            send_headers["Content-Type"] = "application/json"
        started = self._clock()
        ambiguous = False
        attempt = 0
        while True:
            attempt += 1
            if ambiguous and already_applied is not None and already_applied():
                self._log.info(
                    "write already applied, not resending method=%s path=%s business_key=%s",
                    method,
                    path,
                    business_key,
                )
                return Reply(status=200, already_applied=True)
            self._limiter.acquire(group)
            self._log.debug("request method=%s path=%s attempt=%d business_key=%s", method, path, attempt, business_key)
            error: MarketplaceError
            retry_after: float | None = None
            try:
                response = self._client.request(
                    method, path, params=params, content=content, headers=send_headers, **multipart
                )
            except httpx.TimeoutException as exc:
                # A connect or pool timeout never reached the marketplace; a read/write timeout may have.
                ambiguous = ambiguous or not isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
                error = self._unreachable(path, exc)
            except httpx.TransportError as exc:
                ambiguous = ambiguous or not isinstance(exc, httpx.ConnectError)
                error = self._unreachable(path, exc)
            else:
                if response.status_code < 400:
                    return Reply(response.status_code, response.content, response.headers)
                error = error_for_reply(self.marketplace, response.status_code, response.content, path)
                if not error.transient:
                    self._log.warning(
                        "refused method=%s path=%s status=%d key=%s business_key=%s message=%s",
                        method,
                        path,
                        response.status_code,
                        error.error_key,
                        business_key,
                        error.marketplace_message,
                    )
                    raise error
                ambiguous = ambiguous or response.status_code in _AMBIGUOUS_STATUSES
                # HB sends X-RateLimit-Reset (seconds until its window resets) instead of Retry-After.
                retry_after = retry_after_seconds(
                    response.headers.get("Retry-After")
                    or (response.headers.get("X-RateLimit-Reset") if response.status_code == 429 else None)
                )
                if isinstance(error, RateLimited):
                    error.retry_after = retry_after
            delay = self._delay(attempt, retry_after)
            elapsed = self._clock() - started
            if delay is None or attempt >= self._retry.max_attempts or elapsed + delay > self._retry.max_total:
                self._log.error(
                    "giving up method=%s path=%s attempts=%d elapsed_s=%.1f business_key=%s error=%s",
                    method,
                    path,
                    attempt,
                    elapsed,
                    business_key,
                    error,
                )
                raise error
            self._log.warning(
                "retrying method=%s path=%s attempt=%d delay_s=%.2f status=%s business_key=%s",
                method,
                path,
                attempt,
                delay,
                error.status,
                business_key,
            )
            self._sleep(delay)

    def _delay(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds before the next attempt; None if the marketplace asks for longer than we wait."""
        if retry_after is not None:
            if retry_after > self._retry.retry_after_cap:
                return None
            return retry_after
        backoff = self._retry.delay(attempt)
        # Full jitter on the upper half spreads the stations of a warehouse that failed together.
        return backoff * self._random.uniform(0.5, 1.0)

    def _unreachable(self, path: str, exc: Exception) -> Unreachable:
        return Unreachable(
            _("{name} did not answer ({problem})").format(
                name=self.marketplace.display_name, problem=type(exc).__name__
            ),
            marketplace=self.marketplace,
            endpoint=path,
        )
