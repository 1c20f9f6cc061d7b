"""The print queue: one worker thread per printer, jobs persisted in SQLite, events via a callback.

A worker takes its printer's oldest queued job, opens the printer, checks its status, sends the
one-time setup job (the label font) first if this connection has not had it, then the job. A
failure leaves the job queued with a growing delay; after ``max_attempts`` it is FAILED with the
printer's message for the packer to see. Users can retry, move a job to another printer or
reprint an old one. No Qt: the UI bridge turns :class:`PrintJobEvent` into signals.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from packstation.devices.base import LabelPrinter, PrinterError, PrinterFaultKind
from packstation.devices.printers.factory import open_printer
from packstation.devices.printers.faults import require_ready
from packstation.devices.uri import DeviceUriError
from packstation.domain.events import PrintJobEvent, PrintJobEventKind
from packstation.domain.marketplace import LabelFormat
from packstation.domain.print_jobs import JobState, PrintJob
from packstation.domain.retry import PRINTER_RETRY, RetryPolicy
from packstation.i18n import _
from packstation.local_store.print_jobs import JobStore

log = logging.getLogger("packstation.devices.printer.queue")


class JobStateError(ValueError):
    """A user action that does not fit the job's state (e.g. moving a job that is printing)."""


EventCallback = Callable[[PrintJobEvent], None]


class UnconfirmedSendError(PrinterError):
    """The label went out but the printer did not confirm it had it: it is sent again (maybe printed twice)."""


class _PrinterWorker:
    """The thread that owns one printer and sends its jobs in order."""

    def __init__(self, queue: PrintQueue, printer_uri: str) -> None:
        self._queue = queue
        self.printer_uri = printer_uri
        self._wake = threading.Event()
        self._stop = False
        self._printer: LabelPrinter | None = None
        # The connection that last received the setup job; a new connection needs it again.
        self._setup_connection: int | None = None
        self.thread = threading.Thread(target=self._run, name=f"printer {printer_uri}", daemon=True)

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop = True
        self._wake.set()

    def _run(self) -> None:
        store = self._queue.store
        while not self._stop:
            job = store.next_queued(self.printer_uri)
            if job is None:
                self._wake.wait()
                self._wake.clear()
                continue
            delay = job.next_attempt_at - time.time()
            if delay > 0:
                self._wake.wait(delay)
                self._wake.clear()
                continue
            self._attempt(job)
        if self._printer is not None:
            self._printer.close()

    def _attempt(self, job: PrintJob) -> None:
        store = self._queue.store
        claimed = store.transition(
            job.id,
            JobState.PRINTING,
            allowed_from=(JobState.QUEUED,),
            printer_uri=self.printer_uri,
            attempts=job.attempts,
        )
        if claimed is None:
            return  # moved or cancelled by a user action in the meantime
        self._queue.publish(PrintJobEventKind.PRINTING, claimed)
        try:
            self._send(claimed)
        except UnconfirmedSendError as exc:
            self._failed(claimed, exc.message, unconfirmed=True)
        except PrinterError as exc:
            self._failed(claimed, exc.message)
        except Exception as exc:  # a bug must not kill the printer's thread or lose the job
            log.exception("unexpected error job=%s printer=%s", job.id, self.printer_uri)
            self._failed(claimed, _("Unexpected error while printing: {error}").format(error=exc))
        else:
            printed = store.transition(claimed.id, JobState.PRINTED, allowed_from=(JobState.PRINTING,))
            if printed is not None:
                log.info("printed job=%s printer=%s attempts=%d", job.id, self.printer_uri, job.attempts + 1)
                if printed.unconfirmed_sends:
                    log.warning(
                        "label sent again after %d unconfirmed send(s); it may have printed twice job=%s printer=%s",
                        printed.unconfirmed_sends,
                        job.id,
                        self.printer_uri,
                    )
                self._queue.publish(PrintJobEventKind.PRINTED, printed)

    def _send(self, job: PrintJob) -> None:
        if self._printer is None:
            try:
                self._printer = self._queue.printer_factory(self.printer_uri)
            except DeviceUriError as exc:
                raise _invalid_address(exc) from exc
        printer = self._printer
        connection = printer.open()
        asked = require_ready(printer.status()).queried
        payload = self._queue.store.data(job.id)
        setup = self._queue.setup_job if job.needs_setup else None
        with_setup = setup is not None and connection != self._setup_connection
        if setup is not None and with_setup:
            # One write: a reconnect between font and label cannot leave a label without its font.
            payload = setup + payload
        printer.send(payload, kind=job.kind, job_id=job.id)
        if with_setup:
            self._setup_connection = connection
        if asked:
            self._confirm(printer)

    @staticmethod
    def _confirm(printer: LabelPrinter) -> None:
        """Ask for the status again behind the label: an answer means the printer has read our bytes.

        A raw socket accepts a label into the kernel's buffer even when the printer is switched off a moment
        later, so ``send`` returning proves nothing. The printer handles ``~HS`` in stream order, after the
        label, so any answer (even "paper out": the label waits in its memory) confirms receipt. No answer
        leaves it unknown: the job is sent again, because a label that never came out stops a parcel while
        a second copy of the same label costs a sticker.
        """
        try:
            printer.status()
        except PrinterError as exc:
            raise UnconfirmedSendError(exc.kind, exc.message) from exc

    def _failed(self, job: PrintJob, message: str, *, unconfirmed: bool = False) -> None:
        store = self._queue.store
        policy = self._queue.retry_policy
        attempts = job.attempts + 1
        if attempts >= policy.max_attempts:
            failed = store.transition(
                job.id,
                JobState.FAILED,
                allowed_from=(JobState.PRINTING,),
                attempts=attempts,
                last_error=message,
                unconfirmed_send=unconfirmed,
            )
            log.warning(
                "job failed job=%s printer=%s attempts=%d error=%s", job.id, self.printer_uri, attempts, message
            )
            if failed is not None:
                self._queue.publish(PrintJobEventKind.FAILED, failed)
            return
        retry_at = time.time() + policy.delay(attempts)
        queued = store.transition(
            job.id,
            JobState.QUEUED,
            allowed_from=(JobState.PRINTING,),
            attempts=attempts,
            next_attempt_at=retry_at,
            last_error=message,
            unconfirmed_send=unconfirmed,
        )
        log.info("retry scheduled job=%s printer=%s attempts=%d error=%s", job.id, self.printer_uri, attempts, message)
        if queued is not None:
            self._queue.publish(PrintJobEventKind.RETRY_SCHEDULED, queued)


def _invalid_address(exc: DeviceUriError) -> PrinterError:
    """A printer address that cannot work: reported like any printer fault, visible on the job."""
    return PrinterError(PrinterFaultKind.UNREACHABLE, _("Invalid printer address: {error}").format(error=exc))


class PrintQueue:
    """Durable print jobs for every printer of a station, each printer served by its own thread."""

    def __init__(
        self,
        store_path: str | Path,
        *,
        on_event: EventCallback | None = None,
        setup_job: bytes | None = None,
        printer_factory: Callable[[str], LabelPrinter] = open_printer,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        self.store = JobStore(store_path)
        self.setup_job = setup_job
        self.printer_factory = printer_factory
        self.retry_policy = retry_policy or PRINTER_RETRY
        self._on_event = on_event
        self._workers: dict[str, _PrinterWorker] = {}
        self._lock = threading.Lock()
        self._started = False

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Re-queue jobs a previous run left half-sent, then start a worker for each printer with work."""
        requeued = self.store.requeue_interrupted()
        if requeued:
            # A label may print twice rather than never: the packer can discard a duplicate.
            log.warning("requeued jobs interrupted by the last shutdown count=%d", requeued)
        with self._lock:
            self._started = True
        for uri in self.store.printers_with_pending():
            self._wake(uri)

    def stop(self, *, timeout: float = 5.0) -> None:
        """Stop every worker (jobs not sent stay queued on disk) and close the store."""
        with self._lock:
            workers = list(self._workers.values())
            self._workers.clear()
            self._started = False
        for worker in workers:
            worker.stop()
        for worker in workers:
            worker.thread.join(timeout)
        self.store.close()

    def _wake(self, printer_uri: str) -> None:
        """Wake the printer's worker, starting it on first use; before :meth:`start` jobs just wait on disk."""
        with self._lock:
            if not self._started:
                return
            worker = self._workers.get(printer_uri)
            if worker is None:
                worker = _PrinterWorker(self, printer_uri)
                self._workers[printer_uri] = worker
                worker.thread.start()
        worker.wake()

    def publish(self, kind: PrintJobEventKind, job: PrintJob) -> None:
        """Hand an event to the callback; a failing callback is logged, never fatal to printing."""
        if self._on_event is None:
            return
        try:
            self._on_event(PrintJobEvent(kind, job))
        except Exception:
            log.exception("print event callback failed event=%s job=%s", kind.value, job.id)

    # --- operations -------------------------------------------------------------------------

    def submit(
        self,
        printer_uri: str,
        data: bytes,
        *,
        kind: LabelFormat,
        needs_setup: bool = False,
        description: str = "",
    ) -> PrintJob:
        """Queue ``data`` for a printer; it is on disk when this returns."""
        job = self.store.add(printer_uri, data, kind=kind, needs_setup=needs_setup, description=description)
        log.info("queued job=%s printer=%s bytes=%d %s", job.id, printer_uri, len(data), description)
        self.publish(PrintJobEventKind.QUEUED, job)
        self._wake(printer_uri)
        return job

    def retry(self, job_id: str) -> PrintJob:
        """Put a failed job back in its printer's queue with a fresh set of attempts."""
        job = self.store.transition(
            job_id, JobState.QUEUED, allowed_from=(JobState.FAILED,), attempts=0, next_attempt_at=time.time()
        )
        if job is None:
            raise JobStateError(_("Only a failed print job can be retried."))
        self.publish(PrintJobEventKind.QUEUED, job)
        self._wake(job.printer_uri)
        return job

    def move(self, job_id: str, printer_uri: str) -> PrintJob:
        """Send a queued or failed job to another printer instead."""
        before = self.store.get(job_id)
        job = self.store.transition(
            job_id,
            JobState.QUEUED,
            allowed_from=(JobState.QUEUED, JobState.FAILED),
            attempts=0,
            next_attempt_at=time.time(),
            new_printer_uri=printer_uri,
        )
        if job is None:
            raise JobStateError(_("Only a waiting or failed print job can be moved to another printer."))
        log.info("moved job=%s from=%s to=%s", job_id, before.printer_uri, printer_uri)
        self.publish(PrintJobEventKind.QUEUED, job)
        self._wake(before.printer_uri)
        self._wake(printer_uri)
        return job

    def reprint(self, job_id: str, *, printer_uri: str | None = None) -> PrintJob:
        """Queue a copy of an earlier job, flagged with ``reprint_of`` so the caller can audit it."""
        original = self.store.get(job_id)
        job = self.store.add(
            printer_uri or original.printer_uri,
            self.store.data(job_id),
            kind=original.kind,
            needs_setup=original.needs_setup,
            description=original.description,
            reprint_of=original.reprint_of or original.id,
        )
        log.info("reprint job=%s of=%s printer=%s", job.id, job.reprint_of, job.printer_uri)
        self.publish(PrintJobEventKind.QUEUED, job)
        self._wake(job.printer_uri)
        return job

    def job(self, job_id: str) -> PrintJob:
        """The current state of a job."""
        return self.store.get(job_id)

    def jobs(self, *, states: tuple[JobState, ...] | None = None) -> list[PrintJob]:
        """All jobs (optionally only those in ``states``), oldest first."""
        return self.store.list(states=states)
