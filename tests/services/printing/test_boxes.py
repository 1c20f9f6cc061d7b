"""A parcel packed in two boxes: two labels in one job at a TCP printer, the box count in PostgreSQL."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import zplkit
from PIL import Image
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.packages import PackageRow, PackEvent
from packstation.demo.data import seed_demo_data
from packstation.devices.printers import PrintQueue
from packstation.domain.boxes import BoxType
from packstation.domain.outcomes import ScanOutcome
from packstation.services.journal.pump import JournalPump
from packstation.services.labels import LabelService
from packstation.services.printing.dispatch import LabelDispatcher
from tests.services.labels.conftest import decode
from tests.services.packing.test_packing_service import make_service
from tests.support import wait_until
from tests.support.zebra_sim import ZebraSimulator

K2 = BoxType("K2", Decimal(40), Decimal(30), Decimal(20), "PSBOXK2")


def _two_unit_package(db: Database) -> tuple[PackageRow, list[str]]:
    with db.sessions() as session:
        for package in session.scalars(select(PackageRow).order_by(PackageRow.id)):
            barcodes = [line.barcode for line in package.lines for _ in range(line.quantity)]
            if len(barcodes) >= 2:
                return package, barcodes
    raise AssertionError("the demo data has no parcel of two units")


def test_two_boxes_two_labels_one_job(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=30)
    package, barcodes = _two_unit_package(db)
    service, journal, completions = make_service(db, tmp_path)
    labels = LabelService()
    zebra = ZebraSimulator()
    queue = PrintQueue(tmp_path / "jobs.sqlite3", setup_job=labels.font_job())
    queue.start()
    dispatcher = LabelDispatcher(labels, queue, printer_uri=zebra.uri)
    try:
        service.open(package.cargo_tracking_number, user_id=None)
        first = service.scan(barcodes[0], user_id=None)
        assert first.outcome is ScanOutcome.ACCEPTED and first.box == 1
        assert service.choose_box_type(K2) == 1
        assert service.next_box() == 2
        results = [service.scan(code, user_id=None) for code in barcodes[1:]]
        assert [r.box for r in results] == [2] * len(results) and results[-1].package_complete
        [completion] = completions
        assert completion.box_count == 2
        dispatcher.on_completed(completion)
        zebra.wait_for(b"2/2^FS", timeout=10)
        wait_until(lambda: zebra.received.count(b"^XZ") >= 2, what="both labels at the printer")
        jobs = zebra.received[len(labels.font_job()) :]
        rendered = zplkit.render(labels.font_job() + jobs, zplkit.Options(width=800, height=1200, dpi=203))
        images = [Image.open(io.BytesIO(label.png())) for label in rendered.labels]
        assert [decode(image)["Code 128"] for image in images] == [package.cargo_tracking_number] * 2
        text = jobs.decode("utf-8")
        assert text.count("^XA") == 2 and text.index("1/2") < text.index("2/2")
    finally:
        dispatcher.close()
        queue.stop()
        zebra.close()
    JournalPump(journal, db.sessions).drain_once()
    with db.sessions() as session:
        assert session.get(PackageRow, package.id).box_count == 2  # type: ignore[union-attr]
        complete = session.scalars(
            select(PackEvent).where(PackEvent.package_id == package.id, PackEvent.kind == "complete")
        ).one()
        assert [(box["box"], box["box_type"], box["desi"]) for box in complete.detail["boxes"]] == [
            (1, "K2", "8.00"),
            (2, None, None),
        ]


def test_each_box_gets_a_packing_slip_listing_its_contents(db: Database, tmp_path: Path) -> None:
    seed_demo_data(db.sessions, packages=30)
    package, barcodes = _two_unit_package(db)
    service, _journal, completions = make_service(db, tmp_path)
    labels = LabelService()
    zebra = ZebraSimulator()
    queue = PrintQueue(tmp_path / "jobs.sqlite3", setup_job=labels.font_job())
    queue.start()
    dispatcher = LabelDispatcher(labels, queue, printer_uri=zebra.uri, packing_slips=True)
    try:
        service.open(package.cargo_tracking_number, user_id=None)
        service.scan(barcodes[0], user_id=None)
        service.next_box()
        for code in barcodes[1:]:
            service.scan(code, user_id=None)
        [completion] = completions
        assert [sum(units.values()) for units in completion.box_units] == [1, len(barcodes) - 1]
        dispatcher.on_completed(completion)
        # Two labels, then two slips (one job): each slip says its box and lists that box's units only.
        wait_until(lambda: zebra.received.count(b"^XZ") >= 4, what="labels and slips at the printer")
        text = zebra.received[len(labels.font_job()) :].decode("utf-8")
        slips = text.split("^XZ")[2:4]
        assert "Box 1/2" in slips[0] and "Box 2/2" in slips[1]
        names = {line.external_line_id: line.product_name for line in package.lines}
        for slip, units in zip(slips, completion.box_units, strict=True):
            for line_id, name in names.items():
                if units.get(line_id):
                    assert f"{units[line_id]}×" in slip and name in slip
                elif all(other != name for other_id, other in names.items() if units.get(other_id)):
                    assert name not in slip  # a line that is not in this box is not on its slip
    finally:
        dispatcher.close()
        queue.stop()
        zebra.close()
