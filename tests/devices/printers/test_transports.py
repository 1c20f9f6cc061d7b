"""Printer transports against real endpoints: a loopback ZPL listener, a pty, a folder, an lp script."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from packstation.devices.base import PrinterError, PrinterFaultKind
from packstation.devices.printers import (
    CupsPrinter,
    FakePrinter,
    SerialPrinter,
    SpoolFolderPrinter,
    TcpPrinter,
    open_printer,
)
from packstation.devices.printers.faults import require_ready
from packstation.devices.printers.host_status import (
    HostStatusError,
    format_host_status,
    parse_host_status,
)
from packstation.devices.uri import DeviceUriError
from packstation.domain.marketplace import LabelFormat
from tests.support.zebra_sim import ZebraSimulator

LABEL = "^XA^CI28^FO10,10^FDŞükrü Gökçe^FS^XZ".encode()


@pytest.fixture
def zebra():
    simulator = ZebraSimulator()
    yield simulator
    simulator.close()


def test_host_status_parses_each_fault() -> None:
    assert parse_host_status(format_host_status()).ready
    ready = parse_host_status(format_host_status(formats_in_buffer=2, labels_remaining=5))
    assert (ready.formats_in_buffer, ready.labels_remaining) == (2, 5)
    assert parse_host_status(format_host_status(paper_out=True)).faults == (PrinterFaultKind.PAPER_OUT,)
    assert parse_host_status(format_host_status(head_open=True)).faults == (PrinterFaultKind.HEAD_OPEN,)
    assert parse_host_status(format_host_status(paused=True)).faults == (PrinterFaultKind.PAUSED,)
    with pytest.raises(HostStatusError):
        parse_host_status(b"\x02030,0,0\x03\r\n")
    with pytest.raises(HostStatusError):
        parse_host_status(b"hello")


def test_tcp_printer_delivers_exact_bytes_and_reads_status(zebra: ZebraSimulator) -> None:
    printer = open_printer(zebra.uri)
    assert isinstance(printer, TcpPrinter)
    assert printer.open() == 1
    assert require_ready(printer.status()).queried
    printer.send(LABEL, kind=LabelFormat.ZPL, job_id="j1")
    zebra.wait_for(LABEL)
    assert zebra.received == LABEL
    assert printer.open() == 1  # still the same connection
    printer.close()


def test_tcp_printer_that_never_answers_is_not_ready() -> None:
    silent = ZebraSimulator(answer_status=False)
    try:
        printer = TcpPrinter("127.0.0.1", silent.port, status_timeout=0.3)
        printer.open()
        with pytest.raises(PrinterError, match="not answering") as raised:
            printer.status()
        assert raised.value.kind is PrinterFaultKind.NOT_ANSWERING
    finally:
        silent.close()


@pytest.mark.parametrize(
    ("flag", "kind", "words"),
    [
        ("paper_out", PrinterFaultKind.PAPER_OUT, "out of labels"),
        ("head_open", PrinterFaultKind.HEAD_OPEN, "head is open"),
        ("paused", PrinterFaultKind.PAUSED, "paused"),
    ],
)
def test_tcp_printer_faults_have_specific_messages(flag: str, kind: PrinterFaultKind, words: str) -> None:
    simulator = ZebraSimulator(**{flag: True})
    try:
        printer = open_printer(simulator.uri)
        printer.open()
        with pytest.raises(PrinterError, match=words) as raised:
            require_ready(printer.status())
        assert raised.value.kind is kind
    finally:
        simulator.close()


def test_tcp_printer_reconnect_gets_a_new_connection_id() -> None:
    first = ZebraSimulator()
    port = first.port
    printer = TcpPrinter("127.0.0.1", port, status_timeout=0.5)
    assert printer.open() == 1
    first.close()
    with pytest.raises(PrinterError) as raised:
        printer.status()
    assert raised.value.kind in {PrinterFaultKind.UNREACHABLE, PrinterFaultKind.NOT_ANSWERING}
    with pytest.raises(PrinterError) as raised:
        printer.open()
    assert raised.value.kind is PrinterFaultKind.UNREACHABLE
    second = ZebraSimulator(port=port)
    try:
        assert printer.open() == 2
        printer.send(LABEL, kind=LabelFormat.ZPL)
        second.wait_for(LABEL)
    finally:
        second.close()


def test_tcp_printer_refuses_pdf(zebra: ZebraSimulator) -> None:
    printer = open_printer(zebra.uri)
    printer.open()
    with pytest.raises(PrinterError) as raised:
        printer.send(b"%PDF-1.4", kind=LabelFormat.PDF)
    assert raised.value.kind is PrinterFaultKind.NOT_SUPPORTED


def test_serial_printer_writes_exact_bytes_to_a_pty_and_reads_hs() -> None:
    controller, device = os.openpty()
    path = os.ttyname(device)
    received = bytearray()
    done = threading.Event()

    def printer_side() -> None:
        # Answer ~HS like a Zebra on a serial cable, then collect the label.
        while not done.is_set():
            chunk = os.read(controller, 4096)
            if b"~HS" in chunk:
                os.write(controller, format_host_status())
                chunk = chunk.replace(b"~HS", b"")
            received.extend(chunk)
            if LABEL in received:
                done.set()

    thread = threading.Thread(target=printer_side, daemon=True)
    thread.start()
    printer = open_printer(f"serial://{path}?baud=115200&status=hs")
    assert isinstance(printer, SerialPrinter)
    try:
        assert printer.open() == 1
        assert printer.status().ready
        printer.send(LABEL, kind=LabelFormat.ZPL)
        assert done.wait(5)
        assert bytes(received) == LABEL
    finally:
        printer.close()
        os.close(device)
        os.close(controller)


def test_serial_printer_missing_port_is_unreachable() -> None:
    printer = SerialPrinter("/dev/does-not-exist-ttyX")
    with pytest.raises(PrinterError) as raised:
        printer.open()
    assert raised.value.kind is PrinterFaultKind.UNREACHABLE


def test_spool_folder_writes_each_job_atomically(tmp_path) -> None:
    folder = tmp_path / "spool"
    printer = open_printer(f"file://{folder}")
    assert isinstance(printer, SpoolFolderPrinter)
    first = printer.open()
    printer.send(LABEL, kind=LabelFormat.ZPL, job_id="job1")
    printer.send(b"%PDF-1.4 x", kind=LabelFormat.PDF, job_id="job2")
    assert printer.open() != first  # every file must carry its own font job
    files = sorted(folder.iterdir())
    assert [path.name.split("-", 1)[1] for path in files] == ["job1.zpl", "job2.pdf"]
    assert files[0].read_bytes() == LABEL
    assert not list(folder.glob(".*"))


def test_cups_without_lp_says_so(tmp_path) -> None:
    printer = CupsPrinter("Zebra_ZD421", lp_command=str(tmp_path / "no-lp-here"))
    with pytest.raises(PrinterError, match="not found") as raised:
        printer.send(LABEL, kind=LabelFormat.ZPL)
    assert raised.value.kind is PrinterFaultKind.SPOOLER


def test_cups_pipes_raw_zpl_into_lp(tmp_path) -> None:
    # A stand-in lp that records its arguments and stdin, run as a real subprocess.
    script = tmp_path / "lp"
    script.write_text(f'#!/bin/sh\necho "$@" > {tmp_path}/args\ncat > {tmp_path}/data\necho "request id is Q-1"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    printer = CupsPrinter("Zebra_ZD421", lp_command=str(script))
    printer.send(LABEL, kind=LabelFormat.ZPL, job_id="abc")
    assert (tmp_path / "data").read_bytes() == LABEL
    assert (tmp_path / "args").read_text().split() == ["-d", "Zebra_ZD421", "-o", "raw", "-t", "packstation-abc"]
    failing = tmp_path / "lp-fail"
    failing.write_text("#!/bin/sh\necho 'lp: The printer or class does not exist.' >&2\nexit 1\n")
    failing.chmod(failing.stat().st_mode | stat.S_IEXEC)
    with pytest.raises(PrinterError, match="does not exist"):
        CupsPrinter("Nope", lp_command=str(failing)).send(LABEL, kind=LabelFormat.ZPL)


def test_open_printer_picks_the_transport_and_rejects_bad_addresses() -> None:
    assert isinstance(open_printer("fake://desk"), FakePrinter)
    assert isinstance(open_printer("cups://Zebra_ZD421"), CupsPrinter)
    with pytest.raises(DeviceUriError):
        open_printer("keyboard")
    with pytest.raises(DeviceUriError):
        open_printer("tcp://printer:9100?timeout=soon")
