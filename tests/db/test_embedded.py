"""The embedded default server: started on demand, shared by a second instance, stopped at the end."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import psutil
import pytest

from packstation.db.embedded import start_embedded
from packstation.db.engine import create_db_engine
from packstation.db.migrate import current_revision, head_revision, upgrade
from tests.support import wait_until

pytestmark = pytest.mark.slow


def _postmaster_pid(pgdata: Path) -> int | None:
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text().splitlines()[0])
    return pid if psutil.pid_exists(pid) else None


def test_second_instance_reuses_the_running_server(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys, time
            from pathlib import Path
            from packstation.db.embedded import start_embedded
            server = start_embedded(Path({str(tmp_path)!r}))
            print("READY", flush=True)
            sys.stdin.readline()
            server.stop()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "READY"
        pid = _postmaster_pid(tmp_path / "pgdata")
        assert pid is not None

        # A second instance (the CLI) on the same data folder attaches and migrates, then exits.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PACKSTATION_")}
        result = subprocess.run(
            [sys.executable, "-m", "packstation", "--data-dir", str(tmp_path), "db", "upgrade"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert "embedded PostgreSQL" in result.stdout
        assert _postmaster_pid(tmp_path / "pgdata") == pid, "must reuse, not restart, the server"

        # The first instance still has its server after the second one left.
        server = start_embedded(tmp_path)
        engine = create_db_engine(server.url)
        assert current_revision(engine) == head_revision()
        engine.dispose()
        server.stop()
        assert _postmaster_pid(tmp_path / "pgdata") == pid
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=60)
    wait_until(
        lambda: _postmaster_pid(tmp_path / "pgdata") is None,
        timeout=20,
        interval=0.2,
        what="the last instance to stop the server",
    )


def test_embedded_server_migrates_and_keeps_turkish_text(tmp_path: Path) -> None:
    from sqlalchemy import text

    server = start_embedded(tmp_path)
    engine = create_db_engine(server.url)
    try:
        upgrade(engine)
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO client_companies (name) VALUES ('Şükrü Gökçe Iğdır İnşaat')"))
            name = connection.execute(text("SELECT name FROM client_companies")).scalar_one()
        assert name == "Şükrü Gökçe Iğdır İnşaat"
    finally:
        engine.dispose()
        server.stop()
