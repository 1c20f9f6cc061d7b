"""First run of a station: name, language and look, printer (with a test label), scanner (with a test scan).

Shown before the main window when the station has no configuration file yet; Finish writes the TOML
file through :func:`packstation.services.station.setup.write_station_config`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
    QWizard,
    QWizardPage,
)

from packstation.config import ConfigError, Settings, load_settings
from packstation.devices.uri import PRINTER_SCHEMES, SCANNER_SCHEMES, DeviceUriError, parse_device_uri
from packstation.domain.keyboard_layout import LayoutRepair
from packstation.i18n import Language, _
from packstation.services.marketplaces.credentials import SECRET_LABELS
from packstation.services.station.setup import MarketplaceSetup, StationSetup, write_station_config
from packstation.ui.admin.database_page import DatabasePage, TestDatabase, default_test_database
from packstation.ui.platform.office_printer import available_printers, office_printer_uri
from packstation.ui.platform.screen_fit import fit_to_screen
from packstation.ui.platform.tasks import Task

# (printer uri, station name, dpi, label size) -> sentence for the screen; raises PrinterSetupError
PrintTest = Callable[[str, str, int, str], str]
TEXT_SCALES = (1.0, 1.25, 1.5, 2.0)


def _problem_label() -> QLabel:
    label = QLabel("")
    label.setObjectName("banner")
    label.setProperty("kind", "error")
    label.setWordWrap(True)
    label.setVisible(False)  # an empty coloured banner reads as an error
    return label


def _set_message(label: QLabel, text: str, *, kind: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))
    label.setProperty("kind", kind)
    label.style().unpolish(label)
    label.style().polish(label)


class StationPage(QWizardPage):
    """Station name, language, text size and contrast."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.setTitle(self.tr("This station"))
        self.setSubTitle(self.tr("Every station sharing a database needs its own name."))
        self.name = QLineEdit(settings.station.name)
        self.language = QComboBox()
        self.language.addItem(self.tr("System language"), None)
        self.language.addItem("Türkçe", Language.TURKISH)
        self.language.addItem("English", Language.ENGLISH)
        if settings.station.language:
            self.language.setCurrentIndex(self.language.findData(Language(settings.station.language)))
        self.text_scale = QComboBox()
        for scale in TEXT_SCALES:
            self.text_scale.addItem(f"{round(scale * 100)} %", scale)
        closest = min(TEXT_SCALES, key=lambda s: abs(s - settings.station.text_scale))
        self.text_scale.setCurrentIndex(TEXT_SCALES.index(closest))
        self.high_contrast = QCheckBox(self.tr("High contrast (yellow and white on black)"))
        self.high_contrast.setChecked(settings.station.high_contrast)
        self.problem = _problem_label()
        form = QFormLayout(self)
        form.addRow(self.tr("Station name"), self.name)
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Text size"), self.text_scale)
        form.addRow(self.high_contrast)
        form.addRow(QLabel(self.tr("Language and look take effect when the window opens.")))
        form.addRow(self.problem)

    def validatePage(self) -> bool:
        """A station needs a name of at most 64 characters."""
        name = self.name.text().strip()
        if not name or len(name) > 64:
            _set_message(self.problem, self.tr("Enter a station name (at most 64 characters)"), kind="error")
            return False
        _set_message(self.problem, "", kind="error")
        return True


class PrinterPage(QWizardPage):
    """The label printer's address, resolution and label size, with a test print."""

    def __init__(self, settings: Settings, *, print_test: PrintTest, station_name: Callable[[], str]) -> None:
        super().__init__()
        self.setTitle(self.tr("Label printer"))
        # In the page, not the wizard's subtitle: a subtitle does not wrap in every style and was cut short.
        self.explanation = QLabel(
            self.tr(
                "A Zebra-compatible printer: tcp://10.0.0.31:9100, serial:///dev/ttyUSB0, cups://QUEUE; "
                "or an office printer installed on this computer (PDF labels): qt://PRINTER NAME."
            )
        )
        self.explanation.setWordWrap(True)
        self._print_test = print_test
        self._station_name = station_name
        self.uri = QLineEdit(settings.printer.uri or "")
        self.uri.setPlaceholderText(self.tr("empty: labels only go to the spool folder"))
        self.office = QComboBox()
        self.office.setObjectName("officePrinters")
        self.office.addItem(self.tr("Choose an office printer…"), None)
        for name in available_printers():
            self.office.addItem(name, office_printer_uri(name))
        if self.office.count() == 1:
            self.office.setItemText(0, self.tr("No office printer is installed on this computer"))
            self.office.setEnabled(False)
        self.office.activated.connect(self._office_chosen)
        self.dpi = QComboBox()
        self.dpi.addItem("203 dpi", 203)
        self.dpi.addItem("300 dpi", 300)
        self.dpi.setCurrentIndex(self.dpi.findData(settings.printer.dpi))
        self.label_size = QComboBox()
        self.label_size.addItem("100 × 150 mm", "100x150mm")
        self.label_size.addItem("4 × 6 in", "4x6in")
        self.label_size.setCurrentIndex(self.label_size.findData(settings.printer.label_size))
        self.test_button = QPushButton(self.tr("Print a test label"))
        self.test_button.clicked.connect(self.print_test)
        self.result = _problem_label()
        form = QFormLayout(self)
        form.addRow(self.explanation)
        form.addRow(self.tr("Printer address"), self.uri)
        form.addRow(self.tr("Office printer"), self.office)
        form.addRow(self.tr("Resolution"), self.dpi)
        form.addRow(self.tr("Label size"), self.label_size)
        form.addRow(self.test_button)
        form.addRow(self.result)

    def _office_chosen(self, index: int) -> None:
        uri = self.office.itemData(index)
        if uri:
            self.uri.setText(str(uri))

    def _uri_problem(self) -> str | None:
        uri = self.uri.text().strip()
        if not uri:
            return None
        try:
            parse_device_uri(uri, allowed=PRINTER_SCHEMES)
        except DeviceUriError as exc:
            return self.tr("Invalid printer address: {0}").replace("{0}", str(exc))
        return None

    def print_test(self) -> None:
        """Send a test label off the GUI thread; the answer appears under the button."""
        problem = self._uri_problem()
        if problem is not None or not self.uri.text().strip():
            _set_message(self.result, problem or self.tr("Enter the printer address first"), kind="error")
            return
        uri, name = self.uri.text().strip(), self._station_name()
        dpi, size = int(self.dpi.currentData()), str(self.label_size.currentData())
        self.test_button.setEnabled(False)
        _set_message(self.result, self.tr("Printing…"), kind="info")

        def done(message: str) -> None:
            self.test_button.setEnabled(True)
            _set_message(self.result, message, kind="ok")

        def failed(exc: Exception) -> None:
            self.test_button.setEnabled(True)
            _set_message(self.result, str(exc), kind="error")

        Task(lambda: self._print_test(uri, name, dpi, size), owner=self).on_success(done).on_failure(failed).run()

    def validatePage(self) -> bool:
        """Refuse an address that cannot be parsed (an empty one means: spool folder only)."""
        problem = self._uri_problem()
        if problem is not None:
            _set_message(self.result, problem, kind="error")
            return False
        return True


class ScannerPage(QWizardPage):
    """Scanner address and a field to scan into, to see exactly what the station receives."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.setTitle(self.tr("Barcode scanner"))
        self.setSubTitle(self.tr("Scan any barcode into the test field: the text must match the barcode."))
        self._repair = LayoutRepair(enabled=settings.scanner.repair_turkish_q)
        self.uri = QLineEdit(settings.scanner.uri)
        self.uri.setPlaceholderText(self.tr("keyboard, or serial:///dev/ttyACM0?baud=9600"))
        self.test_field = QLineEdit()
        self.test_field.setObjectName("scanInput")
        self.test_field.setPlaceholderText(self.tr("Test scan: scan a barcode here"))
        self.test_field.returnPressed.connect(self._scanned)
        self.result = _problem_label()
        form = QFormLayout(self)
        form.addRow(self.tr("Scanner"), self.uri)
        form.addRow(self.test_field)
        form.addRow(self.result)

    def _scanned(self) -> None:
        raw = self.test_field.text()
        repaired = self._repair(raw)
        text = self.tr("Read: {0} ({1} characters)").replace("{0}", repaired).replace("{1}", str(len(repaired)))
        if repaired != raw:
            text += "\n" + self.tr("Repaired from the Turkish-Q keyboard layout: {0}").replace("{0}", raw)
        _set_message(self.result, text, kind="ok")
        self.test_field.clear()

    def validatePage(self) -> bool:
        """Refuse a scanner address that cannot be parsed."""
        try:
            parse_device_uri(self.uri.text().strip() or "keyboard", allowed=SCANNER_SCHEMES)
        except DeviceUriError as exc:
            _set_message(self.result, self.tr("Invalid scanner address: {0}").replace("{0}", str(exc)), kind="error")
            return False
        return True


class MarketplacePage(QWizardPage):
    """An optional first marketplace account, with a connection test; secrets go to the keyring."""

    BASE_URLS: ClassVar[dict[str, str]] = {
        "trendyol": "https://apigw.trendyol.com/integration",
        "hepsiburada": "https://oms-external.hepsiburada.com",
        "n11": "https://api.n11.com",
    }

    def __init__(self, *, test_connection: Callable[[MarketplaceSetup], str]) -> None:
        super().__init__()
        self.setTitle(self.tr("Marketplace account"))
        self.setSubTitle(self.tr("Optional: leave the name empty to add accounts later in the configuration file."))
        self._test_connection = test_connection
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. gullu-trendyol"))
        self.kind = QComboBox()
        for kind in ("trendyol", "hepsiburada", "n11"):
            self.kind.addItem(kind.title(), kind)
        self.base_url = QLineEdit(self.BASE_URLS["trendyol"])
        self.seller_id = QLineEdit()
        self.client = QLineEdit()
        self.client.setPlaceholderText(self.tr("the company whose parcels these are"))
        self.secret_fields: dict[str, QLineEdit] = {}
        self.form = QFormLayout(self)
        self.form.addRow(self.tr("Account name"), self.name)
        self.form.addRow(self.tr("Marketplace"), self.kind)
        self.form.addRow(self.tr("API address"), self.base_url)
        self.form.addRow(self.tr("Seller id"), self.seller_id)
        self.form.addRow(self.tr("Client company"), self.client)
        self._secret_rows_start = self.form.rowCount()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        from packstation.services.station.setup import marketplace_secret_names

        kind = str(self.kind.currentData())
        if self.base_url.text() in self.BASE_URLS.values() or not self.base_url.text():
            self.base_url.setText(self.BASE_URLS[kind])
        while self.form.rowCount() > self._secret_rows_start:
            self.form.removeRow(self.form.rowCount() - 1)
        self.secret_fields = {}
        labels = SECRET_LABELS[kind]
        for name in marketplace_secret_names(kind):
            field = QLineEdit()
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setObjectName(f"secret_{name}")
            self.secret_fields[name] = field
            # In words, as the marketplace's seller panel names it (the keyring key stays the raw name).
            self.form.addRow(_(labels[name]), field)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.test)
        self.result = _problem_label()
        self.form.addRow(self.test_button)
        self.form.addRow(self.result)

    def marketplace(self) -> MarketplaceSetup | None:
        """The account as entered, or None when the page was left empty."""
        if not self.name.text().strip():
            return None
        return MarketplaceSetup(
            name=self.name.text(),
            kind=str(self.kind.currentData()),
            base_url=self.base_url.text(),
            seller_id=self.seller_id.text(),
            client=self.client.text(),
            secrets={name: field.text() for name, field in self.secret_fields.items()},
        )

    def test(self) -> None:
        """Try the credentials off the GUI thread; the answer appears under the button."""
        setup = self.marketplace()
        if setup is None:
            _set_message(self.result, self.tr("Enter the account first"), kind="error")
            return
        self.test_button.setEnabled(False)
        _set_message(self.result, self.tr("Connecting…"), kind="info")

        def done(message: str) -> None:
            self.test_button.setEnabled(True)
            _set_message(self.result, message, kind="ok")

        def failed(exc: Exception) -> None:
            self.test_button.setEnabled(True)
            _set_message(self.result, str(exc), kind="error")

        test = self._test_connection
        Task(lambda: test(setup), owner=self).on_success(done).on_failure(failed).run()

    def validatePage(self) -> bool:
        """An entered account must be complete and valid (its connection need not be tested)."""
        setup = self.marketplace()
        if setup is None:
            return True
        try:
            setup.account()
        except ValueError as exc:
            _set_message(self.result, str(exc), kind="error")
            return False
        return True


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
            self.todo += store_marketplace(self.config_path, account) if account is not None else []
            # Read back as the station will start: a bad value is refused here, not at the next start.
            self.settings = load_settings(self.config_path, environ={})
        except (ConfigError, OSError, ValueError) as exc:
            _set_message(self.marketplace.result, str(exc), kind="error")
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
    from packstation.services.station.setup import print_test_label
    from packstation.ui.platform.office_printer import register_office_printer

    printers = register_office_printer(PrinterFactory())
    return print_test_label(uri, station_name=station_name, dpi=dpi, label_size=label_size, printers=printers)
