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

from packstation.config import Settings
from packstation.domain.events import EventBus

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
    from packstation.local_store.journal import Journal
    from packstation.local_store.station_lock import StationLock
    from packstation.services.access.audit import AuditLog
    from packstation.services.access.auth import AuthService
    from packstation.services.access.secrets import RedactingFilter, SecretStore
    from packstation.services.access.users import Credentials, UserService
    from packstation.services.journal.pump import JournalPump
    from packstation.services.packing.images import ImageCache
    from packstation.services.packing.offline_cache import OfflineCache
    from packstation.services.packing.read_model import PackageQueries
    from packstation.services.packing.service import PackingService
    from packstation.services.photos.sealing import SealingPhotos
    from packstation.services.photos.spool import PhotoSpool
    from packstation.services.photos.store import PhotoStore
    from packstation.services.printing.dispatch import LabelDispatcher, PrintRedirects, ReprintService
    from packstation.services.returns.offline import OpenClaimsCopy
    from packstation.services.returns.service import ReturnService
    from packstation.services.station.heartbeat import StationService
    from packstation.services.sync.jobs import MarketplaceJobs

log = logging.getLogger("packstation.composition")
HEARTBEAT_SECONDS = 15
#: How often a thread holding the GIL hands it over (see start_services).
GIL_SWITCH_INTERVAL_S = 0.001
DEMO_ORDER_SECONDS = 20
DEMO_RETURN_SECONDS = 90
OFFLINE_CACHE_SECONDS = 60
#: How often the photo-before-sealing settings are read again, and old photos pruned.
SEALING_SETTINGS_SECONDS = 60
PHOTO_PRUNE_SECONDS = 3600


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
    #: Sends a failed label to another printer: privileged (CHANGE_SETTINGS) and audited.
    redirects: PrintRedirects
    images: ImageCache
    #: Photo evidence of parcels and returns (every station reads them; ``[camera] uri`` takes them).
    photos: PhotoStore
    #: Which clients want a photo of each parcel before sealing.
    sealing_photos: SealingPhotos
    #: Stores the station's photos, keeping them on its disk while PostgreSQL is away.
    photo_spool: PhotoSpool
    auth: AuthService
    audit: AuditLog
    jobs: MarketplaceJobs | None
    #: Returns at the bench: claims opened by a scanned code, judged returns journaled.
    returns: ReturnService
    scheduler: BackgroundScheduler = field(repr=False)
    on_close: list[Callable[[], None]] = field(default_factory=list)
    #: Run last, once nothing uses them: the station files' connections (journal, offline cache) closed.
    local_stores: list[Callable[[], None]] = field(default_factory=list)
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
        for close in self.local_stores:
            close()
        self.database.close()
        if self.station_lock is not None:
            self.station_lock.release()


def start_services(
    settings: Settings,
    bus: EventBus,
    *,
    demo: bool,
    seed: Callable[[Database], None] | None = None,
    redactor: RedactingFilter | None = None,
    demo_marketplace: DemoMarketplace | None = None,
    printers: PrinterFactory | None = None,
) -> AppContext:
    """Open the database (starting the embedded one if needed), register the station, start background work.

    Runs on a worker thread: it may take seconds on a first start. ``seed`` prepares the freshly opened
    database before the station registers: only the demo passes one (``packstation.demo.station.demo_seed``);
    ``demo`` itself only tells the window it runs the demo. ``printers`` builds the print queue's printers
    (the station window passes one that knows ``qt://`` office printers). Each step below builds one group
    of services from what the earlier steps made; nothing is patched afterwards.
    """
    from packstation.devices.printers.factory import open_printer
    from packstation.local_store.journal import Journal
    from packstation.local_store.return_cache import RETURN_CACHE_FILE, ReturnCache
    from packstation.local_store.station_lock import lock_station_folder
    from packstation.services.access.auth import AuthService
    from packstation.services.access.secrets import SecretStore
    from packstation.services.journal.pump import JournalPump
    from packstation.services.packing.images import ImageCache
    from packstation.services.packing.offline_cache import CACHE_FILE, OfflineCache
    from packstation.services.packing.read_model import PackageQueries
    from packstation.services.printing.dispatch import PrintRedirects, ReprintService
    from packstation.services.returns.offline import OpenClaimsCopy
    from packstation.services.station.memory import keep_big_blocks_apart

    # The sync, pump and print threads share the GIL with the packing thread. A thread coming back
    # from I/O waits for the holder's switch interval: 1 ms instead of Python's 5 ms, so a scan or an
    # open never queues behind a sync burst for long.
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    # A station runs all shift: big short-lived blocks (sync pages, labels) go back to the system when
    # freed instead of scattering free space through malloc's arenas (services/station/memory.py).
    keep_big_blocks_apart()
    # First of all: a second instance must not start an embedded server, a pump or a print queue.
    station_lock = lock_station_folder(settings.data_dir())
    secrets = SecretStore()
    if redactor is not None:
        from packstation.services.access.auth import install_secret_redactions

        install_secret_redactions(redactor, settings, secrets)
    try:
        store = _open_store(settings, secrets, seed=seed)
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
    claims_copy = OpenClaimsCopy(ReturnCache(data_dir / RETURN_CACHE_FILE))
    scale = _scale(settings)
    photos, sealing, spool = _photos(settings, store)
    packing = _packing(
        settings,
        store,
        journal=journal,
        cache=cache,
        pump=pump,
        dispatcher=dispatcher,
        scale=scale,
        sealing=sealing if settings.camera.uri else None,
    )
    users = _users(settings, store)
    _schedule(scheduler, store, bus=bus, journal=journal, cache=cache, demo_marketplace=demo_marketplace)
    scheduler.add_job(
        claims_copy.refresh_while_online,
        "interval",
        seconds=OFFLINE_CACHE_SECONDS,
        args=(store.database.sessions,),
        id="open-claims-copy",
        next_run_time=datetime.now(UTC),
    )
    _schedule_photos(scheduler, photos, sealing, spool)
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
        redirects=PrintRedirects(print_queue, audit=store.audit, clock=_utc_now),
        auth=AuthService(sessions, credentials=store.credentials, audit=store.audit, security=settings.security),
        audit=store.audit,
        images=ImageCache(data_dir / "images"),
        photos=photos,
        sealing_photos=sealing,
        photo_spool=spool,
        jobs=jobs,
        returns=_returns(settings, store, journal=journal, pump=pump, jobs=jobs, copy=claims_copy),
        scheduler=scheduler,
        on_close=on_close,
        local_stores=[journal.close, cache.close],
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
    seed: Callable[[Database], None] | None,
) -> _Store:
    """Step 1: the database (brought to the current schema), seeded where ``seed`` says, and this station registered."""
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
        if seed is not None:
            seed(database)
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
    from apscheduler.schedulers.background import BackgroundScheduler

    from packstation.services.sync.background import BackgroundPool

    return BackgroundScheduler(
        executors={"default": BackgroundPool()},
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
    from packstation.services.sync.jobs import marketplace_jobs
    from packstation.services.sync.leadership import Leadership

    jobs = marketplace_jobs(
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
    from packstation.services.printing.marketplace_label import marketplace_label_source

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
        marketplace_label=marketplace_label_source(jobs.clients.by_name, sessions) if jobs is not None else None,
        fmt=LabelFormat(settings.printer.label_format()),
        packing_slips=settings.printer.packing_slips,
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
    sealing: SealingPhotos | None,
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
        photo_before_sealing=sealing.requires if sealing is not None else None,
    )


def _photos(settings: Settings, store: _Store) -> tuple[PhotoStore, SealingPhotos, PhotoSpool]:
    """Step 6a: the photo store, the photo-before-sealing settings (every station reads them, camera or not),
    and the folder that keeps photos taken while PostgreSQL is away."""
    from packstation.services.photos.sealing import SealingPhotos
    from packstation.services.photos.spool import PhotoSpool
    from packstation.services.photos.store import PhotoStore

    sessions = store.database.sessions
    photos = PhotoStore(
        sessions,
        station_id=store.station_id,
        max_bytes=settings.camera.max_bytes,
        keep_days=settings.camera.keep_days,
    )
    sealing = SealingPhotos(sessions, audit=store.audit, clock=_utc_now)
    return photos, sealing, PhotoSpool(settings.data_dir() / "photos-pending", photos, clock=_utc_now)


def _schedule_photos(
    scheduler: BackgroundScheduler, photos: PhotoStore, sealing: SealingPhotos, spool: PhotoSpool
) -> None:
    """Step 8a: keep the sealing settings fresh, store photos kept while offline, and prune old photos.

    Every station prunes: ``photo_prune()`` deletes by the server's clock and is idempotent, so two
    stations pruning at once only find nothing left to delete; no leader is needed for it.
    """
    now = datetime.now(UTC)
    scheduler.add_job(
        sealing.refresh_while_online,
        "interval",
        seconds=SEALING_SETTINGS_SECONDS,
        id="sealing-photos",
        next_run_time=now,
    )
    scheduler.add_job(
        spool.upload_quietly, "interval", seconds=SEALING_SETTINGS_SECONDS, id="photo-upload", next_run_time=now
    )
    scheduler.add_job(
        photos.prune,
        "interval",
        seconds=PHOTO_PRUNE_SECONDS,
        id="photo-prune",
        next_run_time=now + timedelta(minutes=2),
    )


def _returns(
    settings: Settings,
    store: _Store,
    *,
    journal: Journal,
    pump: JournalPump,
    jobs: MarketplaceJobs | None,
    copy: OpenClaimsCopy,
) -> ReturnService:
    """Step 6b: the return flow (its answers reach the marketplace through the outbox the jobs push)."""
    from packstation.services.returns.reasons import ReasonLists
    from packstation.services.returns.service import ReturnService
    from packstation.services.station.clock import StationClock

    return ReturnService(
        store.database.sessions,
        offline_copy=copy,
        journal=journal,
        station=settings.station.name,
        audit=store.audit,
        clock=StationClock(),
        on_journaled=pump.wake,
        reasons=ReasonLists(jobs.clients.by_id).reasons if jobs is not None else None,
    )


def _users(settings: Settings, store: _Store) -> UserService:
    """Step 7: user administration."""
    from packstation.services.access.users import UserService

    return UserService(
        store.database.sessions,
        credentials=store.credentials,
        audit=store.audit,
        pin_min_length=settings.security.pin_min_length,
    )


def _schedule(
    scheduler: BackgroundScheduler,
    store: _Store,
    *,
    bus: EventBus,
    journal: Journal,
    cache: OfflineCache,
    demo_marketplace: DemoMarketplace | None,
) -> None:
    """Step 8: the station's periodic work: heartbeat, offline copy, freed memory back to the system, and
    the demo's new orders."""
    from packstation.services.station.heartbeat import beat
    from packstation.services.station.memory import RELEASE_EVERY_S, release_free_memory

    now = datetime.now(UTC)
    scheduler.add_job(
        beat,
        "interval",
        seconds=HEARTBEAT_SECONDS,
        args=(store.station, bus.publish, journal),
        id="heartbeat",
        next_run_time=now,
    )
    scheduler.add_job(
        cache.refresh_while_online,
        "interval",
        seconds=OFFLINE_CACHE_SECONDS,
        args=(store.database.sessions,),
        id="offline-cache",
        next_run_time=now,
    )
    scheduler.add_job(release_free_memory, "interval", seconds=RELEASE_EVERY_S, id="release-memory")
    if demo_marketplace is not None:
        scheduler.add_job(demo_marketplace.add_order, "interval", seconds=DEMO_ORDER_SECONDS, id="demo-orders")
        # Parcels packed in the demo are delivered and some come back: returns keep arriving too.
        scheduler.add_job(demo_marketplace.return_delivered, "interval", seconds=DEMO_RETURN_SECONDS, id="demo-returns")
