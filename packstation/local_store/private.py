"""Station-local files hold customers' names, addresses and phones: readable by this user only.

Every local store and log makes its folder with :func:`private_folder` (0700) and its file with
:func:`private_file` (0600) before opening it. SQLite gives its ``-wal`` and ``-shm`` files the mode
of the database file, so they follow. On Windows the modes are not POSIX permissions and these are
no-ops beyond creating the paths (the per-user profile folder is already private there).
"""

from __future__ import annotations

import contextlib
import logging.handlers
import os
import sys
from pathlib import Path

FILE_MODE = 0o600


def folder_mode() -> int:
    """0700; as root 0711 (others may pass through, never list): the embedded PostgreSQL refuses to run
    as root, so pgserver runs it as its own user, which must reach ``pgdata`` inside the data folder."""
    return 0o711 if hasattr(os, "geteuid") and os.geteuid() == 0 else 0o700


def private_folder(path: Path) -> Path:
    """Create ``path`` (and missing parents) and make it private (:func:`folder_mode`); returns it."""
    mode = folder_mode()
    path.mkdir(mode=mode, parents=True, exist_ok=True)
    if sys.platform != "win32":
        path.chmod(mode)
    return path


def private_file(path: Path) -> Path:
    """Make sure ``path`` exists with mode 0600 (in a 0700 folder) before anything opens it; returns it."""
    private_folder(path.parent)
    descriptor = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, FILE_MODE)
    os.close(descriptor)
    if sys.platform != "win32":
        path.chmod(FILE_MODE)
        for suffix in ("-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                path.with_name(path.name + suffix).chmod(FILE_MODE)
    return path


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file that is 0600 from its first byte, also after each rotation."""

    def _open(self):  # type: ignore[no-untyped-def]  # the base class leaves it unannotated
        private_file(Path(self.baseFilename))
        return super()._open()
