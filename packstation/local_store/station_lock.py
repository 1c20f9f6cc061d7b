"""One app instance per station folder: two would drain one journal and print every label twice.

An OS lock (``fcntl``/``msvcrt`` through ``filelock``) on ``station.lock`` in the station's data folder,
held for the life of the app. The OS drops it when the process dies, however it dies, so a crash
never leaves a stale lock behind. Beside it, ``station.lock.owner`` names the holder for the message.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from filelock import FileLock, Timeout

from packstation.i18n import _

LOCK_FILE = "station.lock"


class StationFolderInUse(RuntimeError):
    """Another PackStation already runs on this station folder; the message says which and what to do."""


class StationLock:
    """The held lock; :meth:`release` when the app closes (the OS releases it on a crash)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / LOCK_FILE
        self._owner = folder / f"{LOCK_FILE}.owner"
        self._lock = FileLock(self.path, timeout=0)

    def acquire(self) -> StationLock:
        """Take the lock now or raise :class:`StationFolderInUse`."""
        try:
            self._lock.acquire()
        except Timeout:
            holder = self._owner.read_text(encoding="utf-8").strip() if self._owner.exists() else "?"
            raise StationFolderInUse(
                _(
                    "PackStation is already running on this station's folder {folder} ({holder}). "
                    "Use that window, or close it first: two cannot share one journal."
                ).format(folder=self.path.parent, holder=holder)
            ) from None
        self._owner.write_text(f"pid {os.getpid()} on {socket.gethostname()}\n", encoding="utf-8")
        return self

    def release(self) -> None:
        """Let another instance start; safe to call twice."""
        if self._lock.is_locked:
            self._owner.unlink(missing_ok=True)
            self._lock.release()


def lock_station_folder(folder: Path) -> StationLock:
    """Hold ``folder`` for this process, or raise :class:`StationFolderInUse` naming the holder."""
    return StationLock(folder).acquire()
