"""The reasons a marketplace accepts for rejecting returned units, read from it and kept for a while.

Trendyol serves them in Turkish (``GET /order/claim-issue-reasons``); they are never hard-coded. A list
read once is kept for an hour, and the last list read stays usable when the marketplace cannot be reached.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from packstation.i18n import _
from packstation.services.marketplaces.claims import ClaimReason

log = logging.getLogger("packstation.services.returns.reasons")
KEEP_S = 3600.0


@runtime_checkable
class ReasonSource(Protocol):
    """A client that lists claim-issue reasons (Trendyol's)."""

    def claim_issue_reasons(self) -> list[ClaimReason]:
        """The reasons, as served."""
        ...


class ReasonLists:
    """Per account, the reasons list; thread-safe."""

    def __init__(self, client_for: Callable[[int], object], *, clock: Callable[[], float] = time.monotonic) -> None:
        self._client_for = client_for
        self._clock = clock
        self._lists: dict[int, tuple[float, list[ClaimReason]]] = {}
        self._lock = threading.Lock()

    def reasons(self, account_id: int) -> list[ClaimReason]:
        """The account's reasons; raises ``LookupError`` when its marketplace publishes none over its API."""
        with self._lock:
            kept = self._lists.get(account_id)
        if kept is not None and self._clock() - kept[0] < KEEP_S:
            return kept[1]
        client = self._client_for(account_id)
        if not isinstance(client, ReasonSource):
            raise LookupError(_("this marketplace takes no answers to returns over its API"))
        try:
            fresh = client.claim_issue_reasons()
        except Exception:
            if kept is not None:  # the last list read is better than none while the marketplace is away
                log.warning("claim-issue reasons not refreshed account=%s", account_id, exc_info=True)
                return kept[1]
            raise
        with self._lock:
            self._lists[account_id] = (self._clock(), fresh)
        return fresh
