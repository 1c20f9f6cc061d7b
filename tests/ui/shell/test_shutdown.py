"""SIGTERM, SIGINT or a session logout: the station shuts down gracefully. The open parcel is put back,
the journal closed, and the embedded PostgreSQL stops (a real app in a subprocess, and the real window)."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from packstation.composition import AppContext, start_services
from packstation.config import load_settings
from packstation.db.models.packages import PackageRow, PackEvent
from packstation.demo.station import demo_seed
from packstation.domain.events import EventBus
from packstation.local_store.journal import Journal
from packstation.ui.platform.sounds import SoundBoard
from packstation.ui.shell.application import shut_down
from packstation.ui.shell.bridge import Bridge
from packstation.ui.shell.main_window import MainWindow
from tests.support import REPO_ROOT, wait_until

pytestmark = pytest.mark.gui


def _postmaster_running(pgdata: Path) -> bool:
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().split()[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_shuts_the_app_down_and_stops_the_embedded_postgres(tmp_path: Path, signum: int) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACKSTATION_")}
    env.update({"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO_ROOT), "XDG_CONFIG_HOME": str(tmp_path)})
    data = tmp_path / "data"
    app = subprocess.Popen(
        [sys.executable, "-m", "packstation", "--data-dir", str(data), "demo", "--packages", "5"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        pgdata = next(iter(data.rglob("pgdata")), None) if data.exists() else None
        wait_until(
            lambda: any(data.rglob("postmaster.pid")) and any(data.rglob("journal.sqlite3")),
            timeout=120,
            what="the app's services up",
        )
        pgdata = next(data.rglob("postmaster.pid")).parent
        time.sleep(2)  # let the start-up finish (the pump and the print queue start last)
        app.send_signal(signum)
        code = app.wait(timeout=60)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert code == 0, app.stderr.read() if app.stderr else ""
    assert pgdata is not None
    wait_until(lambda: not _postmaster_running(pgdata), timeout=20, what="the embedded PostgreSQL stopped")


@pytest.fixture
def context(db_url: str, tmp_path: Path) -> Iterator[AppContext]:
    settings = load_settings(
        environ={"XDG_CONFIG_HOME": str(tmp_path)},
        overrides={"database": {"url": db_url}, "station": {"name": "st-down", "data_dir": str(tmp_path / "d")}},
    )
    ctx = start_services(settings, EventBus(), demo=True, seed=demo_seed(packages=3))
    yield ctx
    ctx.close()  # safe twice


def test_shutdown_puts_the_open_parcel_back_and_keeps_it_in_the_journal(
    qtbot: QtBot, context: AppContext, tmp_path: Path
) -> None:
    window = MainWindow(station_name="st-down", bridge=Bridge(context.bus), demo=True, sounds=SoundBoard(enabled=False))
    qtbot.addWidget(window)
    window.attach(context)
    with context.database.sessions() as session:
        package_id = session.scalars(select(PackageRow.id).order_by(PackageRow.id).limit(1)).one()
    assert context.packing.open_package(package_id, user_id=None).package is not None
    shut_down(window, [context])
    assert context.packing.current is None
    journal = Journal(tmp_path / "d" / "journal.sqlite3")
    pending = [op.kind.value for op in journal.pending()]
    journal.close()
    with context.database.sessions() as session:
        uploaded = session.scalars(select(PackEvent.kind).where(PackEvent.package_id == package_id)).all()
        claimed = session.get(PackageRow, package_id).claimed_by_station_id
    assert "abort" in pending + list(uploaded), "the put-back is journaled, whether or not it uploaded yet"
    if "abort" in uploaded:
        assert claimed is None
