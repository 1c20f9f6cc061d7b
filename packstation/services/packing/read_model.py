"""Finding packages: by any code a packer may scan, and the list of what is ready to pack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, text, true, union
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.accounts import MarketplaceAccountRow
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.domain.status import STORED_STATUSES
from packstation.services.stock.places import pick_bin_code

#: The stored statuses a packer may work on: :attr:`PackageStatus.is_packable`, the one rule, as SQL values.
READY_STATUSES = tuple(status.value for status in STORED_STATUSES if status.is_packable)
#: Up to this many packages the home screen's total is counted exactly; beyond, PostgreSQL's estimate.
EXACT_TOTAL_UP_TO = 100_000


@dataclass(frozen=True)
class PackageSummary:
    """What a list or a choice dialog shows about one package."""

    id: int
    account: str
    external_id: str
    order_number: str
    status: str
    cargo_tracking_number: str | None
    cargo_provider: str | None
    customer_name: str
    city: str
    district: str
    line_count: int
    item_count: int
    order_date: datetime | None

    @classmethod
    def of(cls, package: PackageRow, *, account: str, line_count: int, item_count: int) -> PackageSummary:
        """The summary of a stored package, its account's name and its line and item counts."""
        return cls(
            id=package.id,
            account=account,
            external_id=package.external_id,
            order_number=package.order_number,
            status=package.status,
            cargo_tracking_number=package.cargo_tracking_number,
            cargo_provider=package.cargo_provider,
            customer_name=package.customer_name,
            city=package.city,
            district=package.district,
            line_count=line_count,
            item_count=item_count,
            order_date=package.order_date,
        )


@dataclass(frozen=True)
class PackageCounts:
    """Headline numbers for the home screen."""

    ready: int
    packed_today: int
    total: int


class PackageQueries:
    """Read-only package look-ups (safe from any worker thread)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def _summaries(self, session: Session, where: object, *, limit: int) -> list[PackageSummary]:
        # Pick the packages first (index look-ups), then count lines for just those: aggregating every
        # line up front would read the whole package_lines table on each scan.
        picked = (
            select(PackageRow.id)
            .where(where)  # type: ignore[arg-type]
            .order_by(PackageRow.order_date.asc().nulls_last(), PackageRow.id)
            .limit(limit)
            .subquery()
        )
        lines = (
            select(func.count().label("line_count"), func.sum(PackageLineRow.quantity).label("item_count"))
            .where(PackageLineRow.package_id == PackageRow.id)
            .correlate(PackageRow)
            .lateral()
        )
        rows = session.execute(
            select(PackageRow, MarketplaceAccountRow.name, lines.c.line_count, lines.c.item_count)
            .join(picked, picked.c.id == PackageRow.id)
            .join(MarketplaceAccountRow, MarketplaceAccountRow.id == PackageRow.account_id)
            .join(lines, true())
            .order_by(PackageRow.order_date.asc().nulls_last(), PackageRow.id)
        ).all()
        return [
            PackageSummary.of(
                package, account=account, line_count=int(line_count or 0), item_count=int(item_count or 0)
            )
            for package, account, line_count, item_count in rows
        ]

    def find_by_code(self, code: str, *, limit: int = 20, session: Session | None = None) -> list[PackageSummary]:
        """Packages a scanned code can mean: tracking number, package id, the marketplace's package number,
        order number (the package's, or any of its lines': orders combined into one parcel) or slip code.

        Several packages can share an order number; the caller offers a choice then. Runs in
        ``session`` when given (the caller's transaction), otherwise in its own.
        """
        code = code.strip()
        if not code:
            return []
        # A union of index look-ups: an OR across the two tables would make PostgreSQL filter every package.
        found = union(
            select(PackageRow.id).where(
                or_(
                    PackageRow.cargo_tracking_number == code,
                    PackageRow.external_id == code,
                    PackageRow.order_number == code,
                    PackageRow.packing_slip_code == code,
                    PackageRow.marketplace_package_number == code,
                )
            ),
            select(PackageLineRow.package_id).where(PackageLineRow.order_number == code),
        )
        where = PackageRow.id.in_(found)
        if session is not None:
            return self._summaries(session, where, limit=limit)
        with self._sessions() as own:
            return self._summaries(own, where, limit=limit)

    def ready_to_pack(self, *, limit: int = 200) -> list[PackageSummary]:
        """Oldest first: packages waiting to be packed."""
        where = PackageRow.status.in_(READY_STATUSES) & PackageRow.packed_at.is_(None)
        with self._sessions() as session:
            return self._summaries(session, where, limit=limit)

    def counts(self) -> PackageCounts:
        """Ready, packed today (UTC day) and total packages (estimated once there are very many)."""
        with self._sessions() as session:
            ready = session.scalar(
                select(func.count()).where(PackageRow.status.in_(READY_STATUSES), PackageRow.packed_at.is_(None))
            )
            packed = session.scalar(
                select(func.count()).where(PackageRow.packed_at >= func.date_trunc("day", func.now()))
            )
            # Every station refreshes this after every parcel: counting millions of rows each time would
            # load the shared database for a headline figure. PostgreSQL's own estimate (kept by
            # autovacuum) serves beyond EXACT_TOTAL_UP_TO; -1 means the table was never analysed.
            estimate = session.scalar(
                text("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(:name)"),
                {"name": PackageRow.__tablename__},
            )
            if estimate is None or estimate < EXACT_TOTAL_UP_TO:
                total = session.scalar(select(func.count()).select_from(PackageRow))
            else:
                total = estimate
        return PackageCounts(ready=int(ready or 0), packed_today=int(packed or 0), total=int(total or 0))


@dataclass(frozen=True)
class LineDetail:
    """One package line as the packer sees it."""

    id: int
    barcode: str
    stock_code: str | None
    product_name: str
    colour: str | None
    size: str | None
    quantity: int
    bin_location: str | None


@dataclass(frozen=True)
class PackageDetail:
    """A package with its lines and delivery address."""

    summary: PackageSummary
    address_line: str
    lines: tuple[LineDetail, ...]


def package_detail(sessions: sessionmaker[Session], package_id: int) -> PackageDetail | None:
    """The package with its lines (None if it does not exist)."""
    queries = PackageQueries(sessions)
    with sessions() as session:
        summaries = queries._summaries(session, PackageRow.id == package_id, limit=1)
        if not summaries:
            return None
        address = session.scalar(select(PackageRow.address_line).where(PackageRow.id == package_id)) or ""
        rows = session.execute(
            select(PackageLineRow, pick_bin_code(PackageLineRow.product_id))
            .where(PackageLineRow.package_id == package_id)
            .order_by(PackageLineRow.id)
        ).all()
    lines = tuple(
        LineDetail(
            id=line.id,
            barcode=line.barcode,
            stock_code=line.stock_code,
            product_name=line.product_name,
            colour=line.colour,
            size=line.size,
            quantity=line.quantity,
            bin_location=bin_location,
        )
        for line, bin_location in rows
    )
    return PackageDetail(summary=summaries[0], address_line=address, lines=lines)
