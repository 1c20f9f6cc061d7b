"""The simulator's burst rule, as Trendyol states it: at most 50 requests to the same endpoint within
10 seconds; "the moment you try the 51st request, you will receive the error 429 status code and it say
too.many.requests" (Trendyol authorization page, research/trendyol/FACTS.md §7). Counted over a sliding
10 seconds per endpoint, so a client that paces by the minute gets refused, as it would be by Trendyol."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class BurstGuard:
    """Admit a request to ``endpoint`` if fewer than ``limit`` were admitted in the last ``seconds``."""

    def __init__(self, limit: int, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if limit <= 0 or seconds <= 0:
            raise ValueError(f"burst limit must be positive, got {limit}/{seconds}s")
        self.limit = limit
        self.seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._admitted: dict[str, deque[float]] = {}

    def admit(self, endpoint: str) -> bool:
        """Count the request and say whether it may be served (a refused one is not counted)."""
        with self._lock:
            now = self._clock()
            stamps = self._admitted.setdefault(endpoint, deque())
            while stamps and stamps[0] <= now - self.seconds:
                stamps.popleft()
            if len(stamps) >= self.limit:
                return False
            stamps.append(now)
            return True
