"""Label and print-queue timings against the goals of issue 6.

- ZPL label build p99 <= 2 ms
- PDF label build p99 <= 20 ms, beside a straightforward reportlab build of the same label
  (reportlab's own Code128 and QrCodeWidget drawn through renderPDF) in the same run
- job submitted to the queue -> first byte at a TCP printer on loopback <= 50 ms

Every iteration uses a different tracking number and link, so no QR cache is hit.
Run alone: ``python -m benchmarks.bench_labels``.
"""

from __future__ import annotations

import io
import json
import socket
import tempfile
import threading
import time
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from benchmarks.common import percentiles
from packstation.devices.printers import PrintJobEventKind, PrintQueue
from packstation.devices.printers.host_status import HOST_STATUS_QUERY, format_host_status
from packstation.domain.marketplace import LabelFormat, Marketplace
from packstation.services.labels import LabelService, Sender, ShippingLabelData

GOALS_MS = {"zpl_label_p99": 2.0, "pdf_label_p99": 20.0, "submit_to_first_byte_p99": 50.0}


def _sample(number: int) -> ShippingLabelData:
    tracking = f"73300{number:011d}"
    return ShippingLabelData(
        sender=Sender("Anadolu Tekstil Ltd. Şti.", ("Organize Sanayi Bölgesi 3. Cadde No:12",), "Bursa"),
        receiver_name="Şükrü Gökçe",
        address_lines=("Cumhuriyet Mahallesi, Atatürk Bulvarı No: 123/4 Daire 5", "Kat 2, Çiçek Apartmanı"),
        district="Iğdır",
        city="Ağrı",
        order_number=f"1029{number:07d}",
        package_id=f"34{number:08d}",
        carrier="Trendyol Express",
        tracking_number=tracking,
        marketplace=Marketplace.TRENDYOL,
        item_count=3,
        box_index=1,
        box_count=2,
        phone="0532 *** ** 45",
        tracking_url=f"https://kargotakip.example.com/t?no={tracking}",
    )


def _timed(build, count: int) -> list[float]:
    samples = []
    for number in range(count):
        start = time.perf_counter()
        build(number)
        samples.append(time.perf_counter() - start)
    return samples


def _straightforward_pdf(service: LabelService, data: ShippingLabelData) -> bytes:
    """The obvious reportlab build of the same content: widgets for both symbols, no caching."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(100 * mm, 150 * mm))
    regular, bold = service.fonts.regular.pdf_name, service.fonts.bold.pdf_name
    canvas.setFont(bold, 16)
    canvas.drawString(3 * mm, 142 * mm, data.carrier)
    canvas.drawRightString(97 * mm, 142 * mm, f"Box {data.box_index}/{data.box_count}")
    canvas.setFont(regular, 9)
    canvas.drawString(3 * mm, 132 * mm, data.sender.name)
    canvas.setFont(bold, 15)
    canvas.drawString(3 * mm, 118 * mm, data.receiver_name)
    canvas.setFont(regular, 11)
    for number, line in enumerate(data.address_lines):
        canvas.drawString(3 * mm, (110 - 5 * number) * mm, line)
    canvas.setFont(bold, 16)
    canvas.drawString(3 * mm, 96 * mm, f"{data.district} / {data.city}")
    barcode = Code128(data.tracking_number, barHeight=24 * mm, barWidth=0.5 * mm, humanReadable=False)
    barcode.drawOn(canvas, 8 * mm, 60 * mm)
    canvas.drawCentredString(50 * mm, 53 * mm, data.tracking_number)
    qr = QrCodeWidget(data.qr_payload, barLevel="Q")
    x0, y0, x1, y1 = qr.getBounds()
    drawing = Drawing(30 * mm, 30 * mm, transform=[30 * mm / (x1 - x0), 0, 0, 30 * mm / (y1 - y0), 0, 0])
    drawing.add(qr)
    renderPDF.draw(drawing, canvas, 3 * mm, 3 * mm)
    canvas.setFont(regular, 11)
    for number, text in enumerate(
        (f"Order: {data.order_number}", f"Package: {data.package_id}", f"Items: {data.item_count}")
    ):
        canvas.drawString(37 * mm, (28 - 6 * number) * mm, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


class _Listener:
    """A loopback ZPL printer that answers ~HS and notes when the first label byte arrives."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self.arrived = threading.Event()
        self.first_byte_at = 0.0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        try:
            client, _ = self._server.accept()
        except OSError:
            return
        with client:
            while True:
                chunk = client.recv(65536)
                if not chunk:
                    return
                if HOST_STATUS_QUERY in chunk:
                    client.sendall(format_host_status())
                    chunk = chunk.replace(HOST_STATUS_QUERY, b"")
                if chunk and not self.arrived.is_set():
                    self.first_byte_at = time.perf_counter()
                    self.arrived.set()

    def close(self) -> None:
        self._server.close()


def _submit_to_first_byte(service: LabelService, count: int) -> dict[str, float]:
    listener = _Listener()
    printed = threading.Event()
    with tempfile.TemporaryDirectory() as folder:
        queue = PrintQueue(
            Path(folder) / "jobs.sqlite",
            setup_job=service.font_job(),
            on_event=lambda event: event.kind is PrintJobEventKind.PRINTED and printed.set(),
        )
        queue.start()
        uri = f"tcp://127.0.0.1:{listener.port}"
        try:
            samples = []
            for number in range(count + 1):
                label = service.shipping_label(_sample(number)).data
                listener.arrived.clear()
                printed.clear()
                start = time.perf_counter()
                queue.submit(uri, label, kind=LabelFormat.ZPL, needs_setup=True)
                if not listener.arrived.wait(5) or not printed.wait(5):
                    raise RuntimeError("the loopback printer received nothing")
                if number:  # the first job also pays for the connect and the font download
                    samples.append(listener.first_byte_at - start)
        finally:
            queue.stop()
            listener.close()
    return percentiles(samples)


def run() -> dict:
    """Measure and return the figures as a JSON-able dict."""
    service = LabelService()
    service.shipping_label(_sample(0))  # warm-up: font parsing happens once per process
    service.shipping_label(_sample(0), fmt=LabelFormat.PDF)
    zpl = percentiles(_timed(lambda n: service.shipping_label(_sample(n + 1)), 1000))
    pdf = percentiles(_timed(lambda n: service.shipping_label(_sample(n + 5000), fmt=LabelFormat.PDF), 200))
    baseline = percentiles(_timed(lambda n: _straightforward_pdf(service, _sample(n + 9000)), 100))
    reprint = _sample(1)
    pdf_cached = percentiles(_timed(lambda _n: service.shipping_label(reprint, fmt=LabelFormat.PDF), 100))
    first_byte = _submit_to_first_byte(service, 100)
    return {
        "zpl_label": zpl,
        "pdf_label": pdf,
        "pdf_label_repeat_same_data": pdf_cached,
        "pdf_label_straightforward_reportlab": baseline,
        "pdf_speedup_p50": round(baseline["p50_ms"] / pdf["p50_ms"], 2),
        "submit_to_first_byte_tcp": first_byte,
        "goals_ms": GOALS_MS,
        "goals_met": {
            "zpl_label_p99": zpl["p99_ms"] <= GOALS_MS["zpl_label_p99"],
            "pdf_label_p99": pdf["p99_ms"] <= GOALS_MS["pdf_label_p99"],
            "submit_to_first_byte_p99": first_byte["p99_ms"] <= GOALS_MS["submit_to_first_byte_p99"],
        },
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
