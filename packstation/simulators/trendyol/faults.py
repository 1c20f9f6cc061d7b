"""Faults the simulator injects on demand: rate limits, server errors, slow and malformed replies."""

from __future__ import annotations

import enum
import threading
from dataclasses import dataclass


class FaultKind(enum.Enum):
    """What goes wrong."""

    RATE_LIMIT = "rate_limit"  # 429 with Retry-After
    SERVER_ERROR = "server_error"  # 500, Trendyol's TrendyolSystemException body
    GATEWAY_556 = "gateway_556"  # 556, as during Trendyol outages
    NOT_FOUND = "not_found"  # 404: the endpoint is not served (a stand-in without it)
    SLOW = "slow"  # the request is processed, then the reply waits ``delay`` seconds
    MALFORMED_PACKAGE = "malformed_package"  # the first package of the reply loses ``field``
    MALFORMED_BODY = "malformed_body"  # the reply is cut off mid-JSON
    #: The ``item``-th package of the reply gets ``value`` at ``field`` (a NUL in a name, a
    #: 10,000-character tracking number, an empty ``lines``): a poison package among good ones.
    POISON_PACKAGE = "poison_package"


@dataclass(frozen=True)
class FaultPlan:
    """Hit the next ``count`` matching requests (after letting ``skip`` of them through)."""

    kind: FaultKind
    count: int = 1
    method: str = ""
    path_contains: str = ""
    skip: int = 0
    retry_after: float | None = 1.0
    delay: float = 0.0
    field: str = "lines"
    value: object = None
    item: int = 0

    def __post_init__(self) -> None:
        if self.count < 1 or self.skip < 0:
            raise ValueError(f"fault count must be >= 1 and skip >= 0, got {self.count}/{self.skip}")
        if self.kind is FaultKind.SLOW and self.delay <= 0:
            raise ValueError("a SLOW fault needs a positive delay")

    def matches(self, method: str, path: str) -> bool:
        """Whether this plan applies to a request."""
        if self.method and self.method.upper() != method.upper():
            return False
        return self.path_contains in path


@dataclass
class _Armed:
    """A plan and what is left of it (mutable, private to the book's lock)."""

    plan: FaultPlan
    skip_left: int
    count_left: int


class FaultBook:
    """The active plans; thread-safe, each request takes at most one fault."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: list[_Armed] = []

    def add(self, plan: FaultPlan) -> None:
        """Arm a plan."""
        with self._lock:
            self._armed.append(_Armed(plan, plan.skip, plan.count))

    def clear(self) -> None:
        """Disarm every plan."""
        with self._lock:
            self._armed.clear()

    def take(self, method: str, path: str) -> FaultPlan | None:
        """The fault for this request, if any (consuming it)."""
        with self._lock:
            for armed in self._armed:
                if armed.count_left <= 0 or not armed.plan.matches(method, path):
                    continue
                if armed.skip_left > 0:
                    armed.skip_left -= 1
                    continue
                armed.count_left -= 1
                return armed.plan
            return None

    @property
    def pending(self) -> int:
        """Faults still to be delivered."""
        with self._lock:
            return sum(armed.count_left for armed in self._armed)
