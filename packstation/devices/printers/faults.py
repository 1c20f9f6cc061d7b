"""User-facing messages for printer faults, one per kind, so every transport words them alike."""

from __future__ import annotations

from packstation.devices.base import PrinterError, PrinterFaultKind, PrinterStatus
from packstation.i18n import _


def fault_message(kind: PrinterFaultKind) -> str:
    """The packer-facing sentence for ``kind`` (translated)."""
    messages = {
        PrinterFaultKind.NOT_ANSWERING: _("The printer is not answering. Check that it is on and the cable is in."),
        PrinterFaultKind.UNREACHABLE: _("Cannot connect to the printer."),
        PrinterFaultKind.PAPER_OUT: _("The printer is out of labels. Load a new roll."),
        PrinterFaultKind.HEAD_OPEN: _("The printer head is open. Close the lid."),
        PrinterFaultKind.PAUSED: _("The printer is paused. Press the pause button to resume."),
        PrinterFaultKind.RIBBON_OUT: _("The printer is out of ribbon."),
        PrinterFaultKind.BUFFER_FULL: _("The printer's memory is full."),
        PrinterFaultKind.TEMPERATURE: _("The printer head is too hot or too cold."),
        PrinterFaultKind.SPOOLER: _("The print spooler refused the job."),
        PrinterFaultKind.NOT_SUPPORTED: _("This printer cannot print this kind of document."),
    }
    return messages[kind]


def fault_error(kind: PrinterFaultKind, detail: str = "") -> PrinterError:
    """A :class:`PrinterError` for ``kind``, with an optional technical detail appended."""
    message = fault_message(kind)
    return PrinterError(kind, f"{message} ({detail})" if detail else message)


def require_ready(status: PrinterStatus) -> PrinterStatus:
    """Return ``status`` when the printer is ready, else raise the error for its first fault."""
    if status.faults:
        raise fault_error(status.faults[0])
    return status
