"""Device interfaces: what the rest of the app may expect from a printer, scanner or scale.

Threading rule for every device here: one owning thread calls its methods (the print queue's
worker for a printer); none of them is safe to call from two threads at once, and none may be
called from the GUI thread because they block on I/O.
"""

from __future__ import annotations

import abc
import enum
from dataclasses import dataclass

from packstation.domain.marketplace import LabelFormat

# --- Printers -------------------------------------------------------------------------------


class PrinterFaultKind(enum.Enum):
    """Why a printer cannot print right now."""

    NOT_ANSWERING = "not_answering"
    UNREACHABLE = "unreachable"
    PAPER_OUT = "paper_out"
    HEAD_OPEN = "head_open"
    PAUSED = "paused"
    RIBBON_OUT = "ribbon_out"
    BUFFER_FULL = "buffer_full"
    TEMPERATURE = "temperature"
    SPOOLER = "spooler"
    NOT_SUPPORTED = "not_supported"


class PrinterError(Exception):
    """A printer problem; ``message`` is translated text for the packer."""

    def __init__(self, kind: PrinterFaultKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class PrinterStatus:
    """A printer's answer to a status query; ``faults`` empty means ready."""

    faults: tuple[PrinterFaultKind, ...] = ()
    #: Formats received but not printed yet (``~HS`` field eee), when the printer reports it.
    formats_in_buffer: int | None = None
    #: Labels still to print in the current batch (``~HS`` field uuuuuuuu).
    labels_remaining: int | None = None
    #: False when the transport cannot ask (CUPS, file, serial without status).
    queried: bool = True

    @property
    def ready(self) -> bool:
        """True when nothing stops printing."""
        return not self.faults


class LabelPrinter(abc.ABC):
    """A printer that takes bytes it understands (ZPL or PDF) and knows nothing about their layout.

    :meth:`open` returns a connection id that changes whenever the transport (re)connects, so the
    print queue knows when a one-time setup job (the label font) must be sent again.
    """

    #: The address the printer was opened from.
    uri: str

    @abc.abstractmethod
    def open(self) -> int:
        """Connect if not connected (idempotent); return the ``connection_id`` the next send uses."""

    @abc.abstractmethod
    def send(self, data: bytes, *, kind: LabelFormat, job_id: str = "") -> None:
        """Deliver ``data`` over the open connection; raise :class:`PrinterError` when it could not.

        A broken connection is closed and reported, never silently reopened here: the caller
        reopens with :meth:`open` and so learns that the connection (and printer memory) changed.
        """

    @abc.abstractmethod
    def status(self) -> PrinterStatus:
        """Ask the printer how it is; raise :class:`PrinterError` when it does not answer."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release the connection; a later :meth:`open` reconnects."""
