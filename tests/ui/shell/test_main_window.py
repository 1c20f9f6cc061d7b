"""The main window, offscreen, on a real database: start-up off the GUI thread, login, lists, status bar."""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from packstation.composition import AppContext, start_services
from packstation.config import load_settings
from packstation.demo.station import demo_seed
from packstation.domain.events import DatabaseStatus, EventBus
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.platform.tasks import Task
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def context(db_url: str, tmp_path: Path) -> Iterator[AppContext]:
    settings = load_settings(
        environ={"XDG_CONFIG_HOME": str(tmp_path)},
        overrides={"database": {"url": db_url}, "station": {"name": "test-station", "data_dir": str(tmp_path)}},
    )
    ctx = start_services(settings, EventBus(), demo=True, seed=demo_seed(packages=30))
    yield ctx
    ctx.close()


def _window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(
        station_name="test-station", bridge=Bridge(context.bus), demo=True, sounds=SoundBoard(enabled=False)
    )
    qtbot.addWidget(window)
    window.show()
    window.attach(context)
    return window


def test_login_then_home_lists_the_ready_parcels(qtbot: QtBot, context: AppContext) -> None:
    window = _window(qtbot, context)
    assert window.pages.currentWidget() is window.session.login
    assert "1001" in window.banner.text(), "the demo names its badges"
    assert not window.scan_input.isVisible()
    qtbot.keyClicks(window.session.login.badge_input, "1003")
    qtbot.keyClick(window.session.login.badge_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.user is not None, timeout=10_000)
    assert window.pages.currentWidget() is window.home
    qtbot.waitUntil(lambda: window.home.model.rowCount() == 30, timeout=10_000)
    qtbot.waitUntil(lambda: window.home.ready_card.value.text() == "30", timeout=10_000)
    assert "online" in window.status.database_label.text()


def test_wrong_badge_is_refused_with_a_message(qtbot: QtBot, context: AppContext) -> None:
    window = _window(qtbot, context)
    window.handle_scan("9999")
    qtbot.waitUntil(lambda: window.session.login.message.property("kind") == "error", timeout=10_000)
    assert window.user is None


def test_offline_status_reaches_the_status_bar_from_a_worker_thread(qtbot: QtBot, context: AppContext) -> None:
    window = _window(qtbot, context)
    status = DatabaseStatus(online=False, detail="connection refused", checked_at=datetime.now(UTC))
    thread = threading.Thread(target=context.bus.publish, args=(status,))
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: "OFFLINE" in window.status.database_label.text(), timeout=5_000)
    assert "connection refused" in window.status.database_label.text()


def test_startup_failure_is_shown_not_raised(qtbot: QtBot) -> None:
    window = MainWindow(station_name="s", bridge=Bridge(EventBus()), demo=False, sounds=SoundBoard(enabled=False))
    qtbot.addWidget(window)

    def broken() -> None:
        raise RuntimeError("could not reach db.example: connection refused")

    Task(broken, owner=window).on_failure(window.show_startup_error).run()
    qtbot.waitUntil(lambda: "connection refused" in window.banner.text(), timeout=5_000)
    assert "unavailable" in window.status.database_label.text()


def test_dashboard_page_needs_a_supervisor_and_shows_figures(qtbot: QtBot, context: AppContext) -> None:
    from PySide6.QtWidgets import QApplication

    from packstation.ui.shell.login import ApprovalDialog

    window = _window(qtbot, context)
    window.handle_scan("1001")
    qtbot.waitUntil(lambda: window.user is not None, timeout=10_000)
    window.supervisor.open_dashboard()  # a packer: asks for a supervisor's badge and PIN
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), ApprovalDialog), timeout=5_000)
    dialog = QApplication.activeModalWidget()
    assert dialog is not None
    dialog.reject()
    assert window.supervisor.dashboard is None

    from packstation.services.access.permissions import Permission, PermissionDenied

    with pytest.raises(PermissionDenied):  # the service itself refuses a packer without approval
        window.supervisor._show_dashboard(None)
    # The demo supervisor's badge and PIN, as the approval dialog sends them (the server keeps the approval).
    approval = context.auth.approve(
        "9001", "2580", Permission.VIEW_REPORTS, station_id=context.station_id, requested_by=window.user
    )
    window.supervisor._show_dashboard(approval)  # as after a supervisor's badge and PIN
    dashboard = window.supervisor.dashboard
    assert dashboard is not None and window.pages.currentWidget() is dashboard
    qtbot.waitUntil(lambda: dashboard.snapshot is not None, timeout=15_000)
    window.supervisor.close_pages()
    assert window.pages.currentWidget() is window.home


def test_admin_pages_list_users_and_stations(qtbot: QtBot, context: AppContext) -> None:

    from packstation.domain.status import Role
    from tests.support.sessions import server_session

    window = _window(qtbot, context)
    admin_id = context.users.add_user("yonetici", role=Role.ADMIN, password="Yonetici-Parola-1")
    admin = server_session(context.database.sessions, admin_id, context.station_id)
    assert window.session.station_session is not None
    window.session.station_session.start(admin)
    window.supervisor.open_stations()  # an admin needs no approval
    stations = window.supervisor.stations
    assert stations is not None
    qtbot.waitUntil(lambda: stations.table.rowCount() >= 1, timeout=10_000)
    assert stations.table.item(0, 0).text() == "test-station"
    window.supervisor.open_users()
    users = window.supervisor.users
    assert users is not None
    qtbot.waitUntil(lambda: len(users.rows) >= 4, timeout=10_000)  # three demo packers and the admin


def test_the_home_screen_follows_a_finished_sync_at_once(qtbot: QtBot, context: AppContext) -> None:
    """No timer to wait for: the sync's "finished" event reloads the list and the figures."""
    from sqlalchemy import select, update

    from packstation.db.models.packages import PackageRow
    from packstation.domain.events import SyncFinished
    from packstation.domain.status import PackageStatus

    window = _window(qtbot, context)
    # Loaded once at start-up, behind the login screen (where the first sync usually finds the station).
    qtbot.waitUntil(lambda: window.home.ready_card.value.text() == "30", timeout=10_000)
    with context.database.sessions.begin() as session:
        first = session.scalars(select(PackageRow.id).order_by(PackageRow.id).limit(1)).one()
        # What a sync does when the marketplace cancels an order: the package leaves the list.
        session.execute(update(PackageRow).where(PackageRow.id == first).values(status=PackageStatus.CANCELLED.value))
    thread = threading.Thread(target=context.bus.publish, args=(SyncFinished(account="demo", result=None),))
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: window.home.ready_card.value.text() == "29", timeout=5_000)
    window.handle_scan("1003")  # logging in shows the list as it is now, not as it was at start-up
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.home, timeout=10_000)
    qtbot.waitUntil(lambda: window.home.model.rowCount() == 29, timeout=5_000)
