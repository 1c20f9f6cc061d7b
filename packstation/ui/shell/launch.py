"""Starting the station window from the command line: the demo's stand-ins, logging, then the window.

Here, not in the composition root: the root builds services and knows nothing of Qt; the window
(this layer) asks the root for them.
"""

from __future__ import annotations

import logging
from pathlib import Path

from packstation.composition import start_services
from packstation.config import Settings
from packstation.domain.events import EventBus
from packstation.logging_setup import configure_logging

#: Parcels the demo's customers have already sent back when it starts.
DEMO_RETURNS = 3


def run_gui(
    settings: Settings,
    *,
    demo: bool,
    demo_packages: int = 300,
    demo_marketplace: str = "trendyol",
    screenshot: Path | None = None,
    quit_after: float | None = None,
    config_path: Path | None = None,
) -> int:
    """Open the station window; returns the process exit code.

    ``config_path`` is the station's configuration file: when it does not exist yet (a new station),
    the set-up wizard writes it before the services start.
    """
    from packstation.devices.printers.factory import PrinterFactory
    from packstation.ui.platform.office_printer import register_office_printer
    from packstation.ui.shell.application import run_application

    printers = register_office_printer(PrinterFactory())
    marketplace = None
    seed = None
    if demo:
        from packstation.demo.marketplace import start_demo_marketplace
        from packstation.demo.station import demo_seed, demo_settings
        from packstation.domain.marketplace import Marketplace

        # A few parcels come back at once (and more as the demo runs): returns to process at the bench.
        marketplace = start_demo_marketplace(
            packages=demo_packages, kind=Marketplace(demo_marketplace), returns=DEMO_RETURNS
        )
        settings = demo_settings(settings, marketplace=marketplace.account)
        # The simulated marketplace sends the parcels through the sync, like real orders: none seeded here.
        seed = demo_seed(packages=0)
    redactor = configure_logging(level=logging.INFO, log_dir=settings.data_dir() / "logs")
    bus = EventBus()
    return run_application(
        settings=settings,
        bus=bus,
        start=lambda: start_services(
            settings,
            bus,
            demo=demo,
            seed=seed,
            redactor=redactor,
            demo_marketplace=marketplace,
            printers=printers,
        ),
        config_path=config_path,
        start_with=lambda configured: start_services(configured, bus, demo=False, redactor=redactor, printers=printers),
        demo=demo,
        screenshot=screenshot,
        quit_after=quit_after,
        redact=redactor.redact,
    )
