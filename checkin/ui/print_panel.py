"""The desk's printer: auto-print on check-in, its state in the status bar, retry.

The print queue's worker thread reports job changes through a Qt signal, so the status
bar is only touched on the GUI thread; printing never blocks a scan.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ..desk import Desk, DeskError
from ..messages import message
from ..model import REGISTRATION, Decision
from ..paths import data_dir
from ..printing.printers import ACTUAL_SIZE, FolderPrinter, Printer, PrintSystem
from ..printing.queue import JobState, PrintQueue
from ..store import Store
from . import i18n
from .tasks import DbRunner


def default_printer(system: PrintSystem | None = None, *, scaling: str = ACTUAL_SIZE) -> Printer:
    """The system's default printer (CUPS's where `lp` is, else Qt's: window_print_system);
    without one, PDFs saved in a folder."""
    from .qt_printer import window_print_system

    system = system or window_print_system()
    if system.default_name():
        return system.printer("", scaling=scaling)
    return FolderPrinter(data_dir() / "printed")


class PrintPanel(QWidget):
    changed = Signal(int)  # a job id, emitted from the queue's worker thread
    # (code, document, state, detail) when a job is done, failed or cancelled: GUI thread only;
    # detail: why it failed, or the render warnings of a done job
    finished = Signal(str, str, str, str)

    def __init__(self, store: Store, runner: DbRunner, printer: Printer, *,
                 operator: str | None = None, auto_print: bool = True, parent: QObject = None):
        super().__init__(parent)
        self.runner = runner
        self.auto_print = auto_print  # the badge, on every ok check-in at registration
        self.auto_vouchers = False  # the person's meal vouchers too
        self.templates: dict[str, str] = {}  # document -> template name (default: the queue's)
        self.queue = PrintQueue(store, printer, ledger=Desk(store, operator=operator),
                                on_change=lambda job: self.changed.emit(job.id))
        self.state = QLabel(self.tr("Printer: {0}").format(printer.name))
        self.retry_button = QPushButton(self.tr("Retry print"))
        self.retry_button.setVisible(False)
        self.retry_button.clicked.connect(self.retry_failed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.state)
        layout.addWidget(self.retry_button)
        self._ended: dict[int, tuple] = {}
        self.changed.connect(self._show)  # queued: arrives on the GUI thread

    def configure(self, *, printer: Printer | None = None, templates: dict | None = None,
                  auto_print: dict | None = None) -> None:
        """What the settings dialog decides: the printer, a template per document, and
        which documents print by themselves on check-in."""
        if printer is not None:
            self.queue.printer = printer  # read by the queue's worker for each job
            self.state.setText(self.tr("Printer: {0}").format(printer.name))
        if templates is not None:
            self.templates = dict(templates)
        if auto_print is not None:
            self.auto_print = auto_print.get("badge", self.auto_print)
            self.auto_vouchers = auto_print.get("vouchers", self.auto_vouchers)

    def after_decision(self, decision: Decision) -> None:
        # A valid signed ticket for someone not yet on this desk's list has no badge data:
        # the badge prints once the list arrives (search, then reprint).
        if decision.ok and decision.station == REGISTRATION and decision.registrant is not None:
            if self.auto_print:
                self.print(decision.code)
            if self.auto_vouchers:
                self.print(decision.code, "vouchers")

    def _submit(self, code: str, document: str, reason: str):
        return self.queue.submit(code, document, reason=reason,
                                 template=self.templates.get(document))

    def print(self, code: str, document: str = "badge", reason: str = "",
              failed: Callable[[str], None] | None = None) -> None:
        """Queue a document; a job the queue refuses (printed already) is said in the status
        bar, and to `failed(message)` (a kiosk sends the attendee to the desk)."""
        def refused(message: str) -> None:
            self.state.setText(self.tr("Printer: {0}").format(message))
            if failed is not None:
                failed(message)

        self.runner.run(lambda: self._submit(code, document, reason), lambda job: None, refused)

    def reprint(self, code: str, document: str, reason: str,
                done: Callable[[], None] | None = None,
                failed: Callable[[str], None] | None = None) -> None:
        """Print a person's badge (or vouchers) again: a reason is required, and it is
        recorded with the print event once the printer took the job."""
        reason = reason.strip()
        if not reason:
            raise DeskError(self.tr("A reprint needs a reason (lost badge, name corrected …)"))

        def refused(message: str) -> None:
            self.state.setText(self.tr("Printer: {0}").format(message))
            if failed:
                failed(message)

        self.runner.run(lambda: self._submit(code, document, reason),
                        lambda job: done() if done else None, refused)

    def retry_failed(self) -> None:
        for job in self.queue.jobs:
            if job.state == JobState.FAILED:
                self.queue.retry(job.id)

    def _show(self, job_id: int) -> None:
        job = next(j for j in self.queue.jobs if j.id == job_id)
        words = {JobState.QUEUED: self.tr("queued"), JobState.PRINTING: self.tr("printing"),
                 JobState.DONE: self.tr("printed"), JobState.FAILED: self.tr("FAILED"),
                 JobState.CANCELLED: self.tr("cancelled")}[job.state]
        document = {"badge": self.tr("badge"), "vouchers": self.tr("vouchers")}.get(
            job.document, job.document)
        text = self.tr("Printer: {0} {1} {2}").format(document, job.code, words)
        error = message(job.error_code, i18n.chinese(), **job.error_params) \
            if job.error_code else job.error  # in the window's language where it is known
        if error:
            text += f" — {error}"
        elif job.warnings:  # printed, but someone should look at it before handing it over
            text += " — " + self.tr("check it: {0}").format("; ".join(job.warnings))
        self.state.setText(text)
        self.state.setToolTip(text)  # whole, where the status bar cuts it
        self.state.setStyleSheet("color:#c62828; font-weight:bold" if job.state == JobState.FAILED
                                 else "color:#b26a00; font-weight:bold" if job.warnings else "")
        self.retry_button.setVisible(any(j.state == JobState.FAILED for j in self.queue.jobs))
        ended = (job.state, job.attempts)  # _show may run twice for one state: tell it once
        if job.state in (JobState.DONE, JobState.FAILED, JobState.CANCELLED) \
                and self._ended.get(job.id) != ended:
            self._ended[job.id] = ended
            self.finished.emit(job.code, job.document, str(job.state),
                               error or "; ".join(job.warnings))

    def close_queue(self) -> None:
        self.queue.close()
