"""One sync round (docs/sync-protocol.md, "The desk's round"): upload the outbox
(upload.py), the audit trail (trail.py), download registrants and other desks' events by
cursor (download.py), measure the service's clock, record the status (status.py).

Interruption at any point is safe: the outbox loses only the events the server answered for,
and a cursor moves only in the transaction that stores the data it covers. The store's write
lock is held only for those short local transactions, never while waiting on the network, so a
scan at the desk never waits for the server.
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import clockcheck
from ..i18n import _
from ..store import Store, explain_sqlite_error
from . import status as st
from . import trail
from .client import Offline, Rejected, Revoked, SyncClient, Unauthorized, Untrusted
from .download import PAGE_SIZE, download_events, download_registrants
from .rejected import requeue_caught_up
from .revocation import finish_wipe, purged, wipe_revoked
from .upload import BATCH_SIZE, final_upload, upload_outbox

log = logging.getLogger("checkin.sync")


@dataclass
class SyncReport:
    """What one round did (`checkin sync` prints `text()`, or `to_json()` with --json)."""

    ok: bool = False
    state: str = st.NOT_ENROLLED
    uploaded: int = 0  # events the server stored now
    duplicates: int = 0  # events it already had (an answer lost earlier)
    conflicts: list[dict] = field(default_factory=list)  # conflicts answered to our uploads
    rejected: list[dict] = field(default_factory=list)  # single events the server refused
    audit: int = 0  # audit-trail entries the server now has
    registrants: int = 0  # registrant changes applied
    events: int = 0  # other desks' events added
    pending: int = 0  # still in the outbox after the round
    error: str | None = None
    wiped: dict | None = None  # revoked: what the wipe removed (wipe.wipe's summary)
    started: str = ""
    finished: str = ""

    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    def text(self) -> str:
        if not self.ok and not (self.uploaded or self.registrants or self.events):
            return _("sync failed ({state}): {error}").format(state=st.state_word(self.state),
                                                              error=self.error)
        line = (_("sent {0} event(s)").format(self.uploaded)
                + (" " + _("({0} already there)").format(self.duplicates)
                   if self.duplicates else "")
                + _(", received {registrants} registrant change(s) and {events} event(s) from "
                    "other desks; {pending} not yet sent").format(
                    registrants=self.registrants, events=self.events, pending=self.pending))
        if self.conflicts:
            line += "\n" + _("{0} conflict(s): see `checkin conflicts`").format(
                len(self.conflicts))
        if self.rejected:
            line += "\n" + _("{0} event(s) refused by the server: see `checkin conflicts`; "
                             "`checkin sync --retry-rejected` sends them again").format(
                len(self.rejected))
        if self.state == st.PURGED:
            line += "\n" + st.shown_label(st.PURGED)
        if not self.ok:
            line += "\n" + _("stopped ({state}): {error}").format(
                state=st.state_word(self.state), error=self.error)
        return line


# -- the round ------------------------------------------------------------------
def sync_once(store: Store, client: SyncClient, *, batch_size: int = BATCH_SIZE,
              page_size: int = PAGE_SIZE,
              schedule: Callable[[SyncReport], float | None] | None = None) -> SyncReport:
    """One whole round. Never raises for network or server trouble: the report and the
    stored status (`status.load`) say what happened. `schedule(report)` -> seconds until the
    next attempt (None: none planned) is stored with the status (the worker's backoff)."""
    report = SyncReport(started=st.now())
    event = store.meta(st.EVENT)
    current = st.load(store)
    if not event or current.state == st.NOT_ENROLLED:
        report.error = _("this desk is not enrolled: run `checkin enroll URL CODE` first")
        report.finished = st.now()
        return report
    if current.stopped:
        report.state = current.state
        report.error = current.last_error or current.label
        report.pending = current.pending
        if current.state == st.REVOKED:
            finish_wipe(store, report)
        report.finished = st.now()
        return report
    was_purged = purged(store)
    round_started = store.time.local()
    try:
        requeue_caught_up(store)
        upload_outbox(store, client, event, report, batch_size)
        report.audit = _send_trail(store, client, event)
        if not was_purged:  # after `checkin purge`, no personal data comes down again
            download_registrants(store, client, event, report, page_size)
            download_events(store, client, event, report, page_size)
    except Revoked as exc:
        report.state, report.error = st.REVOKED, exc.message
        final_upload(store, client, event, report, batch_size)
        report.wiped = wipe_revoked(store, report, revoked={
            "event": event, "server": client.base_url, "message": exc.message})
    except Unauthorized as exc:
        report.state, report.error = st.UNAUTHORIZED, exc.message
    except Untrusted as exc:
        report.state, report.error = st.UNTRUSTED, exc.message
    except Offline as exc:
        report.state, report.error = st.OFFLINE, exc.message
    except Rejected as exc:
        report.state, report.error = st.ERROR, f"{exc.message} (HTTP {exc.status})"
    except sqlite3.Error as exc:  # this desk's own database (disk full ...): said plainly
        log.exception("sync round stopped by the desk database")
        report.state, report.error = st.ERROR, explain_sqlite_error(exc, store.path)
    except (KeyError, TypeError, ValueError) as exc:  # an answer not shaped as the protocol says
        log.exception("unexpected answer from the server")
        report.state, report.error = st.ERROR, f"unexpected answer from the server ({exc!r})"
    else:
        report.ok, report.state = True, (st.PURGED if was_purged else st.ONLINE)
    _measure_clock(store, client, round_started)
    report.finished = st.now()
    delay = schedule(report) if schedule else None
    _record_status(store, report, st.at(delay) if delay is not None else None)
    return report


def _send_trail(store: Store, client: SyncClient, event: str) -> int:
    """The audit trail goes up after the events; a service that refuses it (another version)
    never stops the round: the entries wait on the desk."""
    try:
        return trail.upload(store, client, event)
    except Rejected as exc:
        log.warning("the audit trail was not accepted (%s): it stays on this desk", exc.message)
        return 0


def _measure_clock(store: Store, client: SyncClient, round_started: float) -> None:
    """The service's clock came with its answers: this desk's wall times and stamps follow
    it from now on (clockcheck.py). A failure here never fails the round."""
    sample = client.time_sample
    if sample is None or sample.sent < round_started:
        return
    try:
        offset = clockcheck.record(store, sample)
    except sqlite3.Error:
        log.exception("could not store the clock measurement")
        return
    if offset is not None and abs(offset) > clockcheck.WARN_MS:
        log.warning("this laptop's clock is %+.1f s off the central list's: check-ins use the "
                    "list's time", -offset / 1000)


def _record_status(store: Store, report: SyncReport, next_attempt: str | None) -> None:
    changes: dict = {"state": report.state, "last_attempt": report.finished,
                     "next_attempt": next_attempt}
    if report.ok:
        changes.update(last_success=report.finished, last_error=None, failures=0)
    else:
        previous = st.load(store)
        changes.update(last_error=report.error, last_error_at=report.finished,
                       failures=previous.failures + 1)
    report.pending = st.update(store, **changes).pending
    busy = report.uploaded or report.duplicates or report.registrants or report.events
    log.log(logging.INFO if busy or not report.ok else logging.DEBUG, "sync round: %s",
            report.text().replace("\n", "; "))
