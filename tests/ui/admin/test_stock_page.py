"""Stock through the real window: the pack screen's Bin, the stock page (F8), count mode (F7), the low-stock tile."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from packstation.composition import AppContext, start_services
from packstation.config import load_settings
from packstation.db.models.access import AuditEntry
from packstation.db.models.catalog import ProductBarcode, ProductRow
from packstation.db.models.packages import PackageLineRow
from packstation.db.models.stock import LocationStock, StockLocation
from packstation.demo.station import demo_seed
from packstation.domain.events import EventBus
from packstation.domain.status import Role
from packstation.domain.stock import LocationKind, StockReason
from packstation.services.access.audit import AuditAction
from packstation.services.access.permissions import Permission
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.main_window import MainWindow
from packstation.ui.supervisor.count_view import DifferencesDialog
from tests.support.sessions import server_session

pytestmark = pytest.mark.gui


@pytest.fixture
def context(db_url: str, tmp_path: Path) -> Iterator[AppContext]:
    settings = load_settings(
        environ={"XDG_CONFIG_HOME": str(tmp_path)},
        overrides={"database": {"url": db_url}, "station": {"name": "depo-1", "data_dir": str(tmp_path)}},
    )
    ctx = start_services(settings, EventBus(), demo=True, seed=demo_seed(packages=12))
    yield ctx
    ctx.close()


def _window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(station_name="depo-1", bridge=Bridge(context.bus), demo=True, sounds=SoundBoard(enabled=False))
    qtbot.addWidget(window)
    window.show()
    window.attach(context)
    return window


def _supervisor(qtbot: QtBot, window: MainWindow, context: AppContext) -> None:
    with context.database.sessions() as session:
        from packstation.db.models.access import User

        sena = session.scalar(select(User.id).where(User.role == Role.SUPERVISOR.value))
    assert window.session.station_session is not None and sena is not None
    window.session.station_session.start(server_session(context.database.sessions, sena, context.station_id))


def test_the_pack_screen_shows_the_pick_bin_of_each_line(qtbot: QtBot, context: AppContext) -> None:
    window = _window(qtbot, context)
    window.handle_scan("1001")
    qtbot.waitUntil(lambda: window.user is not None, timeout=10_000)
    qtbot.waitUntil(lambda: window.home.model.rowCount() == 12, timeout=10_000)
    with context.database.sessions() as session:
        line = session.scalars(select(PackageLineRow).order_by(PackageLineRow.id).limit(1)).one()
        expected = session.scalar(
            select(StockLocation.code)
            .join(LocationStock, LocationStock.location_id == StockLocation.id)
            .where(LocationStock.product_id == line.product_id)
            .order_by(LocationStock.quantity.desc())
            .limit(1)
        )
        order = line.package.order_number
    window.handle_scan(order)
    qtbot.waitUntil(lambda: window.pack.package is not None, timeout=10_000)
    column = next(
        c for c in range(window.pack.lines.columnCount()) if window.pack.lines.horizontalHeaderItem(c).text() == "Bin"
    )
    bins = [window.pack.lines.item(row, column).text() for row in range(window.pack.lines.rowCount())]
    assert expected in bins and all(bins)


def test_a_supervisor_keeps_locations_and_stock_on_the_stock_page(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    window = _window(qtbot, context)
    _supervisor(qtbot, window, context)
    assert window.supervisor is not None
    window.supervisor.open_stock()
    page = window.supervisor.stock
    assert page is not None and window.pages.currentWidget() is page
    qtbot.waitUntil(lambda: any(row.path == "MAIN / A" for row in page.locations.rows), timeout=10_000)
    zone = next(row for row in page.locations.rows if row.path == "MAIN / A")
    page.locations.add_location(LocationKind.BIN, "A-99-9", parent_id=zone.id, name="Yeni göz")
    qtbot.waitUntil(lambda: any(row.code == "A-99-9" for row in page.locations.rows), timeout=10_000)
    new_bin = next(row for row in page.locations.rows if row.code == "A-99-9")
    assert new_bin.barcode.startswith("PSLOC") and page.message.property("kind") == "ok"
    with context.database.sessions() as session:
        code = session.scalars(select(ProductRow.stock_code).order_by(ProductRow.id).limit(1)).one()
    page.locations.select(new_bin.id)
    page.locations.adjust(new_bin.id, units=7, reason=StockReason.FOUND, product_id=None, other=code, note="bulundu")
    qtbot.waitUntil(lambda: "0 → 7" in page.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: [line.quantity for line in page.locations.contents] == [7], timeout=10_000)
    bad = tmp_path / "bozuk.csv"
    bad.write_text("stock_code;warehouse;zone;bin;quantity\nX-1;MAIN;A;A-99-9;yedi\n", encoding="utf-8")
    page.files.ask_import(check=True, path=bad)
    qtbot.waitUntil(
        lambda: "line 2: quantity 'yedi' is not a whole number" in page.files.report.toPlainText(), timeout=10_000
    )
    assert page.message.property("kind") == "ok" and "nothing was imported" in page.message.text()
    with context.database.sessions() as session:
        audited = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("location.%"))).all()
    assert audited == [AuditAction.LOCATION_CREATED.value]
    window.supervisor.close_pages()
    assert window.pages.currentWidget() is window.home


def test_count_mode_through_the_window_saves_differences_as_adjustments(qtbot: QtBot, context: AppContext) -> None:
    window = _window(qtbot, context)
    window.handle_scan("1002")  # a packer: count mode needs a supervisor's approval
    qtbot.waitUntil(lambda: window.user is not None, timeout=10_000)
    assert window.supervisor is not None
    approval = context.auth.approve(
        "9001", "2580", Permission.ADJUST_STOCK, station_id=context.station_id, requested_by=window.user
    )
    window.supervisor._enable_count(approval)  # what the approval dialog does after badge and PIN
    qtbot.waitUntil(lambda: window.supervisor.count is not None, timeout=10_000)
    count = window.supervisor.count
    assert window.pages.currentWidget() is count
    with context.database.sessions() as session:
        bin_id, barcode, product_id, books = session.execute(
            select(StockLocation.id, StockLocation.barcode, LocationStock.product_id, LocationStock.quantity)
            .join(LocationStock, LocationStock.location_id == StockLocation.id)
            .where(StockLocation.kind == "bin")
            .order_by(StockLocation.code)
            .limit(1)
        ).one()
        item = session.scalars(select(ProductBarcode.barcode).where(ProductBarcode.product_id == product_id)).first()
    window.handle_scan(barcode)
    qtbot.waitUntil(lambda: count.count is not None, timeout=10_000)
    for _ in range(2):
        window.handle_scan(item)
    assert count.count.counted == {product_id: 2}
    assert count.table.item(0, 1).text() == "2"  # counted shows; the books never do
    window.handle_scan("PSCMDCOMPLETE")
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), DifferencesDialog), timeout=5_000)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, DifferencesDialog)
    assert [(d.expected, d.counted) for d in dialog.differences] == [(books, 2)]
    dialog.accept()
    qtbot.waitUntil(lambda: count.last_result is not None, timeout=10_000)
    assert "1 difference(s) adjusted" in window.banner.text()
    with context.database.sessions() as session:
        units = session.scalar(
            select(LocationStock.quantity).where(
                LocationStock.location_id == bin_id, LocationStock.product_id == product_id
            )
        )
        details = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == AuditAction.STOCK_ADJUSTED.value)
        ).all()
    assert units == 2
    assert details and details[-1]["reason"] == "count" and details[-1]["approved_by"] == approval.approver_id


def test_the_dashboard_alerts_low_stock(qtbot: QtBot, context: AppContext) -> None:
    window = _window(qtbot, context)
    _supervisor(qtbot, window, context)
    with context.database.sessions.begin() as session:
        product = session.scalars(select(ProductRow).order_by(ProductRow.id).limit(1)).one()
        product.low_stock_threshold = 10_000  # far above what the demo holds
    assert window.supervisor is not None
    window.supervisor.open_dashboard()
    panel = window.supervisor.low_stock
    assert panel is not None
    qtbot.waitUntil(lambda: bool(panel.items), timeout=15_000)
    assert panel.items[0].product_id == product.id
    assert window.supervisor.dashboard is not None
    assert window.supervisor.dashboard.tiles["low_stock"].value.text() == str(len(panel.items))
    window.supervisor.close_pages()
