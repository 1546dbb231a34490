"""The desk's printer: auto-print on check-in, its state in the status bar, retry.

The print queue's worker thread reports job changes through a Qt signal, so the status
bar is only touched on the GUI thread; printing never blocks a scan.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from ..model import REGISTRATION, Decision
from ..paths import data_dir
from ..printing.printers import FolderPrinter, Printer
from ..printing.queue import JobState, PrintQueue
from ..store import Store
from .tasks import DbRunner


def default_printer() -> Printer:
    """The system's default printer through Qt; without one, PDFs saved in a folder."""
    from PySide6.QtPrintSupport import QPrinterInfo

    from .qt_printer import QtPrinter

    if not QPrinterInfo.defaultPrinter().isNull():
        return QtPrinter()
    return FolderPrinter(data_dir() / "printed")


class PrintPanel(QWidget):
    changed = Signal(int)  # a job id, emitted from the queue's worker thread

    def __init__(self, store: Store, runner: DbRunner, printer: Printer, *,
                 operator: str | None = None, auto_print: bool = True, parent: QObject = None):
        super().__init__(parent)
        self.runner = runner
        self.auto_print = auto_print
        self.queue = PrintQueue(store, printer, operator=operator,
                                on_change=lambda job: self.changed.emit(job.id))
        self.state = QLabel(f"打印机 printer: {printer.name}")
        self.retry_button = QPushButton("重试打印 Retry print")
        self.retry_button.setVisible(False)
        self.retry_button.clicked.connect(self.retry_failed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.state)
        layout.addWidget(self.retry_button)
        self.changed.connect(self._show)  # queued: arrives on the GUI thread

    def after_decision(self, decision: Decision) -> None:
        if self.auto_print and decision.ok and decision.station == REGISTRATION:
            self.print(decision.code)

    def print(self, code: str, document: str = "badge", reason: str = "") -> None:
        self.runner.run(lambda: self.queue.submit(code, document, reason=reason),
                        lambda job: None, lambda message: self.state.setText(
                            f"打印机 printer: {message}"))

    def retry_failed(self) -> None:
        for job in self.queue.jobs:
            if job.state == JobState.FAILED:
                self.queue.retry(job.id)

    def _show(self, job_id: int) -> None:
        job = next(j for j in self.queue.jobs if j.id == job_id)
        words = {JobState.QUEUED: "排队 queued", JobState.PRINTING: "打印中 printing",
                 JobState.DONE: "已打印 printed", JobState.FAILED: "失败 FAILED",
                 JobState.CANCELLED: "取消 cancelled"}[job.state]
        text = f"打印机 printer: {job.document} {job.code} {words}"
        if job.error:
            text += f" — {job.error}"
        self.state.setText(text)
        self.state.setStyleSheet("color:#c62828; font-weight:bold" if job.state == JobState.FAILED
                                 else "")
        self.retry_button.setVisible(any(j.state == JobState.FAILED for j in self.queue.jobs))

    def close_queue(self) -> None:
        self.queue.close()
