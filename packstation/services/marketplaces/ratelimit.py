"""Token buckets, one per endpoint group, shared by every thread that calls one marketplace account.

Marketplace limits are per endpoint (Trendyol: 50 requests per 10 s per endpoint, plus tiered
per-minute limits per service). Waiting before we send is cheaper than a 429 and its backoff.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

log = logging.getLogger("packstation.services.marketplaces.ratelimit")


@dataclass(frozen=True)
class RateLimit:
    """At most ``requests`` per ``per_seconds``, with bursts up to ``burst`` (default: ``requests``)."""

    requests: int
    per_seconds: float
    burst: int | None = None

    def __post_init__(self) -> None:
        if self.requests <= 0 or self.per_seconds <= 0:
            raise ValueError(f"rate limit must be positive, got {self.requests}/{self.per_seconds}s")
        if self.burst is not None and self.burst <= 0:
            raise ValueError(f"burst must be positive, got {self.burst}")

    @property
    def rate(self) -> float:
        """Tokens added per second."""
        return self.requests / self.per_seconds

    @property
    def capacity(self) -> int:
        """Most tokens the bucket holds."""
        return self.burst if self.burst is not None else self.requests


class TokenBucket:
    """A thread-safe token bucket.

    A caller takes its token at once, even into debt, and then sleeps off the debt outside the lock;
    so callers are served in arrival order and no thread holds the lock while it waits.
    """

    def __init__(
        self,
        limit: RateLimit,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limit = limit
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(limit.capacity)
        self._stamp = clock()

    def reserve(self) -> float:
        """Take one token; return how many seconds the caller must wait before using it."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.limit.capacity, self._tokens + (now - self._stamp) * self.limit.rate)
            self._stamp = now
            self._tokens -= 1.0
            if self._tokens >= 0:
                return 0.0
            return -self._tokens / self.limit.rate

    def acquire(self) -> float:
        """Take one token, sleeping as long as needed; return the seconds slept."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return wait


class RateLimiter:
    """Buckets by endpoint group; groups without a configured limit are not throttled."""

    def __init__(
        self,
        limits: Mapping[str, RateLimit],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._buckets = {group: TokenBucket(limit, clock=clock, sleep=sleep) for group, limit in limits.items()}

    def acquire(self, group: str) -> float:
        """Wait for a token of ``group``; return the seconds waited."""
        bucket = self._buckets.get(group)
        if bucket is None:
            return 0.0
        waited = bucket.acquire()
        if waited > 0:
            log.debug("throttled group=%s waited_s=%.3f", group, waited)
        return waited
