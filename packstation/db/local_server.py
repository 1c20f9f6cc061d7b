"""A private PostgreSQL cluster driven with ``initdb``/``pg_ctl``: for tests and benchmarks.

Binaries come from PATH when present, else from the ``pgserver`` wheel. PostgreSQL refuses to run
as root, so as root the cluster runs as an unprivileged ``pgserver`` system user.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from packstation.db.engine import normalize_url


def postgres_bin_dir() -> Path:
    """Folder holding ``initdb`` and ``pg_ctl``: PATH first, then the pgserver wheel."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    from pgserver._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalPostgres:
    """A throwaway cluster on 127.0.0.1 that can be stopped hard and restarted (outage tests)."""

    def __init__(self, base_dir: Path | None = None, *, port: int | None = None, durable: bool = False) -> None:
        self.base_dir = Path(base_dir or tempfile.mkdtemp(prefix="packstation-pg-"))
        self.pgdata = self.base_dir / "pgdata"
        self.port = port or _free_port()
        self.bin_dir = postgres_bin_dir()
        self.durable = durable
        self._run_as: str | None = None
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            from pgserver.utils import ensure_prefix_permissions, ensure_user_exists

            ensure_user_exists("pgserver")
            self._run_as = "pgserver"
            self.base_dir.mkdir(parents=True, exist_ok=True)
            ensure_prefix_permissions(self.base_dir)
            self.base_dir.chmod(0o777)

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self._run_as:
            command = ["runuser", "-u", self._run_as, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def init(self) -> None:
        """Create the cluster (UTF-8, trust auth on loopback only)."""
        self._run("initdb", "-D", str(self.pgdata), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        fast = "" if self.durable else "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
        with (self.pgdata / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = ''\n"
                f"max_connections = 200\nshared_buffers = 128MB\n{fast}"
            )

    def is_running(self) -> bool:
        """True while the server of this cluster runs (``pg_ctl status``: 0 running, 3 not running)."""
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.pgdata), "status"]
        if self._run_as:
            command = ["runuser", "-u", self._run_as, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False).returncode == 0

    def start(self) -> None:
        """Start (or restart after :meth:`stop`) the server and wait until it accepts connections.

        Starting a running server does nothing: restart loops (the soak, outage tests) need not track
        whether an earlier cycle left it up.
        """
        if self.is_running():
            return
        self._run("pg_ctl", "-D", str(self.pgdata), "-l", str(self.pgdata / "server.log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; ``mode="immediate"`` is the outage a crash or power cut causes.

        Stopping a stopped server does nothing (``pg_ctl stop`` would fail on the missing pid file).
        """
        try:
            self._run("pg_ctl", "-D", str(self.pgdata), "-m", mode, "-w", "stop")
        except subprocess.CalledProcessError:
            if self.is_running():
                raise

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL of a database on this server."""
        return normalize_url(f"postgresql://postgres@127.0.0.1:{self.port}/{database}")

    def destroy(self) -> None:
        """Stop the server if it runs and delete its files."""
        with contextlib.suppress(subprocess.CalledProcessError, OSError):  # never initialised, or gone
            self.stop("immediate")
        shutil.rmtree(self.base_dir, ignore_errors=True)
