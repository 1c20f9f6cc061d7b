"""Hand a built label document to the print queue (the one place labels meet printers)."""

from __future__ import annotations

from packstation.devices.printers.print_queue import PrintQueue
from packstation.domain.print_jobs import PrintJob
from packstation.services.labels.model import LabelDocument


def submit_document(queue: PrintQueue, printer_uri: str, document: LabelDocument) -> PrintJob:
    """Queue ``document`` for ``printer_uri``; ZPL that uses the label font gets the font job first."""
    return queue.submit(
        printer_uri,
        document.data,
        kind=document.format,
        needs_setup=document.needs_font,
        description=document.description,
    )
