"""How a demo station differs from a real one: its own settings, and a database seeded before it starts.

Only the demo path (``packstation demo``, ``./dev demo``, the tests that run the demo) uses this;
a production start never seeds anything.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from packstation.config import Settings
from packstation.config.sections import MarketplaceAccount

if TYPE_CHECKING:
    from packstation.db.connect import Database

log = logging.getLogger("packstation.demo.station")


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


def demo_seed(*, packages: int) -> Callable[[Database], None]:
    """What ``start_services`` runs on the demo's fresh database: the shop's catalogue, ``packages``
    local parcels (0 while a simulated marketplace sends them through the sync) and the demo's users."""

    def seed(database: Database) -> None:
        from packstation.demo.data import seed_demo_data, seed_demo_users
        from packstation.services.access.audit import AuditLog
        from packstation.services.access.users import Credentials, UserService

        sessions = database.sessions
        summary = seed_demo_data(sessions, packages=packages)
        log.info("demo data products=%s packages=%s created=%s", summary.products, summary.packages, summary.created)
        seed_demo_users(UserService(sessions, credentials=Credentials(sessions), audit=AuditLog(sessions)))

    return seed
