"""Open claims copied to the station (:class:`~packstation.local_store.return_cache.ReturnCache`), so a return
opens at the bench while PostgreSQL is away; the judged return then waits in the journal like packing."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.errors import is_connection_error
from packstation.db.models.sync import ClaimItemRow, ClaimRow
from packstation.domain.returns import ClaimedUnit
from packstation.local_store.return_cache import ReturnCache
from packstation.services.returns.lookup import OPEN_STATUSES, OpenedReturn, OriginalParcel, opened_return

log = logging.getLogger("packstation.services.returns.offline")
#: At most this many open claims are copied (the newest first).
COPY_LIMIT = 5_000


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def to_json(opened: OpenedReturn) -> str:
    """An opened return as the cache keeps it."""
    data: dict[str, Any] = {
        **{name: getattr(opened, name) for name in ("claim_id", "external_id", "account_id", "marketplace")},
        **{name: getattr(opened, name) for name in ("order_number", "return_tracking_number", "cargo_provider")},
        "customer_name": opened.customer_name,
        "claimed_at": _moment(opened.claimed_at),
        "units": [{**vars(unit), "keys": sorted(unit.keys)} for unit in opened.units],
        "original": None,
    }
    if opened.original is not None:
        data["original"] = {**vars(opened.original), "packed_at": _moment(opened.original.packed_at)}
    return json.dumps(data, ensure_ascii=False)


def from_json(text: str) -> OpenedReturn:
    """An opened return back from the cache."""
    data = json.loads(text)
    data["claimed_at"] = datetime.fromisoformat(data["claimed_at"]) if data["claimed_at"] else None
    data["units"] = tuple(ClaimedUnit(**{**unit, "keys": frozenset(unit["keys"])}) for unit in data["units"])
    original = data.pop("original")
    if original is not None:
        original["packed_at"] = datetime.fromisoformat(original["packed_at"]) if original["packed_at"] else None
    return OpenedReturn(**data, original=OriginalParcel(**original) if original is not None else None)


def codes_of(opened: OpenedReturn) -> tuple[str, ...]:
    """Every code that opens the return at the bench."""
    original = opened.original
    extra = (original.external_id, original.cargo_tracking_number) if original is not None else ()
    return (opened.return_tracking_number, opened.order_number, *extra)


class OpenClaimsCopy:
    """Keeps the station's copy of the open claims fresh, and reads it when PostgreSQL is away."""

    def __init__(self, cache: ReturnCache) -> None:
        self._cache = cache

    def refresh(self, sessions: sessionmaker[Session]) -> int:
        """Copy every open claim (newest first, up to :data:`COPY_LIMIT`); returns how many."""
        with sessions() as session:
            open_items = select(ClaimItemRow.id).where(
                ClaimItemRow.claim_id == ClaimRow.id, ClaimItemRow.status.in_(OPEN_STATUSES)
            )
            claims = session.scalars(
                select(ClaimRow)
                .where(ClaimRow.processed_at.is_(None), open_items.exists())
                .order_by(ClaimRow.id.desc())
                .limit(COPY_LIMIT)
            ).all()
            opened = [opened_return(session, claim) for claim in claims]
        return self._cache.replace((item.claim_id, codes_of(item), to_json(item)) for item in opened if item.units)

    def refresh_while_online(self, sessions: sessionmaker[Session]) -> None:
        """The scheduled refresh, skipped quietly while the database is away."""
        try:
            count = self.refresh(sessions)
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            log.info("open claims not copied: database unreachable")
            return
        log.debug("open claims copied count=%d", count)

    def find(self, code: str) -> OpenedReturn | None:
        """The open claim ``code`` names, from the station's copy."""
        payload = self._cache.find(code.strip())
        return from_json(payload) if payload is not None else None

    def forget(self, claim_id: int) -> None:
        """A claim judged here no longer opens from the copy."""
        self._cache.forget(claim_id)
