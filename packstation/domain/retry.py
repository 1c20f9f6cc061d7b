"""One retry policy: how often and how patiently to try again, for marketplace calls and printer jobs alike."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Delays are seconds; tests shrink them, production keeps the defaults.

    The defaults are the marketplace calls' (see :mod:`packstation.services.marketplaces.transport`);
    :data:`PRINTER_RETRY` is the print queue's.
    """

    max_attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 30.0
    #: Give up once the next wait would end later than this after the first attempt.
    max_total: float = 120.0
    #: Longest ``Retry-After`` we honour; a longer one means "come back later", so we fail and let
    #: the scheduler come back.
    retry_after_cap: float = 60.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failure (doubling from ``base_delay``, capped)."""
        return min(self.max_delay, self.base_delay * 2.0 ** max(0, attempts - 1))


#: A label waits for its printer longer than a marketplace call waits for an answer, and has no overall
#: deadline: a printer switched off over lunch still prints its queue when it comes back.
PRINTER_RETRY = RetryPolicy(max_attempts=8, base_delay=1.0, max_delay=60.0, max_total=math.inf)
