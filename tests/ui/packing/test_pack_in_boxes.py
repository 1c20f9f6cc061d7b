"""A parcel packed in two boxes through the real window: NEXTBOX from the scanner, two labels printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from packstation.composition import AppContext
from packstation.db.models.packages import PackageRow
from packstation.domain.command_barcodes import Command
from packstation.ui.input.wedge import WedgeScanFilter
from packstation.ui.shell.main_window import MainWindow
from tests.ui.packing.test_pack_screen import Clock, scan

pytestmark = pytest.mark.gui


def test_two_boxes_from_the_scanner_print_box_1_of_2_and_2_of_2(
    qtbot: QtBot, station: tuple[MainWindow, AppContext, Clock, WedgeScanFilter], tmp_path: Path
) -> None:
    window, context, clock, _ = station
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.session.login, timeout=10_000)
    scan(window, clock, "1001")
    qtbot.waitUntil(lambda: window.user is not None, timeout=10_000)
    with context.database.sessions() as session:
        package = next(
            p
            for p in session.scalars(select(PackageRow).order_by(PackageRow.id))
            if sum(x.quantity for x in p.lines) >= 2
        )
        first_line = [package.lines[0].barcode] * package.lines[0].quantity
        rest = [line.barcode for line in package.lines[1:] for _ in range(line.quantity)]
        if not rest:  # one line of several units: its last unit goes into the second box
            first_line, rest = first_line[:-1], first_line[-1:]
        tracking = package.cargo_tracking_number
    scan(window, clock, tracking)
    qtbot.waitUntil(lambda: window.pack.package is not None, timeout=10_000)
    scan(window, clock, Command.NEXT_BOX.payload)  # an empty first box is refused, nothing changes
    qtbot.waitUntil(lambda: "empty" in window.pack.feedback.text() or "empty" in window.banner.text(), timeout=5_000)
    assert window.pack.current_box == 1
    for barcode in first_line:
        scan(window, clock, barcode)
    qtbot.waitUntil(lambda: window.pack.progress.value() == len(first_line), timeout=5_000)
    scan(window, clock, Command.NEXT_BOX.payload)
    qtbot.waitUntil(lambda: window.pack.current_box == 2, timeout=5_000)
    assert window.pack.box_label.text() == "Box 2"
    for barcode in rest:
        scan(window, clock, barcode)
    qtbot.waitUntil(lambda: window.pack.feedback.property("kind") == "complete", timeout=10_000)
    assert window.pack.box_count == 2
    assert "2: " in window.pack.lines.item(len(package.lines) - 1, 6).text()
    spool = tmp_path / "station-1" / "spool"
    qtbot.waitUntil(lambda: any(spool.glob("*.zpl")), timeout=15_000)
    [label] = [path.read_bytes() for path in spool.glob("*.zpl")]
    assert label.count(b"^XA^CI28") == 2 and label.count(tracking.encode()) >= 2
    assert label.index(b"1/2") < label.index(b"2/2")

    # REPRINT then a box number: only that box's label goes out again.
    scan(window, clock, Command.REPRINT.payload)
    qtbot.waitUntil(lambda: "scan its number" in window.banner.text(), timeout=5_000)
    scan(window, clock, "2")
    qtbot.waitUntil(lambda: len(list(spool.glob("*.zpl"))) == 2, timeout=15_000)
    [again] = [path.read_bytes() for path in spool.glob("*.zpl") if path.read_bytes() != label]
    assert again.count(b"^XA^CI28") == 1 and b"2/2" in again and b"1/2" not in again
