"""How a marketplace stand-in refuses a request: one error for every simulator."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class SimError(Exception):
    """A refusal the simulator answers with HTTP ``status``, a JSON ``body`` and extra ``headers``.

    The body is in the marketplace's own shape: Trendyol's ``{"errors": [...]}``, Hepsiburada's bare string.
    """

    def __init__(self, status: int, body: Any = None, headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers = dict(headers or {})
        super().__init__(f"{status}: {body!r}")
