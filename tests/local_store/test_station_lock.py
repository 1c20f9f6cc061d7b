"""Two app instances on one station folder cannot both drain one journal: a lock, and a clear message."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from packstation.local_store.station_lock import StationFolderInUse, lock_station_folder
from tests.support import REPO_ROOT


def test_a_second_lock_on_the_same_folder_is_refused_with_the_holder_named(tmp_path: Path) -> None:
    first = lock_station_folder(tmp_path)
    with pytest.raises(StationFolderInUse) as refused:
        lock_station_folder(tmp_path)
    assert "already running" in str(refused.value) and "pid" in str(refused.value)
    first.release()
    lock_station_folder(tmp_path).release()  # free again once the first let go


def test_another_process_is_refused_while_one_holds_the_folder_and_a_dead_holder_frees_it(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from pathlib import Path
                from packstation.local_store.station_lock import lock_station_folder
                held = lock_station_folder(Path({str(tmp_path)!r}))
                print("locked", flush=True)
                time.sleep(60)
                """
            ),
        ],
        cwd=REPO_ROOT,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(StationFolderInUse, match=f"pid {holder.pid}"):
            lock_station_folder(tmp_path)
    finally:
        holder.kill()  # SIGKILL: no clean-up code runs, the OS drops the lock
        holder.wait()
    lock_station_folder(tmp_path).release()


def test_start_services_refuses_a_second_instance_on_one_folder(db_url: str, tmp_path: Path) -> None:
    from packstation.composition import start_services
    from packstation.config import load_settings
    from packstation.domain.events import EventBus

    settings = load_settings(
        environ={"XDG_CONFIG_HOME": str(tmp_path)},
        overrides={"database": {"url": db_url}, "station": {"name": "st-lock", "data_dir": str(tmp_path / "data")}},
    )
    first = start_services(settings, EventBus(), demo=False)
    try:
        with pytest.raises(StationFolderInUse):
            start_services(settings, EventBus(), demo=False)
    finally:
        first.close()
    start_services(settings, EventBus(), demo=False).close()
