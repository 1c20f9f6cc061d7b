"""How a demo station differs from a real one: its own settings, and a database seeded before it starts.

Only the demo path (``packstation demo``, ``./dev demo``, the tests that run the demo) uses this;
a production start never seeds anything.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from argon2 import PasswordHasher

from packstation.config import Settings
from packstation.config.sections import MarketplaceAccount

if TYPE_CHECKING:
    from packstation.db.connect import Database

log = logging.getLogger("packstation.demo.station")


class _DemoHasher(PasswordHasher):
    """Hashes each demo password once per process and hands the same hash to every later demo database.

    The demo's passwords and PINs are printed on its own log-in screen, so a salt shared between demo
    databases hides nothing; hashing them afresh cost two seconds of argon2 per demo start, and the test
    suite starts a demo station per test. Real users never go through this hasher.
    """

    def __init__(self) -> None:
        super().__init__()
        self._hashes: dict[str | bytes, str] = {}
        self._lock = threading.Lock()

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        """The hash made the first time ``password`` was hashed in this process."""
        with self._lock:
            if password not in self._hashes:
                self._hashes[password] = super().hash(password, salt=salt)
            return self._hashes[password]


_DEMO_HASHER = _DemoHasher()


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
        seed_demo_users(
            UserService(sessions, credentials=Credentials(sessions, hasher=_DEMO_HASHER), audit=AuditLog(sessions))
        )

    return seed
