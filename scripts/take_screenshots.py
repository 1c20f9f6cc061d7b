#!/usr/bin/env python3
"""README screenshots: drives a real station window on the embedded demo database and grabs each screen.

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/take_screenshots.py --language tr
    .venv/bin/python scripts/take_screenshots.py --language en --high-contrast   (QT_QPA_PLATFORM=offscreen works too)

Logs in with the demo badge 1001, opens the oldest parcel, scans all but one item (the pack screen
mid-way), scans the last (complete, label previewed), and renders the printed label as PNG. Also grabs
the station set-up wizard, the stock page (F8) and count mode (F7). Files:
``docs/screenshots/<screen>_<language>[_contrast].png``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from packstation.composition import AppContext, start_services  # noqa: E402
from packstation.config import load_settings  # noqa: E402
from packstation.db.models.catalog import ProductBarcode  # noqa: E402
from packstation.db.models.packages import PackageRow  # noqa: E402
from packstation.db.models.stock import LocationStock, StockLocation  # noqa: E402
from packstation.demo.data import DEMO_SUPERVISOR  # noqa: E402
from packstation.demo.station import demo_seed, demo_settings  # noqa: E402
from packstation.domain.events import EventBus, LabelPreview  # noqa: E402
from packstation.i18n import Language  # noqa: E402
from packstation.services.access.permissions import Permission  # noqa: E402
from packstation.services.printing.dispatch import render_preview_png  # noqa: E402
from packstation.ui.admin.setup_wizard import StationSetupWizard  # noqa: E402
from packstation.ui.platform.i18n import UiTranslators  # noqa: E402
from packstation.ui.platform.screen_fit import show_maximised  # noqa: E402
from packstation.ui.platform.sounds import SoundBoard  # noqa: E402
from packstation.ui.shell.bridge import Bridge  # noqa: E402
from packstation.ui.shell.main_window import MainWindow  # noqa: E402
from packstation.ui.shell.theme import ThemeChoice, apply_theme  # noqa: E402


def wait_until(condition: Callable[[], bool], *, timeout: float = 20.0, what: str = "") -> None:
    """Run the event loop until ``condition`` holds; a screen that never appears is an error."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what or condition}")
        QApplication.processEvents()
        time.sleep(0.02)


def settle(seconds: float = 0.5) -> None:
    """Let animations, sounds and queued signals finish before a grab."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)


def grab(widget: QWidget, path: Path) -> None:
    """Save a window grab and say where."""
    settle()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"{shown} {path.stat().st_size // 1024} KB")


def main(argv: list[str] | None = None) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", choices=[lang.value for lang in Language], default="tr")
    parser.add_argument("--high-contrast", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument(
        "--size-suffix",
        action="store_true",
        help="add the screen's size to the file names (home_tr_1366x768.png): one set per bench screen",
    )
    args = parser.parse_args(argv)
    language = Language(args.language)
    suffix = f"_{language.value}" + ("_contrast" if args.high_contrast else "")

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    translators = UiTranslators(app)
    translators.install(language)
    apply_theme(app, ThemeChoice(high_contrast=args.high_contrast))
    if args.size_suffix:
        screen = app.primaryScreen().geometry()
        suffix += f"_{screen.width()}x{screen.height()}"

    with tempfile.TemporaryDirectory(prefix="packstation-shots-") as scratch:
        base = load_settings(
            environ={},
            overrides={"station": {"name": "istasyon-1", "data_dir": scratch, "language": language.value}},
        )
        settings = demo_settings(base)

        wizard = StationSetupWizard(
            config_path=Path(scratch) / "config.toml", settings=settings, print_test=lambda *a: ""
        )
        wizard.show()  # sized to its screen by the wizard itself
        grab(wizard, args.out / f"setup{suffix}.png")
        wizard.next()
        wizard.database.shared.setChecked(True)
        grab(wizard, args.out / f"setup_database{suffix}.png")
        wizard.database.alone.setChecked(True)
        wizard.next()
        grab(wizard, args.out / f"setup_printer{suffix}.png")
        for _page in ("scanner", "marketplace"):
            wizard.next()
        grab(wizard, args.out / f"setup_marketplace{suffix}.png")
        wizard.close()

        bus = EventBus()
        context = start_services(settings, bus, demo=True, seed=demo_seed(packages=40))
        window = MainWindow(station_name="istasyon-1", bridge=Bridge(bus), demo=True, sounds=SoundBoard(enabled=False))
        show_maximised(window)  # as the station opens: maximised on its screen, never larger
        window.attach(context)
        try:
            wait_until(lambda: window.pages.currentWidget() is window.session.login, what="the login screen")
            grab(window, args.out / f"login{suffix}.png")

            window.handle_scan("1001")  # Ayşe, the demo packer
            wait_until(lambda: window.user is not None, what="the badge login")
            wait_until(lambda: window.home.model.rowCount() > 0, what="the list of parcels")
            grab(window, args.out / f"home{suffix}.png")

            with context.database.sessions() as session:
                package = session.scalars(
                    select(PackageRow).where(PackageRow.packed_at.is_(None)).order_by(PackageRow.id).limit(1)
                ).one()
                tracking = package.cargo_tracking_number
                items = [line.barcode for line in package.lines for _ in range(line.quantity)]
            window.handle_scan(tracking)
            wait_until(lambda: window.pack.package is not None, what="the parcel to open")
            for barcode in items[:-1]:
                window.handle_scan(barcode)
            wait_until(lambda: window.pack.progress.value() == len(items) - 1, what="the item scans")
            grab(window, args.out / f"pack{suffix}.png")

            window.handle_scan(items[-1])
            wait_until(lambda: window.pack.feedback.property("kind") == "complete", what="the parcel to complete")
            wait_until(lambda: not window.pack.preview.pixmap().isNull(), what="the label preview")
            grab(window, args.out / f"pack_complete{suffix}.png")

            spool = Path(scratch) / "demo" / "spool"
            wait_until(lambda: any(spool.glob("*.zpl")), what="the label in the spool folder")
            if not args.high_contrast:
                zpl = b"".join(p.read_bytes() for p in sorted(spool.glob("*.zpl")))
                width, height = (100.0, 150.0)
                preview = LabelPreview(
                    package_external_id=tracking, job_id="", data=zpl, width_mm=width, height_mm=height, dpi=203
                )
                label_path = args.out / "label.png"
                label_path.write_bytes(render_preview_png(preview))
                print(f"{label_path} {label_path.stat().st_size // 1024} KB")

            # A few more parcels, so the supervisor's dashboard has a day to show.
            for _round in range(4):
                with context.database.sessions() as session:
                    more = session.scalars(
                        select(PackageRow)
                        .where(PackageRow.packed_at.is_(None), PackageRow.claimed_by_station_id.is_(None))
                        .order_by(PackageRow.id)
                        .limit(1)
                    ).one()
                    codes = [line.barcode for line in more.lines for _ in range(line.quantity)]
                window.handle_scan(more.cargo_tracking_number)
                wait_until(
                    lambda more=more: window.pack.package is not None and window.pack.package.id == more.id,
                    what="the next parcel",
                )
                for code in ["8690000000098", *codes]:  # one unknown barcode, as happens on a real shift
                    window.handle_scan(code)
                wait_until(lambda: window.pack.feedback.property("kind") == "complete", what="the parcel to complete")
            wait_until(lambda: context.pump._journal.stats().pending == 0, what="the journal to drain")
            # Reports need a supervisor: the demo's approves with badge and PIN, as at a real station.
            _username, _name, badge, pin = DEMO_SUPERVISOR
            approval = context.auth.approve(
                badge, pin, Permission.VIEW_REPORTS, station_id=context.station_id, requested_by=window.user
            )
            window.supervisor._show_dashboard(approval)
            dashboard = window.supervisor.dashboard
            assert dashboard is not None
            dashboard.refresh()
            wait_until(
                lambda: dashboard.snapshot is not None and dashboard.snapshot.total.parcels >= 5,
                what="the dashboard figures",
            )
            grab(window, args.out / f"dashboard{suffix}.png")
            grab_stock(window, context, args.out, suffix)
            window.supervisor.open_users()  # the demo supervisor's approval does not reach this page
            if window.supervisor.users is not None:
                grab(window, args.out / f"admin_users{suffix}.png")
        finally:
            window.shutdown()
            window.close()
            context.close()
            translators.uninstall()
    return 0


def grab_stock(window: MainWindow, context: AppContext, out: Path, suffix: str) -> None:
    """The stock page (F8) on a bin with its contents, and count mode (F7) half-way through a bin."""
    assert window.supervisor is not None
    window.supervisor.open_stock()
    page = window.supervisor.stock
    assert page is not None
    wait_until(lambda: any(row.kind.value == "bin" for row in page.locations.rows), what="the location tree")
    with context.database.sessions() as session:
        busiest = session.execute(
            select(LocationStock.location_id)
            .group_by(LocationStock.location_id)
            .order_by(func.count().desc(), LocationStock.location_id)
            .limit(1)
        ).scalar_one()
    page.locations.select(busiest)
    wait_until(lambda: bool(page.locations.contents), what="the bin's contents")
    grab(window, out / f"stock{suffix}.png")
    window.supervisor.close_pages()

    _username, _name, badge, pin = DEMO_SUPERVISOR
    approval = context.auth.approve(
        badge, pin, Permission.ADJUST_STOCK, station_id=context.station_id, requested_by=window.user
    )
    window.supervisor._enable_count(approval)  # as after the supervisor's badge and PIN at the station
    wait_until(lambda: window.supervisor is not None and window.supervisor.count is not None, what="count mode")
    count = window.supervisor.count
    assert count is not None
    with context.database.sessions() as session:
        bin_barcode = session.scalar(select(StockLocation.barcode).where(StockLocation.id == busiest))
        barcodes = session.scalars(
            select(ProductBarcode.barcode)
            .join(LocationStock, LocationStock.product_id == ProductBarcode.product_id)
            .where(LocationStock.location_id == busiest, ProductBarcode.multiplier == 1)
            .order_by(ProductBarcode.barcode)
        ).all()
    assert bin_barcode is not None
    window.handle_scan(bin_barcode)
    wait_until(lambda: count.count is not None, what="the bin to count")
    for code in [*barcodes, barcodes[0]]:
        window.handle_scan(code)
    grab(window, out / f"count{suffix}.png")
    count.drop()
    window.supervisor.close_pages()


if __name__ == "__main__":
    raise SystemExit(main())
