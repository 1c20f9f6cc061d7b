"""Zebra ``~HS`` host status: the query and a strict parser of its three answer strings.

Each string arrives as ``<STX>fields<ETX><CR><LF>``. Zebra's programming guide (P1012728-011,
p. 205) says a printer may not answer at all with media out, head open or ribbon out, so the
caller treats silence as a fault, never as "ready".
"""

from __future__ import annotations

from packstation.devices.base import PrinterFaultKind, PrinterStatus

HOST_STATUS_QUERY = b"~HS"
STX, ETX = b"\x02", b"\x03"


class HostStatusError(ValueError):
    """Bytes that are not a valid ``~HS`` answer."""


def complete_answer(buffer: bytes) -> bool:
    """True once ``buffer`` holds all three status strings."""
    return buffer.count(ETX) >= 3


def parse_host_status(answer: bytes) -> PrinterStatus:
    """Turn the three ``~HS`` strings into a :class:`PrinterStatus` with every fault they report."""
    strings: list[list[str]] = []
    for chunk in answer.split(STX)[1:]:
        body, sep, _rest = chunk.partition(ETX)
        if not sep:
            raise HostStatusError(f"unterminated ~HS string {chunk[:40]!r}")
        strings.append(body.decode("ascii", errors="replace").split(","))
    if len(strings) < 2:
        raise HostStatusError(f"expected 3 ~HS strings, got {len(strings)} in {answer[:80]!r}")
    first, second = strings[0], strings[1]
    if len(first) < 12 or len(second) < 11:
        raise HostStatusError(f"short ~HS strings: {len(first)} and {len(second)} fields")

    def flag(fields: list[str], index: int) -> bool:
        return fields[index].strip() == "1"

    faults: list[PrinterFaultKind] = []
    # Ordered by what a packer should fix first.
    if flag(first, 1):
        faults.append(PrinterFaultKind.PAPER_OUT)
    if flag(second, 2):
        faults.append(PrinterFaultKind.HEAD_OPEN)
    if flag(second, 3):
        faults.append(PrinterFaultKind.RIBBON_OUT)
    if flag(first, 2):
        faults.append(PrinterFaultKind.PAUSED)
    if flag(first, 5):
        faults.append(PrinterFaultKind.BUFFER_FULL)
    if flag(first, 10) or flag(first, 11):
        faults.append(PrinterFaultKind.TEMPERATURE)
    try:
        formats = int(first[4])
        remaining = int(second[8])
    except ValueError as exc:
        raise HostStatusError(f"non-numeric ~HS counters in {answer[:80]!r}") from exc
    return PrinterStatus(tuple(faults), formats_in_buffer=formats, labels_remaining=remaining)


def format_host_status(
    *,
    paper_out: bool = False,
    paused: bool = False,
    head_open: bool = False,
    ribbon_out: bool = False,
    formats_in_buffer: int = 0,
    labels_remaining: int = 0,
) -> bytes:
    """Build a ``~HS`` answer as a printer would send it (for simulators and tests)."""
    one = f"030,{int(paper_out)},{int(paused)},1218,{formats_in_buffer:03d},0,0,0,000,0,0,0"
    two = f"001,0,{int(head_open)},{int(ribbon_out)},0,2,6,0,{labels_remaining:08d},1,000"
    three = "1234,0"
    return b"".join(STX + s.encode("ascii") + ETX + b"\r\n" for s in (one, two, three))
