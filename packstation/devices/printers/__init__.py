"""Label printers chosen by URI: ``tcp://``, ``serial://``, ``cups://``, ``file://``, ``fake://``, ``qt://``.

Transports move bytes and report status; they know nothing about label layout (that is
``packstation.services.labels``). :func:`open_printer` builds one from the station config;
:class:`PrinterFactory` adds ``qt://`` office printers, which the station window registers.
"""

from __future__ import annotations

from packstation.devices.base import LabelPrinter
from packstation.devices.printers.cups import CupsPrinter
from packstation.devices.printers.factory import PrinterFactory, open_printer
from packstation.devices.printers.fake import FakePrinter
from packstation.devices.printers.print_queue import JobStateError, PrintQueue
from packstation.devices.printers.serialport import SerialPrinter
from packstation.devices.printers.spool import SpoolFolderPrinter
from packstation.devices.printers.tcp import TcpPrinter
from packstation.domain.events import PrintJobEvent, PrintJobEventKind
from packstation.domain.print_jobs import JobState, PrintJob
from packstation.domain.retry import RetryPolicy

__all__ = [
    "CupsPrinter",
    "FakePrinter",
    "JobState",
    "JobStateError",
    "LabelPrinter",
    "PrintJob",
    "PrintJobEvent",
    "PrintJobEventKind",
    "PrintQueue",
    "PrinterFactory",
    "RetryPolicy",
    "SerialPrinter",
    "SpoolFolderPrinter",
    "TcpPrinter",
    "open_printer",
]
