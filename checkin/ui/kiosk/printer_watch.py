"""Whether the kiosk's printer can serve the next attendee. A kiosk that cannot print a badge
must not take scans: it says "please use the staffed desk" instead.

Two ways to know. Asking the printer (checkin.printing.printers.printer_problem: lpstat's
state, a folder that can be written) every few seconds on a thread of its own, since lpstat
may take seconds; such a problem ends when the printer says it is ready again. And a badge
that failed: printers out of labels often still say "idle", so that problem ends only when
staff say the printer is fixed (the organiser PIN, "Printer fixed: resume")."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from ...printing.printers import Printer, printer_problem
from ..tasks import DbRunner


class PrinterWatch(QObject):
    changed = Signal()  # read `.ready` and `.problem`

    def __init__(self, printer: Printer, probe_ms: int = 15_000, parent: QObject | None = None):
        super().__init__(parent)
        self.printer = printer
        self.asked = ""  # what the printer said against itself at the last probe
        self.failed = ""  # why the last badge failed, until staff resume
        self._probing = False
        self.runner = DbRunner(self, name="kiosk-printer")  # a probe never waits on the DB
        self.timer = QTimer(self, interval=max(probe_ms, 100), timeout=self.probe)

    @property
    def ready(self) -> bool:
        return not (self.asked or self.failed)

    @property
    def problem(self) -> str:
        return self.failed or self.asked

    def start(self) -> None:
        self.probe()
        self.timer.start()

    def probe(self) -> None:
        if self._probing:
            return
        self._probing = True
        printer = self.printer
        self.runner.run(lambda: printer_problem(printer), self._asked,
                        lambda message: self._asked(message))

    def _asked(self, problem: str) -> None:
        self._probing = False
        was = self.ready, self.problem
        self.asked = problem or ""
        if (self.ready, self.problem) != was:
            self.changed.emit()

    def job_failed(self, detail: str) -> None:
        self.failed = detail or "failed"
        self.changed.emit()

    def resume(self) -> None:
        """Staff fixed the printer: take scans again (and ask it once more at once)."""
        self.failed = ""
        self.changed.emit()
        self.probe()

    def stop(self) -> None:
        self.timer.stop()
        self.runner.stop()
