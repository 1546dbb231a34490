"""One print worker per desk: jobs are queued and printed in order, in the background.

A check-in never waits for paper: `submit` returns at once. A job that fails (no printer,
printer off, out of paper, a character no font has) is kept with its reason until someone
retries or cancels it; the queue goes on with the next job. A print is recorded as an event
only once the printer took it, by the `ledger` the queue is given (the desk: printing does
not know how events are made).
"""

from __future__ import annotations

import io
import itertools
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol

from ..store import Store, personal
from .documents import badge_items, select, voucher_items
from .fonts import MissingGlyphs
from .printers import FolderPrinter, Printer, PrinterError
from .render import render_pdf
from .templates import TemplateError, load_template

log = logging.getLogger(__name__)
DEFAULT_TEMPLATES = {"badge": "badge-a6", "vouchers": "voucher-80mm"}


class PrintRefused(ValueError):
    """A print request that cannot be queued (a reprint without a reason, a job too late to
    cancel); the message is for the person at the desk."""


class PrintLedger(Protocol):
    """Where prints are recorded (checkin.desk.Desk is one)."""

    def is_reprint(self, code: str, document: str) -> bool: ...

    def record_print(self, code: str, document: str, *, reason: str = "") -> object: ...


class JobState(StrEnum):
    QUEUED = "queued"
    PRINTING = "printing"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class PrintJob:
    id: int
    code: str
    document: str  # badge | vouchers
    template: str
    reason: str = ""  # why a reprint (lost badge, name corrected ...)
    state: JobState = JobState.QUEUED
    error: str = ""
    # the error as a reason code and its words (a window says it in its own language)
    error_code: str = ""
    error_params: dict = field(default_factory=dict)
    attempts: int = 0
    # printed, but worth a look before it is handed over: text shrunk below its template's
    # smallest size (RenderReport.squeezed)
    warnings: tuple[str, ...] = ()


class PrintQueue:
    def __init__(self, store: Store, printer: Printer, *, ledger: PrintLedger,
                 on_change: Callable[[PrintJob], None] | None = None):
        self.store = store
        self.printer = printer
        self.ledger = ledger
        self.on_change = on_change or (lambda job: None)
        self._jobs: dict[int, PrintJob] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._pending: queue.Queue[int | None] = queue.Queue()
        self._idle = threading.Event()  # set while no job is waiting or printing
        self._idle.set()
        self._waiting = 0
        self._worker = threading.Thread(target=self._work, name="print-queue", daemon=True)
        self._worker.start()

    # -- what the desk calls ----------------------------------------------
    def submit(self, code: str, document: str = "badge", *, template: str | None = None,
               reason: str = "") -> PrintJob:
        """Queue a badge or a person's meal vouchers; returns at once."""
        if document not in DEFAULT_TEMPLATES:
            raise PrintRefused(f"cannot print {document!r}: badge or vouchers")
        already = any(j.code == code and j.document == document and j.state in (
            JobState.QUEUED, JobState.PRINTING, JobState.DONE) for j in self.jobs)
        if (already or self.ledger.is_reprint(code, document)) and not reason.strip():
            raise PrintRefused(f"{code} already has a printed {document}: a reprint needs a reason")
        job = PrintJob(next(self._ids), code, document, template or DEFAULT_TEMPLATES[document],
                       reason=reason.strip())
        self._set(job)
        self._enqueue(job.id)
        return job

    def retry(self, job_id: int) -> PrintJob:
        job = self._jobs[job_id]
        if job.state != JobState.FAILED:
            raise PrintRefused(f"job {job_id} is {job.state}, not failed")
        job = self._set(replace(job, state=JobState.QUEUED, error="", error_code="",
                                error_params={}))
        self._enqueue(job_id)
        return job

    def cancel(self, job_id: int) -> PrintJob:
        with self._lock:  # the worker takes QUEUED jobs under the same lock
            job = self._jobs[job_id]
            if job.state in (JobState.PRINTING, JobState.DONE):
                raise PrintRefused(f"job {job_id} is {job.state}: too late to cancel")
            job = self._jobs[job_id] = replace(job, state=JobState.CANCELLED)
        self._notify(job)
        return job

    @property
    def jobs(self) -> list[PrintJob]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.id)

    def wait(self, timeout: float | None = None) -> bool:
        """Until every queued job is done or failed (the CLI and tests use this)."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        self._pending.put(None)
        self._worker.join(timeout=30)

    # -- the worker ------------------------------------------------------------
    def _enqueue(self, job_id: int) -> None:
        with self._lock:
            self._waiting += 1
            self._idle.clear()
        self._pending.put(job_id)

    def _set(self, job: PrintJob) -> PrintJob:
        with self._lock:
            self._jobs[job.id] = job
        self._notify(job)
        return job

    def _notify(self, job: PrintJob) -> None:
        """Tell the listener (called on the worker thread: a Qt listener emits a signal)."""
        try:
            self.on_change(job)
        except Exception:  # a listener's bug must not stop printing
            log.exception("print queue listener failed")

    def _work(self) -> None:
        while True:
            job_id = self._pending.get()
            if job_id is None:
                return
            with self._lock:  # take the job only if nobody cancelled it meanwhile
                job = self._jobs[job_id]
                if job.state == JobState.QUEUED:
                    job = self._jobs[job_id] = replace(job, state=JobState.PRINTING,
                                                       attempts=job.attempts + 1)
                else:
                    job = None
            if job is not None:
                self._notify(job)
                self._print(job)
            with self._lock:
                self._waiting -= 1
                if self._waiting == 0:
                    self._idle.set()

    def _print(self, job: PrintJob) -> None:
        try:
            pdf, warnings = self._render(job)
            self.printer.print_pdf(pdf, title=f"{job.document} {job.code}")
            reason = job.reason
            if not reason and self.ledger.is_reprint(job.code, job.document):
                reason = "printed again meanwhile"  # another desk printed it: the paper is out
            self.ledger.record_print(job.code, job.document, reason=reason)
            if isinstance(self.printer, FolderPrinter):  # a wipe deletes these PDFs too
                personal.remember_pdf_folder(self.store, self.printer.folder)
        except (PrinterError, MissingGlyphs, TemplateError, LookupError, ValueError) as exc:
            self._set(replace(job, state=JobState.FAILED, error=str(exc),
                              error_code=getattr(exc, "reason_code", ""),
                              error_params=getattr(exc, "params", {})))
        except Exception as exc:  # a bug: keep the desk going, keep the details in the log
            log.exception("print job %s failed", job.id)
            self._set(replace(job, state=JobState.FAILED, error=f"{type(exc).__name__}: {exc}"))
        else:
            self._set(replace(job, state=JobState.DONE, error="", warnings=tuple(warnings)))

    def _render(self, job: PrintJob) -> tuple[bytes, list[str]]:
        template = load_template(job.template)
        people = select(self.store, codes=[job.code])
        make = badge_items if job.document == "badge" else voucher_items
        items = make(self.store, people, template)
        if not items:
            raise LookupError(f"{job.code} has nothing to print as {job.document}")
        buffer = io.BytesIO()
        report = render_pdf(items, buffer, title=f"{job.document} {job.code}")
        return buffer.getvalue(), report.squeezed
