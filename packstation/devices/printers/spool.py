"""A folder as a printer (``file:///folder``): each job becomes ``<timestamp>-<job id>.zpl|.pdf``.

Used by the demo and for stations that hand files to another program. Files appear atomically
(written under a temporary name, synced, then renamed), so a reader never sees half a label.
Every file is read on its own, so each one counts as a new connection and carries the font job.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from pathlib import Path

from packstation.devices.base import LabelPrinter, PrinterFaultKind, PrinterStatus
from packstation.devices.printers.faults import fault_error
from packstation.domain.marketplace import LabelFormat

log = logging.getLogger("packstation.devices.printer.file")


class SpoolFolderPrinter(LabelPrinter):
    """Writes each job as a file into ``folder`` (created if missing)."""

    def __init__(self, folder: str | Path, *, uri: str = "") -> None:
        self.folder = Path(folder)
        self.uri = uri or f"file://{self.folder}"
        self._files = 0

    def open(self) -> int:
        """The folder must be writable; each file is a fresh "connection"."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise fault_error(PrinterFaultKind.UNREACHABLE, f"{self.uri}: {exc}") from exc
        return self._files + 1

    def send(self, data: bytes, *, kind: LabelFormat, job_id: str = "") -> None:
        """Write ``data`` atomically as one file."""
        stamp = time.strftime("%Y%m%dT%H%M%S") + f"{time.time() % 1:.6f}"[1:]
        name = f"{stamp}-{job_id or uuid.uuid4().hex}.{kind.extension}"
        target = self.folder / name
        temporary = self.folder / f".{name}.tmp"
        try:
            with open(temporary, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
            # The rename itself must reach the disk, or a crash could leave no file at all.
            directory = os.open(self.folder, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise fault_error(PrinterFaultKind.UNREACHABLE, f"{self.uri}: {exc}") from exc
        self._files += 1
        log.info("spooled job=%s file=%s bytes=%d", job_id, target, len(data))

    def status(self) -> PrinterStatus:
        """A folder has no status of its own."""
        return PrinterStatus(queried=False)

    def close(self) -> None:
        """Nothing to release."""
