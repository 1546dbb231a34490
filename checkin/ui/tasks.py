"""Run store work off the GUI thread, one job at a time, and get the result back on it.

Every desk action commits to SQLite (fsync): the GUI thread must not wait for that. A
DbRunner owns one worker thread; `run(fn, done, failed)` queues `fn`, and `done(result)` or
`failed(message)` is called later on the GUI thread. One thread keeps the writes in order.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)


class _Worker(QObject):
    finished = Signal(int)  # job id: the result waits in DbRunner._results

    def __init__(self, runner: DbRunner):
        super().__init__()
        self._runner = runner

    @Slot(int)
    def execute(self, job_id: int) -> None:
        fn = self._runner._jobs.pop(job_id)
        try:
            outcome = (fn(), "")
        except Exception as exc:  # reported to the caller on the GUI thread
            if not isinstance(exc, ValueError):  # DeskError and friends are expected answers
                log.exception("desk task failed")
            outcome = (None, str(exc) or type(exc).__name__)
        self._runner._results[job_id] = outcome
        self.finished.emit(job_id)


class DbRunner(QObject):
    # Only job ids cross threads: PySide's marshalling of arbitrary Python objects through
    # queued signals has corrupted reference counts (a crash at exit) in tests.
    _submit = Signal(int)

    def __init__(self, parent: QObject | None = None, name: str = "desk-db"):
        super().__init__(parent)
        self._jobs: dict[int, Callable[[], object]] = {}
        self._results: dict[int, tuple[object, str]] = {}
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._worker = _Worker(self)
        self._worker.moveToThread(self._thread)
        self._submit.connect(self._worker.execute)
        self._worker.finished.connect(self._on_finished)
        self._callbacks: dict[int, tuple[Callable, Callable | None]] = {}
        self._ids = itertools.count(1)
        self._thread.start()

    def run(self, fn: Callable[[], object], done: Callable[[object], None],
            failed: Callable[[str], None] | None = None) -> None:
        job_id = next(self._ids)
        self._callbacks[job_id] = (done, failed)
        self._jobs[job_id] = fn
        self._submit.emit(job_id)

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    @Slot(int)
    def _on_finished(self, job_id: int) -> None:
        result, error = self._results.pop(job_id)
        done, failed = self._callbacks.pop(job_id)
        if error:
            if failed:
                failed(error)
        else:
            done(result)

    def stop(self) -> None:
        self._thread.quit()
        self._thread.wait(10_000)
