"""Photo before sealing, in the real window offscreen with a folder of stills as the camera.

The demo client wants a photo of every parcel before sealing: after the last item the parcel waits,
PHOTO (or F1) takes the still on show, the photo is stored in PostgreSQL linked to the package with the
packer's name, and only then is the parcel packed and its label printed. A file in the folder that is
not a picture is skipped with a message naming it, a photo over the size limit is refused with one, and
neither loses anything: the parcel keeps waiting, the file stays where it was, the stored photos stay.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from packstation.composition import AppContext, start_services
from packstation.config import load_settings
from packstation.db.models.packages import PackageRow
from packstation.demo.data import DEMO_CLIENT
from packstation.demo.station import demo_seed
from packstation.domain.command_barcodes import Command
from packstation.domain.events import EventBus
from packstation.domain.photos import PhotoSubject
from packstation.ui.input.wedge import WedgeScanFilter
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.main_window import MainWindow
from packstation.ui.supervisor.photos_panel import PhotosPanel
from tests.ui.packing.test_pack_screen import Clock, scan

pytestmark = pytest.mark.gui


def _still(path: Path, colour: str, *, noisy: bool = False) -> None:
    image = Image.new("RGB", (800, 600), colour)
    if noisy:  # random pixels: a JPEG of this is far over a small size limit
        rng = random.Random(5)
        image = Image.frombytes("RGB", (800, 600), bytes(rng.getrandbits(8) for _ in range(800 * 600 * 3)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG" if path.suffix == ".png" else "JPEG")
    path.write_bytes(buffer.getvalue())


@pytest.fixture
def pictures(tmp_path: Path) -> Path:
    folder = tmp_path / "camera"
    folder.mkdir()
    _still(folder / "01-box.jpg", "orange")
    (folder / "02-garbage.jpg").write_text("this is not a picture\n", encoding="utf-8")
    _still(folder / "03-box.png", "teal")
    _still(folder / "04-noise.png", "white", noisy=True)
    _still(folder / "05-box.jpg", "navy")
    (folder / "notes.txt").write_text("not a picture file name either\n", encoding="utf-8")
    return folder


@pytest.fixture
def station(
    qtbot: QtBot, db_url: str, tmp_path: Path, pictures: Path
) -> Iterator[tuple[MainWindow, AppContext, Clock]]:
    data_dir = tmp_path / "station-1"
    settings = load_settings(
        environ={"XDG_CONFIG_HOME": str(data_dir)},
        overrides={
            "database": {"url": db_url},
            "station": {"name": "station-1", "data_dir": str(data_dir)},
            "camera": {"uri": pictures.as_uri(), "max_kb": 200},
        },
    )
    context = start_services(settings, EventBus(), demo=True, seed=demo_seed(packages=6))
    context.sealing_photos.set_from_command_line(DEMO_CLIENT, True)
    window = MainWindow(
        station_name="station-1", bridge=Bridge(context.bus), demo=True, sounds=SoundBoard(enabled=False)
    )
    qtbot.addWidget(window)
    window.show()
    window.attach(context)
    clock = Clock()
    wedge = WedgeScanFilter(clock=clock)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    wedge.install(app)
    wedge.scanned.connect(window.handle_scan)
    yield window, context, clock
    wedge.uninstall(app)
    window.shutdown()
    context.close()


def _verify_all_items(qtbot: QtBot, window: MainWindow, clock: Clock, package: PackageRow) -> None:
    scan(window, clock, package.cargo_tracking_number)
    qtbot.waitUntil(lambda: window.pack.package is not None and window.pack.package.id == package.id, timeout=10_000)
    for line in package.lines:
        for _ in range(line.quantity):
            scan(window, clock, line.barcode)
    qtbot.waitUntil(lambda: window.pack.awaiting_photo, timeout=10_000)


def test_the_parcel_waits_for_its_photo_then_seals(
    qtbot: QtBot, station: tuple[MainWindow, AppContext, Clock], pictures: Path, tmp_path: Path
) -> None:
    window, context, clock = station
    assert window.photos is not None and window.pack.camera is window.photos.view
    problems: list[str] = []
    window.photos.view.problem.connect(problems.append)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.session.login, timeout=10_000)
    scan(window, clock, "1001")  # Ayşe's demo badge
    qtbot.waitUntil(lambda: window.user is not None, timeout=10_000)
    qtbot.waitUntil(lambda: window.photos.view.status.text() == "01-box.jpg", timeout=10_000)
    # Loaded, then given back: the station has one background connection, and holding it here
    # would keep the station's own reads waiting.
    with context.database.sessions() as session:
        first, second = session.scalars(select(PackageRow).order_by(PackageRow.id).limit(2)).all()
        for package in (first, second):
            assert package.lines  # loaded while the session is open

    # Every item verified: the parcel is not sealed, the screen asks for the photo.
    _verify_all_items(qtbot, window, clock, first)
    assert window.pack.feedback.property("kind") == "warn"
    assert "F1" in window.pack.feedback.text() and window.pack.is_packing
    window.last_feedback_latency_s = None
    scan(window, clock, first.lines[0].barcode)  # one item too many: the request for the photo stays
    qtbot.waitUntil(lambda: window.last_feedback_latency_s is not None, timeout=10_000)
    assert window.pack.feedback.property("kind") == "warn" and "F1" in window.pack.feedback.text()
    window.photos.view.grab()  # drawn with its still
    spool = tmp_path / "station-1" / "spool"
    assert not any(spool.glob("*.zpl")), "no label before the photo"

    # F1 takes the still on show; stored, then the parcel completes and its label prints.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)  # shortcuts reach the active window only
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.pack.feedback.property("kind") == "complete", timeout=10_000)
    qtbot.waitUntil(lambda: any(spool.glob("*.zpl")), timeout=15_000)
    photos = context.photos.list(PhotoSubject.package(first.id))
    assert len(photos) == 1 and photos[0].taken_by == "Ayşe Yılmaz" and photos[0].station == "station-1"
    assert (photos[0].width, photos[0].height) == (800, 600)
    assert Image.open(io.BytesIO(context.photos.read(photos[0].id))).getpixel((10, 10))[0] > 200  # orange

    # The next still is garbage: skipped, named, and the file left alone; a PNG follows.
    qtbot.waitUntil(lambda: window.photos.view.status.text() == "03-box.png", timeout=10_000)
    assert any("02-garbage.jpg" in message for message in problems), problems
    assert (pictures / "02-garbage.jpg").read_text(encoding="utf-8") == "this is not a picture\n"

    # Second parcel: the PHOTO command barcode; the first photo is of the teal still.
    _verify_all_items(qtbot, window, clock, second)
    scan(window, clock, Command.PHOTO.payload)
    qtbot.waitUntil(lambda: not window.pack.awaiting_photo, timeout=10_000)
    assert len(context.photos.list(PhotoSubject.package(second.id))) == 1
    # Then a noisy still over the 200 KB limit: refused with the sizes, nothing stored, nothing sealed.
    third = _third_package(context, exclude={first.id, second.id})
    qtbot.waitUntil(lambda: window.photos.view.status.text() == "04-noise.png", timeout=10_000)
    _verify_all_items(qtbot, window, clock, third)
    scan(window, clock, Command.PHOTO.payload)
    qtbot.waitUntil(lambda: "Photo not saved" in window.banner.text(), timeout=10_000)
    assert "limit is 200 KB" in window.banner.text()
    assert window.pack.awaiting_photo and context.photos.list(PhotoSubject.package(third.id)) == []
    with context.database.sessions() as session:
        assert session.get(PackageRow, third.id).packed_at is None
    # Taken again (the next still), the parcel seals.
    qtbot.waitUntil(lambda: window.photos.view.status.text() == "05-box.jpg", timeout=10_000)
    scan(window, clock, Command.PHOTO.payload)
    qtbot.waitUntil(lambda: not window.pack.awaiting_photo, timeout=10_000)
    assert len(context.photos.list(PhotoSubject.package(third.id))) == 1
    # A supervisor sees a parcel's photos by its tracking number (the dashboard's Photos tab).
    panel = PhotosPanel(context.photos, tz=lambda: ZoneInfo("Europe/Istanbul"))
    qtbot.addWidget(panel)
    panel.show_parcel(first.cargo_tracking_number)
    qtbot.waitUntil(lambda: panel.thumbnails.count() == 1, timeout=10_000)
    assert "Ayşe Yılmaz · station-1" in panel.thumbnails.item(0).text()
    assert not panel.large.pixmap().isNull()
    panel.show_parcel("no-such-parcel")
    qtbot.waitUntil(lambda: "no photos" in panel.status.text(), timeout=10_000)
    assert sorted(p.name for p in pictures.iterdir()) == [
        "01-box.jpg",
        "02-garbage.jpg",
        "03-box.png",
        "04-noise.png",
        "05-box.jpg",
        "notes.txt",
    ]


def _third_package(context: AppContext, *, exclude: set[int]) -> PackageRow:
    with context.database.sessions() as session:
        package = session.scalars(
            select(PackageRow).where(PackageRow.id.notin_(exclude)).order_by(PackageRow.id).limit(1)
        ).one()
        assert package.lines
        return package
