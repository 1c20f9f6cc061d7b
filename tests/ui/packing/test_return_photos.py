"""Photos of a return, through the real window with a folder of stills as the camera: PHOTO on the return
screen stores the photo with the claim, and a rejection carries it to the Trendyol stand-in (not the PDF
inspection report that goes when there is no photo)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from packstation.composition import AppContext
from packstation.demo.marketplace import DemoMarketplace
from packstation.domain.command_barcodes import Command
from packstation.domain.photos import PhotoSubject
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.main_window import MainWindow
from tests.support.return_bench import Nudge, claimed_parcel, return_bench

pytestmark = pytest.mark.gui


@pytest.fixture
def bench(db_url: str, tmp_path: Path) -> Iterator[tuple[AppContext, DemoMarketplace]]:
    folder = tmp_path / "camera"
    folder.mkdir()
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), "orange").save(buffer, "JPEG")
    (folder / "01-heel.jpg").write_bytes(buffer.getvalue())
    with return_bench(db_url, tmp_path / "station", camera_uri=folder.as_uri()) as running:
        yield running


def test_a_photo_taken_on_the_return_screen_goes_with_the_rejection(
    qtbot: QtBot, bench: tuple[AppContext, DemoMarketplace]
) -> None:
    from PySide6.QtWidgets import QApplication

    from packstation.ui.packing.reject_dialog import RejectDialog
    from packstation.ui.shell.login import ApprovalDialog

    context, marketplace = bench
    window = MainWindow(
        station_name="return-bench", bridge=Bridge(context.bus), demo=True, sounds=SoundBoard(enabled=False)
    )
    qtbot.addWidget(window)
    window.show()
    window.attach(context)
    assert window.photos is not None
    claim, _units = claimed_parcel(context, marketplace, lambda check, ms: qtbot.waitUntil(check, timeout=ms))
    window.handle_scan("1001")
    qtbot.waitUntil(lambda: window.user is not None, timeout=10_000)
    window.handle_scan(str(claim["cargoTrackingNumber"]))
    lines = claim["items"]
    for line in lines:
        for _item in line["claimItems"]:
            window.handle_scan(line["orderLine"]["barcode"])
    returns = window.returns
    assert returns is not None
    qtbot.waitUntil(lambda: returns.active and not returns.opening, timeout=10_000)
    assert window.photos.view.parent() is not None and window.returns_view.isAncestorOf(window.photos.view)

    window.handle_scan(Command.PHOTO.payload)
    qtbot.waitUntil(lambda: len(returns.photos) == 1, timeout=15_000)
    assert returns.opened is not None
    stored = context.photos.list(PhotoSubject.claim(returns.opened.claim_id))
    assert [str(info.id) for info in stored] == returns.photos

    window.handle_scan(Command.DAMAGED.payload)
    window.handle_scan(Command.COMPLETE.payload)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), RejectDialog), timeout=10_000)
    reject = QApplication.activeModalWidget()
    assert isinstance(reject, RejectDialog)
    reject.description.setPlainText("Topuk kırık, fotoğrafta görülüyor")
    reject.accept()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ApprovalDialog), timeout=5_000)
    approval = QApplication.activeModalWidget()
    assert isinstance(approval, ApprovalDialog)
    approval.badge_input.setText("9001")
    approval.pin_input.setText("2580")
    approval.submit()
    qtbot.waitUntil(lambda: not returns.active, timeout=10_000)
    assert window.pack.isAncestorOf(window.photos.view), "the camera goes back to the pack screen"

    nudge = Nudge(context)

    def answered() -> bool:
        nudge()
        return bool(marketplace.simulator.claims.issues)

    qtbot.waitUntil(answered, timeout=30_000)
    [issue] = marketplace.simulator.claims.issues
    assert issue.files == (stored[0].file_name,), "the photo goes, not the inspection report"
