"""Serial scanner over real pseudo-terminals: lines, partial lines, unplug and reconnect."""

from __future__ import annotations

import os
import queue
from collections.abc import Iterator
from pathlib import Path

import pytest

from packstation.devices.scanners import (
    FakeScanner,
    ScannerState,
    ScannerStatus,
    SerialScanner,
    Terminator,
    build_scanner,
    serial_settings_from_uri,
)
from packstation.devices.uri import SCANNER_SCHEMES, DeviceUriError, parse_device_uri
from packstation.domain.scan import MAX_SCAN_LENGTH, InvalidReason, unreadable

FAST = (0.05, 0.1)  # backoff for tests: reconnect quickly
WAIT = 5.0


class Recorder:
    """Thread-safe sink for the scanner's callbacks (they run on the reader thread)."""

    def __init__(self) -> None:
        self.scans: queue.Queue[str] = queue.Queue()
        self.statuses: queue.Queue[ScannerStatus] = queue.Queue()

    def next_scan(self, timeout: float = WAIT) -> str:
        return self.scans.get(timeout=timeout)

    def wait_for(self, state: ScannerState, timeout: float = WAIT) -> ScannerStatus:
        while True:
            status = self.statuses.get(timeout=timeout)
            if status.state is state:
                return status


class Pty:
    """A pseudo-terminal: the test writes to the master as the scanner would, the app opens the slave."""

    def __init__(self) -> None:
        self.master, slave = os.openpty()
        self.path = os.ttyname(slave)
        os.close(slave)  # the pts stays alive while the master is open

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def unplug(self) -> None:
        os.close(self.master)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def started() -> Iterator[list[SerialScanner]]:
    scanners: list[SerialScanner] = []
    yield scanners
    for scanner in scanners:
        scanner.stop()


def _start(address: str, recorder: Recorder, started: list[SerialScanner]) -> SerialScanner:
    scanner = build_scanner(address, on_scan=recorder.scans.put, on_status=recorder.statuses.put, backoff=FAST)
    assert isinstance(scanner, SerialScanner)
    started.append(scanner)
    scanner.start()
    return scanner


def test_lines_arrive_and_a_partial_line_waits(recorder: Recorder, started: list[SerialScanner]) -> None:
    pty = Pty()
    _start(f"serial://{pty.path}?baud=9600&terminator=CR", recorder, started)
    recorder.wait_for(ScannerState.CONNECTED)
    pty.send(b"8690000000005\r(01)08690000000005\r")
    assert recorder.next_scan() == "8690000000005"
    assert recorder.next_scan() == "(01)08690000000005"
    pty.send(b"TY-sel")
    with pytest.raises(queue.Empty):
        recorder.next_scan(timeout=0.3)  # no terminator yet: nothing emitted
    pty.send(b"ler-aB3\r\r")  # the empty line between terminators is not a scan
    assert recorder.next_scan() == "TY-seller-aB3"
    pty.send("PSCMDCOMPLETE\rÇİĞ\r".encode())
    assert recorder.next_scan() == "PSCMDCOMPLETE"
    assert recorder.next_scan() == "ÇİĞ"
    pty.unplug()


def test_a_run_without_terminator_is_one_too_long_scan_and_the_next_scan_is_clean(
    recorder: Recorder, started: list[SerialScanner]
) -> None:
    """A scanner on the wrong terminator, or noise: bounded memory, one refusal, then normal scans."""
    pty = Pty()
    _start(f"serial://{pty.path}?terminator=CR", recorder, started)
    recorder.wait_for(ScannerState.CONNECTED)
    for _ in range(50):
        pty.send(b"X" * 2000)  # 100 kB and no terminator
    too_long = recorder.next_scan()
    assert len(too_long) > MAX_SCAN_LENGTH and set(too_long) == {"X"}
    assert unreadable(too_long) is not None and unreadable(too_long).reason is InvalidReason.TOO_LONG  # type: ignore[union-attr]
    pty.send(b"XXXX\r8690000000005\r")  # the end of the run is dropped with it
    assert recorder.next_scan() == "8690000000005"
    with pytest.raises(queue.Empty):
        recorder.next_scan(timeout=0.3)
    pty.unplug()


def test_crlf_terminator_split_across_reads(recorder: Recorder, started: list[SerialScanner]) -> None:
    pty = Pty()
    _start(f"serial://{pty.path}?terminator=crlf", recorder, started)
    recorder.wait_for(ScannerState.CONNECTED)
    pty.send(b"A1\r")
    with pytest.raises(queue.Empty):
        recorder.next_scan(timeout=0.2)  # a CR alone does not end a CRLF line
    pty.send(b"\nB2\r\n")
    assert [recorder.next_scan(), recorder.next_scan()] == ["A1", "B2"]
    pty.unplug()


def test_unplug_reports_and_reconnect_resumes(recorder: Recorder, started: list[SerialScanner], tmp_path: Path) -> None:
    # A stable name for a device that comes back at a new node, as a udev SYMLINK rule gives.
    link = tmp_path / "scanner0"
    first = Pty()
    link.symlink_to(first.path)
    scanner = _start(f"serial://{link}?terminator=LF", recorder, started)
    recorder.wait_for(ScannerState.CONNECTED)
    first.send(b"BEFORE\nHALF")
    assert recorder.next_scan() == "BEFORE"

    first.unplug()
    lost = recorder.wait_for(ScannerState.DISCONNECTED)
    assert lost.attempt >= 1 and lost.retry_in is not None
    retry = recorder.wait_for(ScannerState.DISCONNECTED)  # the node is gone: it keeps trying
    assert retry.attempt > lost.attempt and retry.detail

    second = Pty()
    link.unlink()
    link.symlink_to(second.path)
    recorder.wait_for(ScannerState.CONNECTED)
    second.send(b"AFTER\n")
    assert recorder.next_scan() == "AFTER"  # and the half line from before the unplug was dropped
    scanner.stop()
    recorder.wait_for(ScannerState.STOPPED)
    second.send(b"LATE\n")
    with pytest.raises(queue.Empty):
        recorder.next_scan(timeout=0.2)
    second.unplug()


def test_a_failing_consumer_does_not_stop_the_scanner(recorder: Recorder, started: list[SerialScanner]) -> None:
    pty = Pty()

    def picky(text: str) -> None:
        if text == "BOOM":
            raise RuntimeError("consumer bug")
        recorder.scans.put(text)

    scanner = build_scanner(f"serial://{pty.path}", on_scan=picky, on_status=recorder.statuses.put, backoff=FAST)
    assert isinstance(scanner, SerialScanner)
    started.append(scanner)
    scanner.start()
    recorder.wait_for(ScannerState.CONNECTED)
    pty.send(b"BOOM\rOK\r")
    assert recorder.next_scan() == "OK"
    pty.unplug()


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("serial:///dev/ttyACM0?terminator=TAB", "unknown scanner terminator 'TAB'"),
        ("serial:///dev/ttyACM0?parity=E", "unknown scanner option"),
        ("serial:///dev/ttyACM0?baud=fast", "invalid baud rate"),
        ("serial:///dev/ttyACM0?encoding=klingon", "unknown encoding"),
        ("keyboard", "captured by the window"),
        ("tcp://scanner:9100", "unsupported scheme"),
    ],
)
def test_bad_addresses_are_refused_with_the_reason(address: str, message: str) -> None:
    with pytest.raises(DeviceUriError, match=message):
        build_scanner(address, on_scan=print)


def test_settings_from_uri_defaults() -> None:
    settings = serial_settings_from_uri(parse_device_uri("serial:///dev/ttyACM0", allowed=SCANNER_SCHEMES))
    assert (settings.port, settings.baudrate, settings.terminator) == ("/dev/ttyACM0", 9600, Terminator.CR)


def test_fake_scanner_delivers_only_while_started_and_plugged(recorder: Recorder) -> None:
    scanner = build_scanner("fake://bench", on_scan=recorder.scans.put, on_status=recorder.statuses.put)
    assert isinstance(scanner, FakeScanner)
    assert not scanner.feed("early")
    scanner.start()
    assert scanner.feed("8690000000005")
    scanner.unplug()
    assert not scanner.feed("while unplugged")
    scanner.plug()
    assert scanner.feed("again")
    scanner.stop()
    assert scanner.delivered == ["8690000000005", "again"]
    assert [recorder.next_scan(), recorder.next_scan()] == ["8690000000005", "again"]
    states = [recorder.statuses.get_nowait().state for _ in range(4)]
    assert states == [
        ScannerState.CONNECTED,
        ScannerState.DISCONNECTED,
        ScannerState.CONNECTED,
        ScannerState.STOPPED,
    ]
