"""Packages as the outbox sends them: built from what the sync stored, and the status we told kept there."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.accounts import MarketplaceAccountRow
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.domain.marketplace import Marketplace
from packstation.domain.status import PackageStatus
from packstation.services.marketplaces.models import RemoteLine, RemotePackage


def stored_packages(sessions: sessionmaker[Session], ids: Iterable[int]) -> dict[int, RemotePackage]:
    """The packages ``ids`` as the sync stored them, by database id (no listing call per package)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    with sessions() as session:
        packages = session.execute(
            select(PackageRow, MarketplaceAccountRow.kind)
            .join(MarketplaceAccountRow, MarketplaceAccountRow.id == PackageRow.account_id)
            .where(PackageRow.id.in_(wanted))
        ).all()
        lines: dict[int, list[RemoteLine]] = {}
        for line in session.scalars(
            select(PackageLineRow).where(PackageLineRow.package_id.in_(wanted)).order_by(PackageLineRow.id)
        ):
            lines.setdefault(line.package_id, []).append(
                RemoteLine(line.external_line_id, line.barcode, line.quantity, stock_code=line.stock_code or "")
            )
        return {
            package.id: RemotePackage(
                marketplace=Marketplace(kind),
                package_id=package.external_id,
                order_number=package.order_number,
                status=PackageStatus.parse(package.status),
                status_raw=package.status,
                lines=tuple(lines.get(package.id, ())),
                cargo_tracking_number=package.cargo_tracking_number or "",
            )
            for package, kind in packages
        }


def store_told_status(session: Session, package_id: int | None, status: PackageStatus) -> None:
    """Keep what we just told the marketplace until the next sync brings its own copy (never backwards)."""
    session.execute(
        update(PackageRow)
        .where(
            PackageRow.id == package_id,
            PackageRow.status.in_([PackageStatus.CREATED.value, PackageStatus.PICKING.value]),
        )
        .values(status=status.value)
    )
