"""The sync status every screen shows: kept in the desk database (meta `sync.status`), so the
CLI (`checkin sync-status`) and the desk window read the same thing whoever ran the round.

The pending count is never stored: it is counted from the outbox when the status is read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import dataclass

from ..clock import now_iso, shown_in
from ..i18n import _, pgettext
from ..store import Store, outbox

# Meta keys of the sync state (values are text).
SERVER_URL = "sync.server_url"
EVENT = "sync.event"
TOKEN = "sync.token"
SERVER_ID = "sync.server_id"
REGISTRANT_CURSOR = "sync.registrant_cursor"
EVENT_CURSOR = "sync.event_cursor"
STATUS = "sync.status"
KIOSKS_CLOSED = "sync.kiosks_closed"  # the event's kiosks that closed themselves (the feed's)
SERVER_CERT = "sync.server_cert"  # the server's TLS certificate (PEM), pinned at enrolment

NOT_ENROLLED = "not_enrolled"  # no server yet: a desk on its own
ONLINE = "online"  # the last round reached the server
OFFLINE = "offline"  # the server could not be reached (or failed): retrying with backoff
REVOKED = "revoked"  # the organiser revoked this desk: no more attempts (enrol again)
UNAUTHORIZED = "unauthorized"  # the server does not know our token: no more attempts
ERROR = "error"  # the server refused a request (a bug or a version mismatch): retrying
PURGED = "purged"  # `checkin purge` ran: rounds only send the outbox, nothing comes down
UNTRUSTED = "untrusted"  # the server presents another certificate than the pinned one

STOPPED_STATES = (REVOKED, UNAUTHORIZED)  # states in which the desk no longer tries

_LABELS = {
    NOT_ENROLLED: "not enrolled (this desk works on its own)",
    ONLINE: "online",
    OFFLINE: "offline",
    REVOKED: "revoked by the organiser: this desk no longer syncs",
    UNAUTHORIZED: "the server does not accept this desk's token: enrol again",
    ERROR: "the server refused a request",
    PURGED: "purged: this desk no longer downloads the list (enrol again to use it)",
    UNTRUSTED: "the server's certificate is not the one this desk pinned: nothing was sent",
}
WIPED = "privacy.wiped"  # meta set by checkin.wipe.wipe (purge, revocation); enrolment clears it


def label(state: str) -> str:
    """The state in English words (the `label` of --json)."""
    return _LABELS.get(state, state)


def state_word(state: str) -> str:
    """online / offline / ... in a word or two, in the current language (as the window's
    status bar says it)."""
    return {
        ONLINE: _("online"), OFFLINE: _("offline"), ERROR: pgettext("SyncStatus", "error"),
        REVOKED: _("revoked"), UNAUTHORIZED: _("not accepted"), NOT_ENROLLED: _("not connected"),
        PURGED: _("purged"), UNTRUSTED: _("server not trusted"),
    }.get(state, state)


def shown_label(state: str) -> str:
    """The state in words, in the current language (checkin/i18n.py)."""
    return {
        NOT_ENROLLED: _("not enrolled (this desk works on its own)"),
        ONLINE: _("online"),
        OFFLINE: _("offline"),
        REVOKED: _("revoked by the organiser: this desk no longer syncs"),
        UNAUTHORIZED: _("the server does not accept this desk's token: enrol again"),
        ERROR: _("the server refused a request"),
        PURGED: _("purged: this desk no longer downloads the list (enrol again to use it)"),
        UNTRUSTED: _("the server's certificate is not the one this desk pinned: nothing was "
                     "sent"),
    }.get(state, state)


@dataclass
class SyncStatus:
    state: str = NOT_ENROLLED
    pending: int = 0  # events recorded here and not yet acknowledged by the server
    last_success: str | None = None  # wall time of the last complete round
    last_attempt: str | None = None
    last_error: str | None = None  # plain sentence; None after a success
    last_error_at: str | None = None
    next_attempt: str | None = None  # when the worker tries again (None: not scheduled)
    failures: int = 0  # failed rounds in a row
    server_url: str | None = None
    event: str | None = None
    # self check-in kiosks of the event that closed themselves, as the last round heard:
    # [{"name": "自助1", "problem": "...", "since": wall time}]
    kiosks_closed: list = dataclasses.field(default_factory=list)

    @property
    def label(self) -> str:
        return label(self.state)

    @property
    def stopped(self) -> bool:
        return self.state in STOPPED_STATES

    def to_json(self) -> dict:
        return {**dataclasses.asdict(self), "label": self.label}

    def text(self, zone: dt.tzinfo | None = None) -> str:
        """For `checkin sync-status`; times in `zone` (the event's)."""
        parts = [_("sync: {0}").format(shown_label(self.state))]
        if self.server_url:
            parts.append(_("server {server} event {event}").format(server=self.server_url,
                                                                   event=self.event))
        parts.append(_("{0} event(s) not yet sent").format(self.pending))
        if self.last_success:
            parts.append(_("last success {0}").format(shown_in(self.last_success, zone)))
        if self.last_error:
            parts.append(_("last error: {0}").format(self.last_error))
        if self.next_attempt and not self.stopped:
            parts.append(_("next attempt {0}").format(shown_in(self.next_attempt, zone)))
        for kiosk in self.kiosks_closed:
            parts.append(_("self check-in kiosk {name} closed since {since}: {problem}").format(
                name=kiosk["name"], since=shown_in(kiosk["since"], zone),
                problem=kiosk["problem"]))
        return "\n".join(parts)


_STORED = ("state", "last_success", "last_attempt", "last_error", "last_error_at",
           "next_attempt", "failures")


def load(store: Store) -> SyncStatus:
    conn = store.reader()
    stored = json.loads(store.meta(STATUS) or "{}")
    status = SyncStatus(**{k: v for k, v in stored.items() if k in _STORED})
    status.server_url = store.meta(SERVER_URL)
    status.event = store.meta(EVENT)
    if not status.server_url or not store.meta(TOKEN):
        status.state = NOT_ENROLLED
    elif status.state == ONLINE and store.meta(WIPED):  # purged since the last round
        status.state = PURGED
    status.pending = outbox.size(conn)
    status.kiosks_closed = json.loads(store.meta(KIOSKS_CLOSED) or "[]")
    return status


def kiosks_closed(page: dict) -> list[dict]:
    """The feed page's closed kiosks, kept to the words the status bar shows."""
    listed = page.get("kiosks_closed")
    return [{key: str(kiosk.get(key) or "")[:300] for key in ("name", "problem", "since")}
            for kiosk in (listed if isinstance(listed, list) else [])
            if isinstance(kiosk, dict)][:20]


def save(store: Store, conn, status: SyncStatus) -> None:
    """Write inside the caller's transaction."""
    store.set_meta(conn, STATUS, json.dumps({k: getattr(status, k) for k in _STORED},
                                            ensure_ascii=False))


def update(store: Store, **changes) -> SyncStatus:
    """Change some fields of the stored status (a short write of its own) and return it."""
    with store.transaction() as conn:
        stored = json.loads(store._meta(conn, STATUS) or "{}")
        status = SyncStatus(**{k: v for k, v in stored.items() if k in _STORED})
        for key, value in changes.items():
            setattr(status, key, value)
        save(store, conn, status)
    return load(store)


def at(seconds_from_now: float) -> str:
    moment = dt.datetime.now().astimezone() + dt.timedelta(seconds=seconds_from_now)
    return moment.isoformat(timespec="milliseconds")


def now() -> str:
    return now_iso()
