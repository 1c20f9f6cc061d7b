"""A built label through the print queue into a spool folder: each file renders on its own."""

from __future__ import annotations

import threading

import zplkit
from PIL import Image

from packstation.devices.printers import PrintJobEventKind, PrintQueue
from packstation.domain.marketplace import LabelFormat
from packstation.services.labels import LabelService, ShippingLabelData
from packstation.services.printing.submit import submit_document

from .conftest import TRACKING, decode


def test_spooled_label_carries_its_font_and_scans(
    service: LabelService, label_data: ShippingLabelData, tmp_path
) -> None:
    printed = threading.Event()
    folder = tmp_path / "spool"
    queue = PrintQueue(
        tmp_path / "jobs.sqlite",
        setup_job=service.font_job(),
        on_event=lambda event: event.kind is PrintJobEventKind.PRINTED and printed.set(),
    )
    queue.start()
    try:
        job = submit_document(queue, f"file://{folder}", service.shipping_label(label_data))
        assert printed.wait(10)
        assert job.needs_setup
        [spooled] = folder.glob("*.zpl")
        data = spooled.read_bytes()
        assert data.startswith(service.font_job())
        document = zplkit.render(data, zplkit.Options(width=800, height=1200, dpi=203))
        assert not document.warnings
        image = Image.open(__import__("io").BytesIO(document.labels[0].png()))
        assert decode(image)["Code 128"] == TRACKING
        pdf = service.shipping_label(label_data, fmt=LabelFormat.PDF)
        printed.clear()
        submit_document(queue, f"file://{folder}", pdf)
        assert printed.wait(10)
        [spooled_pdf] = folder.glob("*.pdf")
        assert spooled_pdf.read_bytes() == pdf.data  # PDFs never get the ZPL font job
    finally:
        queue.stop()
