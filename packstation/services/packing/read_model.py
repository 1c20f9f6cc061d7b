"""Finding packages: by any code a packer may scan, and the list of what is ready to pack."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.domain.status import STORED_STATUSES
from packstation.services.stock.places import pick_bin_code

#: The stored statuses a packer may work on: :attr:`PackageStatus.is_packable`, the one rule, as SQL values.
READY_STATUSES = tuple(status.value for status in STORED_STATUSES if status.is_packable)
#: Waiting to be packed: a packable status and not packed yet (the partial index ix_packages_ready).
READY_TO_PACK = and_(PackageRow.status.in_(READY_STATUSES), PackageRow.packed_at.is_(None))
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

    @classmethod
    def from_document(cls, data: dict[str, Any]) -> PackageSummary:
        """A summary from its JSON form: the offline cache's copy, or ``package_summaries()``."""
        order_date = data["order_date"]
        return cls(**{**data, "order_date": datetime.fromisoformat(order_date) if order_date else None})

    def document(self) -> dict[str, Any]:
        """The JSON form :meth:`from_document` reads."""
        data = {name: getattr(self, name) for name in _SUMMARY_FIELDS}
        data["order_date"] = self.order_date.isoformat() if self.order_date else None
        return data


def summaries_of(documents: list[dict[str, Any]]) -> list[PackageSummary]:
    """The summaries ``package_summaries()`` gives as JSON (its keys are :class:`PackageSummary`'s fields)."""
    return [PackageSummary.from_document(document) for document in documents]


_FIND = text("SELECT package_summaries(package_find(:code, :limit))")


_SUMMARY_FIELDS = tuple(field.name for field in fields(PackageSummary))


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
        # Pick the packages first (index look-ups); package_summaries() then counts lines for just those.
        picked = (
            select(PackageRow.id, PackageRow.order_date)
            .where(where)  # type: ignore[arg-type]
            .order_by(PackageRow.order_date.asc().nulls_last(), PackageRow.id)
            .limit(limit)
            .subquery()
        )
        ids = select(
            func.array_agg(aggregate_order_by(picked.c.id, picked.c.order_date.asc().nulls_last(), picked.c.id))
        ).scalar_subquery()
        return summaries_of(session.execute(select(func.package_summaries(ids))).scalar_one())

    def find_by_code(self, code: str, *, limit: int = 20, session: Session | None = None) -> list[PackageSummary]:
        """Packages a scanned code can mean: tracking number, package id, the marketplace's package number,
        order number (the package's, or any of its lines': orders combined into one parcel) or slip code.

        Several packages can share an order number; the caller offers a choice then. Runs in
        ``session`` when given (the caller's transaction), otherwise in its own. The rule is the server
        function ``package_find()`` (migration 0021), which opening a parcel calls too.
        """
        code = code.strip()
        if not code:
            return []
        if session is None:
            with self._sessions() as own:
                return self.find_by_code(code, limit=limit, session=own)
        return summaries_of(session.execute(_FIND, {"code": code, "limit": limit}).scalar_one())

    def ready_to_pack(self, *, limit: int = 200) -> list[PackageSummary]:
        """Oldest first: packages waiting to be packed."""
        with self._sessions() as session:
            return self._summaries(session, READY_TO_PACK, limit=limit)

    def counts(self) -> PackageCounts:
        """Ready, packed today (UTC day) and total packages (estimated once there are very many)."""
        with self._sessions() as session:
            ready = session.scalar(select(func.count()).where(READY_TO_PACK))
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
