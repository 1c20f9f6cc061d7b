"""The station's clock: wall-clock time that never runs backwards and never jumps.

An NTP step (or a person setting the clock) moves the wall clock by minutes at once. Operations are
ordered by the journal's sequence, and leases run on PostgreSQL's clock, so neither depends on this;
but the times a station records (opened, scanned, packed) become report figures, and a step inside a
parcel would make it take minus ten minutes. So the clock advances by the monotonic clock and slews
toward the wall clock by at most :data:`MAX_SLEW` of the elapsed time, as NTP's own slewing does:
order and durations stay right, and a real correction is caught up with gradually.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

MAX_SLEW = 0.1
"""Fraction of elapsed time by which the clock may run faster or slower to catch up with the wall clock."""


class StationClock:
    """Callable returning an aware UTC datetime: monotone, step-free, converging to the wall clock."""

    def __init__(
        self,
        *,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._wall = wall
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._last = wall()
        self._last_mono = monotonic()

    def __call__(self) -> datetime:
        """The time now."""
        with self._lock:
            mono = self._monotonic()
            elapsed = max(0.0, mono - self._last_mono)
            expected = self._last + timedelta(seconds=elapsed)
            gap = (self._wall() - expected).total_seconds()
            allowed = elapsed * MAX_SLEW
            now = expected + timedelta(seconds=max(-allowed, min(allowed, gap)))
            self._last, self._last_mono = now, mono
            return now
