"""Office printers (``qt://Printer Name``): PDF labels and slips drawn onto a ``QPrinter``.

QtPdf is not in the PySide6 wheels the station uses, so PDFium (``pypdfium2``) renders each page at the
printer's resolution and ``QPainter`` draws it onto the ``QPrinter``. Qt allows painting on a ``QPrinter``
outside the GUI thread (QPainter's "Threads" notes); the print queue's worker for this printer is the only
thread that touches it. A ``QGuiApplication`` must exist: the station window's.

The printer lives here because only ``packstation.ui`` may import Qt; :func:`register_office_printer`
teaches a :class:`~packstation.devices.printers.factory.PrinterFactory` the ``qt://`` scheme.

Address options: ``qt://NAME`` prints on the printer the system calls NAME (``qt://`` alone: the default
printer); ``?paper=A4`` prints on that paper instead of the document's own page size; ``?dpi=300`` sets
the resolution; ``?output=/path/label.pdf`` writes a PDF file instead of printing (each job replaces it).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from packstation.devices.base import LabelPrinter, PrinterError, PrinterFaultKind, PrinterStatus
from packstation.devices.printers.factory import PrinterFactory
from packstation.devices.printers.faults import fault_error
from packstation.devices.uri import DeviceUri
from packstation.domain.marketplace import LabelFormat
from packstation.i18n import _
from packstation.services.labels.raster import MM_PER_INCH, POINTS_PER_INCH, PdfPageSize, PdfRaster, PdfRasterError

log = logging.getLogger("packstation.devices.printer.qt")

#: Pages are rendered at the printer's resolution up to this; beyond it Qt scales the image up
#: (a 1200 dpi page of 100x150 mm would be 130 MB of pixels for no visible gain on a label).
MAX_RENDER_DPI = 600


def available_printers() -> list[str]:
    """The names of the printers installed on this computer, as ``qt://`` addresses use them."""
    return list(QPrinterInfo.availablePrinterNames())


def office_printer_uri(name: str) -> str:
    """The ``qt://`` address of an installed printer (characters that would end the name are escaped)."""
    return "qt://" + name.replace("%", "%25").replace("?", "%3F")


def default_printer() -> str:
    """The system's default printer name ("" when there is none)."""
    return QPrinterInfo.defaultPrinterName()


def _paper(uri: str, name: str | None) -> QPageSize | None:
    if name is None:
        return None
    known = {key.casefold(): member for key, member in QPageSize.PageSizeId.__members__.items()}
    page_id = known.get(name.casefold())
    if page_id is None or page_id == QPageSize.PageSizeId.Custom:
        raise PrinterError(
            PrinterFaultKind.NOT_SUPPORTED,
            _("{uri}: unknown paper size {paper!r} (e.g. A4, A5, A6, Letter)").format(uri=uri, paper=name),
        )
    return QPageSize(page_id)


class OfficePrinter(LabelPrinter):
    """A printer installed on this computer (or a PDF file), fed PDF pages through Qt; ZPL is refused."""

    def __init__(
        self,
        name: str,
        *,
        uri: str = "",
        output: str | Path | None = None,
        dpi: int | None = None,
        paper: str | None = None,
    ) -> None:
        self.name = name
        self.uri = uri or f"qt://{name}"
        self.output = Path(output) if output is not None else None
        self._dpi = dpi
        self._paper = _paper(self.uri, paper)

    @classmethod
    def from_uri(cls, uri: DeviceUri) -> OfficePrinter:
        """The printer a parsed ``qt://`` address names."""
        dpi = uri.params.get("dpi")
        return cls(
            uri.path,
            uri=uri.raw,
            output=uri.params.get("output"),
            dpi=int(dpi) if dpi else None,
            paper=uri.params.get("paper"),
        )

    # --- LabelPrinter -------------------------------------------------------------------------

    def open(self) -> int:
        """Check that Qt runs and the printer exists (or the output folder does); the id never changes."""
        self._require_gui()
        if self.output is None:
            self._printer_name()
        elif not self.output.parent.is_dir():
            raise fault_error(
                PrinterFaultKind.UNREACHABLE,
                _("the folder {folder} does not exist").format(folder=self.output.parent),
            )
        return 1

    def status(self) -> PrinterStatus:
        """The spooler's view of the printer: a stopped queue is a fault, an unknown name an error."""
        if self.output is not None:
            return PrinterStatus(queried=False)
        info = QPrinterInfo.printerInfo(self._printer_name())
        if info.state() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
            return PrinterStatus(faults=(PrinterFaultKind.SPOOLER,))
        return PrinterStatus(queried=False)

    def send(self, data: bytes, *, kind: LabelFormat, job_id: str = "") -> None:
        """Draw every page of the PDF ``data``, each on a page of its own size, scaled to fit when it must."""
        if kind is not LabelFormat.PDF:
            raise PrinterError(
                PrinterFaultKind.NOT_SUPPORTED,
                _(
                    "The office printer {uri} prints PDF only; this job is {kind}. Send it to a label printer, "
                    "or set [printer] format to pdf."
                ).format(uri=self.uri, kind=kind.value.upper()),
            )
        self._require_gui()
        try:
            document = PdfRaster(data)
        except PdfRasterError as exc:
            raise PrinterError(
                PrinterFaultKind.NOT_SUPPORTED, _("The print job is not a readable PDF: {error}").format(error=exc)
            ) from exc
        target = self._target(job_id)
        try:
            with document:
                self._paint(self._qprinter(target, job_id), document)
            if target is not None and self.output is not None:
                os.replace(target, self.output)
        except OSError as exc:
            raise fault_error(PrinterFaultKind.UNREACHABLE, f"{self.output}: {exc}") from exc
        finally:
            if target is not None:
                target.unlink(missing_ok=True)
        log.info("printed job=%s printer=%s pages=%d bytes=%d", job_id, self.uri, len(document.pages), len(data))

    def close(self) -> None:
        """Nothing to release: each job builds its own QPrinter."""

    # --- the parts ----------------------------------------------------------------------------

    def _require_gui(self) -> None:
        if not isinstance(QGuiApplication.instance(), QGuiApplication):
            raise PrinterError(
                PrinterFaultKind.NOT_SUPPORTED,
                _("Office printers ({uri}) print only from the station window, not from this program.").format(
                    uri=self.uri
                ),
            )

    def _printer_name(self) -> str:
        """The system name of the printer; raises a specific error when there is no such printer."""
        names = available_printers()
        name = self.name or default_printer()
        if not self.name and not name:
            raise PrinterError(
                PrinterFaultKind.UNREACHABLE,
                _("{uri}: this computer has no default printer. Name one: qt://PRINTER NAME").format(uri=self.uri),
            )
        if name not in names:
            if names:
                message = _("There is no printer named '{name}' on this computer. Printers here: {names}.").format(
                    name=name, names=", ".join(names)
                )
            else:
                message = _("There is no printer named '{name}' on this computer, and no printer is installed.").format(
                    name=name
                )
            raise PrinterError(PrinterFaultKind.UNREACHABLE, message)
        return name

    def _target(self, job_id: str) -> Path | None:
        if self.output is None:
            return None
        # Written beside the file and renamed when complete, so a reader never sees half a document.
        return self.output.with_name(f".{self.output.name}.{job_id or 'job'}.tmp")

    def _qprinter(self, target: Path | None, job_id: str) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if target is not None:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(target))
        else:
            name = self._printer_name()
            printer.setPrinterName(name)
            # Qt quietly falls back to writing a PDF nowhere when a name does not take: never a silent success.
            if printer.outputFormat() is not QPrinter.OutputFormat.NativeFormat or printer.printerName() != name:
                raise PrinterError(PrinterFaultKind.UNREACHABLE, _("Qt cannot print on '{name}'.").format(name=name))
        if self._dpi is not None:
            printer.setResolution(self._dpi)
        printer.setDocName(f"packstation-{job_id}" if job_id else "packstation")
        printer.setFullPage(False)
        return printer

    def _page_layout(self, printer: QPrinter, size: PdfPageSize) -> None:
        """Ask for the page's own size (or the configured paper) with no margins beyond the printer's own."""
        landscape = size.width_pt > size.height_pt
        if self._paper is not None:
            page_size = self._paper
        else:
            short, long = sorted((round(size.width_mm, 1), round(size.height_mm, 1)))
            page_size = QPageSize(
                QSizeF(short, long), QPageSize.Unit.Millimeter, "", QPageSize.SizeMatchPolicy.ExactMatch
            )
        orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
        taken = printer.setPageSize(page_size) and printer.setPageOrientation(orientation)
        if not printer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point):
            layout = printer.pageLayout()
            printer.setPageMargins(layout.minimumMargins(), layout.units())  # as close to the edge as it prints
        if not taken:
            # Some print engines cannot change the page once printing has started: fit onto the one they have.
            log.warning("page size not taken printer=%s size=%s", self.uri, page_size.name())

    def _paint(self, printer: QPrinter, document: PdfRaster) -> None:
        painter = QPainter()
        grayscale = printer.colorMode() is QPrinter.ColorMode.GrayScale
        try:
            for index, size in enumerate(document.pages):
                self._page_layout(printer, size)
                started = painter.begin(printer) if index == 0 else printer.newPage()
                if not started:
                    raise self._cannot_print()
                self._draw_page(painter, printer, document, index, grayscale=grayscale)
        except BaseException:
            if painter.isActive():
                printer.abort()  # half a document must not reach the printer
                painter.end()
            raise
        if not painter.end() or printer.printerState() in (QPrinter.PrinterState.Error, QPrinter.PrinterState.Aborted):
            raise fault_error(PrinterFaultKind.SPOOLER, self.uri)

    def _draw_page(
        self, painter: QPainter, printer: QPrinter, document: PdfRaster, index: int, *, grayscale: bool
    ) -> None:
        """The page at its true size, centred; shrunk without distortion when the printable area is smaller."""
        size = document.pages[index]
        resolution = printer.resolution()
        area = printer.pageLayout().paintRectPixels(resolution)
        page_width = size.width_pt / POINTS_PER_INCH * resolution
        page_height = size.height_pt / POINTS_PER_INCH * resolution
        scale = min(1.0, area.width() / page_width, area.height() / page_height)
        width, height = page_width * scale, page_height * scale
        render_width = round(min(width, size.width_mm / MM_PER_INCH * MAX_RENDER_DPI))
        raster = document.render(index, width_px=render_width, grayscale=grayscale)
        image_format = QImage.Format.Format_Grayscale8 if raster.grayscale else QImage.Format.Format_RGB32
        image = QImage(raster.pixels, raster.width, raster.height, raster.stride, image_format)
        target = QRectF((area.width() - width) / 2, (area.height() - height) / 2, width, height)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, raster.width != round(width))
        painter.drawImage(target, image)
        log.debug(
            "page drawn printer=%s page=%d scale=%.3f pixels=%dx%d",
            self.uri,
            index + 1,
            scale,
            raster.width,
            raster.height,
        )

    def _cannot_print(self) -> PrinterError:
        if self.output is not None:
            return fault_error(PrinterFaultKind.UNREACHABLE, _("cannot write {path}").format(path=self.output))
        return fault_error(PrinterFaultKind.SPOOLER, self.uri)


def register_office_printer(factory: PrinterFactory) -> PrinterFactory:
    """Teach ``factory`` the ``qt://`` scheme (called by the station window at start-up); returns it."""
    factory.register("qt", OfficePrinter.from_uri)
    return factory
