"""First run of a station: name, language and look, database, printer (with a test label), scanner (with a
test scan) and an optional marketplace account.

Shown before the main window when the station has no configuration file yet; Finish writes the TOML
file through :func:`packstation.services.station.setup.write_station_config`. The wizard only puts the
pages together and writes what they say: the pages are in :mod:`setup_pages` (station, printer, scanner),
:mod:`database_page` and :mod:`marketplace_page`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QWidget, QWizard

from packstation.config import ConfigError, Settings, load_settings
from packstation.i18n import Language
from packstation.services.station.setup import MarketplaceSetup, StationSetup, write_station_config
from packstation.ui.admin.database_page import DatabasePage, TestDatabase, default_test_database
from packstation.ui.admin.marketplace_page import MarketplacePage
from packstation.ui.admin.setup_pages import PrinterPage, PrintTest, ScannerPage, StationPage, set_message
from packstation.ui.platform.screen_fit import fit_to_screen


class StationSetupWizard(QWizard):
    """Five pages; Finish writes ``config_path`` (and the account's secrets to the keyring) and emits ``configured``."""

    configured = Signal(object)

    def __init__(
        self,
        *,
        config_path: Path,
        settings: Settings,
        print_test: PrintTest,
        test_connection: Callable[[MarketplaceSetup], str] | None = None,
        test_database: TestDatabase | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("PackStation: set up this station"))
        self.config_path = config_path
        self.settings: Settings | None = None
        self.todo: list[str] = []  # what the operator still has to do (environment variables to set)
        self.station = StationPage(settings)
        self.database = DatabasePage(settings, test_connection=test_database or default_test_database)
        self.printer = PrinterPage(settings, print_test=print_test, station_name=self.station.name.text)
        self.scanner = ScannerPage(settings)
        self.marketplace = MarketplacePage(test_connection=test_connection or default_test_connection)
        for page in (self.station, self.database, self.printer, self.scanner, self.marketplace):
            self.addPage(page)
        # Room for the longest page (the printer's), never more than the screen it opens on.
        fit_to_screen(self, QSize(900, 640))

    def setup(self) -> StationSetup:
        """What the pages say now."""
        return StationSetup(
            station_name=self.station.name.text().strip(),
            # Qt hands a StrEnum back as plain text.
            language=Language(data) if (data := self.station.language.currentData()) else None,
            text_scale=float(self.station.text_scale.currentData()),
            high_contrast=self.station.high_contrast.isChecked(),
            printer_uri=self.printer.uri.text().strip() or None,
            printer_dpi=int(self.printer.dpi.currentData()),
            label_size=str(self.printer.label_size.currentData()),
            scanner_uri=self.scanner.uri.text().strip() or "keyboard",
        )

    def accept(self) -> None:
        """Write the file (a small local write); stay open and say why when it is refused."""
        from packstation.services.access.secrets import SecretStore
        from packstation.services.station.database_setup import store_shared_database
        from packstation.services.station.setup import store_marketplace

        try:
            shared = self.database.shared_database()
            write_station_config(self.config_path, self.setup())
            account = self.marketplace.marketplace()
            secrets = SecretStore()
            self.todo = store_shared_database(self.config_path, shared, secrets)
            self.todo += store_marketplace(self.config_path, account, secrets) if account is not None else []
            # Read back as the station will start: a bad value is refused here, not at the next start.
            self.settings = load_settings(self.config_path, environ={})
        except (ConfigError, OSError, ValueError) as exc:
            set_message(self.marketplace.result, str(exc), kind="error")
            return
        self.configured.emit(self.settings)
        super().accept()


def default_test_connection(setup: MarketplaceSetup) -> str:
    """The real connection test (runs on a worker thread)."""
    from packstation.services.station.setup import test_marketplace_connection

    return test_marketplace_connection(setup)


def default_print_test(uri: str, station_name: str, dpi: int, label_size: str) -> str:
    """The real test print (runs on a worker thread); office printers (``qt://``) included."""
    from packstation.devices.printers.factory import PrinterFactory
    from packstation.services.labels import LabelService
    from packstation.services.station.setup import print_test_label
    from packstation.ui.platform.office_printer import register_office_printer

    printers = register_office_printer(PrinterFactory())
    return print_test_label(
        uri, station_name=station_name, dpi=dpi, label_size=label_size, labels=LabelService(), printers=printers
    )
