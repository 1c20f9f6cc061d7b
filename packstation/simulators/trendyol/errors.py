"""How the Trendyol stand-in words a refusal: Trendyol's error body."""

from __future__ import annotations

from packstation.simulators.errors import SimError


def refusal(status: int, key: str, message: str) -> SimError:
    """Trendyol's usual error shape: ``{"errors":[{"key","message","errorCode"}]}``."""
    return SimError(status, {"errors": [{"key": key, "message": message, "errorCode": str(status)}]})
