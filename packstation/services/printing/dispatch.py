"""From a completed parcel to a label: build it, queue it for the station's printer, offer a preview.

The label goes out in the format the station's printer takes (``[printer] format``: ZPL for thermal
printers, PDF for ``qt://`` office printers). Where the marketplace issues the label (Trendyol's common
label, Hepsiburada's "ortak barkod"), it is asked for that format and printed exactly as issued. When it
issues a format the printer cannot take, nothing is printed and the packer is told why
(:class:`LabelUnavailable`): our own label instead would not be the one the carrier expects.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from packstation.db.models.access import AuditEntry
from packstation.db.models.packages import PackEvent
from packstation.devices.printers.print_queue import PrintQueue
from packstation.devices.uri import PRINTER_SCHEMES, parse_device_uri
from packstation.domain.events import LabelPreview, LabelProblem
from packstation.domain.marketplace import LabelFormat, Marketplace, RasterFormat
from packstation.domain.print_jobs import PrintJob
from packstation.i18n import _
from packstation.local_store.operations import OperationKind
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.permissions import (
    Approval,
    Permission,
    PermissionDenied,
    UserSession,
    privileged,
    reprint_needs_approval,
)
from packstation.services.labels import LabelService, LabelSize, PrinterDpi, Sender, ShippingLabelData
from packstation.services.labels.model import LabelDocument
from packstation.services.labels.printable import shortened_note
from packstation.services.labels.raster import PdfRaster
from packstation.services.marketplaces.writes import MarketplaceLabel
from packstation.services.packing.service import Completion, OpenedPackage
from packstation.services.printing.slips import box_slips
from packstation.services.printing.submit import submit_document
from packstation.services.printing.zpl_filter import filter_zpl

log = logging.getLogger("packstation.services.printing.dispatch")


def shipping_data(package: OpenedPackage, *, box_index: int = 1, box_count: int = 1) -> ShippingLabelData:
    """The label fields for ``package`` (sender is the client company the parcel belongs to)."""
    marketplace = Marketplace.of(package.marketplace)
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


#: Returns the marketplace's own labels for a parcel (one per box), asked for in the given format, for the
#: given number of boxes and the parcel's desi (None: not known here), or None for ours.
MarketplaceLabelSource = Callable[[OpenedPackage, LabelFormat, int, Decimal | None], MarketplaceLabel | None]


class LabelDispatcher:
    """Turns completions into queued labels for one printer address: the marketplace's own, else ours.

    Completions are handled on the dispatcher's own thread, so fetching a marketplace label never
    holds up the next scan.
    """

    def __init__(
        self,
        labels: LabelService,
        queue: PrintQueue,
        *,
        printer_uri: str,
        dpi: int = 203,
        size: str = "100x150mm",
        on_preview: Callable[[LabelPreview], None] = lambda _p: None,
        on_problem: Callable[[LabelProblem], None] = lambda _p: None,
        marketplace_label: MarketplaceLabelSource | None = None,
        fmt: LabelFormat = LabelFormat.ZPL,
        packing_slips: bool = False,
    ) -> None:
        self._labels = labels
        self._queue = queue
        self.printer_uri = printer_uri
        self._dpi = PrinterDpi.DPI_300 if dpi == 300 else PrinterDpi.DPI_203
        self._size = LabelSize.IN_4X6 if size == "4x6in" else LabelSize.MM_100X150
        self._on_preview = on_preview
        self._on_problem = on_problem
        #: Returns the label the marketplace issues for a parcel (printed as issued), or None for ours.
        self.marketplace_label = marketplace_label
        #: What the printer takes: our labels are built in it, and marketplace labels asked for in it.
        self.format = fmt
        #: After a parcel's labels, one packing slip per box with that box's contents (``[printer] packing_slips``).
        self.packing_slips = packing_slips
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="labels")

    def print_label(
        self, package: OpenedPackage, *, box_count: int = 1, box: int | None = None, desi: Decimal | None = None
    ) -> LabelPreview:
        """Build and queue the labels of ``package``, one per box, in one print job; returns what was sent.

        ``box`` prints that box's label only (a reprint of one box); None prints all ``box_count``.
        Raises :class:`LabelUnavailable` when the marketplace issues the label but could not give it:
        printing ours instead would put a label on the parcel the carrier does not accept.
        """
        if box_count < 1 or (box is not None and not 1 <= box <= box_count):
            raise LabelUnavailable(
                _("Box {box} is not one of the {count} boxes of {id}.").format(
                    box=box, count=box_count, id=package.external_id
                )
            )
        issued = None
        if self.marketplace_label is not None:
            try:
                issued = self.marketplace_label(package, self.format, box_count, desi)
            except Exception as exc:
                raise LabelUnavailable(
                    _("the marketplace's label for {id} is not available: {error}").format(
                        id=package.external_id, error=exc
                    )
                ) from exc
        wanted = range(1, box_count + 1) if box is None else (box,)
        if issued is not None and issued.documents:
            document = self._as_issued(package, _issued_boxes(package, issued, box_count, box))
        else:
            if issued is not None and issued.cargo_tracking_number and not package.cargo_tracking_number:
                # Packing made the tracking number (Hepsiburada): our label must carry it.
                package = replace(package, cargo_tracking_number=issued.cargo_tracking_number)
            document = self._labels.shipping_labels(
                [shipping_data(package, box_index=index, box_count=box_count) for index in wanted],
                fmt=self.format,
                size=self._size,
                dpi=self._dpi,
            )
        job = submit_document(self._queue, self.printer_uri, document)
        log.info(
            "label queued package=%s job=%s printer=%s format=%s issued_by_marketplace=%s",
            package.external_id,
            job.id,
            self.printer_uri,
            document.format.value,
            issued is not None,
        )
        preview = self._preview(package, str(job.id), document)
        ours_because = issued.note if issued is not None and not issued.documents else ""
        if ours_because:
            log.warning(
                "our label instead of the marketplace's package=%s reason=%s", package.external_id, ours_because
            )
            preview = replace(preview, note=f"{ours_because} {preview.note}".strip())
        self._on_preview(preview)
        return preview

    def _as_issued(self, package: OpenedPackage, issued: MarketplaceLabel) -> LabelDocument:
        """The marketplace's label, untouched, in the printer's format; a mismatch is refused, never lost.

        A label issued as a picture is the exception: it is drawn for the printer (a ZPL graphic or a PDF page).
        """
        got = issued.format
        if isinstance(got, RasterFormat):
            return self._labels.marketplace_picture_label(
                issued.documents, fmt=self.format, size=self._size, dpi=self._dpi, description=package.external_id
            )
        if got is not self.format:
            raise LabelUnavailable(
                _(
                    "the marketplace issued the label of {id} as {issued}, but the printer {printer} takes {wanted}. "
                    "Print it on a {issued} printer (set [printer] uri and format), or from the marketplace's panel."
                ).format(
                    id=package.external_id,
                    issued=got.value.upper(),
                    wanted=self.format.value.upper(),
                    printer=self.printer_uri,
                )
            )
        if got is LabelFormat.PDF:
            return self._labels.marketplace_pdf_label(issued.documents, description=package.external_id)
        filtered = filter_zpl(b"\n".join(issued.documents))
        if filtered.removed:
            # Printer configuration or firmware commands in a marketplace label: never sent on to the printer.
            log.warning(
                "marketplace label sanitised package=%s removed=%s", package.external_id, ",".join(filtered.removed)
            )
        return self._labels.marketplace_label(filtered.data, description=package.external_id)

    def _preview(self, package: OpenedPackage, job_id: str, document: LabelDocument) -> LabelPreview:
        width, height = self._size.value
        if document.format is LabelFormat.PDF:
            with PdfRaster(document.data) as pdf:
                width, height = pdf.pages[0].width_mm, pdf.pages[0].height_mm
            data = document.data
        else:
            data = (self._labels.font_job() if document.needs_font else b"") + document.data
        return LabelPreview(
            package_external_id=package.external_id,
            job_id=job_id,
            data=data,
            width_mm=width,
            height_mm=height,
            dpi=self._dpi.value,
            format=document.format,
            note=shortened_note(document.shortened),
        )

    def on_completed(self, completion: Completion) -> None:
        """Completion hook for the packing service: the labels (and slips) are made on the dispatcher's thread."""
        self._executor.submit(self._print_reporting, completion)

    def _print_reporting(self, completion: Completion) -> None:
        # Unsupplied units do not go out: the label's item count and HB's package leave them out.
        package = completion.shipped()
        try:
            self.print_label(package, box_count=completion.box_count, desi=completion.desi)
        except Exception as exc:  # shown to the packer; REPRINT tries again
            log.exception("label failed package=%s", package.external_id)
            self._on_problem(LabelProblem(package.external_id, str(exc)))
        if not self.packing_slips:
            return
        try:
            self.print_slips(package, completion.box_units)
        except Exception as exc:  # the labels went out; the packer is told the slips did not
            log.exception("packing slips failed package=%s", package.external_id)
            self._on_problem(LabelProblem(package.external_id, _("packing slips: {error}").format(error=exc)))

    def print_slips(
        self, package: OpenedPackage, box_units: Sequence[Mapping[str, int]], *, box: int | None = None
    ) -> str:
        """Queue one packing slip per box (what went into it) as one job, or box ``box``'s slip only (a reprint
        of one box); returns the job id."""
        slips = box_slips(package, box_units)
        if box is not None:
            if not 1 <= box <= len(slips):
                raise LabelUnavailable(
                    _("Box {box} is not one of the {count} boxes of {id}.").format(
                        box=box, count=len(slips), id=package.external_id
                    )
                )
            slips = slips[box - 1 : box]
        document = self._labels.packing_slips(slips, fmt=self.format, dpi=self._dpi)
        job = submit_document(self._queue, self.printer_uri, document)
        log.info("packing slips queued package=%s job=%s printer=%s", package.external_id, job.id, self.printer_uri)
        return str(job.id)

    def close(self) -> None:
        """Finish the labels being made."""
        self._executor.shutdown(wait=True)


class LabelUnavailable(Exception):
    """The parcel's label cannot be produced now; the message says why."""


def _issued_boxes(
    package: OpenedPackage, issued: MarketplaceLabel, box_count: int, box: int | None
) -> MarketplaceLabel:
    """The marketplace's labels for the boxes asked for: all of them, or box ``box`` of ``box_count``.

    A marketplace issues one label per box when asked for ``box_count`` (Trendyol's ``boxQuantity``); one
    label for several boxes would leave boxes unlabelled, so that is refused rather than printed short.
    """
    documents = tuple(issued.documents)
    if box_count > 1 and len(documents) != box_count:
        raise LabelUnavailable(
            _("the marketplace issued {got} labels for the {count} boxes of {id}").format(
                got=len(documents), count=box_count, id=package.external_id
            )
        )
    if box is None:
        return issued
    return replace(issued, documents=(documents[box - 1],))


#: Largest ZPL graphic the preview draws: four full 100x150 mm labels at 300 dpi.
_PREVIEW_GRAPHIC_BYTES = 1_200_000


def render_preview_png(preview: LabelPreview) -> bytes:
    """The label rendered as the printer would print it (PNG, first page of a PDF), for the preview pane."""
    if preview.format is LabelFormat.PDF:
        with PdfRaster(preview.data) as pdf:
            return pdf.render_png(0, dpi=preview.dpi)
    import zplkit
    from zplkit.rendering import Limits

    dots = preview.dpi / 25.4
    document = zplkit.render(
        preview.data,
        zplkit.Options(width=round(preview.width_mm * dots), height=round(preview.height_mm * dots), dpi=preview.dpi),
        # A label issued as a picture is one full-label graphic (~125 kB at 203 dpi, ~270 kB at 300):
        # above zplkit's 25 kB default, well within a printer's memory.
        limits=Limits(graphic_bytes=_PREVIEW_GRAPHIC_BYTES),
    )
    if not document.labels:
        raise ValueError(f"label {preview.package_external_id} rendered to nothing: {document.warnings}")
    return bytes(document.labels[-1].png())


class ReprintService:
    """Reprints a parcel's label: audited, and beyond ``[security] reprint_limit`` only with a supervisor."""

    def __init__(
        self,
        dispatcher: LabelDispatcher,
        sessions: sessionmaker[Session],
        *,
        audit: AuditLog,
        limit: int,
        station_id: int | None,
        clock: Callable[[], datetime],
    ) -> None:
        self._dispatcher = dispatcher
        self._sessions = sessions
        self.audit = audit  # @privileged reads audit and clock
        self._limit = limit
        self._station_id = station_id
        self.clock = clock

    def reprints_so_far(self, package: OpenedPackage) -> int:
        """How many times this parcel's label was reprinted (from the audit log, so every station agrees)."""
        with self._sessions() as session:
            return int(
                session.scalar(
                    select(func.count()).where(
                        AuditEntry.action == AuditAction.REPRINT.value, AuditEntry.subject == f"package:{package.id}"
                    )
                )
                or 0
            )

    def reprint(
        self,
        actor: UserSession,
        package: OpenedPackage,
        *,
        box_count: int = 1,
        box: int | None = None,
        approval: Approval | None = None,
        box_units: Sequence[Mapping[str, int]] | None = None,
    ) -> LabelPreview:
        """Queue the labels again (every box, or box ``box``), and the packing slips where the station prints
        them (``[printer] packing_slips``); raises PermissionDenied past the limit without a valid approval.

        ``box_units``: what went into each box, in box order, when the caller has it (the pack screen);
        otherwise it is read from the parcel's completion in PostgreSQL.
        A refusal is audited twice: ``permission.denied`` by ``@privileged`` and ``label.reprint_refused``
        naming the parcel.
        """
        count = self.reprints_so_far(package)
        if not reprint_needs_approval(count, limit=self._limit):
            return self._print(actor, package, count, box_count=box_count, box=box, approval=None, box_units=box_units)
        try:
            return self.reprint_beyond_limit(
                actor, package, box_count=box_count, box=box, approval=approval, box_units=box_units
            )
        except PermissionDenied as denied:
            self.audit.record(
                AuditAction.REPRINT_REFUSED,
                actor=actor,
                station_id=self._station_id,
                subject=f"package:{package.id}",
                detail={"reprints_so_far": count, "limit": self._limit, "reason": str(denied)},
            )
            raise

    @privileged(Permission.REPRINT_BEYOND_LIMIT)
    def reprint_beyond_limit(
        self,
        actor: UserSession,
        package: OpenedPackage,
        *,
        box_count: int = 1,
        box: int | None = None,
        approval: Approval | None = None,
        box_units: Sequence[Mapping[str, int]] | None = None,
    ) -> LabelPreview:
        """A reprint past ``[security] reprint_limit``: a supervisor, or a packer with a (single-use) approval."""
        count = self.reprints_so_far(package)
        return self._print(actor, package, count, box_count=box_count, box=box, approval=approval, box_units=box_units)

    def _print(
        self,
        actor: UserSession,
        package: OpenedPackage,
        count: int,
        *,
        box_count: int,
        box: int | None,
        approval: Approval | None,
        box_units: Sequence[Mapping[str, int]] | None,
    ) -> LabelPreview:
        preview = self._dispatcher.print_label(package, box_count=box_count, box=box)
        slips_job = None
        if self._dispatcher.packing_slips:
            units = box_units if box_units is not None else self.packed_boxes(package.id)
            slips_job = self._dispatcher.print_slips(package, units, box=box)
        self.audit.record(
            AuditAction.REPRINT,
            actor=actor,
            station_id=self._station_id,
            subject=f"package:{package.id}",
            detail={
                "job": preview.job_id,
                "reprint_number": count + 1,
                "boxes": box_count,
                "box": box,
                "external_id": package.external_id,
                "approved_by": approval.approver_id if approval else None,
                "slips_job": slips_job,
            },
        )
        return preview

    def packed_boxes(self, package_id: int) -> list[Mapping[str, int]]:
        """What went into each box of the parcel, from its completion as PostgreSQL recorded it (empty when
        none is recorded yet: one slip then lists every line)."""
        with self._sessions() as session:
            detail = session.scalar(
                select(PackEvent.detail)
                .where(PackEvent.package_id == package_id, PackEvent.kind == OperationKind.COMPLETE.value)
                .order_by(PackEvent.occurred_at.desc())
                .limit(1)
            )
        boxes = detail.get("boxes") if isinstance(detail, Mapping) else None
        if not isinstance(boxes, list):
            return []
        return [
            {str(line): int(units) for line, units in box["units"].items()}
            for box in boxes
            if isinstance(box, Mapping) and isinstance(box.get("units"), Mapping)
        ]


class PrintRedirects:
    """Sends a waiting or failed label to another printer: privileged and audited.

    A printer address can be any ``tcp://`` host or ``file:///`` folder, so where parcels' labels (names,
    addresses) go is a setting: a packer needs a supervisor's approval.
    """

    def __init__(self, queue: PrintQueue, *, audit: AuditLog, clock: Callable[[], datetime]) -> None:
        self._queue = queue
        self.audit = audit
        self.clock = clock

    @privileged(Permission.CHANGE_SETTINGS)
    def redirect(
        self, actor: UserSession, job_id: str, printer_uri: str, *, approval: Approval | None = None
    ) -> PrintJob:
        """Move the job to ``printer_uri`` (validated as a printer address) and record who did it."""
        parse_device_uri(printer_uri, allowed=PRINTER_SCHEMES)
        before = self._queue.store.get(job_id).printer_uri
        job = self._queue.move(job_id, printer_uri)
        self.audit.record(
            AuditAction.PRINT_REDIRECTED,
            actor=actor,
            subject=f"print_job:{job_id}",
            detail={"from": before, "to": printer_uri, "approved_by": approval.approver_id if approval else None},
        )
        return job
