"""Package claims: a short lease in PostgreSQL so two stations never pack the same parcel.

The claim is one conditional ``UPDATE`` (in the server function ``package_claim()``, migration 0021):
it succeeds only when the package may be packed (its status is packable and it is not packed yet) and
nobody holds it, this station already does, or the holder's lease ran out (a crashed station). The
loser learns why: who has the parcel and where, when it was packed, or the status that forbids it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import text, update
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.packages import PackageRow
from packstation.domain.status import PackageStatus
from packstation.domain.stock import ReservationState
from packstation.services.packing.read_model import READY_STATUSES, PackageSummary, summaries_of
from packstation.services.stock.reservations import settle_reservations


@dataclass(frozen=True)
class ClaimResult:
    """Whether this station got the package, and if not, who holds it."""

    won: bool
    package_id: int
    expires_at: datetime | None = None
    holder_station: str | None = None
    holder_user: str | None = None
    already_packed_at: datetime | None = None
    #: Set when the package's status forbids packing it (Awaiting, Cancelled, Shipped ...).
    refused_status: PackageStatus | None = None

    @classmethod
    def of(cls, package_id: int, data: dict[str, Any]) -> ClaimResult:
        """The claim as ``package_claim()`` answers it (JSON): won, or who holds it, when it was packed, its status."""
        expires_at = _moment(data.get("expires_at"))
        if data["won"]:
            return cls(won=True, package_id=package_id, expires_at=expires_at)
        packed_at = _moment(data.get("packed_at"))
        status = PackageStatus.of(data["status"]) if data.get("status") is not None else None
        return cls(
            won=False,
            package_id=package_id,
            expires_at=expires_at,
            holder_station=data.get("holder_station"),
            holder_user=data.get("holder_user"),
            already_packed_at=packed_at,
            refused_status=None if status is None or status.is_packable or packed_at is not None else status,
        )


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class OpenAnswer(NamedTuple):
    """``package_open()``'s answer: the matches; the claim and the loaded package's document when one was claimed."""

    matches: list[PackageSummary]
    claim: ClaimResult | None
    loaded: dict[str, Any] | None


_CLAIM = text("SELECT package_claim(:package, :station, :user, :lease, :ready, :held)")
_OPEN = text("SELECT package_open(:code, :station, :user, :lease, :ready, :held, :limit)")


class ClaimService:
    """Claims, renews and releases package leases for one station."""

    def __init__(self, sessions: sessionmaker[Session], *, station_id: int, lease: timedelta) -> None:
        self._sessions = sessions
        self._station_id = station_id
        self._lease = lease

    def claim(self, package_id: int, *, user_id: int | None, session: Session | None = None) -> ClaimResult:
        """Take (or renew) the lease on ``package_id`` for this station (inside ``session`` when given)."""
        if session is None:
            with self._sessions.begin() as own:
                return self._claim(own, package_id, user_id)
        return self._claim(session, package_id, user_id)

    def _claim(self, session: Session, package_id: int, user_id: int | None) -> ClaimResult:
        data = session.execute(_CLAIM, {"package": package_id, **self._arguments(user_id)}).scalar_one()
        return self._settled(session, package_id, data)

    def open_by_code(self, session: Session, code: str, *, user_id: int | None, limit: int) -> OpenAnswer:
        """What ``code`` means and, when it is one ready package, its claim and contents: one round trip.

        ``package_open()`` (migration 0021) claims only a single match whose status is ready; the
        caller decides the rest (a choice, a refusal) from the matches.
        """
        data = session.execute(_OPEN, {"code": code, "limit": limit, **self._arguments(user_id)}).scalar_one()
        matches = summaries_of(data["matches"])
        if data["claim"] is None:
            return OpenAnswer(matches, None, None)
        return OpenAnswer(matches, self._settled(session, matches[0].id, data["claim"]), data["loaded"])

    def _arguments(self, user_id: int | None) -> dict[str, Any]:
        return {
            "station": self._station_id,
            "user": user_id,
            "lease": self._lease,
            "ready": list(READY_STATUSES),
            "held": ReservationState.HELD.value,
        }

    @staticmethod
    def _settled(session: Session, package_id: int, data: dict[str, Any]) -> ClaimResult:
        # Opening reserves: a package that arrived before its stock (or whose lines changed) gets its
        # units now, if there are any; usually it holds them already and the claim's check says so.
        if data["won"] and data["settle"]:
            settle_reservations(session, [package_id])
        return ClaimResult.of(package_id, data)

    def release(self, package_id: int) -> None:
        """Give the package back (abort, or the pump's completion does it for a packed one)."""
        with self._sessions.begin() as session:
            session.execute(
                update(PackageRow)
                .where(PackageRow.id == package_id, PackageRow.claimed_by_station_id == self._station_id)
                .values(claimed_by_station_id=None, claimed_by_user_id=None, claim_expires_at=None)
            )
