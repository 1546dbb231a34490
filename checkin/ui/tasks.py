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
    finished = Signal(int, object, str)  # job id, result, error message ('' when ok)

    @Slot(int, object)
    def execute(self, job_id: int, fn) -> None:
        try:
            result, error = fn(), ""
        except Exception as exc:  # reported to the caller on the GUI thread
            if not isinstance(exc, ValueError):  # DeskError and friends are expected answers
                log.exception("desk task failed")
            result, error = None, str(exc) or type(exc).__name__
        self.finished.emit(job_id, result, error)


class DbRunner(QObject):
    _submit = Signal(int, object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("desk-db")
        self._worker = _Worker()
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
        self._submit.emit(job_id, fn)

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    @Slot(int, object, str)
    def _on_finished(self, job_id: int, result, error: str) -> None:
        done, failed = self._callbacks.pop(job_id)
        if error:
            if failed:
                failed(error)
        else:
            done(result)

    def stop(self) -> None:
        self._thread.quit()
        self._thread.wait(10_000)
