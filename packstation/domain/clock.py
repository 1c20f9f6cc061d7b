"""The one wall clock services use by default (they take a ``clock`` argument, so tests can pass their own)."""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> datetime:
    """Now, timezone-aware, in UTC."""
    return datetime.now(UTC)
