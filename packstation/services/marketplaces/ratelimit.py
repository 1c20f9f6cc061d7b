"""Sliding-window limits, per endpoint group, shared by every thread that calls one marketplace account.

Trendyol allows "a maximum of 50 requests to the same endpoint within 10 seconds ... the 51st request
gets 429 too.many.requests" [Trendyol authorization page, see research/trendyol/FACTS.md §7], on top of
per-minute quotas per service. A token bucket sized to a minute's quota would let a whole minute go out
in one burst (350 stock writes in a second), which the 10-second rule refuses. So each group keeps the
send times of its recent requests and holds a request back until *every* window it belongs to has room:
at most ``requests`` in any ``per_seconds`` interval, measured as a sliding window, not a fixed bucket.
Waiting before we send is cheaper than a 429 and its backoff.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

log = logging.getLogger("packstation.services.marketplaces.ratelimit")


@dataclass(frozen=True)
class RateLimit:
    """At most ``requests`` in any sliding interval of ``per_seconds``."""

    requests: int
    per_seconds: float

    def __post_init__(self) -> None:
        if self.requests <= 0 or self.per_seconds <= 0:
            raise ValueError(f"rate limit must be positive, got {self.requests}/{self.per_seconds}s")


#: Trendyol's documented burst rule: 50 requests per endpoint within 10 seconds. Trendyol counts
#: arrivals and we count departures: a request that travels faster than an earlier one (which paid
#: for the connection) would land the 51st inside Trendyol's 10 s, so we space by 11 s.
TRENDYOL_BURST = RateLimit(50, 11.0)

#: One limit, or several that must all hold (a burst window and a per-minute quota).
Limits = RateLimit | Sequence[RateLimit]


class SlidingWindow:
    """A thread-safe limiter over one or more sliding windows.

    A caller reserves its send time at once (possibly in the future) and then sleeps until it outside
    the lock; reservations are handed out in arrival order and never decrease, so callers are served
    first come first served and no thread holds the lock while it waits.
    """

    def __init__(
        self,
        limits: Limits,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limits: tuple[RateLimit, ...] = (limits,) if isinstance(limits, RateLimit) else tuple(limits)
        if not self.limits:
            raise ValueError("a sliding window needs at least one limit")
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        # Send times (reserved, so possibly in the future), oldest first, one deque per limit.
        self._sent: tuple[deque[float], ...] = tuple(deque() for _ in self.limits)
        self._last = float("-inf")

    def reserve(self) -> float:
        """Take the next free send slot; return how many seconds the caller must wait before sending."""
        with self._lock:
            now = self._clock()
            at = max(now, self._last)
            for limit, sent in zip(self.limits, self._sent, strict=True):
                if len(sent) >= limit.requests:
                    # The request ``requests`` places back must leave the window before this one enters.
                    at = max(at, sent[-limit.requests] + limit.per_seconds)
            for limit, sent in zip(self.limits, self._sent, strict=True):
                sent.append(at)
                # Later reservations are never earlier than ``at``: older stamps can no longer matter.
                while len(sent) > limit.requests and sent[0] <= at - limit.per_seconds:
                    sent.popleft()
            self._last = at
            return at - now

    def acquire(self) -> float:
        """Wait for a send slot; return the seconds slept."""
        wait = self.reserve()
        if wait > 0:
            self._sleep(wait)
        return wait


class RateLimiter:
    """Sliding windows by endpoint group; groups without a configured limit are not throttled."""

    def __init__(
        self,
        limits: Mapping[str, Limits],
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._windows = {group: SlidingWindow(limit, clock=clock, sleep=sleep) for group, limit in limits.items()}

    def acquire(self, group: str) -> float:
        """Wait for a slot of ``group``; return the seconds waited."""
        window = self._windows.get(group)
        if window is None:
            return 0.0
        waited = window.acquire()
        if waited > 0:
            log.debug("throttled group=%s waited_s=%.3f", group, waited)
        return waited
