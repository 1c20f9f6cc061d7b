"""Marketplace ZPL: label drawing passes byte for byte, printer configuration and firmware commands do not."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from packstation.db.connect import Database
from packstation.db.models.packages import PackageRow
from packstation.demo.data import seed_demo_data
from packstation.devices.printers import PrintQueue
from packstation.domain.marketplace import LabelFormat
from packstation.services.labels import LabelService
from packstation.services.marketplaces.writes import MarketplaceLabel
from packstation.services.packing.service import OpenedPackage
from packstation.services.printing.dispatch import LabelDispatcher
from packstation.services.printing.zpl_filter import filter_zpl
from tests.services.packing.test_packing_service import make_service
from tests.support import wait_until
from tests.support.zebra_sim import ZebraSimulator

LABEL = (
    b"^XA^CI28^PW812^LL1218^LH0,0\n"
    b"^FO40,40^A0N,40,40^FDAl\xc4\xb1c\xc4\xb1: \xc5\x9e\xc3\xbckr\xc3\xbc G\xc3\xb6k\xc3\xa7e^FS\n"
    b"^FO40,120^BY3^BCN,120,Y,N,N^FD7330000000000007^FS\n"
    b"^FO30,30^GB752,1150,4^FS^FO60,300^BQN,2,6^FDQA,3200000007^FS\n"
    b"^PQ1^XZ\n"
)


def test_a_drawing_only_label_passes_unchanged() -> None:
    filtered = filter_zpl(LABEL)
    assert filtered.data == LABEL
    assert filtered.removed == ()


def test_configuration_and_firmware_commands_are_removed() -> None:
    hostile = (
        b"~JR^XA^NSs,10.0.0.99,255.255.255.0,10.0.0.1^JUS^FO40,40^A0N,40,40^FDhello^FS"
        b"~DGR:LOGO.GRF,00080,010,FFFF0000FFFF0000^XGR:LOGO.GRF,1,1^FS"
        b"^CC!!JUS^KP 1234^MMT^MNY^JZY~JA^XZ~DYE:FW.ZPL,B,Z,100,,00ff~JU"
    )
    filtered = filter_zpl(hostile)
    assert filtered.removed == ("~JR", "^NS", "^JU", "~DG", "^CC", "^KP", "^MM", "^MN", "^JZ", "~JA", "~DY", "~JU")
    assert filtered.data == b"^XA^FO40,40^A0N,40,40^FDhello^FS^XGR:LOGO.GRF,1,1^FS^XZ"
    for command in (b"^NS", b"^JU", b"~JR", b"~DG", b"^KP", b"~JU", b"10.0.0.99", b"1234"):
        assert command not in filtered.data


def test_a_marketplace_label_reaches_the_printer_without_its_configuration_commands(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Through the real dispatcher and print queue to a simulated Zebra: only the drawing arrives, and it is logged."""
    seed_demo_data(db.sessions, packages=3)
    service, _journal, completions = make_service(db, tmp_path)
    with db.sessions() as session:
        package = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(1)).one()
        barcodes = [line.barcode for line in package.lines for _ in range(line.quantity)]
    hostile = b"^XA^NSs,10.0.0.99,255.255.255.0,10.0.0.1^JUS^FO40,40^A0N,40,40^FDortak etiket^FS^KP 1234^XZ~JR"

    def issued(opened: OpenedPackage, fmt: LabelFormat, boxes: int, desi: object) -> MarketplaceLabel:
        return MarketplaceLabel(opened.cargo_tracking_number or "", LabelFormat.ZPL, (hostile,))

    labels = LabelService()
    zebra = ZebraSimulator()
    queue = PrintQueue(tmp_path / "jobs.sqlite3", setup_job=labels.font_job())
    queue.start()
    dispatcher = LabelDispatcher(labels, queue, printer_uri=zebra.uri, marketplace_label=issued)
    try:
        service.open(package.cargo_tracking_number or "", user_id=None)
        for code in barcodes:
            service.scan(code, user_id=None)
        [completion] = completions
        with caplog.at_level(logging.WARNING, logger="packstation.services.printing.dispatch"):
            dispatcher.on_completed(completion)
            zebra.wait_for(b"ortak etiket", timeout=10)
            wait_until(lambda: "marketplace label sanitised" in caplog.text, what="the warning")
    finally:
        dispatcher.close()
        queue.stop()
        zebra.close()
    received = zebra.received
    assert b"^FO40,40^A0N,40,40^FDortak etiket^FS" in received
    for command in (b"^NS", b"^JU", b"^KP", b"~JR", b"10.0.0.99", b"1234"):
        assert command not in received
    assert "removed=^NS,^JU,^KP,~JR" in caplog.text and package.external_id in caplog.text
