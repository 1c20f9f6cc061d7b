"""The supervisor dashboard, offscreen on the seeded day: figures, health, sync, exception actions."""

from __future__ import annotations

import threading
from datetime import UTC, timedelta
from pathlib import Path

import psycopg2
from PySide6.QtCore import QThreadPool, QTimer
from pytestqt.qtbot import QtBot
from sqlalchemy import text
from sqlalchemy.engine import make_url

from packstation.db.connect import Database
from packstation.db.models.packages import PackException
from packstation.db.models.sync import SyncState
from packstation.services.access.audit import AuditLog
from packstation.services.reports import ExceptionQueue, ReportQueries
from packstation.ui.shell.theme import STYLE
from packstation.ui.supervisor.dashboard import DashboardView
from tests.services.access.conftest import server_session
from tests.services.reports.conftest import IST, Seeded, local, seed_day

NOW = local(0, 23, 59, 45).astimezone(UTC)


def seed_dashboard(db: Database) -> Seeded:
    seeded = seed_day(db)
    with db.sessions.begin() as session:
        session.execute(
            text("UPDATE stations SET last_heartbeat_at = :beat, pending_operations = :pending WHERE id = :id"),
            [
                {"beat": NOW - timedelta(seconds=20), "pending": 0, "id": seeded.station_1},
                {"beat": NOW - timedelta(minutes=30), "pending": 17, "id": seeded.station_2},
            ],
        )
        session.add(SyncState(account_id=seeded.hepsiburada, last_success_at=NOW, last_error="HTTP 429 Too Many"))
        session.add(
            PackException(
                kind="unsupplied",
                package_id=seeded.packages["P3"],
                station_id=seeded.station_2,
                message="1 unit of line 7 unsupplied: out of stock",
            )
        )
    return seeded


def make_view(qtbot: QtBot, db: Database, seeded: Seeded) -> DashboardView:
    queries = ReportQueries(db.sessions, tz=IST, clock=lambda: NOW)
    # Ayşe supervises today, with a server-side session: the server takes the actor of queue actions from it.
    with db.sessions.begin() as session:
        session.execute(text("UPDATE users SET role = 'supervisor' WHERE id = :id"), {"id": seeded.ayse})
    supervisor = server_session(db, seeded.ayse, None)
    view = DashboardView(
        queries,
        exceptions=ExceptionQueue(db.sessions, audit=AuditLog(db.sessions)),
        current_user=lambda: supervisor,
        refresh_ms=60_000,
    )
    qtbot.addWidget(view)
    view.setStyleSheet(STYLE)  # the app's theme, on this widget only: other tests keep the plain style
    view.resize(1500, 820)
    view.show()
    with qtbot.waitSignal(view.refreshed, timeout=15_000):
        view.start()
    return view


def test_dashboard_shows_the_days_figures(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    seeded = seed_dashboard(db)
    view = make_view(qtbot, db, seeded)
    assert view.tiles["parcels"].value.text() == "6"
    assert view.tiles["items"].value.text() == "8"
    assert view.tiles["median"].value.text() == "2:30"  # 150 s
    assert view.tiles["stations"].value.text() == "1/2"
    assert view.tiles["exceptions"].value.text() == "2"
    assert view.chart.categories[0] == "00" and len(view.chart.categories) == 24
    assert [v for v in view.chart.values if v] == [1, 2, 2, 1]
    packers = view.table_text(view.packers)
    assert packers[0][0] == "Ayşe Yılmaz" and packers[1][:3] == ["Şükrü Öztürk", "3", "2"]
    assert packers[1][-1] == "200"
    health = {row[0]: row for row in view.table_text(view.health)}
    assert health["İstasyon 1"][1] == "yes" and health["İstasyon 2"][1] == "NO" and health["İstasyon 2"][3] == "17"
    sync = {row[0]: row for row in view.table_text(view.sync)}
    assert sync["cicek-hb"][-1] == "HTTP 429 Too Many" and sync["gullu-trendyol"][3] == "–"
    view.tabs.setCurrentIndex(4)
    qtbot.wait(100)  # let the chart and the layouts settle before the picture
    screenshot = tmp_path / "dashboard.png"
    assert view.grab().save(str(screenshot)) and screenshot.stat().st_size > 20_000

    with qtbot.waitSignal(view.refreshed, timeout=15_000):
        view.filters.client_box.setCurrentIndex(view.filters.client_box.findText("Çiçek Tekstil"))
    assert view.tiles["parcels"].value.text() == "2"
    assert [row[0] for row in view.table_text(view.packers)] == ["Şükrü Öztürk"]


def test_resolve_and_assign_from_the_queue(qtbot: QtBot, db: Database) -> None:
    seeded = seed_dashboard(db)
    view = make_view(qtbot, db, seeded)
    kinds = [row[1] for row in view.table_text(view.exceptions.table)]
    assert kinds == ["Conflict", "Unsupplied"]
    view.exceptions.table.selectRow(1)
    with qtbot.waitSignal(view.refreshed, timeout=15_000):
        view.exceptions.assign_selected(seeded.sukru)
    assert view.table_text(view.exceptions.table)[1][4] == "Şükrü Öztürk"
    view.exceptions.table.selectRow(0)
    with qtbot.waitSignal(view.refreshed, timeout=15_000):
        view.exceptions.resolve_selected("the other station shipped it; nothing to do")
    assert [row[1] for row in view.table_text(view.exceptions.table)] == ["Unsupplied"]
    with db.sessions() as session:
        resolved = session.scalars(
            text("SELECT resolution FROM pack_exceptions WHERE resolved_by_user_id = :u").bindparams(u=seeded.ayse)
        ).all()
    assert resolved == ["the other station shipped it; nothing to do"]
    view.exceptions.table.selectRow(0)
    with qtbot.waitSignal(view.failed, timeout=15_000):
        view.exceptions.resolve_selected("   ")
    assert "say how the exception was resolved" in view.filters.status.text()


def test_queue_actions_are_done_as_whoever_is_logged_in_at_that_moment(qtbot: QtBot, db: Database) -> None:
    seeded = seed_dashboard(db)
    with db.sessions.begin() as session:
        session.execute(
            text("UPDATE users SET role = 'supervisor' WHERE id IN (:a, :b)"), {"a": seeded.ayse, "b": seeded.sukru}
        )
    logged_in = [server_session(db, seeded.ayse, None)]  # Ayşe opens the dashboard
    view = DashboardView(
        ReportQueries(db.sessions, tz=IST, clock=lambda: NOW),
        exceptions=ExceptionQueue(db.sessions, audit=AuditLog(db.sessions)),
        current_user=lambda: logged_in[-1],
        refresh_ms=60_000,
    )
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.refreshed, timeout=15_000):
        view.start()
    logged_in.append(server_session(db, seeded.sukru, None))  # Şükrü badges in; the dashboard stays open
    view.exceptions.table.selectRow(0)
    with qtbot.waitSignal(view.refreshed, timeout=15_000):
        view.exceptions.resolve_selected("Şükrü baktı")
    with db.sessions() as session:
        resolved_by = session.scalar(
            text("SELECT resolved_by_user_id FROM pack_exceptions WHERE resolved_at IS NOT NULL")
        )
        actor = session.scalar(text("SELECT actor_user_id FROM audit_log WHERE action = 'exception.resolved'"))
    assert resolved_by == actor == seeded.sukru


def test_a_blocked_database_never_freezes_the_window(qtbot: QtBot, db: Database, db_url: str) -> None:
    seeded = seed_dashboard(db)
    view = make_view(qtbot, db, seeded)
    url = make_url(db_url)
    blocker = psycopg2.connect(
        dbname=url.database, user=url.username, host=url.host, port=url.port
    )  # holds a lock the dashboard's read must wait for
    refreshes: list[object] = []
    view.refreshed.connect(refreshes.append)
    # One entry per tick of a GUI-thread timer: True while the blocked read has not come back yet.
    # A GUI thread that waited for the read itself would run no tick until the read was done.
    ticks_while_waiting: list[bool] = []
    ticker = QTimer()
    ticker.setInterval(20)
    ticker.timeout.connect(lambda: ticks_while_waiting.append(not refreshes))
    # A frozen GUI thread would wait for the lock forever: another thread lifts it after a while.
    release = threading.Timer(10.0, blocker.rollback)
    try:
        with blocker.cursor() as cursor:
            cursor.execute("LOCK TABLE pack_hourly IN ACCESS EXCLUSIVE MODE")
        ticker.start()
        release.start()
        view.refresh()
        view.refresh()  # a second tick while the first read waits is skipped, not queued
        qtbot.waitUntil(lambda: ticks_while_waiting.count(True) >= 10 or bool(refreshes), timeout=15_000)
        assert not refreshes, "a refresh came back before the test lifted the lock: the GUI thread waited for the read"
        assert ticks_while_waiting.count(True) >= 10  # the event loop kept running while the read waited
        with qtbot.waitSignal(view.refreshed, timeout=15_000):
            blocker.rollback()  # the lock goes; the waiting read completes
        # A second read, had it been queued, would finish once the pool is idle and report right after.
        assert QThreadPool.globalInstance().waitForDone(15_000)
        qtbot.wait(50)
        assert len(refreshes) == 1
    finally:
        ticker.stop()
        release.cancel()
        blocker.close()
    assert view.tiles["parcels"].value.text() == "6"


def test_the_day_exports_as_pdf_and_xlsx_with_turkish_intact(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    import subprocess

    import openpyxl

    view = make_view(qtbot, db, seed_dashboard(db))
    for kind in ("pdf", "xlsx"):
        target = tmp_path / f"day.{kind}"
        view.export(kind, target)
        qtbot.waitUntil(target.exists, timeout=20_000)
        qtbot.waitUntil(lambda: "Saved" in view.filters.status.text(), timeout=20_000)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "day.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    workbook = openpyxl.load_workbook(tmp_path / "day.xlsx")
    cells = " ".join(str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value)
    assert any(letter in text for letter in "şğıİçöü")
    assert any(letter in cells for letter in "şğıİçöü")
