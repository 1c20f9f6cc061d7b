"""Printing through a CUPS queue with ``lp``: ZPL raw (``-o raw``), PDF through the queue's filters.

CUPS raw queues are deprecated (devices-and-reliability §3.2), so this is for sites that already
have one; a thermal printer on the network is better addressed as ``tcp://host:9100``.
"""

from __future__ import annotations

import logging
import shutil
import subprocess

from packstation.devices.base import LabelPrinter, PrinterFaultKind, PrinterStatus
from packstation.devices.printers.faults import fault_error
from packstation.domain.marketplace import LabelFormat
from packstation.i18n import _

log = logging.getLogger("packstation.devices.printer.cups")


class CupsPrinter(LabelPrinter):
    """A CUPS queue, fed through the ``lp`` command."""

    def __init__(self, queue: str, *, uri: str = "", lp_command: str = "lp", timeout: float = 30.0) -> None:
        self.uri = uri or f"cups://{queue}"
        self._queue = queue
        self._lp_command = lp_command
        self._timeout = timeout

    def open(self) -> int:
        """CUPS keeps no connection; the queue's printer keeps its memory, so the id never changes."""
        return 1

    def _lp(self) -> str:
        found = shutil.which(self._lp_command)
        if found is None:
            raise fault_error(
                PrinterFaultKind.SPOOLER,
                _("the '{command}' command was not found: install the CUPS client (cups-client)").format(
                    command=self._lp_command
                ),
            )
        return found

    def send(self, data: bytes, *, kind: LabelFormat, job_id: str = "") -> None:
        """Pipe ``data`` into ``lp -d QUEUE`` (with ``-o raw`` for ZPL)."""
        command = [self._lp(), "-d", self._queue]
        if kind is LabelFormat.ZPL:
            command += ["-o", "raw"]
        if job_id:
            command += ["-t", f"packstation-{job_id}"]
        try:
            result = subprocess.run(command, input=data, capture_output=True, timeout=self._timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise fault_error(PrinterFaultKind.SPOOLER, f"{self.uri}: {exc}") from exc
        if result.returncode != 0:
            detail = result.stderr.decode("utf-8", errors="replace").strip() or f"exit {result.returncode}"
            raise fault_error(PrinterFaultKind.SPOOLER, f"{self.uri}: {detail}")
        log.info(
            "queued job=%s bytes=%d queue=%s lp=%s",
            job_id,
            len(data),
            self._queue,
            result.stdout.decode("utf-8", errors="replace").strip(),
        )

    def status(self) -> PrinterStatus:
        """CUPS does not relay the printer's own status; the spooler reports failures on ``send``."""
        return PrinterStatus(queried=False)

    def close(self) -> None:
        """Nothing to release."""
