"""Pulling marketplace packages into PostgreSQL (Qt-free; runs on the sync scheduler's worker threads).

One sync of one account:

1. list packages modified since ``watermark - overlap`` (first sync: a look-back), in windows no longer
   than the marketplace allows; the overlap catches changes the marketplace stamped late or out of order;
2. write the pages in batches (the pages that arrived while earlier batches were written), each in
   its own transaction, two at a time on two connections: products missing from the catalogue, then
   packages and their lines in one ``INSERT ... ON CONFLICT (account_id, external_id) DO UPDATE``
   guarded by the remote modification time (a repeated or older copy never overwrites a newer one);
3. link successors (split / unsupplied) to their origin packages once every page is in;
4. advance the watermark to the sync's start only when the whole listing succeeded.

Poison packages never block: a package the client could not parse arrives set aside on its page, and
a batch the database refuses (a value PostgreSQL cannot store) is written again package by package, so
only the package at fault is set aside. Set-aside packages become sync exceptions (see
:mod:`set_aside`); the rest lands, the watermark advances, and the account's ``last_error`` names them.
Any failure of a sync, whatever its type, is recorded in ``last_error``.

Local packing state (claims, packed_at, weights) is never touched by a sync. Pages already written
when a sync fails stay written: every write is an idempotent upsert, and the next sync covers the window.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.errors import is_connection_error
from packstation.db.models.accounts import MarketplaceAccountRow
from packstation.db.models.sync import SyncState
from packstation.domain.status import PackageStatus
from packstation.domain.sync import SetAside, Superseded, SyncResult
from packstation.i18n import _
from packstation.services.marketplaces.base import MarketplaceClient
from packstation.services.marketplaces.fields import without_nul
from packstation.services.marketplaces.models import PackagePage, PackageQuery
from packstation.services.stock.reservations import settle_reservations
from packstation.services.sync.hepsiburada import apply_status_reports
from packstation.services.sync.prefetch import prefetched_runs
from packstation.services.sync.results import PageCallback, SyncSettings, Tally
from packstation.services.sync.rows import STOPPING, Received, ensure_products, link_successors, upsert_packages
from packstation.services.sync.set_aside import (
    open_set_aside,
    printable,
    record_set_aside,
    resolve_stored,
    summary,
)
from packstation.services.sync.stored import StoredPackages

log = logging.getLogger("packstation.services.sync.pull")

_DEADLOCK = "40P01"
_WRITE_ATTEMPTS = 3
#: SQLSTATE classes that blame the data, not the database: data exception (a NUL in jsonb, a value
#: out of range), integrity violation, program limit exceeded (an index row too large). A batch failing
#: with one of these is written again package by package; any other failure (the database is away)
#: fails the sync as before, since writing singly could not help.
_DATA_FAULTS = frozenset({"22", "23", "54"})


class SyncInterrupted(Exception):
    """The station stopped a pull between pages (it is shutting down): not a marketplace failure."""


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

    def sync_account(
        self,
        account_id: int,
        client: MarketplaceClient,
        *,
        on_page: PageCallback | None = None,
        stop: threading.Event | None = None,
    ) -> SyncResult:
        """Run one sync; raises the marketplace's typed error after recording it in the sync state.

        With ``stop`` set when it fails (the station shutting down closed the client), it raises
        :class:`SyncInterrupted` instead and records nothing: the next start reads the same window again.
        """
        started = self._clock()
        with self._sessions.begin() as session:
            account = session.get(MarketplaceAccountRow, account_id)
            if account is None:
                raise ValueError(f"no marketplace account {account_id}")
            company_id = account.client_company_id
            # Two syncs of one account may start together (the schedule and "sync now", or two
            # stations): create the row race-free, then take it under a row lock.
            session.execute(insert(SyncState).values(account_id=account_id).on_conflict_do_nothing())
            state = session.get(SyncState, account_id, with_for_update=True)
            assert state is not None
            state.last_attempt_at = started
            previous = state.watermark
            account_name = account.name
            # Package ids with an open set-aside exception (usually none): resolved once stored.
            open_ids = frozenset(open_set_aside(session, account_id))
        overlap = self.settings.overlap + self.settings.timezone_allowance
        since = previous - overlap if previous else started - self.settings.first_sync_lookback
        tally = Tally()
        successors: dict[str, tuple[str, ...]] = {}
        try:
            cut = windows(since, started, self.settings.max_window)
            for number, (window_start, window_end) in enumerate(cut):
                # The last window stays open: a change stamped just after our start is read now rather
                # than in the next sync (which would still catch it, through the overlap).
                until = window_end if number < len(cut) - 1 else None
                query = PackageQuery(
                    modified_since=window_start,
                    modified_until=until,
                    statuses=self.settings.statuses,
                    local=StoredPackages(self._sessions, account_id),
                )
                successors |= self._pull(
                    client,
                    query,
                    account_id=account_id,
                    company_id=company_id,
                    tally=tally,
                    on_page=on_page,
                    open_ids=open_ids,
                )
            with self._sessions.begin() as session:
                linked = link_successors(session, account_id, successors)
                record_set_aside(session, account_id, account_name, tally.set_aside)
                set_aside_ids = {item.package_id for item in tally.set_aside}
                resolve_stored(session, account_id, tally.recovered - set_aside_ids, at=self._clock())
            # Statuses some marketplaces report without the package (HB's shipped/cancelled feeds).
            reports = list(client.iter_status_reports())
            if reports:
                with self._sessions.begin() as session:
                    moved = apply_status_reports(session, account_id, reports)
                    settle_reservations(session, [m.id for m in moved])
                tally.superseded.extend(
                    Superseded(m.id, m.external_id, m.status) for m in moved if m.status.stored.value in STOPPING
                )
        except SyncInterrupted:  # the station stopped it: pages written stay, the watermark does not move
            raise
        except Exception as error:  # every failure reaches the sync panel, whatever its type
            if stop is not None and stop.is_set():  # the station closed the client under it: not a failure
                raise SyncInterrupted(str(error)) from error
            self._record_failure(account_id, error)
            raise
        written = tally.new + tally.updated
        result = SyncResult(
            account_id,
            tally.pages,
            tally.received,
            written,
            tally.new_products,
            linked,
            since,
            started,
            new=tally.new,
            updated=tally.updated,
            unchanged=tally.unchanged,
            superseded=tuple(tally.superseded),
            set_aside=tuple(tally.set_aside),
        )
        with self._sessions.begin() as session:
            state = session.get(SyncState, account_id)
            assert state is not None  # created at the start of this sync
            state.watermark = started
            state.last_success_at = self._clock()
            state.last_error = summary(tally.set_aside)
            # Merged, not replaced: other keys (the stock push watermark) live in the same JSON.
            state.counts = dict(state.counts or {}) | {
                "pages": tally.pages,
                "received": tally.received,
                "written": written,
                "new": tally.new,
                "updated": tally.updated,
                "unchanged": tally.unchanged,
                "new_products": tally.new_products,
                "set_aside": len(tally.set_aside),
            }
        log.info(
            "synced account=%d pages=%d received=%d new=%d updated=%d unchanged=%d superseded=%d linked=%d since=%s",
            account_id,
            tally.pages,
            tally.received,
            tally.new,
            tally.updated,
            tally.unchanged,
            len(tally.superseded),
            linked,
            since.isoformat(),
        )
        return result

    def _pull(
        self,
        client: MarketplaceClient,
        query: PackageQuery,
        *,
        account_id: int,
        company_id: int,
        tally: Tally,
        on_page: PageCallback | None,
        open_ids: frozenset[str] = frozenset(),
    ) -> dict[str, tuple[str, ...]]:
        """List one window and write it; returns the successors seen (package id -> origin ids)."""
        successors: dict[str, tuple[str, ...]] = {}
        products: dict[str, int] = {}  # barcode -> product id, shared by this window's batches
        # Three stages overlap: pages download and parse on the prefetch thread, and up to
        # ``writers`` batches are written at once, each on its own connection, so PostgreSQL's work
        # spreads over its cores. Pages that arrived meanwhile go into the next batch together.
        ahead, writers = self.settings.prefetch_pages, max(1, self.settings.writers)
        in_flight: deque[Future[Tally]] = deque()

        def settle(batch: Future[Tally]) -> None:
            tally.add(batch.result())
            if on_page is not None:
                on_page(tally.pages, tally.received)

        with ThreadPoolExecutor(max_workers=writers, thread_name_prefix="sync-write") as pool:
            try:
                for run in prefetched_runs(client.iter_package_pages(query), depth=ahead, most=ahead):
                    successors |= {
                        p.package_id: p.origin_package_ids for page in run for p in page.packages if p.is_successor
                    }
                    in_flight.append(pool.submit(self._write_batch, account_id, company_id, run, products, open_ids))
                    while len(in_flight) >= writers:
                        settle(in_flight.popleft())
                while in_flight:
                    settle(in_flight.popleft())
            finally:
                for batch in in_flight:  # a failure: let the other writes finish or stop, then raise
                    batch.cancel()
        return successors

    def _write_batch(
        self,
        account_id: int,
        company_id: int,
        pages: list[PackagePage],
        products: dict[str, int],
        open_ids: frozenset[str] = frozenset(),
    ) -> Tally:
        """Write one batch in its own transaction, retried when PostgreSQL picked it as a deadlock victim."""
        for attempt in range(1, _WRITE_ATTEMPTS + 1):
            batch = Tally(pages=len(pages), received=_received(pages))
            batch.set_aside.extend(item for page in pages for item in page.set_aside)
            # Products this batch adds are shared with the other batches only once it committed.
            resolved = dict(products)
            try:
                with self._sessions.begin() as session:
                    self._write(
                        session, account_id, company_id, pages, tally=batch, products=resolved, open_ids=open_ids
                    )
                products.update(resolved)
                return batch
            except DBAPIError as exc:
                code = str(getattr(exc.orig, "pgcode", None) or "")
                if code[:2] in _DATA_FAULTS:
                    log.warning("sync batch refused, writing singly account=%d error=%s", account_id, exc.orig)
                    return self._write_singly(account_id, company_id, pages, products, open_ids)
                # Two writers locking the same rows (a package on two pages, a new product in two
                # batches) in opposite orders: PostgreSQL aborts one; running it again is safe.
                if code != _DEADLOCK or attempt == _WRITE_ATTEMPTS:
                    raise
                log.info("sync batch retried after a deadlock account=%d attempt=%d", account_id, attempt)
        raise AssertionError("unreachable")

    def _write_singly(
        self,
        account_id: int,
        company_id: int,
        pages: list[PackagePage],
        products: dict[str, int],
        open_ids: frozenset[str],
    ) -> Tally:
        """Write a refused batch one package per transaction; set aside the packages still refused."""
        batch = Tally(pages=len(pages), received=_received(pages))
        batch.set_aside.extend(item for page in pages for item in page.set_aside)
        for page in pages:
            for package in page.packages:
                # Without the page's reply text the stored raw payload is the parsed one, NUL-free.
                single = PackagePage((replace(package, raw=without_nul(package.raw)),), page.number, False)
                one = Tally()
                resolved = dict(products)
                try:
                    with self._sessions.begin() as session:
                        self._write(
                            session, account_id, company_id, [single], tally=one, products=resolved, open_ids=open_ids
                        )
                except DBAPIError as exc:
                    if str(getattr(exc.orig, "pgcode", None) or "")[:2] not in _DATA_FAULTS:
                        raise
                    reason = _("the database refused it: {error}").format(error=str(exc.orig).strip()[:300])
                    batch.set_aside.append(
                        SetAside(package.package_id, reason, package.order_number, package.last_modified_ms)
                    )
                    continue
                products.update(resolved)
                batch.add(one)
        return batch

    def _record_failure(self, account_id: int, error: Exception) -> None:
        log.error("sync failed account=%d error=%s", account_id, error)
        message = str(error) or type(error).__name__
        try:
            with self._sessions.begin() as session:
                session.execute(
                    update(SyncState)
                    .where(SyncState.account_id == account_id)
                    .values(last_error=printable(message, 2000))
                )
        except Exception as exc:  # the database itself failed: the original error is the one to raise
            if is_connection_error(exc):  # a restart, a cut cable: the line above said what failed
                log.info("sync failure not recorded account=%d: database unreachable", account_id)
            else:
                log.exception("could not record the sync failure account=%d", account_id)

    def _write(
        self,
        session: Session,
        account_id: int,
        company_id: int,
        pages: Sequence[PackagePage],
        *,
        tally: Tally,
        products: dict[str, int],
        open_ids: frozenset[str] = frozenset(),
    ) -> None:
        """Upsert pages' packages into ``tally``'s counts."""
        latest: dict[str, Received] = {}
        for page_index, page in enumerate(pages):
            for item, package in enumerate(page.packages):  # pages can repeat a package; keep its newest copy
                kept = latest.get(package.package_id)
                if kept is None or (package.last_modified_ms or 0) >= (kept.package.last_modified_ms or 0):
                    latest[package.package_id] = Received(package, page_index, item)
        if not latest:
            return
        # Rows in key order: concurrent writers then take their row locks in the same order.
        ordered = [latest[key] for key in sorted(latest)]
        added, product_ids = ensure_products(session, company_id, [r.package for r in ordered], known=products)
        tally.new_products += added
        replies = [page.reply_json for page in pages]
        written = upsert_packages(session, account_id, ordered, product_ids, replies=replies)
        # Arrived: hold stock for the lines; cancelled or unsupplied: let it go (see services.stock.reservations).
        settle_reservations(session, [row.id for row in written])
        for row in written:
            if row.inserted:
                tally.new += 1
                continue
            tally.updated += 1
            if row.status in STOPPING and row.previous_status not in STOPPING:
                # The marketplace's own word (UnPacked: replaced by new packages) tells the packer more than
                # the stored one (Cancelled), which the window would announce as a cancellation.
                remote = latest[row.external_id].package.status
                said = remote if remote.stored.value == row.status else PackageStatus(row.status)
                tally.superseded.append(Superseded(row.id, row.external_id, said))
        tally.unchanged += len(latest) - len(written)
        if open_ids:
            tally.recovered |= open_ids.intersection(latest)


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


def _received(pages: Sequence[PackagePage]) -> int:
    return sum(len(page.packages) + len(page.set_aside) for page in pages)


__all__ = ["PackageSync", "PageCallback", "Superseded", "SyncResult", "SyncSettings", "windows"]
