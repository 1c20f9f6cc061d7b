"""REPRINT reprints a parcel's packing slips with its labels, where the station prints slips: every box, or the
one box scanned after it. ZPL at a TCP printer stand-in; PDF to a spool folder, read back with pdftotext."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.access import AuditEntry, User
from packstation.db.models.packages import PackageRow
from packstation.demo.data import seed_demo_data
from packstation.devices.printers import PrintQueue
from packstation.domain.marketplace import LabelFormat
from packstation.domain.status import Role
from packstation.services.access.audit import AuditAction, AuditLog
from packstation.services.access.permissions import LoginMethod, UserSession
from packstation.services.journal.pump import JournalPump
from packstation.services.labels import LabelService
from packstation.services.packing.model import Completion
from packstation.services.printing.dispatch import LabelDispatcher, ReprintService
from tests.services.labels.conftest import pdf_text
from tests.services.packing.test_packing_service import make_service
from tests.services.printing.test_boxes import _two_unit_package
from tests.support import wait_until
from tests.support.zebra_sim import ZebraSimulator


def _packer(db: Database) -> UserSession:
    with db.sessions.begin() as session:
        user = User(username="paketci", role="packer", password_hash="x")
        session.add(user)
        session.flush()
        user_id = user.id
    return UserSession(
        user_id=user_id,
        username="paketci",
        full_name="Paketçi",
        role=Role.PACKER,
        station_id=None,
        method=LoginMethod.BADGE,
        started_at=datetime.now(UTC),
        session_id=uuid.uuid4(),
    )


def _pack_in_two_boxes(db: Database, tmp_path: Path) -> tuple[PackageRow, Completion]:
    seed_demo_data(db.sessions, packages=30)
    package, barcodes = _two_unit_package(db)
    service, journal, completions = make_service(db, tmp_path)
    service.open(package.cargo_tracking_number, user_id=None)
    service.scan(barcodes[0], user_id=None)
    service.next_box()
    for code in barcodes[1:]:
        service.scan(code, user_id=None)
    JournalPump(journal, db.sessions).drain_once()  # the completion (and its boxes) in PostgreSQL
    [completion] = completions
    return package, completion


def test_reprint_at_a_zebra_sends_the_labels_and_the_slips_of_every_box_or_of_one(db: Database, tmp_path: Path) -> None:
    package, completion = _pack_in_two_boxes(db, tmp_path)
    labels = LabelService()
    zebra = ZebraSimulator()
    queue = PrintQueue(tmp_path / "jobs.sqlite3", setup_job=labels.font_job())
    queue.start()
    dispatcher = LabelDispatcher(labels, queue, printer_uri=zebra.uri, packing_slips=True)
    reprints = ReprintService(
        dispatcher, db.sessions, audit=AuditLog(db.sessions), limit=5, station_id=None, clock=lambda: datetime.now(UTC)
    )
    packer = _packer(db)
    try:
        # The boxes' contents come from the parcel's completion in PostgreSQL (another station's reprint).
        reprints.reprint(packer, completion.package, box_count=2)
        wait_until(lambda: zebra.received.count(b"^XZ") >= 4, what="two labels and two slips")
        text = zebra.received[len(labels.font_job()) :].decode("utf-8")
        documents = text.split("^XZ")[:4]
        assert ["1/2" in d for d in documents[:2]] == [True, False] and "2/2" in documents[1]
        assert "Box 1/2" in documents[2] and "Box 2/2" in documents[3]
        names = {line.external_line_id: line.product_name for line in package.lines}
        for slip, units in zip(documents[2:], completion.box_units, strict=True):
            for line_id, count in units.items():
                assert f"{count}×" in slip and names[line_id] in slip

        # REPRINT, then box 2 scanned: that box's label and that box's slip only (the screen's own contents).
        font = len(labels.font_job())
        before = zebra.received[font:].count(b"^XZ")
        reprints.reprint(packer, completion.package, box_count=2, box=2, box_units=completion.box_units)
        wait_until(lambda: zebra.received[font:].count(b"^XZ") >= before + 2, what="box 2's label and slip")
        again = zebra.received[font:].decode("utf-8").split("^XZ")[before : before + 2]
        assert "2/2" in again[0] and "Box 2/2" in again[1] and "Box 1/2" not in again[1]
    finally:
        dispatcher.close()
        queue.stop()
        zebra.close()
    with db.sessions() as session:
        jobs = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == AuditAction.REPRINT.value).order_by(AuditEntry.id)
        ).all()
    assert [bool(detail["slips_job"]) for detail in jobs] == [True, True]


def test_reprint_on_an_office_printer_reprints_the_slips_as_pdf(db: Database, tmp_path: Path) -> None:
    package, completion = _pack_in_two_boxes(db, tmp_path)
    labels = LabelService()
    spool = tmp_path / "spool"
    spool.mkdir()
    queue = PrintQueue(tmp_path / "jobs.sqlite3", setup_job=labels.font_job())
    queue.start()
    dispatcher = LabelDispatcher(labels, queue, printer_uri=spool.as_uri(), fmt=LabelFormat.PDF, packing_slips=True)
    reprints = ReprintService(
        dispatcher, db.sessions, audit=AuditLog(db.sessions), limit=5, station_id=None, clock=lambda: datetime.now(UTC)
    )
    try:
        reprints.reprint(_packer(db), completion.package, box_count=2)
        wait_until(lambda: len(list(spool.iterdir())) >= 2, what="the labels' and the slips' PDFs")
    finally:
        dispatcher.close()
        queue.stop()
    texts = [pdf_text(path.read_bytes(), tmp_path) for path in sorted(spool.iterdir(), key=lambda p: p.stat().st_mtime)]
    slips = next(text for text in texts if "×" in text)  # the slips list "n× product"; the labels do not
    assert "Box 2/2" in slips and package.order_number in slips
    for units in completion.box_units:
        for line_id, count in units.items():
            name = next(line.product_name for line in package.lines if line.external_line_id == line_id)
            assert name.split()[0] in slips and f"{count}×" in slips
