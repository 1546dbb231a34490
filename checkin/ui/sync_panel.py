"""Sync in the desk window: a thin QObject around checkin.sync.worker.SyncWorker, and the
status-bar widget that says where the desk stands with the central list.

The worker is a plain Python thread. Its callbacks run on that thread, so they only set flags
under a lock: nothing Qt is touched there and no Python object crosses threads through a
signal (PySide's marshalling of Python objects through queued signals has crashed the
desk before, see tasks.py). A QTimer on the GUI thread picks the flags up, re-reads the
status from the desk database (`sync.status` meta and the outbox count: a few indexed reads)
and emits the signals from there (`pulled` carries a Changes, made and delivered on the GUI
thread: it crosses no thread). Every network call stays on the worker's thread, so an
unreachable server never holds up a scan.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
import threading
import time
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from .. import wipe
from ..store import Store
from ..store.audit import event_zone
from ..sync import status as st
from .changes import Changes

translate = QCoreApplication.translate  # the catalogue extraction finds translate("Context", "...")

__all__ = ["DeskSync", "SyncStatusWidget", "enrol_desk", "enrolled", "state_word", "status_text"]

SYNC_SHORTCUT = "Ctrl+Shift+S"
log = logging.getLogger(__name__)


def enrolled(store: Store) -> bool:
    """The desk has a server and a token (meta `sync.*`): the worker has something to do."""
    return bool(store.meta(st.SERVER_URL) and store.meta(st.TOKEN))


def enrol_desk(db_path: str | Path, server_url: str, code: str, device_name: str = "") -> str:
    """Enrol the desk database at `db_path` (made if missing) with the central list at
    `server_url` using the organiser's one-time `code`; returns the database path. The URL
    may be the whole `checkin-enrol:URL#CODE` link (then `code` may be ""). Talks to the
    network: run it off the GUI thread (a DbRunner). Raises checkin.sync.client.SyncError
    (its str is a plain sentence) when the server says no or cannot be reached."""
    from ..sync.enrolment import enrol_desk as enrol_database

    return str(enrol_database(server_url, code, device_name=device_name, db_path=db_path))


# -- what the status bar says ---------------------------------------------------------
STATE_WORDS = {  # translated when shown (state_word)
    st.ONLINE: QT_TRANSLATE_NOOP("SyncStatus", "online"),
    st.OFFLINE: QT_TRANSLATE_NOOP("SyncStatus", "offline"),
    st.ERROR: QT_TRANSLATE_NOOP("SyncStatus", "error"),
    st.REVOKED: QT_TRANSLATE_NOOP("SyncStatus", "revoked"),
    st.UNAUTHORIZED: QT_TRANSLATE_NOOP("SyncStatus", "not accepted"),
    st.NOT_ENROLLED: QT_TRANSLATE_NOOP("SyncStatus", "not connected"),
    st.PURGED: QT_TRANSLATE_NOOP("SyncStatus", "purged"),
    st.UNTRUSTED: QT_TRANSLATE_NOOP("SyncStatus", "server not trusted"),
}
_COLOURS = {st.ONLINE: "#2e7d32", st.OFFLINE: "#b26a00", st.ERROR: "#b26a00",
            st.REVOKED: "#c62828", st.UNAUTHORIZED: "#c62828", st.NOT_ENROLLED: "#757575",
            st.PURGED: "#757575", st.UNTRUSTED: "#c62828"}
ERROR_CHARS = 44  # of the last error in the bar; the whole sentence is in the tooltip
MAX_WIDTH = 560  # px of the sync line in the status bar (the printer's part needs room too)
MIN_WIDTH = 360  # px it keeps however long the printer's message is



def state_word(state: str) -> str:
    """online / offline / ... in the window's language."""
    return translate("SyncStatus", STATE_WORDS[state]) if state in STATE_WORDS else state


def _moment(stamp: str | None, zone: dt.tzinfo | None = None) -> dt.datetime | None:
    if not stamp:
        return None
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment.astimezone(zone)  # naive stamps are taken as this computer's time


def clock_text(stamp: str | None, now: dt.datetime | None = None,
               zone: dt.tzinfo | None = None) -> str:
    """08:31:02 today, 06-25 08:31 another day, — never (in `zone`, else the computer's)."""
    moment = _moment(stamp, zone)
    if moment is None:
        return "—"
    now = (now or dt.datetime.now()).astimezone(zone)
    return moment.strftime("%H:%M:%S" if moment.date() == now.date() else "%m-%d %H:%M")


def kiosks_text(status: st.SyncStatus) -> str:
    """The event's self check-in kiosks that closed themselves: their queue comes here."""
    if not status.kiosks_closed:
        return ""
    return translate("SyncStatus", "⚠ Self check-in closed: {0}").format(
        "、".join(kiosk["name"] for kiosk in status.kiosks_closed))


def kiosks_tooltip(status: st.SyncStatus, zone: dt.tzinfo | None = None) -> str:
    return "\n".join(translate("SyncStatus", "{name}: closed since {since} ({problem})").format(
        name=k["name"], since=clock_text(k["since"], zone=zone), problem=k["problem"])
        for k in status.kiosks_closed)


def seconds_until(stamp: str | None, now: dt.datetime | None = None) -> int | None:
    moment = _moment(stamp)
    if moment is None:
        return None
    now = now or dt.datetime.now().astimezone()
    return max(0, round((moment - now).total_seconds()))


# The gist of a sync error, by what the desk's own sync says (English, kept whole in the
# tooltip): what the window shows in its language. Anything else: its short English form.
_PROBLEMS = (
    (("cannot reach the server",), QT_TRANSLATE_NOOP("SyncStatus", "cannot reach the server")),
    (("did not answer in time",),
     QT_TRANSLATE_NOOP("SyncStatus", "the server did not answer in time")),
    (("server error",), QT_TRANSLATE_NOOP("SyncStatus", "the server had an error")),
    (("certificate",),
     QT_TRANSLATE_NOOP("SyncStatus", "the server's certificate is not the one this desk "
                                     "pinned")),
    (("without naming one at fault",),
     QT_TRANSLATE_NOOP("SyncStatus", "the server refused this desk's events")),
    (("not known to the server",),
     QT_TRANSLATE_NOOP("SyncStatus", "the server does not know this desk")),
    (("disk holding", "is full"), QT_TRANSLATE_NOOP("SyncStatus", "this laptop's disk is full")),
    (("the round failed on an unexpected error",),
     QT_TRANSLATE_NOOP("SyncStatus", "an unexpected error (see the log)")),
)


def sync_problem(error: str) -> str:
    """A sync error in the window's language (its words from _PROBLEMS), else shortened."""
    text = error.lower()
    for needles, words in _PROBLEMS:
        if any(needle in text for needle in needles):
            return translate("SyncStatus", words)
    return short_error(error)


def short_error(text: str, limit: int = ERROR_CHARS) -> str:
    """The gist of an error for the bar: the server's address (in the tooltip), exception
    class names and errno numbers left out. 'cannot reach the server at http://10.0.0.5:8000
    (ConnectError: [Errno 111] Connection refused)' -> 'cannot reach the server: Connection
    refused'."""
    text = re.sub(r"\s*\bat https?://\S+", "", text)
    text = re.sub(r"https?://\S+", "the server", text)
    text = re.sub(r"\s*\(\w+(?:Error|Exception|Timeout): (.*)\)$", r": \1", text)
    text = re.sub(r"\[Errno -?\d+\]\s*", "", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def status_text(status: st.SyncStatus, *, syncing: bool = False,
                now: dt.datetime | None = None, zone: dt.tzinfo | None = None,
                wiped: dict | None = None) -> str:
    """One line for the status bar (and the tests). `wiped`: what the wipe of a revoked
    desk removed (wipe.wiped_state), said in the line itself."""
    head = translate("SyncStatus", "Sync: {0}").format(state_word(status.state))
    pending = translate("SyncStatus", "pending {0}").format(status.pending)
    if status.state == st.NOT_ENROLLED:
        return head
    if status.state == st.REVOKED and wiped:
        return translate("SyncStatus", "{0} — this desk's list was wiped · {1}").format(
            head, pending)
    if status.state == st.REVOKED:
        return translate("SyncStatus", "{0} — this desk no longer syncs · {1}").format(
            head, pending)
    if status.state == st.UNAUTHORIZED:
        return translate("SyncStatus", "{0} — enrol again · {1}").format(head, pending)
    if status.state == st.PURGED:  # sends what is left, downloads nothing (checkin purge)
        return translate("SyncStatus", "{0} — the list was deleted after the event; nothing "
                         "comes down · {1}").format(head, pending)
    parts = [head, pending]
    if status.state == st.ONLINE:
        last = clock_text(status.last_success, now, zone)
        parts.append(translate("SyncStatus", "last {0}").format(last))
        line = " · ".join(parts)
    else:
        line = " · ".join(parts)
        wait = seconds_until(status.next_attempt, now)
        retry = (translate("SyncStatus", "retrying…") if wait == 0 else
                 translate("SyncStatus", "retry in {0} s").format(wait) if wait is not None else "")
        if retry and not syncing:
            line += f" — {retry}"
        if status.last_error:  # its gist in our words; the whole sentence in the tooltip
            line += translate("SyncStatus", " (last error: {0})").format(
                sync_problem(status.last_error))
    if syncing:
        line += translate("SyncStatus", " — syncing…")
    return line


def status_tooltip(status: st.SyncStatus, zone: dt.tzinfo | None = None,
                   wiped: dict | None = None) -> str:
    lines = [translate("SyncStatus", "Central list: {0}").format(status.server_url or "—"),
             translate("SyncStatus", "Event: {0}").format(status.event or "—"),
             translate("SyncStatus", "State: {0}").format(state_word(status.state)),
             translate("SyncStatus", "Events not yet sent: {0}").format(status.pending),
             translate("SyncStatus", "Last success: {0}").format(
                 clock_text(status.last_success, zone=zone))]
    if status.last_error:
        lines.append(translate("SyncStatus", "Last error ({0}): {1}").format(
            clock_text(status.last_error_at, zone=zone), status.last_error))
    if wiped and status.state == st.REVOKED:
        lines.append(translate("SyncStatus", "Wiped {0}: {1} people's data removed from this "
                                             "desk").format(clock_text(wiped.get("at"), zone=zone),
                                                            wiped.get("registrants", "?")))
    lines.append(translate("SyncStatus", "Sync now: {0}").format(SYNC_SHORTCUT))
    return "\n".join(lines)


# -- the worker, seen from the GUI thread --------------------------------------------
class DeskSync(QObject):
    """Runs the sync worker while the window is open (only when the desk is enrolled).

    Signals (GUI thread; read `.status`):
      status_changed  the status was read again (every second, and after each round)
      pulled          a round brought something (a Changes: registrants, other desks'
                      admissions): the window publishes it
      round_finished  a round ended (whatever it did)

    It subscribes to the window's changes too (on_changes): this desk's new admissions go
    up at once.
    """

    status_changed = Signal()
    pulled = Signal(object)  # a Changes
    round_finished = Signal()

    def __init__(self, store: Store, parent: QObject | None = None, *, interval: float = 2.0,
                 poll_ms: int = 200, reread_ms: int = 1000, client_factory=None):
        super().__init__(parent)
        self.store = store
        self.interval = interval
        self._client_factory = client_factory
        self.worker = None  # checkin.sync.worker.SyncWorker once started
        self.status: st.SyncStatus = st.load(store)
        self.wiped: dict | None = None  # revoked: what the wipe removed (wipe.wiped_state)
        self._lock = threading.Lock()
        self._flags = {"status": False, "registrants": False, "events": False, "round": False}
        self._reread_s = reread_ms / 1000
        self._read_at = 0.0
        self._poll = QTimer(self, interval=poll_ms, timeout=self._pick_up)

    # -- control (GUI thread) ---------------------------------------------------------
    def start(self) -> bool:
        """Start the worker if this desk is enrolled; False (no thread) when it is not."""
        if self.worker is not None:
            return True
        if not enrolled(self.store):
            self.reread()
            return False
        from ..sync.enrolment import client_for
        from ..sync.worker import SyncWorker

        client = self._client_factory(self.store) if self._client_factory else \
            client_for(self.store)
        self.worker = SyncWorker(self.store, client, interval=self.interval,
                                 on_status=self._worker_status, on_report=self._worker_report,
                                 name="desk-sync")
        self.worker.start()
        self._poll.start()
        self.reread()
        return True

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the worker and wait for its thread (a request in flight ends within the
        client's timeout). Safe to call twice."""
        self._poll.stop()
        if self.worker is not None:
            self.worker.stop(timeout)

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.running

    def trigger(self) -> None:
        """A round now, even while backing off (the worker ignores it once revoked)."""
        if self.worker is not None:
            self.worker.trigger()

    def on_changes(self, changes: Changes) -> None:
        """This desk recorded an admission: pending is counted again, and it goes up now when
        online (offline, the backoff decides)."""
        if changes.new_facts:
            self.reread()
            if self.status.state == st.ONLINE:
                self.trigger()

    def reread(self) -> None:
        """Read the status again (meta and the outbox count) and say so."""
        self._read_at = time.monotonic()
        try:
            self.status = st.load(self.store)
            self.wiped = (wipe.wiped_state(self.store) if self.status.state == st.REVOKED
                          else None)
        except (sqlite3.Error, ValueError):  # the desk's own database said no: the scan screen says why
            log.exception("could not read the sync status")
            return
        self.status_changed.emit()

    # -- the worker's thread: flags only ---------------------------------------------
    def _worker_status(self, _status) -> None:
        with self._lock:
            self._flags["status"] = True

    def _worker_report(self, report) -> None:
        with self._lock:
            self._flags["round"] = True
            if report.registrants:
                self._flags["registrants"] = True
            if report.events:
                self._flags["events"] = True

    # -- back on the GUI thread -----------------------------------------------------------
    def _pick_up(self) -> None:
        with self._lock:
            flags = dict(self._flags)
            self._flags = dict.fromkeys(self._flags, False)
        if flags["status"] or flags["round"] or \
                time.monotonic() - self._read_at >= self._reread_s:
            self.reread()
        pulled = Changes(registrants=flags["registrants"], admissions=flags["events"])
        if pulled:  # one Changes for the round, however much it brought
            self.pulled.emit(pulled)
        if flags["round"]:
            self.round_finished.emit()


class ElidedLabel(QLabel):
    """A label that shows as much of its text as fits (…) rather than pushing the status
    bar's other parts off the window; `full_text()` is the whole line."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)

    def set_full_text(self, text: str) -> None:
        if text != self._full:
            self._full = text
            self.updateGeometry()
        self._elide()

    def full_text(self) -> str:
        return self._full

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 8, hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """Room for the state, pending and last sync at least (what follows ' — ', the
        retry and the error, goes first when the bar is short)."""
        head = self._full.split(" — ", 1)[0]
        width = min(MIN_WIDTH, self.fontMetrics().horizontalAdvance(head) + 8)
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight,
                                                   max(self.width(), 20)))


class SyncStatusWidget(QWidget):
    """The status bar's sync part: state, pending, last sync or the retry, and Sync now."""

    def __init__(self, sync: DeskSync, parent: QWidget | None = None):
        super().__init__(parent)
        self.sync = sync
        self.label = ElidedLabel()
        self.label.setMaximumWidth(MAX_WIDTH)
        self.kiosks = QLabel()  # kiosks that closed themselves: their queue comes to the desk
        self.kiosks.setStyleSheet("color:#c62828; font-weight:bold")
        self.button = QPushButton(self.tr("Sync now"))
        self.button.setToolTip(self.tr("Sync now ({0})").format(SYNC_SHORTCUT))
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scanner's keys stay put
        self.button.clicked.connect(self.sync_now)
        self.shortcut = QShortcut(QKeySequence(SYNC_SHORTCUT), self, activated=self.sync_now)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.kiosks)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        self.zone = event_zone(sync.store)  # times as the banner and histories show them
        self._asked_after: str | None = None  # last_attempt when Sync now was pressed
        self._asked_at = 0.0
        sync.status_changed.connect(self.render)
        self.render()

    def text(self) -> str:
        """The whole status line (the bar may show it shortened with …)."""
        return self.label.full_text()

    def sync_now(self) -> None:
        status = self.sync.status
        if not self.sync.running or status.stopped:
            return
        self._asked_after = status.last_attempt or ""
        self._asked_at = time.monotonic()
        self.sync.trigger()
        self.render()

    def _syncing(self, status: st.SyncStatus) -> bool:
        if self._asked_after is None:
            return False
        if (status.last_attempt or "") != self._asked_after or \
                time.monotonic() - self._asked_at > 15:
            self._asked_after = None  # the round we asked for has ended (or never will)
            return False
        return True

    def render(self) -> None:
        status = self.sync.status
        zone = self.zone
        wiped = self.sync.wiped
        self.label.set_full_text(status_text(status, syncing=self._syncing(status), zone=zone,
                                             wiped=wiped))
        self.label.setStyleSheet(f"color:{_COLOURS.get(status.state, '#757575')};")
        self.kiosks.setText(kiosks_text(status))
        self.kiosks.setToolTip(kiosks_tooltip(status, zone))
        self.kiosks.setVisible(bool(status.kiosks_closed))
        self.setToolTip(status_tooltip(status, zone, wiped) if status.state != st.NOT_ENROLLED else
                        self.tr("This desk is not connected to a central list"))
        self.button.setVisible(self.sync.running)
        self.button.setEnabled(not status.stopped)
