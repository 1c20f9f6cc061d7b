"""``fake://``: a printer that records the exact bytes it was sent (python-escpos ``Dummy`` style).

Tests and the demo read :attr:`FakePrinter.jobs`; :meth:`FakePrinter.reconnect` simulates a
printer that was unplugged and came back (a new connection, font memory lost).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from packstation.devices.base import LabelPrinter, PrinterFaultKind, PrinterStatus
from packstation.domain.marketplace import LabelFormat


@dataclass(frozen=True)
class RecordedJob:
    """One ``send`` as the fake printer received it."""

    data: bytes
    kind: LabelFormat
    job_id: str
    connection_id: int


class FakePrinter(LabelPrinter):
    """Records every job; its status faults can be set to exercise error paths."""

    def __init__(self, *, uri: str = "fake://") -> None:
        self.uri = uri
        self._lock = threading.Lock()
        self._jobs: list[RecordedJob] = []
        self._connection_id = 1
        self._faults: tuple[PrinterFaultKind, ...] = ()

    @property
    def jobs(self) -> list[RecordedJob]:
        """A copy of the jobs received so far, oldest first."""
        with self._lock:
            return list(self._jobs)

    @property
    def received(self) -> bytes:
        """Every byte received, concatenated."""
        with self._lock:
            return b"".join(job.data for job in self._jobs)

    def set_faults(self, *faults: PrinterFaultKind) -> None:
        """Make :meth:`status` report ``faults`` (none = ready)."""
        with self._lock:
            self._faults = faults

    def reconnect(self) -> None:
        """Simulate a reconnection: the next :meth:`open` returns a new connection id."""
        with self._lock:
            self._connection_id += 1

    def open(self) -> int:
        """Return the current connection id."""
        with self._lock:
            return self._connection_id

    def send(self, data: bytes, *, kind: LabelFormat, job_id: str = "") -> None:
        """Record ``data``."""
        with self._lock:
            self._jobs.append(RecordedJob(bytes(data), kind, job_id, self._connection_id))

    def status(self) -> PrinterStatus:
        """The faults set with :meth:`set_faults`."""
        with self._lock:
            return PrinterStatus(self._faults)

    def close(self) -> None:
        """Nothing to release."""
