#!/usr/bin/env python3
"""Screenshots of photo evidence: the pack screen waiting for a parcel's photo, and a supervisor's Photos tab.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/take_photo_screenshots.py --language tr

The demo station gets a folder of stills as its camera (``[camera] uri = "file:///…"``, drawn here: an open
box) and the demo client wants a photo before sealing. Logs in with badge 1001, verifies every item of
the oldest parcel (the screen asks for the photo), scans PSCMDPHOTO (the parcel seals), then opens the
dashboard's Photos tab for that parcel. Files: ``docs/screenshots/pack_photo_<lang>_<w>x<h>.png`` and
``photos_<lang>_<w>x<h>.png``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPolygonF  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import select  # noqa: E402

from packstation.composition import start_services  # noqa: E402
from packstation.config import load_settings  # noqa: E402
from packstation.db.models.packages import PackageRow  # noqa: E402
from packstation.demo.data import DEMO_CLIENT, DEMO_SUPERVISOR  # noqa: E402
from packstation.demo.station import demo_seed, demo_settings  # noqa: E402
from packstation.domain.command_barcodes import Command  # noqa: E402
from packstation.domain.events import EventBus  # noqa: E402
from packstation.i18n import Language  # noqa: E402
from packstation.services.access.permissions import Permission  # noqa: E402
from packstation.ui.platform.i18n import UiTranslators  # noqa: E402
from packstation.ui.platform.screen_fit import show_maximised  # noqa: E402
from packstation.ui.platform.sounds import SoundBoard  # noqa: E402
from packstation.ui.shell.bridge import Bridge  # noqa: E402
from packstation.ui.shell.main_window import MainWindow  # noqa: E402
from packstation.ui.shell.theme import ThemeChoice, apply_theme  # noqa: E402
from scripts.take_screenshots import grab, wait_until  # noqa: E402


def draw_box(path: Path, shade: str, caption: str) -> None:
    """An open cardboard box on a bench, as a camera above the bench would see one."""
    image = QImage(1280, 960, QImage.Format.Format_RGB888)
    image.fill(QColor("#8a9199"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(QRectF(0, 620, 1280, 340), QColor("#5f6b76"))
    painter.setBrush(QColor(shade))
    painter.setPen(QColor("#6b4a22"))
    painter.drawRect(QRectF(300, 300, 680, 460))
    painter.setBrush(QColor("#c89b5d"))
    for flap in (
        [QPointF(300, 300), QPointF(980, 300), QPointF(900, 180), QPointF(380, 180)],
        [QPointF(300, 300), QPointF(200, 560), QPointF(300, 760)],
    ):
        painter.drawPolygon(QPolygonF(flap))
    painter.setBrush(QColor("#f1f3f5"))
    painter.drawRect(QRectF(420, 380, 220, 300))
    painter.drawRect(QRectF(680, 420, 200, 260))
    painter.setPen(QColor("#1d2430"))
    painter.setFont(QFont("DejaVu Sans", 34, QFont.Weight.Bold))
    painter.drawText(QRectF(0, 40, 1280, 80), Qt.AlignmentFlag.AlignCenter, caption)
    painter.end()
    image.save(str(path), "JPG", 90)


def main(argv: list[str] | None = None) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", choices=[lang.value for lang in Language], default="tr")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    language = Language(args.language)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    translators = UiTranslators(app)
    translators.install(language)
    apply_theme(app, ThemeChoice(high_contrast=False))
    screen = app.primaryScreen().geometry()
    suffix = f"_{language.value}_{screen.width()}x{screen.height()}"

    with tempfile.TemporaryDirectory(prefix="packstation-photo-shots-") as scratch:
        stills = Path(scratch) / "camera"
        stills.mkdir()
        draw_box(stills / "01.jpg", "#d9a866", "Koli 1")
        draw_box(stills / "02.jpg", "#cf9d5a", "Koli 2")
        base = load_settings(
            environ={},
            overrides={
                "station": {"name": "istasyon-1", "data_dir": scratch, "language": language.value},
                "camera": {"uri": stills.as_uri()},
            },
        )
        settings = demo_settings(base)
        bus = EventBus()
        context = start_services(settings, bus, demo=True, seed=demo_seed(packages=20))
        context.sealing_photos.set_from_command_line(DEMO_CLIENT, True)
        window = MainWindow(station_name="istasyon-1", bridge=Bridge(bus), demo=True, sounds=SoundBoard(enabled=False))
        show_maximised(window)
        window.attach(context)
        try:
            wait_until(lambda: window.pages.currentWidget() is window.session.login, what="the login screen")
            window.handle_scan("1001")
            wait_until(lambda: window.user is not None, what="the badge login")
            with context.database.sessions() as session:
                package = session.scalars(
                    select(PackageRow).where(PackageRow.packed_at.is_(None)).order_by(PackageRow.id).limit(1)
                ).one()
                tracking = package.cargo_tracking_number
                items = [line.barcode for line in package.lines for _ in range(line.quantity)]
            window.handle_scan(tracking)
            wait_until(lambda: window.pack.package is not None, what="the parcel to open")
            wait_until(lambda: window.photos is not None and window.photos.view.status.text() == "01.jpg")
            for barcode in items:
                window.handle_scan(barcode)
            wait_until(lambda: window.pack.awaiting_photo, what="the request for a photo")
            grab(window, args.out / f"pack_photo{suffix}.png")

            window.handle_scan(Command.PHOTO.payload)
            wait_until(lambda: window.pack.feedback.property("kind") == "complete", what="the parcel to seal")
            _username, _name, badge, pin = DEMO_SUPERVISOR
            approval = context.auth.approve(
                badge, pin, Permission.VIEW_REPORTS, station_id=context.station_id, requested_by=window.user
            )
            window.supervisor._show_dashboard(approval)
            photos = window.supervisor.photos
            assert photos is not None and window.supervisor.dashboard is not None
            window.supervisor.dashboard.tabs.setCurrentWidget(photos)
            photos.show_parcel(tracking)
            wait_until(lambda: photos.thumbnails.count() == 1, what="the parcel's photo")
            grab(window, args.out / f"photos{suffix}.png")
        finally:
            window.shutdown()
            window.close()
            context.close()
            translators.uninstall()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
