"""A machine's two clocks for tests: a wall clock someone (NTP, an admin) can step, a monotonic one nobody can."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Machine:
    """A wall clock someone can step, and a monotonic clock nobody can."""

    def __init__(self) -> None:
        self.start = datetime.now(UTC)
        self.mono = 1000.0
        self.offset = timedelta(0)

    def wall(self) -> datetime:
        return self.start + timedelta(seconds=self.mono - 1000.0) + self.offset

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.mono += seconds
