"""The sync worker: a plain thread that runs a round every few seconds while the server
answers, backs off (1 s doubling to 60 s, full jitter) while it does not, and stops trying when
the desk was revoked. The desk window wraps it in a thin QObject (checkin/ui); nothing here
knows about Qt.

The worker never holds the store's write lock while it waits on the network (the round writes
in short local transactions between requests), so a scan never waits for the server.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ..store import Store
from . import status as st
from .backoff import Backoff
from .client import SyncClient
from .engine import SyncReport, sync_once

log = logging.getLogger("checkin.sync")


class SyncWorker:
    def __init__(self, store: Store, client: SyncClient, *, interval: float = 2.0,
                 backoff: Backoff | None = None,
                 on_status: Callable[[st.SyncStatus], None] | None = None,
                 on_report: Callable[[SyncReport], None] | None = None,
                 name: str = "sync-worker"):
        self.store = store
        self.client = client
        self.interval = interval
        self.backoff = backoff or Backoff()
        self.on_status = on_status
        self.on_report = on_report
        self.rounds = 0  # rounds attempted (tests, diagnostics)
        self.last_report: SyncReport | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._last_status: dict | None = None

    # -- control -------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def trigger(self) -> None:
        """Run a round now (after a scan, or when the person at the desk asks), even while
        backing off; not after a revocation."""
        self._wake.set()

    def stop(self, timeout: float | None = 15.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def status(self) -> st.SyncStatus:
        return st.load(self.store)

    # -- the loop --------------------------------------------------------------------
    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    current = st.load(self.store)
                    if current.stopped or current.state == st.NOT_ENROLLED:
                        self._publish(current)
                        self._wait(None)  # until stopped (or enrolled again and triggered)
                        continue
                    delay = self._round()
                except Exception:  # a bug or a broken disk: log it, say so, try again later
                    log.exception("sync round failed unexpectedly")
                    delay = self.backoff.next_delay()
                    self._report_crash(delay)
                self._wait(delay)
        finally:
            self.client.close()

    def _report_crash(self, delay: float) -> None:
        try:
            self._publish(st.update(self.store, state=st.ERROR, next_attempt=st.at(delay),
                                    last_error="the sync round failed on an unexpected error "
                                               "(details in the log)", last_error_at=st.now()))
        except Exception:
            log.exception("could not record the sync round's failure")

    def _round(self) -> float | None:
        self.rounds += 1
        url, token = self.store.meta(st.SERVER_URL), self.store.meta(st.TOKEN)
        pinned = self.store.meta(st.SERVER_CERT) or None
        if url and (url != self.client.base_url or token != self.client.token
                    or pinned != self.client.pinned_cert):
            self.client.retarget(url, token, pinned)  # enrolled again, or `checkin sync --server`
        delay: float | None = None

        def schedule(report: SyncReport) -> float | None:
            nonlocal delay
            if report.ok:
                self.backoff.reset()
                delay = self.interval
            elif report.state in st.STOPPED_STATES:
                delay = None
            else:
                delay = self.backoff.next_delay()
            return delay

        report = sync_once(self.store, self.client, schedule=schedule)
        self.last_report = report
        status = st.load(self.store)
        if self.on_report:
            self._safe(self.on_report, report)
        self._publish(status)
        return delay

    def _wait(self, delay: float | None) -> None:
        self._wake.wait(delay)
        self._wake.clear()

    def _publish(self, status: st.SyncStatus) -> None:
        """Call on_status when something a person would see has changed."""
        seen = status.to_json()
        seen.pop("last_attempt", None)
        seen.pop("next_attempt", None)
        if seen == self._last_status:
            return
        self._last_status = seen
        if self.on_status:
            self._safe(self.on_status, status)

    @staticmethod
    def _safe(callback, arg) -> None:
        try:
            callback(arg)
        except Exception:
            log.exception("sync worker callback failed")
