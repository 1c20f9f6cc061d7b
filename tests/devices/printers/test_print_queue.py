"""The print queue end to end: durable jobs, font job once per connection, retries, move, reprint."""

from __future__ import annotations

import socket

import pytest

from packstation.devices.base import PrinterFaultKind
from packstation.devices.printers import (
    FakePrinter,
    JobState,
    JobStateError,
    PrintJobEventKind,
    PrintQueue,
    RetryPolicy,
)
from packstation.domain.marketplace import LabelFormat
from tests.support.print_events import Events
from tests.support.zebra_sim import ZebraSimulator

FONT = b"~DYE:PSFONT,B,T,4,,FONT"
LABEL_1 = b"^XA^FDone^FS^XZ"
LABEL_2 = b"^XA^FDtwo^FS^XZ"
FAST = RetryPolicy(max_attempts=3, base_delay=0.05, max_delay=0.2)


def fakes_factory(printers: dict[str, FakePrinter]):
    def factory(uri: str) -> FakePrinter:
        return printers.setdefault(uri, FakePrinter(uri=uri))

    return factory


@pytest.fixture
def events() -> Events:
    return Events()


def test_store_is_wal_with_synchronous_full(tmp_path) -> None:
    queue = PrintQueue(tmp_path / "jobs.sqlite")
    try:
        assert queue.store.pragma("journal_mode") == "wal"
        assert queue.store.pragma("synchronous") == 2  # FULL
    finally:
        queue.stop()


def test_font_job_goes_first_once_per_connection(tmp_path, events: Events) -> None:
    printers: dict[str, FakePrinter] = {}
    queue = PrintQueue(
        tmp_path / "jobs.sqlite",
        on_event=events,
        setup_job=FONT,
        printer_factory=fakes_factory(printers),
        retry_policy=FAST,
    )
    queue.start()
    try:
        first = queue.submit("fake://a", LABEL_1, kind=LabelFormat.ZPL, needs_setup=True)
        events.wait(first.id, PrintJobEventKind.PRINTED)
        second = queue.submit("fake://a", LABEL_2, kind=LabelFormat.ZPL, needs_setup=True)
        events.wait(second.id, PrintJobEventKind.PRINTED)
        printer = printers["fake://a"]
        assert printer.received == FONT + LABEL_1 + LABEL_2
        printer.reconnect()  # unplugged and back: the font may be gone
        third = queue.submit("fake://a", LABEL_1, kind=LabelFormat.ZPL, needs_setup=True)
        events.wait(third.id, PrintJobEventKind.PRINTED)
        assert printer.received == FONT + LABEL_1 + LABEL_2 + FONT + LABEL_1
        # A marketplace label needs no font: none is sent for it.
        fourth = queue.submit("fake://b", LABEL_2, kind=LabelFormat.ZPL, needs_setup=False)
        events.wait(fourth.id, PrintJobEventKind.PRINTED)
        assert printers["fake://b"].received == LABEL_2
        assert events.kinds(first.id) == [
            PrintJobEventKind.QUEUED,
            PrintJobEventKind.PRINTING,
            PrintJobEventKind.PRINTED,
        ]
    finally:
        queue.stop()


def test_tcp_printer_receives_exactly_font_then_label(tmp_path, events: Events) -> None:
    zebra = ZebraSimulator()
    queue = PrintQueue(tmp_path / "jobs.sqlite", on_event=events, setup_job=FONT, retry_policy=FAST)
    queue.start()
    try:
        job = queue.submit(zebra.uri, LABEL_1, kind=LabelFormat.ZPL, needs_setup=True)
        events.wait(job.id, PrintJobEventKind.PRINTED)
        zebra.wait_for(LABEL_1)
        assert zebra.received == FONT + LABEL_1
    finally:
        queue.stop()
        zebra.close()


def test_a_label_the_printer_did_not_confirm_is_sent_again(tmp_path, events: Events) -> None:
    """The printer reads the label but goes away before answering the ~HS behind it: resend, and say so."""
    zebra = ZebraSimulator()
    zebra.hang_up_on_query = {2}  # 1: ready before the label; 2: the confirmation behind it
    queue = PrintQueue(tmp_path / "jobs.sqlite", on_event=events, setup_job=FONT, retry_policy=FAST)
    queue.start()
    try:
        job = queue.submit(zebra.uri, LABEL_1, kind=LabelFormat.ZPL, needs_setup=True)
        retry = events.wait(job.id, PrintJobEventKind.RETRY_SCHEDULED)
        assert retry.job.unconfirmed_sends == 1
        printed = events.wait(job.id, PrintJobEventKind.PRINTED)
        assert printed.job.unconfirmed_sends == 1 and printed.job.attempts == 1
        assert zebra.received == FONT + LABEL_1 + FONT + LABEL_1  # a new connection gets the font again
        assert zebra.status_queries == 4
    finally:
        queue.stop()
        zebra.close()


def test_a_confirmed_label_is_sent_once(tmp_path, events: Events) -> None:
    zebra = ZebraSimulator()
    queue = PrintQueue(tmp_path / "jobs.sqlite", on_event=events, setup_job=FONT, retry_policy=FAST)
    queue.start()
    try:
        job = queue.submit(zebra.uri, LABEL_1, kind=LabelFormat.ZPL, needs_setup=True)
        printed = events.wait(job.id, PrintJobEventKind.PRINTED)
        assert printed.job.unconfirmed_sends == 0
        assert zebra.received == FONT + LABEL_1 and zebra.status_queries == 2
    finally:
        queue.stop()
        zebra.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_label_waits_for_a_printer_that_comes_back(tmp_path, events: Events) -> None:
    port = free_port()
    uri = f"tcp://127.0.0.1:{port}?timeout=0.5&connect_timeout=0.5"
    queue = PrintQueue(
        tmp_path / "jobs.sqlite",
        on_event=events,
        setup_job=FONT,
        retry_policy=RetryPolicy(max_attempts=50, base_delay=0.05, max_delay=0.1),
    )
    queue.start()
    zebra = None
    try:
        job = queue.submit(uri, LABEL_1, kind=LabelFormat.ZPL, needs_setup=True)
        retry = events.wait(job.id, PrintJobEventKind.RETRY_SCHEDULED)
        assert retry.job.last_error and "connect" in retry.job.last_error.lower()
        zebra = ZebraSimulator(port=port)  # the printer is switched on
        events.wait(job.id, PrintJobEventKind.PRINTED)
        assert zebra.received == FONT + LABEL_1
    finally:
        queue.stop()
        if zebra:
            zebra.close()


def test_silent_printer_fails_the_job_with_a_visible_error_then_retry_prints(tmp_path, events: Events) -> None:
    silent = ZebraSimulator(answer_status=False)
    queue = PrintQueue(tmp_path / "jobs.sqlite", on_event=events, setup_job=FONT, retry_policy=FAST)
    queue.start()
    try:
        job = queue.submit(silent.uri, LABEL_1, kind=LabelFormat.ZPL, needs_setup=True)
        failed = events.wait(job.id, PrintJobEventKind.FAILED, timeout=10)
        assert failed.job.state is JobState.FAILED and failed.job.attempts == FAST.max_attempts
        assert "not answering" in (failed.job.last_error or "")
        assert silent.received == b""  # never sent to a printer that did not confirm it is ready
        silent.answer_status = True
        queue.retry(job.id)
        events.wait(job.id, PrintJobEventKind.PRINTED)
        silent.wait_for(LABEL_1)
        with pytest.raises(JobStateError):
            queue.retry(job.id)  # printed jobs are not retried (reprint them)
    finally:
        queue.stop()
        silent.close()


def test_move_and_reprint(tmp_path, events: Events) -> None:
    printers: dict[str, FakePrinter] = {}
    queue = PrintQueue(
        tmp_path / "jobs.sqlite",
        on_event=events,
        setup_job=FONT,
        printer_factory=fakes_factory(printers),
        retry_policy=FAST,
    )
    printers["fake://jammed"] = FakePrinter(uri="fake://jammed")
    printers["fake://jammed"].set_faults(PrinterFaultKind.PAPER_OUT)
    queue.start()
    try:
        job = queue.submit("fake://jammed", LABEL_1, kind=LabelFormat.ZPL, needs_setup=True)
        failed = events.wait(job.id, PrintJobEventKind.FAILED)
        assert "out of labels" in (failed.job.last_error or "")
        moved = queue.move(job.id, "fake://spare")
        assert moved.printer_uri == "fake://spare" and moved.attempts == 0
        events.wait(job.id, PrintJobEventKind.PRINTED)
        assert printers["fake://spare"].received == FONT + LABEL_1
        assert printers["fake://jammed"].received == b""

        copy = queue.reprint(job.id)
        assert copy.id != job.id and copy.reprint_of == job.id and copy.is_reprint
        events.wait(copy.id, PrintJobEventKind.PRINTED)
        assert printers["fake://spare"].received == FONT + LABEL_1 + LABEL_1
        with pytest.raises(JobStateError):
            queue.move(job.id, "fake://other")  # already printed
    finally:
        queue.stop()


def test_jobs_survive_a_restart(tmp_path, events: Events) -> None:
    path = tmp_path / "jobs.sqlite"
    printers: dict[str, FakePrinter] = {}
    before = PrintQueue(path, setup_job=FONT, printer_factory=fakes_factory(printers))
    waiting = before.submit("fake://a", LABEL_1, kind=LabelFormat.ZPL, needs_setup=True)  # never started
    halfway = before.submit("fake://a", LABEL_2, kind=LabelFormat.ZPL, needs_setup=True)
    # The app died while this one was being sent.
    before.store.transition(halfway.id, JobState.PRINTING, allowed_from=(JobState.QUEUED,))
    before.stop()
    assert printers == {}

    after = PrintQueue(path, on_event=events, setup_job=FONT, printer_factory=fakes_factory(printers))
    after.start()
    try:
        events.wait(waiting.id, PrintJobEventKind.PRINTED)
        events.wait(halfway.id, PrintJobEventKind.PRINTED)
        assert printers["fake://a"].received == FONT + LABEL_1 + LABEL_2  # in submission order
        assert {job.state for job in after.jobs()} == {JobState.PRINTED}
    finally:
        after.stop()


def test_invalid_printer_address_fails_visibly(tmp_path, events: Events) -> None:
    queue = PrintQueue(tmp_path / "jobs.sqlite", on_event=events, retry_policy=FAST)
    queue.start()
    try:
        job = queue.submit("tcp://", LABEL_1, kind=LabelFormat.ZPL)
        failed = events.wait(job.id, PrintJobEventKind.FAILED)
        assert "Invalid printer address" in (failed.job.last_error or "")
    finally:
        queue.stop()
