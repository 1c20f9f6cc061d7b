"""How the Trendyol stand-in refuses a request: an HTTP status and Trendyol's error body."""

from __future__ import annotations


class SimError(Exception):
    """A refusal the simulator answers with ``status`` and a Trendyol-shaped JSON ``body``."""

    def __init__(self, status: int, body: dict[str, object], headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = headers or {}
        super().__init__(f"{status}: {body}")


def refusal(status: int, key: str, message: str) -> SimError:
    """Trendyol's usual error shape: ``{"errors":[{"key","message","errorCode"}]}``."""
    return SimError(status, {"errors": [{"key": key, "message": message, "errorCode": str(status)}]})
