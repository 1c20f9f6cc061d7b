"""Package claims: a short lease in PostgreSQL so two stations never pack the same parcel.

The claim is one conditional ``UPDATE``: it succeeds only when the package may be packed (its status
is packable and it is not packed yet) and nobody holds it, this station already does, or the
holder's lease ran out (a crashed station). The loser learns why: who has the parcel and where, when
it was packed, or the status that forbids packing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.access import User
from packstation.db.models.accounts import Station
from packstation.db.models.packages import PackageRow
from packstation.domain.status import PackageStatus
from packstation.services.packing.read_model import READY_STATUSES
from packstation.services.stock.reservations import needs_settling, settle_reservations


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
        expires = session.execute(
            update(PackageRow)
            .where(
                PackageRow.id == package_id,
                PackageRow.status.in_(READY_STATUSES),
                PackageRow.packed_at.is_(None),
                or_(
                    PackageRow.claimed_by_station_id.is_(None),
                    PackageRow.claimed_by_station_id == self._station_id,
                    PackageRow.claim_expires_at < func.now(),
                ),
            )
            .values(
                claimed_by_station_id=self._station_id,
                claimed_by_user_id=user_id,
                claim_expires_at=func.now() + self._lease,
            )
            .returning(PackageRow.claim_expires_at)
        ).scalar_one_or_none()
        if expires is not None:
            # Opening reserves: a package that arrived before its stock (or whose lines changed) gets
            # its units now, if there are any; usually it holds them already and this is one look.
            if needs_settling(session, package_id):
                settle_reservations(session, [package_id])
            return ClaimResult(won=True, package_id=package_id, expires_at=expires)
        row = session.execute(
            select(PackageRow.packed_at, PackageRow.status, PackageRow.claim_expires_at, Station.name, User.full_name)
            .outerjoin(Station, Station.id == PackageRow.claimed_by_station_id)
            .outerjoin(User, User.id == PackageRow.claimed_by_user_id)
            .where(PackageRow.id == package_id)
        ).one_or_none()
        if row is None:
            return ClaimResult(won=False, package_id=package_id)
        packed_at, status, expires_at, station, user = row
        refused = PackageStatus.of(status)
        return ClaimResult(
            won=False,
            package_id=package_id,
            expires_at=expires_at,
            holder_station=station,
            holder_user=user,
            already_packed_at=packed_at,
            refused_status=None if refused.is_packable or packed_at is not None else refused,
        )

    def release(self, package_id: int) -> None:
        """Give the package back (abort, or the pump's completion does it for a packed one)."""
        with self._sessions.begin() as session:
            session.execute(
                update(PackageRow)
                .where(PackageRow.id == package_id, PackageRow.claimed_by_station_id == self._station_id)
                .values(claimed_by_station_id=None, claimed_by_user_id=None, claim_expires_at=None)
            )
