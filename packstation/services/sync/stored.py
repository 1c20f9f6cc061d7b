"""What the station already holds for one account, read for a client that shapes packages around it.

Hepsiburada's open lines become a package only when packed, so the client keys what it lists by what
the station holds (see :class:`~packstation.services.marketplaces.models.LocalView`). Two indexed
look-ups, by key and by package number; each is one query for a whole page or queue.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.db.models.sync import OutboxEntry
from packstation.domain.status import OutboxKind, OutboxState, PackageStatus
from packstation.services.marketplaces.models import HeldPackage


class StoredPackages:
    """A :class:`LocalView` of account ``account_id`` in the shared database."""

    def __init__(self, sessions: sessionmaker[Session], account_id: int) -> None:
        self._sessions = sessions
        self._account_id = account_id

    def held(self, keys: Collection[str]) -> Mapping[str, HeldPackage]:
        """The stored packages among ``keys``."""
        if not keys:
            return {}
        now = datetime.now(UTC)
        number = func.coalesce(PackageRow.marketplace_package_number, PackageRow.raw["packageNumber"].astext, "")
        claimed = (PackageRow.claimed_by_station_id.is_not(None)) & (
            or_(PackageRow.claim_expires_at.is_(None), PackageRow.claim_expires_at > now)
        )
        busy = claimed | PackageRow.packed_at.is_not(None)
        wanted = PackageRow.account_id == self._account_id, PackageRow.external_id.in_(set(keys))
        with self._sessions() as session:
            rows = session.execute(
                select(PackageRow.external_id, PackageRow.order_number, PackageRow.status, number, busy).where(*wanted)
            ).all()
            lines: dict[str, set[str]] = {}
            # A line the station cancelled itself (unsupplied: cancelbymerchant) is not held: HB listing it
            # as cancelled does not make the parcel it was left out of spent.
            cancelled_here = (
                select(OutboxEntry.id)
                .where(
                    OutboxEntry.package_id == PackageRow.id,
                    OutboxEntry.kind == OutboxKind.UNSUPPLIED.value,
                    OutboxEntry.state != OutboxState.FAILED.value,
                    OutboxEntry.payload["line_id"].astext == PackageLineRow.external_line_id,
                )
                .exists()
            )
            for key, line_id in session.execute(
                select(PackageRow.external_id, PackageLineRow.external_line_id)
                .join(PackageLineRow, PackageLineRow.package_id == PackageRow.id)
                .where(*wanted, ~cancelled_here)
            ):
                lines.setdefault(key, set()).add(line_id)
        return {
            key: HeldPackage(
                key,
                order,
                PackageStatus.of(status),
                str(held_number or ""),
                bool(is_busy),
                frozenset(lines.get(key, ())),
            )
            for key, order, status, held_number, is_busy in rows
        }

    def keys_by_number(self, numbers: Collection[str]) -> Mapping[str, str]:
        """Package number to the key of the stored package carrying it (the indexed column only)."""
        if not numbers:
            return {}
        with self._sessions() as session:
            rows = session.execute(
                select(PackageRow.marketplace_package_number, PackageRow.external_id)
                .where(
                    PackageRow.account_id == self._account_id,
                    PackageRow.marketplace_package_number.in_(set(numbers)),
                )
                .order_by(PackageRow.id)
            ).all()
        return {str(number): key for number, key in rows}
