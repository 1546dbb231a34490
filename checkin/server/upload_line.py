"""The group-commit line: one conference's uploads, applied by one writer thread.

Uploads that arrive while a group is being applied wait, then go together, in the order they
came, in one transaction: the feed lock is taken once for all of them, so 100 desks do not
queue one by one behind it. A desk's upload does not take a thread of its own to wait: the
service's event loop awaits its Future, and only the writer wakes, once per group. (Under
100 desks on a busy 2-core machine, handing each upload to a thread of its own took p95
51 ms before the thread ran, waiting for the GIL and a CPU.)

The writer thread is started by the first upload and ends after IDLE_SECONDS without one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future

IDLE_SECONDS = 30.0


class Job:
    """One upload: what to apply, and its answer (results or error), given by apply."""

    def __init__(self, who, batch: list[dict], now_ms: int, unsent: int | None):
        self.who, self.batch, self.now_ms, self.unsent = who, batch, now_ms, unsent
        self.results: list[dict] = []
        self.error: BaseException | None = None
        self.future: Future[list[dict]] = Future()


class Line:
    """`apply(group)` is called in the writer thread with the jobs waiting, oldest first; it
    sets each job's results or error."""

    def __init__(self, apply: Callable[[list[Job]], None], name: str):
        self._apply = apply
        self._name = name
        self._changed = threading.Condition()
        self._waiting: list[Job] = []
        self._running = False

    def submit(self, job: Job) -> Future[list[dict]]:
        with self._changed:
            self._waiting.append(job)
            if self._running:
                self._changed.notify()
                return job.future
            self._running = True
        threading.Thread(target=self._write, name=self._name, daemon=True).start()
        return job.future

    def _write(self) -> None:
        while True:
            with self._changed:
                if not self._waiting:
                    self._changed.wait(IDLE_SECONDS)
                if not self._waiting:
                    self._running = False
                    return
                group, self._waiting = self._waiting, []
            # A desk that went away cancelled its wait, not its upload: applied all the same
            # (its next round sends it again and is answered "duplicate").
            answered = [job for job in group if job.future.set_running_or_notify_cancel()]
            try:
                self._apply(group)
            except BaseException as exc:  # noqa: BLE001 - a bug must not leave desks waiting
                for job in group:
                    job.error = job.error or exc
            for job in answered:
                if job.error is not None:
                    job.future.set_exception(job.error)
                else:
                    job.future.set_result(job.results)
