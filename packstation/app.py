"""The composition root: builds every object the station runs on and wires them together.

Nothing else creates services, so tests can build exactly the pieces they need.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from packstation.config import Settings
from packstation.logging_setup import configure_logging
from packstation.services.events import DatabaseStatus, EventBus

if TYPE_CHECKING:
    # The database stack loads on the start-up worker thread, after the window is on screen.
    from apscheduler.schedulers.background import BackgroundScheduler

    from packstation.db.connect import Database
    from packstation.services.packages import PackageDetail, PackageQueries
    from packstation.services.stations import StationService
    from packstation.services.users import UserService

log = logging.getLogger("packstation.app")
HEARTBEAT_SECONDS = 15


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
    scheduler: BackgroundScheduler = field(repr=False)

    def package_detail(self, package_id: int) -> PackageDetail | None:
        """A package with its lines (worker threads only)."""
        from packstation.services.packages import package_detail

        return package_detail(self.database.sessions, package_id)

    def close(self) -> None:
        """Stop background jobs and release the database (the embedded server stops with the last user)."""
        self.scheduler.shutdown(wait=False)
        self.database.close()


def heartbeat(station: StationService, bus: EventBus) -> None:
    """Record the heartbeat and publish whether the database answered."""
    from sqlalchemy.exc import SQLAlchemyError

    now = datetime.now(UTC)
    try:
        station.heartbeat()
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        log.warning("database unreachable reason=%s", reason)
        bus.publish(DatabaseStatus(online=False, detail=reason, checked_at=now))
    else:
        bus.publish(DatabaseStatus(online=True, detail="", checked_at=now))


def start_services(settings: Settings, bus: EventBus, *, demo: bool, demo_packages: int = 300) -> AppContext:
    """Open the database (starting the embedded one if needed), seed the demo, start background jobs.

    Runs on a worker thread: it may take seconds on a first start.
    """
    from apscheduler.schedulers.background import BackgroundScheduler

    from packstation.db.connect import open_database
    from packstation.services.demo_data import seed_demo_data
    from packstation.services.packages import PackageQueries
    from packstation.services.secrets import SecretStore
    from packstation.services.stations import StationService
    from packstation.services.users import UserService

    database = open_database(settings, SecretStore(), application_name=f"packstation/{settings.station.name}")
    try:
        if demo:
            summary = seed_demo_data(database.sessions, packages=demo_packages)
            log.info(
                "demo data products=%s packages=%s created=%s", summary.products, summary.packages, summary.created
            )
        station = StationService(database.sessions, name=settings.station.name)
        station_id = station.register()
    except Exception:
        database.close()
        raise
    scheduler = BackgroundScheduler(
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None}, timezone=UTC
    )
    scheduler.add_job(
        heartbeat,
        "interval",
        seconds=HEARTBEAT_SECONDS,
        args=(station, bus),
        id="heartbeat",
        next_run_time=datetime.now(UTC),
    )
    scheduler.start()
    return AppContext(
        settings=settings,
        database=database,
        bus=bus,
        packages=PackageQueries(database.sessions),
        users=UserService(database.sessions),
        station=station,
        station_id=station_id,
        demo=demo,
        scheduler=scheduler,
    )


def demo_settings(settings: Settings) -> Settings:
    """The demo always runs on its own embedded database and spools labels to a folder."""
    data_dir = settings.data_dir() / "demo"
    return settings.model_copy(
        update={
            "database": settings.database.model_copy(update={"url": None}),
            "station": settings.station.model_copy(update={"data_dir": data_dir}),
        }
    )


def run_gui(
    settings: Settings,
    *,
    demo: bool,
    demo_packages: int = 300,
    screenshot: Path | None = None,
    quit_after: float | None = None,
) -> int:
    """Open the station window; returns the process exit code."""
    from packstation.ui.application import run_application

    if demo:
        settings = demo_settings(settings)
    configure_logging(level=logging.INFO, log_dir=settings.data_dir() / "logs")
    bus = EventBus()
    return run_application(
        settings=settings,
        bus=bus,
        start=lambda: start_services(settings, bus, demo=demo, demo_packages=demo_packages),
        demo=demo,
        screenshot=screenshot,
        quit_after=quit_after,
    )
