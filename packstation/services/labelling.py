"""From a completed parcel to a label: build it, queue it for the station's printer, offer a preview."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from packstation.devices.printers.print_queue import PrintQueue
from packstation.services.labels import (
    DocumentFormat,
    LabelService,
    LabelSize,
    Marketplace,
    PrinterDpi,
    Sender,
    ShippingLabelData,
)
from packstation.services.labels.printing import submit_document
from packstation.services.packing import Completion, OpenedPackage

log = logging.getLogger("packstation.services.labelling")


@dataclass(frozen=True)
class LabelPreview:
    """A label as it was sent to the printer, for the preview pane."""

    package_external_id: str
    job_id: str
    zpl: bytes
    width_mm: float
    height_mm: float
    dpi: int


def shipping_data(package: OpenedPackage, *, box_index: int = 1, box_count: int = 1) -> ShippingLabelData:
    """The label fields for ``package`` (sender is the client company the parcel belongs to)."""
    try:
        marketplace = Marketplace(package.marketplace)
    except ValueError:
        marketplace = Marketplace.OTHER
    return ShippingLabelData(
        sender=Sender(
            name=package.sender_name or "-",
            address_lines=tuple(filter(None, [package.sender_address])),
            phone=package.sender_phone or None,
        ),
        receiver_name=package.customer_name,
        address_lines=(package.address_line,) if package.address_line else (),
        district=package.district,
        city=package.city,
        order_number=package.order_number,
        package_id=package.external_id,
        carrier=package.cargo_provider,
        tracking_number=package.cargo_tracking_number,
        marketplace=marketplace,
        item_count=sum(line.quantity for line in package.lines),
        box_index=box_index,
        box_count=box_count,
        phone=package.phone or None,
    )


class LabelDispatcher:
    """Turns completions into queued ZPL labels for one printer address."""

    def __init__(
        self,
        labels: LabelService,
        queue: PrintQueue,
        *,
        printer_uri: str,
        dpi: int = 203,
        size: str = "100x150mm",
        on_preview: Callable[[LabelPreview], None] = lambda _p: None,
    ) -> None:
        self._labels = labels
        self._queue = queue
        self.printer_uri = printer_uri
        self._dpi = PrinterDpi.DPI_300 if dpi == 300 else PrinterDpi.DPI_203
        self._size = LabelSize.IN_4X6 if size == "4x6in" else LabelSize.MM_100X150
        self._on_preview = on_preview

    def print_label(self, package: OpenedPackage, *, reprint_of: str | None = None) -> LabelPreview:
        """Build and queue the shipping label of ``package``; returns what was sent."""
        document = self._labels.shipping_label(
            shipping_data(package), fmt=DocumentFormat.ZPL, size=self._size, dpi=self._dpi
        )
        job = submit_document(self._queue, self.printer_uri, document)
        log.info("label queued package=%s job=%s printer=%s", package.external_id, job.id, self.printer_uri)
        width, height = self._size.value
        preview = LabelPreview(
            package_external_id=package.external_id,
            job_id=str(job.id),
            zpl=(self._labels.font_job() if document.needs_font else b"") + document.data,
            width_mm=width,
            height_mm=height,
            dpi=self._dpi.value,
        )
        self._on_preview(preview)
        return preview

    def on_completed(self, completion: Completion) -> None:
        """Completion hook for the packing service."""
        self.print_label(completion.package)


def render_preview_png(preview: LabelPreview) -> bytes:
    """The label rendered as the printer would print it (PNG), for the preview pane."""
    import zplkit

    dots = preview.dpi / 25.4
    document = zplkit.render(
        preview.zpl,
        zplkit.Options(width=round(preview.width_mm * dots), height=round(preview.height_mm * dots), dpi=preview.dpi),
    )
    if not document.labels:
        raise ValueError(f"label {preview.package_external_id} rendered to nothing: {document.warnings}")
    return bytes(document.labels[-1].png())
