"""The label service: validated shipping labels and packing slips as ZPL or PDF bytes (no Qt, no I/O).

Usage::

    labels = LabelService()
    document = labels.shipping_label(data, fmt=LabelFormat.ZPL, dpi=PrinterDpi.DPI_203)
    queue.submit(printer_uri, document)          # the queue sends labels.font_job() first

Where the marketplace issues its own label (Trendyol's common label, Hepsiburada's common barcode),
:meth:`marketplace_label` wraps those ZPL bytes unchanged and :meth:`marketplace_pdf_label` those PDFs;
:meth:`marketplace_picture_label` draws a label issued as a picture for the printer.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from packstation.domain.marketplace import LabelFormat
from packstation.i18n import _
from packstation.services.labels.elements import Page, TextBlock
from packstation.services.labels.errors import LabelValidationError
from packstation.services.labels.fonts import LabelFonts, default_label_fonts
from packstation.services.labels.images import pictures_pdf, pictures_zpl
from packstation.services.labels.model import (
    LabelDocument,
    LabelSize,
    PackingSlipData,
    PageSize,
    PrinterDpi,
    ShippingLabelData,
)
from packstation.services.labels.pdf import PdfRenderer
from packstation.services.labels.printable import printable_shipping_data, printable_slip_data
from packstation.services.labels.raster import PdfRaster, PdfRasterError, merge_pdfs
from packstation.services.labels.shipping import layout_shipping_label
from packstation.services.labels.slip import layout_packing_slip
from packstation.services.labels.validation import validate_packing_slip, validate_shipping_label
from packstation.services.labels.zpl import ZplRenderer

log = logging.getLogger("packstation.services.labels")

#: Thermal slips use the same stock as shipping labels.
_ZPL_SLIP_SIZE = LabelSize.MM_100X150


def _shortened_fields(page: Page) -> set[str]:
    return {e.text.field for e in page.elements if isinstance(e, TextBlock) and e.text.shortened}


class LabelService:
    """Builds shipping labels and packing slips; holds the parsed fonts and renderers."""

    def __init__(self, *, fonts: LabelFonts | None = None) -> None:
        self._fonts = fonts or default_label_fonts()
        self._pdf = PdfRenderer(self._fonts)
        self._zpl = {dpi: ZplRenderer(self._fonts, dpi) for dpi in PrinterDpi}
        self._font_job: bytes | None = None

    @property
    def fonts(self) -> LabelFonts:
        """The label fonts (for measuring text elsewhere)."""
        return self._fonts

    def font_job(self) -> bytes:
        """The one-time ``~DY`` job that puts the label font on a printer (send before ZPL labels)."""
        if self._font_job is None:
            self._font_job = self._fonts.download_job()
        return self._font_job

    def shipping_label(
        self,
        data: ShippingLabelData,
        *,
        fmt: LabelFormat = LabelFormat.ZPL,
        size: LabelSize = LabelSize.MM_100X150,
        dpi: PrinterDpi = PrinterDpi.DPI_203,
    ) -> LabelDocument:
        """Validate ``data`` and build our shipping label; raises a :class:`LabelError` subclass.

        Customer text never stops a label: what the font cannot print is transliterated or left out,
        what does not fit is cut with ``…``, and :attr:`LabelDocument.shortened` names those fields.
        Only what the carrier scans (tracking number, package id) is still refused when it is wrong.
        """
        return self.shipping_labels((data,), fmt=fmt, size=size, dpi=dpi)

    def shipping_labels(
        self,
        boxes: Sequence[ShippingLabelData],
        *,
        fmt: LabelFormat = LabelFormat.ZPL,
        size: LabelSize = LabelSize.MM_100X150,
        dpi: PrinterDpi = PrinterDpi.DPI_203,
    ) -> LabelDocument:
        """One label per box of a parcel ("Box 1/n" ... "n/n", one tracking number), as one print job."""
        if not boxes:
            raise LabelValidationError("boxes", _("A parcel needs at least one box."))
        pages = []
        shortened: set[str] = set()
        for original in boxes:
            data, changed = printable_shipping_data(original, self._fonts)
            modules = validate_shipping_label(data, self._fonts)
            page = layout_shipping_label(data, size, self._fonts, tracking_modules=modules)
            shortened |= changed | _shortened_fields(page)
            pages.append(page)
        first, last = boxes[0], boxes[-1]
        if len(boxes) == 1:
            description = _("Label {package} box {index}/{count}").format(
                package=first.package_id, index=first.box_index, count=first.box_count
            )
        else:
            description = _("Labels {package} boxes {first}-{last}/{count}").format(
                package=first.package_id, first=first.box_index, last=last.box_index, count=first.box_count
            )
        log.debug(
            "shipping labels built package=%s tracking=%s boxes=%d format=%s",
            first.package_id,
            first.tracking_number,
            len(boxes),
            fmt.value,
        )
        if fmt is LabelFormat.PDF:
            return LabelDocument(
                self._pdf.render(pages, title=description), fmt, False, description, tuple(sorted(shortened))
            )
        return LabelDocument(self._zpl[dpi].render(pages), fmt, True, description, tuple(sorted(shortened)))

    def packing_slip(
        self,
        data: PackingSlipData,
        *,
        fmt: LabelFormat = LabelFormat.PDF,
        page_size: PageSize = PageSize.A6,
        dpi: PrinterDpi = PrinterDpi.DPI_203,
    ) -> LabelDocument:
        """Validate ``data`` and build the packing slip (PDF on ``page_size``, or ZPL on label stock)."""
        return self.packing_slips([data], fmt=fmt, page_size=page_size, dpi=dpi)

    def packing_slips(
        self,
        slips: Sequence[PackingSlipData],
        *,
        fmt: LabelFormat = LabelFormat.PDF,
        page_size: PageSize = PageSize.A6,
        dpi: PrinterDpi = PrinterDpi.DPI_203,
    ) -> LabelDocument:
        """Several slips (one per box of a parcel) as one document, in order: one print job."""
        if not slips:
            raise ValueError("no packing slip to build")
        width, height = (
            (page_size.width_mm, page_size.height_mm)
            if fmt is LabelFormat.PDF
            else (_ZPL_SLIP_SIZE.width_mm, _ZPL_SLIP_SIZE.height_mm)
        )
        pages = []
        for slip in slips:
            data, _changed = printable_slip_data(slip, self._fonts)
            modules = validate_packing_slip(data, self._fonts)
            pages.extend(layout_packing_slip(data, width, height, self._fonts, code_modules=modules))
        first = slips[0]
        description = (
            _("Packing slip {package}").format(package=first.package_id)
            if len(slips) == 1 and first.box_count == 1
            else _("Packing slips {package} boxes {first}-{last}/{count}").format(
                package=first.package_id, first=first.box_index, last=slips[-1].box_index, count=first.box_count
            )
        )
        if fmt is LabelFormat.PDF:
            return LabelDocument(self._pdf.render(pages, title=description), fmt, False, description)
        return LabelDocument(self._zpl[dpi].render(pages), fmt, True, description)

    def marketplace_label(self, zpl: bytes, *, description: str = "") -> LabelDocument:
        """Wrap a label the marketplace issued (e.g. Trendyol's common label) to print exactly as issued.

        Only checked to be one or more complete ZPL formats; the bytes are not touched, and
        they use the marketplace's own fonts, so no font job is needed.
        """
        text = zpl.strip()
        if not text.startswith(b"^XA") or not text.endswith(b"^XZ"):
            raise LabelValidationError(
                "marketplace label", _("The label from the marketplace is not a complete ZPL label.")
            )
        return LabelDocument(zpl, LabelFormat.ZPL, False, description or _("Marketplace label"))

    def marketplace_pdf_label(self, documents: Sequence[bytes], *, description: str = "") -> LabelDocument:
        """Wrap PDF labels the marketplace issued (one per box) as one document, every page as issued.

        Each must be a PDF with at least one page; several are joined page after page into one print job.
        """
        if not documents:
            raise LabelValidationError("marketplace label", _("The marketplace sent no label."))
        try:
            for data in documents:
                PdfRaster(data).close()
            merged = merge_pdfs(tuple(documents))
        except PdfRasterError as exc:
            raise LabelValidationError(
                "marketplace label",
                _("The label from the marketplace is not a readable PDF: {error}").format(error=exc),
            ) from exc
        return LabelDocument(merged, LabelFormat.PDF, False, description or _("Marketplace label"))

    def marketplace_picture_label(
        self,
        pictures: Sequence[bytes],
        *,
        fmt: LabelFormat,
        size: LabelSize = LabelSize.MM_100X150,
        dpi: PrinterDpi = PrinterDpi.DPI_203,
        description: str = "",
    ) -> LabelDocument:
        """Draw labels the marketplace issued as pictures (PNG/JPEG, one per box) for a ``fmt`` printer:
        ZPL graphics for a thermal printer, PDF pages for an office printer (see :mod:`.images`)."""
        if not pictures:
            raise LabelValidationError("marketplace label", _("The marketplace sent no label."))
        if fmt is LabelFormat.PDF:
            data = pictures_pdf(pictures, size=size)
        else:
            data = pictures_zpl(pictures, size=size, dpi=dpi)
        return LabelDocument(data, fmt, False, description or _("Marketplace label"))
