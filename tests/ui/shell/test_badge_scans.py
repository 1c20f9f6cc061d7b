"""Badges scanned while someone is logged in, and misreads, in the real window driven by scanner keystrokes.

On the home screen a badge switches the user (it is not a parcel code); mid-parcel a badge switches
and puts the parcel back. Misread codes are item scans that cost no log-in attempt: they neither
throttle badge log-ins nor lock anyone out, and a misread scanned again is not asked about again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, text

from packstation.composition import AppContext, start_services
from packstation.config import load_settings
from packstation.db.models.access import AuditEntry
from packstation.db.models.packages import PackageRow, PackEvent
from packstation.demo.station import demo_seed
from packstation.domain.events import EventBus
from packstation.services.access.audit import AuditAction
from packstation.ui.input.wedge import WedgeScanFilter
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.main_window import MainWindow
from tests.ui.packing.test_pack_screen import Clock, scan

pytestmark = pytest.mark.gui

Station = tuple[MainWindow, AppContext, Clock, Path]


def _station(qtbot: QtBot, db_url: str, data_dir: Path, **security: int) -> Iterator[Station]:
    settings = load_settings(
        environ={"XDG_CONFIG_HOME": str(data_dir)},
        overrides={
            "database": {"url": db_url},
            "station": {"name": "station-1", "data_dir": str(data_dir)},
            "security": security,
        },
    )
    context = start_services(settings, EventBus(), demo=True, seed=demo_seed(packages=20))
    bridge = Bridge(context.bus)
    window = MainWindow(station_name="station-1", bridge=bridge, demo=True, sounds=SoundBoard(enabled=False))
    qtbot.addWidget(window)
    window.show()
    window.attach(context)
    clock = Clock()
    wedge = WedgeScanFilter(clock=clock)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    wedge.install(app)
    wedge.scanned.connect(window.handle_scan)
    try:
        yield window, context, clock, data_dir
    finally:
        wedge.uninstall(app)
        window.shutdown()
        context.close()


@pytest.fixture
def station(qtbot: QtBot, db_url: str, tmp_path: Path) -> Iterator[Station]:
    yield from _station(qtbot, db_url, tmp_path / "station-1")


@pytest.fixture
def strict_station(qtbot: QtBot, db_url: str, tmp_path: Path) -> Iterator[Station]:
    yield from _station(qtbot, db_url, tmp_path / "station-1", badge_probes_per_minute=3)


def _log_in(qtbot: QtBot, window: MainWindow, clock: Clock, badge: str, username: str) -> None:
    qtbot.waitUntil(lambda: _on_login_screen(window), timeout=10_000)
    scan(window, clock, badge)
    qtbot.waitUntil(lambda: window.user is not None and window.user.username == username, timeout=10_000)


def _journaled(data_dir: Path, code: str) -> int:
    """Scans of ``code`` in the station's journal (what has not reached PostgreSQL yet)."""
    count = 0
    for path in data_dir.rglob("journal*.sqlite3"):
        with sqlite3.connect(path) as connection:
            count += connection.execute(
                "SELECT count(*) FROM operations WHERE kind = 'scan' AND payload LIKE ?", (f"%{code}%",)
            ).fetchone()[0]
    return count


def _stored(context: AppContext, code: str) -> int:
    with context.database.sessions() as session:
        return int(session.scalar(select(func.count()).where(PackEvent.barcode == code)) or 0)


def _audited(context: AppContext, action: AuditAction) -> int:
    with context.database.sessions() as session:
        return int(session.scalar(select(func.count()).where(AuditEntry.action == action.value)) or 0)


def _open_parcel(qtbot: QtBot, window: MainWindow, clock: Clock, context: AppContext) -> PackageRow:
    with context.database.sessions() as session:
        package = session.scalars(
            select(PackageRow).where(PackageRow.packed_at.is_(None)).order_by(PackageRow.id).limit(1)
        ).one()
        _ = package.lines
    scan(window, clock, package.cargo_tracking_number or "")
    qtbot.waitUntil(lambda: window.pack.package is not None and window.pack.is_packing, timeout=10_000)
    return package


def test_a_badge_scanned_on_the_home_screen_switches_the_user(qtbot: QtBot, station: Station) -> None:
    window, context, clock, data_dir = station
    _log_in(qtbot, window, clock, "1001", "ayse")
    assert window.pages.currentWidget() is window.home

    scan(window, clock, "1002")  # Ömer's badge, on the home screen, while Ayşe is logged in
    qtbot.waitUntil(lambda: window.user is not None and window.user.username == "omer", timeout=10_000)
    assert window.pages.currentWidget() is window.home and window.pack.package is None
    assert "Ömer" in window.banner.text() and "Ayşe" in window.banner.text()  # it says what it did
    assert "Ömer" in window.status.user_label.text()
    assert _journaled(data_dir, "1002") == 0 and _stored(context, "1002") == 0

    def ended() -> list[object]:  # Ayşe's session ends on the server (off the GUI thread) as "switched"
        with context.database.sessions() as session:
            logout = select(AuditEntry.detail).where(AuditEntry.action == AuditAction.LOGOUT.value)
            return list(session.scalars(logout))

    qtbot.waitUntil(lambda: {"reason": "switched"} in ended(), timeout=10_000)

    # A supervisor's badge cannot log in without password and code: the station says so on the log-in screen.
    scan(window, clock, "9001")
    qtbot.waitUntil(lambda: _on_login_screen(window), timeout=10_000)
    assert window.session is not None
    login = window.session.login
    qtbot.waitUntil(lambda: "password" in login.message.text(), timeout=10_000)
    assert window.user is None

    # A code that is neither a parcel nor a badge is said to be unknown, and nobody is logged out.
    _log_in(qtbot, window, clock, "1003", "gulsen")
    scan(window, clock, "YOK-BOYLE-KARGO")
    qtbot.waitUntil(lambda: "YOK-BOYLE-KARGO" in window.banner.text(), timeout=10_000)
    assert window.user is not None and window.user.username == "gulsen"


def test_misreads_mid_parcel_are_item_scans_that_lock_nobody_out(qtbot: QtBot, station: Station) -> None:
    window, context, clock, data_dir = station
    _log_in(qtbot, window, clock, "1001", "ayse")
    _open_parcel(qtbot, window, clock, context)
    router = window._badge_or_item
    assert router is not None
    garbage = [f"BOZUK-{n:04d}" for n in range(15)]  # more than badge_attempts_per_minute (10)
    for code in [*garbage, garbage[0], garbage[0], garbage[1]]:
        scan(window, clock, code)

    def recorded() -> int:
        return sum(_journaled(data_dir, code) + _stored(context, code) for code in garbage)

    qtbot.waitUntil(lambda: recorded() == len(garbage) + 3, timeout=30_000)  # each one an (unknown) item scan
    assert window.pack.is_packing and window.user is not None and window.user.username == "ayse"
    assert router.probes == len(garbage)  # a misread scanned again is not asked about again
    # None of it was a failed log-in: no audit entry, no badge throttle, no account touched.
    assert _audited(context, AuditAction.LOGIN_FAILED) == 0
    assert _audited(context, AuditAction.BADGE_THROTTLED) == 0
    with context.database.sessions() as session:
        touched = text("SELECT count(*) FROM users WHERE failed_logins > 0 OR locked_until IS NOT NULL")
        assert session.scalar(touched) == 0

    # Ömer's badge still switches at once; the badge is not an item scan.
    scan(window, clock, "1002")
    qtbot.waitUntil(lambda: window.user is not None and window.user.username == "omer", timeout=10_000)
    qtbot.waitUntil(lambda: not window.pack.is_packing, timeout=10_000)
    assert _journaled(data_dir, "1002") == 0 and _stored(context, "1002") == 0


def test_a_flood_of_misreads_stops_being_checked_but_badge_log_ins_still_work(
    qtbot: QtBot, strict_station: Station
) -> None:
    window, context, clock, data_dir = strict_station  # [security] badge_probes_per_minute = 3
    _log_in(qtbot, window, clock, "1001", "ayse")
    _open_parcel(qtbot, window, clock, context)
    for code in ("BOZUK-A1", "BOZUK-B2", "BOZUK-C3"):
        scan(window, clock, code)
    qtbot.waitUntil(lambda: _audited(context, AuditAction.BADGE_THROTTLED) == 1, timeout=30_000)
    scan(window, clock, "BOZUK-D4")  # the fourth in a minute: refused, not recorded, said
    qtbot.waitUntil(lambda: "Too many unrecognised codes" in window.banner.text(), timeout=10_000)
    assert _journaled(data_dir, "BOZUK-D4") == 0 and _stored(context, "BOZUK-D4") == 0

    # Log-ins by badge are a bucket of their own: Ayşe logs out and Ömer logs in by badge at once.
    window.log_out()
    _log_in(qtbot, window, clock, "1002", "omer")
    with context.database.sessions() as session:
        assert session.scalar(text("SELECT count(*) FROM users WHERE locked_until IS NOT NULL")) == 0


def _on_login_screen(window: MainWindow) -> bool:
    return window.session is not None and window.pages.currentWidget() is window.session.login


class _OfflineWindow:
    """The little a badge check needs of the window, with the database unreachable."""

    def __init__(self) -> None:
        from types import SimpleNamespace

        from PySide6.QtCore import QObject

        self.owner = QObject()
        self.alerts: list[str] = []
        self.items: list[str] = []
        self.probed: list[str] = []
        catalogue = SimpleNamespace(lookup=lambda code: object() if code == "8690000000001" else None)
        packing = SimpleNamespace(catalogue=lambda: catalogue, offline=True)
        auth = SimpleNamespace(probe_badge=lambda code, station_id: self.probed.append(code))
        self.context = SimpleNamespace(station_id=1, packing=packing, auth=auth)
        self.worker = SimpleNamespace(scan=lambda text, user: self.items.append(text))
        self.pack = SimpleNamespace(package=None, is_packing=True)
        self.user = None

    def alert(self, _sound: object, message: str) -> None:
        self.alerts.append(message)

    def switch_user(self, outcome: object, *, badge: str) -> None:
        raise AssertionError("no switch while offline")


def test_offline_a_code_that_may_be_a_badge_is_neither_journaled_nor_waited_for(qtbot: QtBot) -> None:
    from packstation.ui.shell.switching import BadgeOrItem

    window = _OfflineWindow()
    router = BadgeOrItem(window, owner=window.owner)  # type: ignore[arg-type]
    for code in ("BOZUK-0001", "8690000000001", "abc"):  # a misread (or a badge), a product, too short for a badge
        router.route(code)
    qtbot.waitUntil(lambda: len(window.items) == 2, timeout=5_000)
    assert window.items == ["8690000000001", "abc"]  # in scan order, behind the check
    assert window.probed == [] and len(window.alerts) == 1 and "unreachable" in window.alerts[0]
