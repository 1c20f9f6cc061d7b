"""The station's offline cache: the parcels ready to pack, so packing goes on while PostgreSQL is away.

A full refresh copies the packages that are ready to pack (the oldest ``limit``, with their lines and
the client company that sends them, and the whole barcode catalogue) from PostgreSQL into a local
SQLite file. Between full refreshes (every :data:`FULL_REFRESH_S`) a refresh copies only the packages
whose ``updated_at`` moved since the last one, and drops those no longer ready: a minute's changes
instead of tens of thousands of parcels, on a station that also packs. With the database
unreachable, the packing service opens, verifies and completes parcels from here, and claims them
provisionally; the journal carries every step to PostgreSQL once it is back.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.errors import is_connection_error
from packstation.db.models.accounts import ClientCompany, MarketplaceAccountRow
from packstation.db.models.catalog import ProductBarcode, ProductRow
from packstation.db.models.packages import PackageLineRow, PackageRow
from packstation.domain.catalogue import BarcodeIndex
from packstation.local_store.offline_cache import CachedPackage, CacheStore
from packstation.local_store.sqlite import LocalStoreError
from packstation.services.packing.model import LineInfo, LoadedPackage, OpenedPackage, line_info, opened_package
from packstation.services.packing.read_model import READY_TO_PACK, PackageSummary
from packstation.services.packing.source import catalogue_index
from packstation.services.stock.places import pick_bin_code

log = logging.getLogger("packstation.services.packing.offline_cache")

#: The cache's file name in the station's data folder.
CACHE_FILE = "offline_cache.sqlite3"
#: A full copy at least this often; in between, refreshes copy what changed.
FULL_REFRESH_S = 15 * 60
#: Changes are read again this far back: a transaction stamps ``updated_at`` when it starts and may
#: commit after our read (the station's transactions last milliseconds; a sync batch, seconds).
CHANGE_OVERLAP = timedelta(minutes=2)
#: How long a packer's last scan waits for a refresh writing the cache before its mark waits in memory.
MARK_WAIT_S = 0.05
#: Packages read from PostgreSQL per checkout of the connection. The station's background jobs share one
#: connection, and a full copy of 20,000 parcels read in one go held it for tens of seconds on a loaded
#: station (leadership waited 30 s for it at a 50-station start-up); between chunks the others get a turn.
READ_CHUNK = 1000

#: As they will be packed (the partial index ix_packages_ready serves it with READY_TO_PACK).
_OLDEST_FIRST = (PackageRow.order_date.asc().nulls_last(), PackageRow.id)


class Ready(NamedTuple):
    """A ready package as the cache stores it: opened, summarised, its slip code, status and other codes."""

    package: OpenedPackage
    summary: PackageSummary
    slip_code: str | None
    status: str
    other_codes: tuple[str, ...]


class OfflineCache:
    """Ready-to-pack packages and the catalogue, kept on the station: a package source for when PostgreSQL is away.

    Refreshing reads PostgreSQL and writes the station's cache file (:class:`CacheStore`); the reads
    serve the packing service through :class:`~packstation.services.packing.source.SourceFallback`.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._store = CacheStore(path)
        # Packed here, not yet in the cache file (a refresh held it): see mark_packed.
        self._unmarked: set[int] = set()
        self._marks = threading.Lock()

    def close(self) -> None:
        """Close the cache file's connections (a later use opens one again)."""
        self._store.close()

    # -- refresh (a background job, while online) --------------------------------------------------------

    def refresh(self, sessions: sessionmaker[Session], *, limit: int = 20_000, full: bool | None = None) -> int:
        """Bring the cache up to date with PostgreSQL; returns how many packages were copied.

        ``full``: True copies the ``limit`` oldest ready packages and the catalogue afresh, False only
        what changed since the last refresh, None (the schedule) decides: full when one is due.
        """
        watermark, full_at = self._store.meta("watermark"), self._store.meta("full_at")
        if full is None:
            full = (
                watermark is None
                or full_at is None
                or datetime.now(UTC) - datetime.fromisoformat(full_at) > timedelta(seconds=FULL_REFRESH_S)
            )
        if full or watermark is None:
            return self._refresh_full(sessions, limit)
        return self._refresh_changes(sessions, limit, datetime.fromisoformat(watermark))

    def refresh_while_online(self, sessions: sessionmaker[Session]) -> None:
        """The scheduled refresh: as :meth:`refresh`, skipped quietly while the database is away."""
        try:
            self.refresh(sessions)
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            log.info("offline cache not refreshed: database unreachable")

    def _refresh_full(self, sessions: sessionmaker[Session], limit: int) -> int:
        # Which packages, then their contents chunk by chunk: what changes meanwhile is stamped after
        # ``started`` and copied by the next refresh (a package no longer ready by its chunk is left out).
        with sessions() as session:
            started = session.scalar(select(func.now()))
            oldest = select(PackageRow.id).where(READY_TO_PACK).order_by(*_OLDEST_FIRST).limit(limit)
            ids = list(session.scalars(oldest))
        packages = self._read_chunked(sessions, ids)
        with sessions() as session:
            barcodes = session.execute(
                select(
                    ProductBarcode.barcode,
                    ProductRow.id,
                    ProductRow.stock_code,
                    ProductRow.name,
                    ProductBarcode.multiplier,
                ).join(ProductRow, ProductRow.id == ProductBarcode.product_id)
            ).all()
        with self._store.writing() as write:
            # Parcels packed here while offline stay marked until PostgreSQL shows them packed.
            packed_here = self._marked(write.packed_here())
            write.clear_packages()
            write.store(packages, packed_here)
            write.replace_barcodes(tuple(row) for row in barcodes)  # type: ignore[misc]
            write.stamp(started, full=True)
        log.info("offline cache refreshed packages=%s barcodes=%s", len(packages), len(barcodes))
        return len(packages)

    def _refresh_changes(self, sessions: sessionmaker[Session], limit: int, watermark: datetime) -> int:
        with sessions() as session:
            started = session.scalar(select(func.now()))
            changed = session.execute(
                select(PackageRow.id, READY_TO_PACK)
                .where(PackageRow.updated_at >= watermark - CHANGE_OVERLAP)
                .order_by(PackageRow.updated_at)
                .limit(limit + 1)
            ).all()
        if len(changed) > limit:  # a first sync, a bulk import: copy afresh instead
            return self._refresh_full(sessions, limit)
        still_ready = [package_id for package_id, is_ready in changed if is_ready]
        packages = self._read_chunked(sessions, still_ready)
        gone = [package_id for package_id, is_ready in changed if not is_ready]
        with self._store.writing() as write:
            write.delete(gone)
            packed_here = self._marked(write.packed_here()) & set(still_ready)
            write.delete(package.id for package in packages)
            write.store(packages, packed_here)
            write.stamp(started, full=False)
        log.debug("offline cache updated packages=%s gone=%s", len(packages), len(gone))
        return len(packages)

    @classmethod
    def _read_chunked(cls, sessions: sessionmaker[Session], ids: list[int]) -> list[CachedPackage]:
        """Those of ``ids`` still ready, as the cache stores them, read :data:`READ_CHUNK` at a time."""
        cached: list[CachedPackage] = []
        for start in range(0, len(ids), READ_CHUNK):
            with sessions() as session:
                cached.extend(_cached(cls._read_ready(session, ids[start : start + READ_CHUNK])))
        return cached

    @staticmethod
    def _read_ready(session: Session, ids: list[int]) -> list[Ready]:
        """Those of ``ids`` still ready to pack, oldest first, with their lines and their sender."""
        query = (
            select(PackageRow, MarketplaceAccountRow, ClientCompany)
            .join(MarketplaceAccountRow, MarketplaceAccountRow.id == PackageRow.account_id)
            .join(ClientCompany, ClientCompany.id == MarketplaceAccountRow.client_company_id)
            .where(PackageRow.id.in_(ids), READY_TO_PACK)
            .order_by(*_OLDEST_FIRST)
        )
        rows = session.execute(query).all()
        ids = [package.id for package, _account, _client in rows]
        lines: dict[int, list[LineInfo]] = {}
        codes: dict[int, set[str]] = {}
        for line, bin_location, image_url in session.execute(
            select(PackageLineRow, pick_bin_code(PackageLineRow.product_id), ProductRow.image_url)
            .outerjoin(ProductRow, ProductRow.id == PackageLineRow.product_id)
            .where(PackageLineRow.package_id.in_(ids))
            .order_by(PackageLineRow.id)
        ):
            lines.setdefault(line.package_id, []).append(line_info(line, bin_location, image_url))
            if line.order_number:
                codes.setdefault(line.package_id, set()).add(line.order_number)
        result = []
        for package, account, client in rows:
            package_lines = tuple(lines.get(package.id, ()))
            opened = opened_package(package, account, client, package_lines)
            summary = PackageSummary.of(
                package,
                account=account.name,
                line_count=len(package_lines),
                item_count=sum(line.quantity for line in package_lines),
            )
            other = codes.get(package.id, set()) | {package.marketplace_package_number or ""}
            other -= {"", package.order_number, package.external_id}
            result.append(Ready(opened, summary, package.packing_slip_code, package.status, tuple(sorted(other))))
        return result

    # -- reads (the packing thread, while offline): the PackageSource --------------------------------------

    def find_by_code(self, code: str) -> list[PackageSummary]:
        """Cached packages a scanned code can mean (packed-here ones included, so the packer is told)."""
        return [PackageSummary.from_document(json.loads(row.summary)) for row in self._store.find_by_code(code.strip())]

    def load(self, package_id: int) -> LoadedPackage | None:
        """The cached package, its status, and whether it was packed here while offline."""
        row = self._store.load(package_id)
        if row is None:
            return None
        with self._marks:
            packed_here = row.packed_locally or package_id in self._unmarked
        return LoadedPackage(OpenedPackage.from_document(json.loads(row.document)), row.status, packed_here)

    def mark_packed(self, package_id: int) -> None:
        """Packed here: a second scan of it must not pack it again while offline.

        Never holds up or fails the scan that packed it (the parcel is in the journal already): while a
        refresh writes the cache file, which takes seconds on a slow disk, the mark waits in memory;
        reads see it there, the refresh writes it, or the next mark does.
        """
        with self._marks:
            self._unmarked.add(package_id)
            marks = set(self._unmarked)
        try:
            self._store.mark_packed(marks, wait_s=MARK_WAIT_S)
        except (sqlite3.Error, LocalStoreError) as exc:
            # A refresh holding the file is the expected case (every completion during one): the mark is
            # written later. Anything else (a full disk, a damaged file) is worth a supervisor's look.
            busy = isinstance(exc, sqlite3.OperationalError) and exc.sqlite_errorcode == sqlite3.SQLITE_BUSY
            log.log(
                logging.INFO if busy else logging.WARNING,
                "offline copy not marked packed yet packages=%s reason=%s",
                len(marks),
                exc,
            )
            return
        with self._marks:
            self._unmarked -= marks

    def _marked(self, stored: set[int]) -> set[int]:
        """Packed here: as the cache file says, and the marks still waiting in memory."""
        with self._marks:
            return stored | self._unmarked

    def catalogue(self) -> BarcodeIndex:
        """The barcode catalogue as of the last refresh."""
        return catalogue_index(self._store.barcodes())

    def counts(self) -> tuple[int, datetime | None]:
        """Cached packages and when the cache was last refreshed."""
        return self._store.counts()


def _cached(packages: list[Ready]) -> list[CachedPackage]:
    return [
        CachedPackage(
            id=p.id,
            external_id=p.external_id,
            order_number=p.order_number,
            tracking=p.cargo_tracking_number or None,
            slip_code=slip,
            status=status,
            document=json.dumps(p.document(), ensure_ascii=False),
            summary=json.dumps(summary.document(), ensure_ascii=False),
            other_codes=other_codes,
        )
        for p, summary, slip, status, other_codes in packages
    ]
