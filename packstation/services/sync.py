"""Pulling marketplace packages into PostgreSQL (Qt-free; runs on the sync scheduler's worker threads).

One sync of one account:

1. list packages modified since ``watermark - overlap`` (first sync: a look-back), in windows no longer
   than the marketplace allows; the overlap catches changes the marketplace stamped late or out of order;
2. write each page in its own transaction: products missing from the catalogue, then packages with
   ``INSERT ... ON CONFLICT (account_id, external_id) DO UPDATE`` guarded by the remote modification
   time (a repeated or older copy never overwrites a newer one), then their lines;
3. link successors (split / unsupplied) to their origin packages once every page is in;
4. advance the watermark to the sync's start only when the whole listing succeeded.

Local packing state (claims, packed_at, weights) is never touched by a sync. Pages already written
when a sync fails stay written: every write is an idempotent upsert, and the next sync covers the window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models import MarketplaceAccountRow, Package, PackageLine, Product, ProductBarcode, SyncState
from packstation.domain.status import PackageStatus as StoredStatus
from packstation.services.marketplaces.base import MarketplaceClient
from packstation.services.marketplaces.errors import MarketplaceError
from packstation.services.marketplaces.models import PackageQuery, PackageStatus, RemotePackage

log = logging.getLogger("packstation.services.sync")

# The database keeps the domain's vocabulary; statuses it lacks map to their packing meaning.
_STORED = {
    PackageStatus.AWAITING: StoredStatus.AWAITING,
    PackageStatus.CREATED: StoredStatus.CREATED,
    PackageStatus.PICKING: StoredStatus.PICKING,
    PackageStatus.INVOICED: StoredStatus.INVOICED,
    PackageStatus.SHIPPED: StoredStatus.SHIPPED,
    PackageStatus.AT_COLLECTION_POINT: StoredStatus.SHIPPED,
    PackageStatus.UNDELIVERED: StoredStatus.SHIPPED,
    PackageStatus.DELIVERED: StoredStatus.DELIVERED,
    PackageStatus.RETURNED: StoredStatus.RETURNED,
    PackageStatus.CANCELLED: StoredStatus.CANCELLED,
    PackageStatus.UNSUPPLIED: StoredStatus.UNSUPPLIED,
    PackageStatus.UNPACKED: StoredStatus.CANCELLED,  # replaced by its split packages: never pack it
    PackageStatus.UNKNOWN: StoredStatus.UNKNOWN,
}


@dataclass(frozen=True)
class SyncSettings:
    """How far back and in which steps to list."""

    overlap: timedelta = timedelta(hours=3)
    first_sync_lookback: timedelta = timedelta(days=14)
    #: Longest window one listing may cover (Trendyol stream: 14 days, N11: 15).
    max_window: timedelta = timedelta(days=14) - timedelta(minutes=1)
    statuses: frozenset[PackageStatus] = frozenset()


@dataclass(frozen=True)
class SyncResult:
    """What one sync did."""

    account_id: int
    pages: int
    received: int
    written: int
    new_products: int
    linked_successors: int
    since: datetime
    watermark: datetime


class PackageSync:
    """Syncs marketplace accounts into the shared database."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        settings: SyncSettings | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self.settings = settings or SyncSettings()
        self._clock = clock

    def sync_account(self, account_id: int, client: MarketplaceClient) -> SyncResult:
        """Run one sync; raises the marketplace's typed error after recording it in the sync state."""
        started = self._clock()
        with self._sessions.begin() as session:
            account = session.get(MarketplaceAccountRow, account_id)
            if account is None:
                raise ValueError(f"no marketplace account {account_id}")
            company_id = account.client_company_id
            state = session.get(SyncState, account_id) or SyncState(account_id=account_id)
            state.last_attempt_at = started
            session.add(state)
            previous = state.watermark
        since = previous - self.settings.overlap if previous else started - self.settings.first_sync_lookback
        pages = received = written = new_products = 0
        successors: dict[str, tuple[str, ...]] = {}
        try:
            cut = windows(since, started, self.settings.max_window)
            for number, (window_start, window_end) in enumerate(cut):
                # The last window stays open: a change stamped just after our start is read now rather
                # than in the next sync (which would still catch it, through the overlap).
                until = window_end if number < len(cut) - 1 else None
                query = PackageQuery(modified_since=window_start, modified_until=until, statuses=self.settings.statuses)
                for page in client.iter_package_pages(query):
                    pages += 1
                    received += len(page.packages)
                    with self._sessions.begin() as session:
                        products, rows = self._write_page(session, account_id, company_id, page.packages)
                    new_products += products
                    written += rows
                    successors |= {p.package_id: p.origin_package_ids for p in page.packages if p.is_successor}
            with self._sessions.begin() as session:
                linked = _link_successors(session, account_id, successors)
        except MarketplaceError as error:
            self._record_failure(account_id, error)
            raise
        result = SyncResult(account_id, pages, received, written, new_products, linked, since, started)
        with self._sessions.begin() as session:
            state = session.get(SyncState, account_id)
            assert state is not None  # created at the start of this sync
            state.watermark = started
            state.last_success_at = self._clock()
            state.last_error = None
            state.counts = {"pages": pages, "received": received, "written": written, "new_products": new_products}
        log.info(
            "synced account=%d pages=%d received=%d written=%d new_products=%d linked=%d since=%s",
            account_id,
            pages,
            received,
            written,
            new_products,
            linked,
            since.isoformat(),
        )
        return result

    def _record_failure(self, account_id: int, error: MarketplaceError) -> None:
        log.error("sync failed account=%d error=%s", account_id, error)
        with self._sessions.begin() as session:
            session.execute(
                update(SyncState).where(SyncState.account_id == account_id).values(last_error=str(error)[:2000])
            )

    def _write_page(
        self, session: Session, account_id: int, company_id: int, packages: Sequence[RemotePackage]
    ) -> tuple[int, int]:
        """Upsert one page; returns (products added, packages written)."""
        latest: dict[str, RemotePackage] = {}
        for package in packages:  # a page can repeat a package; keep its newest copy
            kept = latest.get(package.package_id)
            if kept is None or (package.last_modified_ms or 0) >= (kept.last_modified_ms or 0):
                latest[package.package_id] = package
        if not latest:
            return 0, 0
        added, product_ids = _ensure_products(session, company_id, latest.values())
        statement = insert(Package).values([_package_row(account_id, p) for p in latest.values()])
        remote = (
            "order_number",
            "status",
            "cargo_tracking_number",
            "cargo_provider",
            "customer_name",
            "address_line",
            "district",
            "city",
            "phone",
            "order_date",
            "remote_modified_at",
            "raw",
        )
        statement = statement.on_conflict_do_update(
            index_elements=[Package.account_id, Package.external_id],
            set_={name: statement.excluded[name] for name in remote} | {"updated_at": func.now()},
            # An older or repeated copy (overlapping windows, shifted pages) must not win.
            where=(Package.remote_modified_at.is_(None))
            | (statement.excluded.remote_modified_at.is_(None))
            | (statement.excluded.remote_modified_at >= Package.remote_modified_at),
        ).returning(Package.id, Package.external_id)
        written = {external: package_id for package_id, external in session.execute(statement)}
        lines = [
            _line_row(written[p.package_id], line, product_ids.get(line.barcode))
            for p in latest.values()
            if p.package_id in written
            for line in p.lines
        ]
        if lines:
            line_insert = insert(PackageLine).values(lines)
            line_insert = line_insert.on_conflict_do_update(
                index_elements=[PackageLine.package_id, PackageLine.external_line_id],
                set_={
                    name: line_insert.excluded[name]
                    for name in (
                        "barcode",
                        "stock_code",
                        "product_name",
                        "colour",
                        "size",
                        "quantity",
                        "unit_price",
                        "product_id",
                    )
                },
            )
            session.execute(line_insert)
        return added, len(written)


def windows(since: datetime, until: datetime, size: timedelta) -> list[tuple[datetime, datetime]]:
    """``[since, until]`` cut into consecutive windows no longer than ``size``."""
    if size <= timedelta(0):
        raise ValueError(f"window size must be positive, got {size}")
    result = []
    start = since
    while start < until:
        end = min(start + size, until)
        result.append((start, end))
        start = end
    return result or [(since, until)]


def _package_row(account_id: int, package: RemotePackage) -> dict[str, Any]:
    address = package.shipment_address
    street = ""
    if address is not None:
        street = " ".join(part for part in (address.address1, address.address2) if part) or address.full_address
    return {
        "account_id": account_id,
        "external_id": package.package_id,
        "order_number": package.order_number,
        "status": _STORED[package.status].value,
        "cargo_tracking_number": package.cargo_tracking_number or None,
        "cargo_provider": package.cargo_provider or None,
        "customer_name": package.customer_name or (address.full_name if address else ""),
        "address_line": street,
        "district": address.district if address else "",
        "city": address.city if address else "",
        "phone": (address.phone or None) if address else None,
        "order_date": package.order_date,
        "remote_modified_at": package.last_modified,
        "raw": _jsonable(package.raw),
    }


def _line_row(package_id: int, line: Any, product_id: int | None) -> dict[str, Any]:
    return {
        "package_id": package_id,
        "external_line_id": line.line_id,
        "barcode": line.barcode,
        "stock_code": line.stock_code or None,
        "product_name": line.product_name,
        "colour": line.color or None,
        "size": line.size or None,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "product_id": product_id,
    }


def _jsonable(value: Any) -> Any:
    """The raw payload for JSONB: Decimals become JSON numbers, big ints stay exact."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    return value


def _ensure_products(
    session: Session, company_id: int, packages: Iterable[RemotePackage]
) -> tuple[int, dict[str, int]]:
    """Add catalogue products for line barcodes the company does not know; return (added, barcode→id)."""
    seen = {line.barcode: line for package in packages for line in package.lines}
    known = dict(
        session.execute(
            select(ProductBarcode.barcode, ProductBarcode.product_id)
            .join(Product, Product.id == ProductBarcode.product_id)
            .where(Product.client_company_id == company_id, ProductBarcode.barcode.in_(seen))
        ).all()
    )
    missing = [line for barcode, line in seen.items() if barcode not in known]
    if not missing:
        return 0, known
    rows = [
        {
            "client_company_id": company_id,
            # Without a seller SKU the barcode is the best stable key the marketplace gives us.
            "stock_code": line.stock_code or line.barcode,
            "name": line.product_name or line.barcode,
            "colour": line.color or None,
            "size": line.size or None,
        }
        for line in missing
    ]
    added = session.execute(insert(Product).values(rows).on_conflict_do_nothing().returning(Product.id)).all()
    codes = {row["stock_code"] for row in rows}
    ids = dict(
        session.execute(
            select(Product.stock_code, Product.id).where(
                Product.client_company_id == company_id, Product.stock_code.in_(codes)
            )
        ).all()
    )
    barcodes = [{"product_id": ids[line.stock_code or line.barcode], "barcode": line.barcode} for line in missing]
    session.execute(insert(ProductBarcode).values(barcodes).on_conflict_do_nothing())
    for line in missing:
        known[line.barcode] = ids[line.stock_code or line.barcode]
    return len(added), known


def _link_successors(session: Session, account_id: int, successors: dict[str, tuple[str, ...]]) -> int:
    """Point each successor at its (first) origin package, where the origin is stored."""
    pairs = {successor: origins[0] for successor, origins in successors.items() if origins}
    if not pairs:
        return 0
    origin_ids = dict(
        session.execute(
            select(Package.external_id, Package.id).where(
                Package.account_id == account_id, Package.external_id.in_(set(pairs.values()))
            )
        ).all()
    )
    linked = 0
    for successor, origin in pairs.items():  # a few per sync: one small UPDATE each is fine
        origin_id = origin_ids.get(origin)
        if origin_id is None:
            log.warning("origin not stored account=%d package=%s origin=%s", account_id, successor, origin)
            continue
        result = session.execute(
            update(Package)
            .where(
                Package.account_id == account_id,
                Package.external_id == successor,
                Package.origin_package_id.is_distinct_from(origin_id),
            )
            .values(origin_package_id=origin_id)
        )
        linked += result.rowcount  # type: ignore[attr-defined]
    return linked
