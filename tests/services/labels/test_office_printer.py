"""Office printers (``qt://``) end to end: print queue -> Qt printer (PDF file output) -> pdftoppm -> zxing.

The printer writes through a real ``QPrinter`` in PDF mode (``?output=``), from the print queue's own
thread, exactly as it draws on a printer installed on the computer. What comes out is read back the way a
person would: rasterised with poppler, the barcode decoded, the Turkish words compared glyph by glyph
with the label the station built.
"""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from packstation.config import Settings
from packstation.devices.base import PrinterError, PrinterFaultKind
from packstation.devices.printers import (
    JobState,
    PrinterFactory,
    PrintJobEventKind,
    PrintQueue,
    RetryPolicy,
    open_printer,
)
from packstation.domain.marketplace import LabelFormat
from packstation.services.labels import LabelService, PackingSlipData, ShippingLabelData
from packstation.services.labels.model import PageSize
from packstation.services.packing.service import LineInfo, OpenedPackage
from packstation.services.printing.dispatch import LabelDispatcher, render_preview_png
from packstation.services.printing.submit import submit_document
from packstation.services.station.setup import TEST_TRACKING_NUMBER
from packstation.ui.admin.setup_wizard import StationSetupWizard, default_print_test
from packstation.ui.platform.office_printer import OfficePrinter, available_printers, register_office_printer
from tests.support.print_events import Events

from .conftest import TRACKING, decode, render_pdf

pytestmark = pytest.mark.gui

TURKISH_WORDS = ("Şükrü", "Gökçe", "Iğdır", "Ağrı", "Şti.")
POINTS_PER_MM = 72 / 25.4
ONCE = RetryPolicy(max_attempts=1)


@pytest.fixture
def office_queue(qapp: object, tmp_path: Path):
    """A print queue whose printers include ``qt://`` (as the station window registers it)."""
    events = Events()
    queue = PrintQueue(
        tmp_path / "jobs.sqlite3",
        on_event=events,
        printer_factory=register_office_printer(PrinterFactory()),
        retry_policy=ONCE,
    )
    queue.start()
    yield queue, events
    queue.stop()


def _ink(image: Image.Image) -> Image.Image:
    """Dark pixels white, the rest black."""
    return image.convert("L").point(lambda value: 255 if value < 128 else 0)


def _word_boxes(pdf: Path) -> dict[str, tuple[float, float, float, float]]:
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pattern = r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<'
    return {word: (float(x0), float(y0), float(x1), float(y1)) for x0, y0, x1, y1, word in re.findall(pattern, html)}


def _stray_ink(printed: Image.Image, built: Image.Image, box: tuple[float, float, float, float], dpi: int) -> float:
    """Ink in one image with no ink within a pixel in the other, as a share of the word's ink."""
    crop = tuple(round(value * dpi / 72) for value in box)
    a, b = _ink(printed).crop(crop), _ink(built).crop(crop)
    stray = ImageChops.subtract(a, b.filter(ImageFilter.MaxFilter(3))).histogram()[255]
    stray += ImageChops.subtract(b, a.filter(ImageFilter.MaxFilter(3))).histogram()[255]
    ink = b.histogram()[255]
    assert ink > 100, "the word's box holds no ink"
    return stray / ink


def test_pdf_label_prints_through_the_queue_and_qt_with_turkish_text_and_barcode(
    office_queue, service: LabelService, label_data: ShippingLabelData, tmp_path: Path
) -> None:
    queue, events = office_queue
    output = tmp_path / "printed.pdf"
    document = service.shipping_label(label_data, fmt=LabelFormat.PDF)
    job = submit_document(queue, f"qt://?output={output}&dpi=300", document)
    assert events.wait(job.id, PrintJobEventKind.PRINTED, PrintJobEventKind.FAILED).kind is PrintJobEventKind.PRINTED

    [page] = PdfReader(output).pages
    assert float(page.mediabox.width) / POINTS_PER_MM == pytest.approx(100, abs=0.5)
    assert float(page.mediabox.height) / POINTS_PER_MM == pytest.approx(150, abs=0.5)
    printed_dir, built_dir = tmp_path / "printed", tmp_path / "built"
    printed_dir.mkdir()
    built_dir.mkdir()
    [printed] = render_pdf(output.read_bytes(), printed_dir, dpi=300)
    assert decode(printed)["Code 128"] == TRACKING

    built_pdf = tmp_path / "built.pdf"
    built_pdf.write_bytes(document.data)
    [built] = render_pdf(document.data, built_dir, dpi=300)
    boxes = _word_boxes(built_pdf)
    for word in TURKISH_WORDS:
        assert _stray_ink(printed, built, boxes[word], 300) < 0.01, word
    # The comparison sees the difference a lost Turkish letter makes (Şükrü printed as Sukru).
    ascii_dir = tmp_path / "ascii"
    ascii_dir.mkdir()
    ascii_label = service.shipping_label(replace(label_data, receiver_name="Sukru Gokce"), fmt=LabelFormat.PDF)
    [ascii_image] = render_pdf(ascii_label.data, ascii_dir, dpi=300)
    assert _stray_ink(ascii_image, built, boxes["Şükrü"], 300) > 0.02


def test_multi_page_slip_keeps_its_page_size_and_every_page_prints(
    office_queue, service: LabelService, slip_data: PackingSlipData, tmp_path: Path
) -> None:
    queue, events = office_queue
    many = replace(slip_data, lines=slip_data.lines * 12)
    for page_size, (width, height) in ((PageSize.A6, (105, 148)), (PageSize.A5, (148, 210))):
        output = tmp_path / f"slip-{page_size.name}.pdf"
        document = service.packing_slip(many, page_size=page_size)
        pages_built = len(PdfReader(io.BytesIO(document.data)).pages)
        assert pages_built > 1
        job = submit_document(queue, f"qt://?output={output}&dpi=200", document)
        done = events.wait(job.id, PrintJobEventKind.PRINTED, PrintJobEventKind.FAILED)
        assert done.kind is PrintJobEventKind.PRINTED
        pages = PdfReader(output).pages
        assert len(pages) == pages_built
        for page in pages:
            assert float(page.mediabox.width) / POINTS_PER_MM == pytest.approx(width, abs=0.5)
            assert float(page.mediabox.height) / POINTS_PER_MM == pytest.approx(height, abs=0.5)
        folder = tmp_path / page_size.name
        folder.mkdir()
        for image in render_pdf(output.read_bytes(), folder, dpi=200):
            assert decode(image)["Code 128"] == f"PS:{many.package_id}"


def test_forced_paper_shrinks_a_larger_page_without_distortion(
    qapp: object, service: LabelService, label_data: ShippingLabelData, tmp_path: Path
) -> None:
    output = tmp_path / "a7.pdf"
    printer = OfficePrinter("", output=output, dpi=200, paper="A7")  # 74 x 105 mm: smaller than the label
    printer.open()
    label = service.shipping_label(label_data, fmt=LabelFormat.PDF).data
    printer.send(label, kind=LabelFormat.PDF, job_id="a7")
    [page] = PdfReader(output).pages
    assert float(page.mediabox.width) / POINTS_PER_MM == pytest.approx(74, abs=0.5)
    (tmp_path / "printed").mkdir()
    (tmp_path / "built").mkdir()
    [printed] = render_pdf(output.read_bytes(), tmp_path / "printed", dpi=300)
    [built] = render_pdf(label, tmp_path / "built", dpi=300)
    assert decode(printed)["Code 128"] == TRACKING
    printed_box, built_box = _ink(printed).getbbox(), _ink(built).getbbox()
    assert printed_box is not None and built_box is not None

    def proportions(box: tuple[int, int, int, int]) -> float:
        return (box[3] - box[1]) / (box[2] - box[0])

    assert proportions(printed_box) == pytest.approx(proportions(built_box), rel=0.01)  # shrunk, not squashed
    assert printed_box[3] - printed_box[1] == pytest.approx((built_box[3] - built_box[1]) * 105 / 150, rel=0.02)


def test_unknown_printer_name_is_a_specific_error_never_a_silent_success(
    office_queue, service: LabelService, label_data: ShippingLabelData, tmp_path: Path
) -> None:
    queue, events = office_queue
    with pytest.raises(PrinterError) as raised:
        OfficePrinter("Muhasebe Yazıcısı").open()
    assert raised.value.kind is PrinterFaultKind.UNREACHABLE
    assert "Muhasebe Yazıcısı" in raised.value.message
    document = service.shipping_label(label_data, fmt=LabelFormat.PDF)
    job = submit_document(queue, "qt://Muhasebe Yazıcısı", document)
    failed = events.wait(job.id, PrintJobEventKind.PRINTED, PrintJobEventKind.FAILED)
    assert failed.kind is PrintJobEventKind.FAILED
    assert "Muhasebe Yazıcısı" in failed.job.last_error
    assert queue.job(job.id).state is JobState.FAILED


def test_zpl_sent_to_an_office_printer_is_refused_clearly(
    office_queue, service: LabelService, label_data: ShippingLabelData, tmp_path: Path
) -> None:
    queue, events = office_queue
    output = tmp_path / "never.pdf"
    job = submit_document(queue, f"qt://?output={output}", service.shipping_label(label_data))
    failed = events.wait(job.id, PrintJobEventKind.PRINTED, PrintJobEventKind.FAILED)
    assert failed.kind is PrintJobEventKind.FAILED
    assert "PDF" in failed.job.last_error and "ZPL" in failed.job.last_error
    assert not output.exists()
    with pytest.raises(PrinterError) as raised:
        OfficePrinter("", output=output).send(b"not a pdf", kind=LabelFormat.PDF)
    assert raised.value.kind is PrinterFaultKind.NOT_SUPPORTED


def test_dispatcher_builds_pdf_labels_for_an_office_printer_and_previews_them(
    office_queue, service: LabelService, tmp_path: Path
) -> None:
    queue, events = office_queue
    output = tmp_path / "label.pdf"
    package = OpenedPackage(
        id=1,
        external_id="3200000007",
        order_number="10482000007",
        account="demo",
        customer_name="Şükrü Gökçe",
        city="Iğdır",
        district="Merkez",
        address_line="Atatürk Cad. No:1",
        cargo_provider="Yurtiçi Kargo",
        cargo_tracking_number=TRACKING,
        lines=(LineInfo("l1", 1, None, "8690000000005", "Babet", "Siyah", "38", 1, "A-01"),),
        marketplace="trendyol",
        sender_name="Güllü Ayakkabı",
    )
    dispatcher = LabelDispatcher(service, queue, printer_uri=f"qt://?output={output}&dpi=300", fmt=LabelFormat.PDF)
    try:
        preview = dispatcher.print_label(package)
    finally:
        dispatcher.close()
    assert preview.format is LabelFormat.PDF and preview.data.startswith(b"%PDF-")
    assert (preview.width_mm, preview.height_mm) == pytest.approx((100, 150), abs=0.1)
    assert events.wait(preview.job_id, PrintJobEventKind.PRINTED, PrintJobEventKind.FAILED).kind is (
        PrintJobEventKind.PRINTED
    )
    png = Image.open(io.BytesIO(render_preview_png(preview)))
    assert decode(png)["Code 128"] == TRACKING
    [printed] = render_pdf(output.read_bytes(), tmp_path, dpi=300)
    assert decode(printed)["Code 128"] == TRACKING


def test_without_the_station_window_qt_printers_say_so() -> None:
    with pytest.raises(PrinterError) as raised:
        open_printer("qt://Ofis")
    assert raised.value.kind is PrinterFaultKind.NOT_SUPPORTED
    assert "qt://Ofis" in raised.value.message


def test_set_up_wizard_offers_office_printers_and_test_prints_through_qt(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    wizard = StationSetupWizard(config_path=path, settings=Settings(), print_test=default_print_test)
    qtbot.addWidget(wizard)
    page = wizard.printer
    installed = available_printers()
    assert page.office.count() == len(installed) + 1
    assert page.office.isEnabled() is bool(installed)
    output = tmp_path / "test-label.pdf"
    page.uri.setText(f"qt://?output={output}&dpi=300")
    page.print_test()
    qtbot.waitUntil(page.test_button.isEnabled, timeout=30_000)
    assert str(output) in page.result.text()
    [image] = render_pdf(output.read_bytes(), tmp_path, dpi=300)
    assert decode(image)["Code 128"] == TEST_TRACKING_NUMBER
