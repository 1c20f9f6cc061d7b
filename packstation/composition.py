"""The composition root: builds every object the station runs on and wires them together.

Nothing else creates services, so tests can build exactly the pieces they need.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from packstation.config import MarketplaceAccount, Settings
from packstation.domain.events import DatabaseStatus, EventBus

if TYPE_CHECKING:
    # The database stack loads on the start-up worker thread, after the window is on screen.
    from apscheduler.schedulers.background import BackgroundScheduler
    from sqlalchemy.orm import Session, sessionmaker

    from packstation.db.connect import Database
    from packstation.demo.marketplace import DemoMarketplace
    from packstation.devices.base import LabelPrinter
    from packstation.devices.printers.factory import PrinterFactory
    from packstation.devices.printers.print_queue import PrintQueue
    from packstation.devices.scale import Scale
    from packstation.domain.marketplace import LabelFormat
    from packstation.local_store.journal import Journal
    from packstation.local_store.station_lock import StationLock
    from packstation.services.access.audit import AuditLog
    from packstation.services.access.auth import AuthService
    from packstation.services.access.secrets import RedactingFilter, SecretStore
    from packstation.services.access.users import Credentials, UserService
    from packstation.services.journal.pump import JournalPump
    from packstation.services.marketplaces.writes import MarketplaceLabel
    from packstation.services.packing.images import ImageCache
    from packstation.services.packing.offline_cache import OfflineCache
    from packstation.services.packing.read_model import PackageQueries
    from packstation.services.packing.service import OpenedPackage, PackingService
    from packstation.services.printing.dispatch import LabelDispatcher, MarketplaceLabelSource, ReprintService
    from packstation.services.station.heartbeat import StationService
    from packstation.services.sync.jobs import MarketplaceJobs

log = logging.getLogger("packstation.composition")
HEARTBEAT_SECONDS = 15
#: How often a thread holding the GIL hands it over (see start_services).
GIL_SWITCH_INTERVAL_S = 0.001
DEMO_ORDER_SECONDS = 20
OFFLINE_CACHE_SECONDS = 60


@dataclass
class AppContext:
    """Everything the window needs once the database is up."""

    settings: Settings
    database: Database
    bus: EventBus
    packages: PackageQueries
    users: UserService
    station: StationService
    station_id: int
    demo: bool
    packing: PackingService
    pump: JournalPump
    print_queue: PrintQueue
    labels: LabelDispatcher
    reprints: ReprintService
    images: ImageCache
    auth: AuthService
    audit: AuditLog
    jobs: MarketplaceJobs | None
    scheduler: BackgroundScheduler = field(repr=False)
    on_close: list[Callable[[], None]] = field(default_factory=list)
    #: Held while the app runs: a second instance on this station folder is refused.
    station_lock: StationLock | None = field(default=None, repr=False)
    closed: bool = field(default=False, repr=False)

    def close(self) -> None:
        """Stop background work, then release the database (the embedded server stops with its last user).

        Safe to call twice (a signal's shutdown and a window's close may both get here).
        """
        if self.closed:
            return
        self.closed = True
        self.scheduler.shutdown(wait=False)
        if self.jobs is not None:
            self.jobs.shutdown()
        for hook in self.on_close:
            hook()
        self.labels.close()
        self.print_queue.stop()
        self.pump.stop()
        self.database.close()
        if self.station_lock is not None:
            self.station_lock.release()


def heartbeat(station: StationService, bus: EventBus, journal: Journal | None = None) -> None:
    """Record the heartbeat (with the work still waiting in the journal) and publish whether the database answered."""
    from sqlalchemy.exc import SQLAlchemyError

    now = datetime.now(UTC)
    stats = journal.stats() if journal is not None else None
    try:
        station.heartbeat(
            pending_operations=stats.pending if stats else 0, oldest_pending_at=stats.oldest_at if stats else None
        )
    except SQLAlchemyError as exc:
        from packstation.db.errors import error_reason

        reason = error_reason(exc)
        log.warning("database unreachable reason=%s", reason)
        bus.publish(DatabaseStatus(online=False, detail=reason, checked_at=now))
    else:
        bus.publish(DatabaseStatus(online=True, detail="", checked_at=now))


def refresh_offline_cache(cache: OfflineCache, sessions: sessionmaker[Session]) -> None:
    """Copy the ready-to-pack parcels to the station (skipped quietly while the database is away)."""
    from packstation.services.packing.source import is_connection_error

    try:
        cache.refresh(sessions)
    except Exception as exc:
        if not is_connection_error(exc):
            raise
        log.info("offline cache not refreshed: database unreachable")


def start_services(
    settings: Settings,
    bus: EventBus,
    *,
    demo: bool,
    demo_packages: int = 300,
    redactor: RedactingFilter | None = None,
    demo_marketplace: DemoMarketplace | None = None,
    printers: PrinterFactory | None = None,
) -> AppContext:
    """Open the database (starting the embedded one if needed), seed the demo, start background work.

    Runs on a worker thread: it may take seconds on a first start. ``printers`` builds the print queue's
    printers (the station window passes one that knows ``qt://`` office printers). Each step below
    builds one group of services from what the earlier steps made; nothing is patched afterwards.
    """
    from packstation.devices.printers.factory import open_printer
    from packstation.local_store.journal import Journal
    from packstation.local_store.station_lock import lock_station_folder
    from packstation.services.access.auth import AuthService
    from packstation.services.access.secrets import SecretStore
    from packstation.services.journal.pump import JournalPump
    from packstation.services.packing.images import ImageCache
    from packstation.services.packing.offline_cache import CACHE_FILE, OfflineCache
    from packstation.services.packing.read_model import PackageQueries
    from packstation.services.printing.dispatch import ReprintService

    # The sync, pump and print threads share the GIL with the packing thread. A thread coming back
    # from I/O waits for the holder's switch interval: 1 ms instead of Python's 5 ms, so a scan or an
    # open never queues behind a sync burst for long.
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    # First of all: a second instance must not start an embedded server, a pump or a print queue.
    station_lock = lock_station_folder(settings.data_dir())
    secrets = SecretStore()
    if redactor is not None:
        from packstation.services.access.auth import install_secret_redactions

        install_secret_redactions(redactor, settings, secrets)
    try:
        store = _open_store(
            settings, secrets, demo=demo, demo_packages=demo_packages, demo_marketplace=demo_marketplace
        )
    except Exception:
        station_lock.release()
        raise
    data_dir = settings.data_dir()
    scheduler = _scheduler()
    journal = Journal(data_dir / "journal.sqlite3")
    pump = JournalPump(journal, store.database.for_pump(), on_status=bus.publish)
    jobs = _marketplace_jobs(settings, store.database, scheduler, secrets, bus)
    print_queue, dispatcher = _printing(
        settings, bus, printers or open_printer, jobs=jobs, sessions=store.database.sessions
    )
    cache = OfflineCache(data_dir / CACHE_FILE)
    scale = _scale(settings)
    packing = _packing(settings, store, journal=journal, cache=cache, pump=pump, dispatcher=dispatcher, scale=scale)
    users = _users(settings, store, demo=demo)
    _schedule(scheduler, store, bus=bus, journal=journal, cache=cache, demo_marketplace=demo_marketplace)
    on_close: list[Callable[[], None]] = [scale.stop] if scale is not None else []
    if demo_marketplace is not None:
        on_close.append(demo_marketplace.stop)
    pump.start()
    print_queue.start()
    scheduler.start()
    sessions = store.database.sessions
    return AppContext(
        settings=settings,
        database=store.database,
        bus=bus,
        packages=PackageQueries(sessions),
        users=users,
        station=store.station,
        station_id=store.station_id,
        demo=demo,
        packing=packing,
        pump=pump,
        print_queue=print_queue,
        labels=dispatcher,
        reprints=ReprintService(
            dispatcher,
            sessions,
            audit=store.audit,
            limit=settings.security.reprint_limit,
            station_id=store.station_id,
            clock=_utc_now,
        ),
        auth=AuthService(sessions, credentials=store.credentials, audit=store.audit, security=settings.security),
        audit=store.audit,
        images=ImageCache(data_dir / "images"),
        jobs=jobs,
        scheduler=scheduler,
        on_close=on_close,
        station_lock=station_lock,
    )


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class _Store:
    """The open database and what every service shares on it: the audit log and this station's row."""

    database: Database
    audit: AuditLog
    credentials: Credentials
    station: StationService
    station_id: int


def _open_store(
    settings: Settings,
    secrets: SecretStore,
    *,
    demo: bool,
    demo_packages: int,
    demo_marketplace: DemoMarketplace | None,
) -> _Store:
    """Step 1: the database (brought to the current schema), the demo's data, and this station registered."""
    from packstation.db.connect import open_database
    from packstation.services.access.audit import AuditLog
    from packstation.services.access.users import Credentials
    from packstation.services.station.database_secret import database_password
    from packstation.services.station.heartbeat import StationService

    database = open_database(
        settings,
        database_password(secrets),
        application_name=f"packstation/{settings.station.name}",
        station_pools=True,
        embedded_secrets=secrets,
    )
    try:
        if demo:
            from packstation.demo.data import seed_demo_data

            # With the demo marketplace running, parcels arrive through the sync like real orders.
            local_packages = 0 if demo_marketplace is not None else demo_packages
            summary = seed_demo_data(database.sessions, packages=local_packages)
            log.info(
                "demo data products=%s packages=%s created=%s", summary.products, summary.packages, summary.created
            )
        audit = AuditLog(database.sessions)
        # Station administration is audited: the audit log goes in with the service, not after it.
        station = StationService(database.sessions, name=settings.station.name, audit=audit)
        station_id = station.register()
    except Exception:
        database.close()
        raise
    return _Store(database, audit, Credentials(database.sessions), station, station_id)


def _scheduler() -> BackgroundScheduler:
    """Step 2: the scheduler for sync, pushes and heartbeats, on threads that give way to the packing thread."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler

    from packstation.services.sync.background import lower_thread_priority

    return BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(10, pool_kwargs={"initializer": lower_thread_priority})},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=UTC,
    )


def _marketplace_jobs(
    settings: Settings, database: Database, scheduler: BackgroundScheduler, secrets: SecretStore, bus: EventBus
) -> MarketplaceJobs | None:
    """Step 3: one sync and push job per configured marketplace account (None without accounts)."""
    if not settings.marketplaces:
        return None
    from packstation.services.sync.accounts import client_for
    from packstation.services.sync.jobs import MarketplaceJobs
    from packstation.services.sync.leadership import Leadership

    jobs = MarketplaceJobs(
        scheduler,
        settings=settings,
        sessions=database.sessions,
        leadership=Leadership(database.engine, station=settings.station.name),
        make_client=lambda account: client_for(account, secrets),
        publish=bus.publish,
    )
    jobs.install()
    return jobs


def _printing(
    settings: Settings,
    bus: EventBus,
    printers: Callable[[str], LabelPrinter],
    *,
    jobs: MarketplaceJobs | None,
    sessions: sessionmaker[Session],
) -> tuple[PrintQueue, LabelDispatcher]:
    """Step 4: the print queue and the label dispatcher (asking the marketplace for its label where it issues one)."""
    from packstation.devices.printers.print_queue import PrintQueue
    from packstation.services.labels import LabelFormat, LabelService
    from packstation.services.printing.dispatch import LabelDispatcher

    data_dir = settings.data_dir()
    label_service = LabelService()
    print_queue = PrintQueue(
        data_dir / "print_jobs.sqlite3",
        setup_job=label_service.font_job(),
        on_event=bus.publish,
        printer_factory=printers,
    )
    spool = data_dir / "spool"
    spool.mkdir(parents=True, exist_ok=True)
    dispatcher = LabelDispatcher(
        label_service,
        print_queue,
        printer_uri=settings.printer.uri or spool.as_uri(),
        dpi=settings.printer.dpi,
        size=settings.printer.label_size,
        on_preview=bus.publish,
        on_problem=bus.publish,
        marketplace_label=marketplace_label_source(jobs, sessions) if jobs is not None else None,
        fmt=LabelFormat(settings.printer.label_format()),
    )
    return print_queue, dispatcher


def _scale(settings: Settings) -> Scale | None:
    """Step 5: the scale, when one is configured (its reader thread starts here)."""
    if not settings.scale.uri:
        return None
    from packstation.devices.scale import Scale

    scale = Scale(settings.scale.uri)
    scale.start()
    return scale


def _packing(
    settings: Settings,
    store: _Store,
    *,
    journal: Journal,
    cache: OfflineCache,
    pump: JournalPump,
    dispatcher: LabelDispatcher,
    scale: Scale | None,
) -> PackingService:
    """Step 6: the packing service: claims, the journal, the offline copy, and the label on completion."""
    from packstation.domain.keyboard_layout import LayoutRepair
    from packstation.services.packing.claims import ClaimService
    from packstation.services.packing.service import PackingService
    from packstation.services.station.clock import StationClock

    # The packing thread has its own connection pool: a sync burst never makes a scan wait for one.
    sessions = store.database.for_packing()
    return PackingService(
        sessions,
        journal=journal,
        claims=ClaimService(
            sessions, station_id=store.station_id, lease=timedelta(seconds=settings.station.claim_lease_s)
        ),
        station=settings.station.name,
        # Times the station records (opened, scanned, packed) ignore wall-clock steps; see StationClock.
        clock=StationClock(),
        layout_repair=LayoutRepair(enabled=True) if settings.scanner.repair_turkish_q else None,
        on_journaled=pump.wake,
        on_completed=dispatcher.on_completed,
        cache=cache,
        audit=store.audit,
        weigh=scale.grams if scale is not None else None,
    )


def _users(settings: Settings, store: _Store, *, demo: bool) -> UserService:
    """Step 7: user administration (and the demo's badges)."""
    from packstation.services.access.users import UserService

    users = UserService(
        store.database.sessions,
        credentials=store.credentials,
        audit=store.audit,
        pin_min_length=settings.security.pin_min_length,
    )
    if demo:
        from packstation.demo.data import seed_demo_users

        seed_demo_users(users)
    return users


def _schedule(
    scheduler: BackgroundScheduler,
    store: _Store,
    *,
    bus: EventBus,
    journal: Journal,
    cache: OfflineCache,
    demo_marketplace: DemoMarketplace | None,
) -> None:
    """Step 8: the station's periodic work: heartbeat, offline copy, and the demo's new orders."""
    now = datetime.now(UTC)
    scheduler.add_job(
        heartbeat,
        "interval",
        seconds=HEARTBEAT_SECONDS,
        args=(store.station, bus, journal),
        id="heartbeat",
        next_run_time=now,
    )
    scheduler.add_job(
        refresh_offline_cache,
        "interval",
        seconds=OFFLINE_CACHE_SECONDS,
        args=(cache, store.database.sessions),
        id="offline-cache",
        next_run_time=now,
    )
    if demo_marketplace is not None:
        scheduler.add_job(demo_marketplace.add_order, "interval", seconds=DEMO_ORDER_SECONDS, id="demo-orders")


def demo_settings(settings: Settings, *, marketplace: MarketplaceAccount | None = None) -> Settings:
    """The demo runs on its own embedded database, spools labels to a folder, and syncs the simulator."""
    data_dir = settings.data_dir() / "demo"
    return settings.model_copy(
        update={
            "database": settings.database.model_copy(update={"url": None}),
            "station": settings.station.model_copy(update={"data_dir": data_dir}),
            "printer": settings.printer.model_copy(update={"uri": None}),
            "marketplaces": [marketplace] if marketplace is not None else [],
        }
    )


def marketplace_label_source(jobs: MarketplaceJobs, sessions: sessionmaker[Session]) -> MarketplaceLabelSource:
    """The marketplace's own label for a parcel (Trendyol's common label, Hepsiburada's common barcode),
    asked for in the printer's format, or None where we print ours."""
    from packstation.services.marketplaces.hepsiburada.client import HepsiburadaClient
    from packstation.services.sync.hepsiburada import PackageNumbers, hepsiburada_label

    def fetch(package: OpenedPackage, preferred: LabelFormat, box_count: int) -> MarketplaceLabel | None:
        client = jobs.clients.by_name(package.account)
        if not client.capabilities.marketplace_label:
            return None
        if isinstance(client, HepsiburadaClient):
            # HB's label is asked for by package number: made (once) when the parcel is packed.
            return hepsiburada_label(
                client,
                PackageNumbers(sessions),
                package.id,
                tracking=package.cargo_tracking_number,
                preferred=preferred,
                box_count=box_count,
            )
        return client.label_for(
            package.external_id, package.cargo_tracking_number, box_count=box_count, preferred=preferred
        )

    return fetch
