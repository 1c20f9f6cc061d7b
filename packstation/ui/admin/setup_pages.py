"""The set-up wizard's station and device pages: name, language and look; printer (test label); scanner (test scan)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QWizardPage

from packstation.config import Settings
from packstation.devices.uri import PRINTER_SCHEMES, SCANNER_SCHEMES, DeviceUriError, parse_device_uri
from packstation.domain.keyboard_layout import LayoutRepair
from packstation.i18n import Language
from packstation.ui.platform.office_printer import available_printers, office_printer_uri
from packstation.ui.platform.tasks import Task

# (printer uri, station name, dpi, label size) -> sentence for the screen; raises PrinterSetupError
PrintTest = Callable[[str, str, int, str], str]
TEXT_SCALES = (1.0, 1.25, 1.5, 2.0)


def problem_label() -> QLabel:
    """An empty, hidden message line for a page: filled by :func:`set_message`."""
    label = QLabel("")
    label.setObjectName("banner")
    label.setProperty("kind", "error")
    label.setWordWrap(True)
    label.setVisible(False)  # an empty coloured banner reads as an error
    return label


def set_message(label: QLabel, text: str, *, kind: str) -> None:
    """Show ``text`` on a page's message line, coloured by ``kind`` (error, info, ok); hidden when empty."""
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
        self.problem = problem_label()
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
            set_message(self.problem, self.tr("Enter a station name (at most 64 characters)"), kind="error")
            return False
        set_message(self.problem, "", kind="error")
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
        self.result = problem_label()
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
            set_message(self.result, problem or self.tr("Enter the printer address first"), kind="error")
            return
        uri, name = self.uri.text().strip(), self._station_name()
        dpi, size = int(self.dpi.currentData()), str(self.label_size.currentData())
        self.test_button.setEnabled(False)
        set_message(self.result, self.tr("Printing…"), kind="info")

        def done(message: str) -> None:
            self.test_button.setEnabled(True)
            set_message(self.result, message, kind="ok")

        def failed(exc: Exception) -> None:
            self.test_button.setEnabled(True)
            set_message(self.result, str(exc), kind="error")

        Task(lambda: self._print_test(uri, name, dpi, size), owner=self).on_success(done).on_failure(failed).run()

    def validatePage(self) -> bool:
        """Refuse an address that cannot be parsed (an empty one means: spool folder only)."""
        problem = self._uri_problem()
        if problem is not None:
            set_message(self.result, problem, kind="error")
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
        self.result = problem_label()
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
        set_message(self.result, text, kind="ok")
        self.test_field.clear()

    def validatePage(self) -> bool:
        """Refuse a scanner address that cannot be parsed."""
        try:
            parse_device_uri(self.uri.text().strip() or "keyboard", allowed=SCANNER_SCHEMES)
        except DeviceUriError as exc:
            set_message(self.result, self.tr("Invalid scanner address: {0}").replace("{0}", str(exc)), kind="error")
            return False
        return True
