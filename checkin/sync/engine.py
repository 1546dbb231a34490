"""One sync round (docs/sync-protocol.md, "The desk's round"): upload the outbox, download
registrants and other desks' events by cursor, record the status.

Interruption at any point is safe: the outbox loses only the events the server answered for,
and a cursor moves only in the transaction that stores the data it covers. The store's write
lock is held only for those short local transactions, never while waiting on the network, so a
scan at the desk never waits for the server.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import os
import re
import sqlite3
import ssl
import tomllib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import certs, clockcheck, masking, wipe
from ..clock import MAX_AHEAD_MS, now_iso, read_hlc
from ..config import config_from_dict
from ..jsonutil import dumps
from ..model import CENTRAL_DEVICE, REGISTRANT_FIELDS, LoggedEvent, Registrant
from ..pinyin import name_keys
from ..store import Store, audit, eventlog, explain_sqlite_error
from ..store import registrants as reg_store
from . import pinning, trail
from . import status as st
from .client import (
    Offline,
    Rejected,
    Revoked,
    SyncClient,
    SyncError,
    Unauthorized,
    Untrusted,
    parse_enrol_link,
)

log = logging.getLogger("checkin.sync")

BATCH_SIZE = 500  # events per upload (the server takes up to 1,000)
PAGE_SIZE = 1000  # registrants or events per download page (the server allows up to 5,000)


class NotEnrolled(SyncError):
    """This desk has no server yet (`checkin enroll`)."""


@dataclass
class SyncReport:
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
            return f"sync failed ({self.state}): {self.error}"
        line = (f"sent {self.uploaded} event(s)"
                + (f" ({self.duplicates} already there)" if self.duplicates else "")
                + f", received {self.registrants} registrant change(s) and {self.events} "
                f"event(s) from other desks; {self.pending} not yet sent")
        if self.conflicts:
            line += f"\n{len(self.conflicts)} conflict(s): see `checkin conflicts`"
        if self.rejected:
            line += (f"\n{len(self.rejected)} event(s) refused by the server: see `checkin "
                     "conflicts`; `checkin sync --retry-rejected` sends them again")
        if self.state == st.PURGED:
            line += f"\n{st.label(st.PURGED)}"
        if not self.ok:
            line += f"\nstopped ({self.state}): {self.error}"
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
        report.error = "this desk is not enrolled: run `checkin enroll URL CODE` first"
        report.finished = st.now()
        return report
    if current.stopped:
        report.state = current.state
        report.error = current.last_error or current.label
        report.pending = current.pending
        if current.state == st.REVOKED:
            _finish_wipe(store, report)
        report.finished = st.now()
        return report
    purged = _purged(store)
    round_started = store.time.local()
    try:
        _requeue_caught_up(store)
        _upload(store, client, event, report, batch_size)
        report.audit = _send_trail(store, client, event)
        if not purged:  # after `checkin purge`, no personal data comes down again
            _download_registrants(store, client, event, report, page_size)
            _download_events(store, client, event, report, page_size)
    except Revoked as exc:
        report.state, report.error = st.REVOKED, exc.message
        _last_upload(store, client, event, report, batch_size)
        report.wiped = _wipe_revoked(store, report, revoked={
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
        report.ok, report.state = True, (st.PURGED if purged else st.ONLINE)
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


def _last_upload(store: Store, client: SyncClient, event: str, report: SyncReport,
                 batch_size: int) -> None:
    """Revoked: the service still takes what this desk recorded before the revocation, so
    nothing it acknowledged is lost to the headcount before the wipe."""
    if not _outbox_size(store):
        return
    try:
        _upload(store, client, event, report, batch_size)
    except (SyncError, sqlite3.Error) as exc:
        log.warning("revoked: the last upload failed (%s); the events stay in the log",
                    getattr(exc, "message", exc))


def _purged(store: Store) -> bool:
    """This desk's registrant data was purged (`checkin purge`, meta `privacy.wiped`): its
    rounds only send what is left in the outbox; enrolling again clears it."""
    return wipe.wiped_state(store) is not None


NOT_COMPACTED = ("; the file is not compacted yet, so deleted data may remain in its free "
                 "pages: tried again at the next round")


def _wipe_revoked(store: Store, report: SyncReport, revoked: dict | None = None) -> dict | None:
    """Issue 7: a desk the organiser revoked keeps no personal data. The status carries it
    (state revoked, last_error ending in "registrant data wiped ..."; meta privacy.wiped).
    `revoked`: the server's answer just came (audited as `revoked` first)."""
    try:
        if revoked is not None:
            audit.log(store, audit.REVOKED, operator="sync", details=revoked)
        wiped = wipe.wipe(store, reason="revoked", operator="sync")
    except Exception as exc:  # sync_once never raises; the next round tries again  # noqa: BLE001
        log.exception("revoked: the wipe of this desk's registrant data failed")
        report.error = (f"{report.error}; the registrant data could NOT be wiped yet "
                        f"({exc}): it is tried again at the next round")
        return None
    log.warning("revoked by the organiser: %s registrant(s) wiped, %s event(s) scrubbed",
                wiped["registrants"], wiped["events_scrubbed"])
    report.error = (f"{report.error}; this desk's registrant data was wiped "
                    f"({wiped['registrants']} people, {wiped['events_scrubbed']} event(s) "
                    f"scrubbed, {wiped['pdfs']} PDF(s) deleted)"
                    + (NOT_COMPACTED if wipe.compaction_pending(wiped) else ""))
    return wiped


def _finish_wipe(store: Store, report: SyncReport) -> None:
    """A revoked desk whose wipe did not finish (a full disk ...): wipe, or compact, now."""
    wiped = wipe.wiped_state(store)
    if wiped is None:
        report.wiped = _wipe_revoked(store, report)
        if report.wiped is not None:
            st.update(store, last_error=report.error)
    elif wipe.compaction_pending(wiped):
        report.wiped = wipe.compact_after_wipe(store)
        if not wipe.compaction_pending(report.wiped):
            report.error = (report.error or "").replace(NOT_COMPACTED, "")
            st.update(store, last_error=report.error)


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


# -- 1. upload --------------------------------------------------------------------
def wire_event(event: LoggedEvent) -> dict:
    return {"uuid": event.uuid, "kind": event.kind, "code": event.code, "station": event.station,
            "device_id": event.device_id, "operator": event.operator,
            "wall_time": event.wall_time, "hlc": event.hlc, "ref": event.ref, "data": event.data}


def _pending(store: Store, limit: int, after: int = 0) -> list[tuple[int, LoggedEvent]]:
    rows = store.reader().execute(
        "SELECT e.* FROM outbox o JOIN events e ON e.seq = o.seq WHERE o.seq > ? "
        "ORDER BY o.seq LIMIT ?", (after, limit)).fetchall()
    return [(r["seq"], eventlog.from_row(r)) for r in rows]


LARGE_EVENT = 64 << 10  # bytes: a desk's events are well under 2 KiB; the server takes 1 MiB


@dataclass
class _Refusal:
    item: tuple[int, LoggedEvent]
    exc: Rejected
    message: str  # what the server said about this event


@dataclass
class _Batch:
    """What became of one batch read from the outbox (and of its splits)."""

    accepted: int = 0  # events the server answered for (stored, duplicate, conflict)
    refused: list[_Refusal] = field(default_factory=list)  # not yet attributed
    blind: int = 0  # single events refused without the server naming them


class NotAttributable(Rejected):
    """The server refused uploads without the refusal being specific to any one event (a
    server of another version, a proxy answering 422 to everything): nothing is set aside."""


def _not_attributable(exc: Rejected, pending: int) -> NotAttributable:
    return NotAttributable(
        f"the server refused this desk's events without naming one at fault ({exc.message}); "
        f"nothing was set aside: the {pending} event(s) stay in the outbox and are sent again",
        status=exc.status, error=exc.error, body=exc.body)


def _upload(store: Store, client: SyncClient, event: str, report: SyncReport,
            batch_size: int) -> None:
    """Send the outbox in batches. An event is set aside (listed as `rejected`, out of the
    outbox, still in the log: `checkin sync --retry-rejected`) only when the refusal is
    specific to it; any other refusal stops the round with the outbox as it was."""
    after = 0
    accepted = 0  # events of this round the server answered for
    lone: list[_Refusal] = []  # batches of one event refused: decided by the whole round
    try:
        while True:
            batch = _pending(store, batch_size, after)
            if not batch:
                break
            sent = _Batch()
            _send(store, client, event, batch, report, sent)
            accepted += sent.accepted
            if sent.refused:
                if sent.accepted:  # the server took the others of this batch
                    for refusal in sent.refused:
                        _set_aside(store, refusal, report)
                elif len(batch) == 1 and not (lone and not accepted):
                    lone.extend(sent.refused)
                else:  # every event of the batch refused (or two in a row, none taken)
                    raise _not_attributable(sent.refused[0].exc, _outbox_size(store))
            after = batch[-1][0]  # whatever was refused stays in the outbox, behind us
            if len(batch) < batch_size:
                break
        if lone and not accepted:
            raise _not_attributable(lone[0].exc, _outbox_size(store))
        for refusal in lone:
            _set_aside(store, refusal, report)
    except NotAttributable as exc:
        log.warning("uploads refused, outbox kept: %s", exc.message)
        raise


def _outbox_size(store: Store) -> int:
    return store.reader().execute("SELECT count(*) FROM outbox").fetchone()[0]


def _send(store: Store, client: SyncClient, event: str, batch: list[tuple[int, LoggedEvent]],
          report: SyncReport, sent: _Batch) -> None:
    """POST one batch. A refusal as malformed (422) or too big (413) is narrowed down: the
    events a 422 names (FastAPI's `detail[].loc` = ["body", "events", N, ...]) when it names
    some but not all of them; else the batch is split in halves until single events are
    refused on their own. Refused events are only collected here (`sent.refused`); `_upload`
    sets them aside when the server took others. Raises NotAttributable as soon as the
    refusal cannot be an event's fault."""
    try:
        answer = client.upload(event, [wire_event(e) for _, e in batch],
                               unsent=max(_outbox_size(store) - len(batch), 0))
    except Rejected as exc:
        if exc.status not in (413, 422):
            raise
        if len(batch) == 1:
            if exc.status == 413:
                if _wire_size(batch[0][1]) < LARGE_EVENT:  # the limit is not about this event
                    raise _not_attributable(exc, _outbox_size(store)) from exc
                _set_aside(store, _Refusal(batch[0], exc, exc.message), report)  # too big
                return
            sent.refused.append(_Refusal(batch[0], exc, _event_message(exc, 0)))
            sent.blind += 1
            if sent.blind > 1 and not sent.accepted:  # every split refused so far
                raise _not_attributable(exc, _outbox_size(store)) from exc
            return
        named = _named_events(exc, len(batch))
        if named and len(named) < len(batch):
            sent.refused.extend(_Refusal(batch[i], exc, _event_message(exc, i))
                                for i in sorted(named))
            _send(store, client, event, [e for i, e in enumerate(batch) if i not in named],
                  report, sent)
            return
        half = len(batch) // 2
        _send(store, client, event, batch[:half], report, sent)
        _send(store, client, event, batch[half:], report, sent)
        return
    sent.accepted += _acknowledge(store, batch, answer["results"], report)


def _wire_size(ev: LoggedEvent) -> int:
    return len(json.dumps(wire_event(ev), ensure_ascii=False).encode())


def _event_locations(exc: Rejected) -> list[tuple[int, dict]] | None:
    """[(index in the batch, detail entry)] of a FastAPI validation answer, or None when any
    entry is not about one event (the batch as a whole) or there is no such detail."""
    detail = exc.body.get("detail") if isinstance(exc.body, dict) else None
    if not isinstance(detail, list) or not detail:
        return None
    found = []
    for entry in detail:
        loc = entry.get("loc") if isinstance(entry, dict) else None
        if not (isinstance(loc, list) and len(loc) >= 3 and loc[0] == "body"
                and loc[1] == "events" and isinstance(loc[2], int)
                and not isinstance(loc[2], bool)):
            return None
        found.append((loc[2], entry))
    return found


def _named_events(exc: Rejected, size: int) -> set[int]:
    if exc.status != 422:
        return set()
    found = _event_locations(exc)
    if found is None or any(not 0 <= i < size for i, _ in found):
        return set()
    return {i for i, _ in found}


def _event_message(exc: Rejected, index: int) -> str:
    """What the server said about the event at `index` of the batch it refused."""
    found = _event_locations(exc) or []
    parts = [f"{'.'.join(str(p) for p in entry['loc'][3:]) or 'event'}: "
             f"{entry.get('msg', 'invalid')}" for i, entry in found if i == index]
    return "; ".join(parts) or exc.message


def _acknowledge(store: Store, batch: list[tuple[int, LoggedEvent]], results: list[dict],
                 report: SyncReport) -> int:
    sent = {e.uuid: (seq, e) for seq, e in batch}
    answered = 0
    now = st.now()
    purged = _purged(store)  # no registrant copies kept or applied after a purge
    with store.transaction() as conn:
        for result in results:
            uuid = result.get("uuid")
            if uuid not in sent:
                continue
            seq, ev = sent.pop(uuid)
            answered += 1
            conn.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
            outcome = result.get("status")
            if outcome == "duplicate":
                report.duplicates += 1
                continue
            if outcome == "rejected":  # refused on its own: set aside, listed, retryable
                _record_rejected(conn, ev, {"type": "rejected", "status": 200,
                                            "error": result.get("error") or "rejected",
                                            "message": result.get("message") or ""}, report)
                continue
            report.uploaded += 1
            if outcome == "conflict":
                detail = result.get("conflict") or {}
                if purged and "current" in detail:
                    detail = {k: v for k, v in detail.items() if k != "current"}
                    detail["wiped"] = now
                if isinstance(detail.get("current"), dict):  # [privacy] desk_fields
                    detail = {**detail, "current": masking.minimise_record(
                        detail["current"], store.config.privacy.desk_fields)}
                kind = str(detail.get("type") or "conflict")
                conn.execute(
                    "INSERT INTO sync_conflicts (event_uuid, type, code, station, detail, "
                    "reported_at) VALUES (?,?,?,?,?,?) ON CONFLICT(event_uuid) DO UPDATE SET "
                    "type = excluded.type, detail = excluded.detail",
                    (uuid, kind, ev.code, ev.station, dumps(detail), now))
                report.conflicts.append({"uuid": uuid, "type": kind, "code": ev.code,
                                         "station": ev.station, "detail": detail})
                current = detail.get("current")
                if kind in ("stale_edit", "code_taken") and isinstance(current, dict) \
                        and current.get("code") and current.get("version"):
                    # Central data wins: show what the server holds; the event is listed.
                    _apply_registrants(store, conn, [current])
    if not answered:
        raise Rejected("the server answered an upload without any of its events",
                       status=200, error="bad_answer")
    return answered


def _set_aside(store: Store, refusal: _Refusal, report: SyncReport) -> None:
    """Out of the outbox, listed as a `rejected` conflict; the event stays in the log and
    `checkin sync --retry-rejected` (retry_rejected) puts it back in the outbox."""
    (seq, ev), exc = refusal.item, refusal.exc
    detail = {"type": "rejected", "status": exc.status, "error": exc.error,
              "message": refusal.message}
    with store.transaction() as conn:
        conn.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
        _record_rejected(conn, ev, detail, report)


def _record_rejected(conn: sqlite3.Connection, ev: LoggedEvent, detail: dict,
                     report: SyncReport) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO sync_conflicts (event_uuid, type, code, station, detail, "
        "reported_at) VALUES (?,?,?,?,?,?)",
        (ev.uuid, "rejected", ev.code, ev.station, dumps(detail), st.now()))
    log.warning("event %s refused by the server: %s", ev.uuid, detail["message"])
    report.rejected.append({"uuid": ev.uuid, "kind": ev.kind, "code": ev.code, **detail})


def retry_rejected(store: Store) -> list[str]:
    """Put the events the server refused (set aside, listed as `rejected`) back in the
    outbox, e.g. after the server was fixed; they go up with the next round. Returns their
    uuids."""
    with store.transaction() as conn:
        rows = conn.execute(
            "SELECT c.event_uuid, e.seq FROM sync_conflicts c JOIN events e "
            "ON e.uuid = c.event_uuid WHERE c.type = 'rejected' ORDER BY e.seq").fetchall()
        _requeue(conn, rows)
    if rows:
        log.info("%d refused event(s) put back in the outbox", len(rows))
    return [uuid for uuid, _ in rows]


def _requeue(conn: sqlite3.Connection, rows: list[tuple[str, int]]) -> None:
    for event_uuid, seq in rows:
        conn.execute("INSERT OR IGNORE INTO outbox (seq) VALUES (?)", (seq,))
        conn.execute("DELETE FROM sync_conflicts WHERE event_uuid = ?", (event_uuid,))


CAUGHT_UP_MARGIN_MS = 30_000  # below the service's bound: measurement error and transit


def _requeue_caught_up(store: Store) -> int:
    """Events refused as stamped ahead of the service's clock (a desk a few minutes fast before
    its first round) go back to the outbox once the list's time has caught up with their
    stamps, so they are not lost; one a year ahead stays refused and listed. Only once this
    desk's clock was measured: before, its own time is the wrong one."""
    if clockcheck.last_check(store) is None:
        return 0
    rows = store.reader().execute(
        "SELECT c.event_uuid, e.seq, e.hlc FROM sync_conflicts c JOIN events e "
        "ON e.uuid = c.event_uuid WHERE c.type = 'rejected' "
        "AND json_extract(c.detail, '$.error') = 'clock_ahead' ORDER BY e.seq").fetchall()
    bound = int(store.time() * 1000) + MAX_AHEAD_MS - CAUGHT_UP_MARGIN_MS
    ripe = [(event_uuid, seq) for event_uuid, seq, hlc in rows
            if (stamp := read_hlc(hlc)) is not None and stamp[0] <= bound]
    if ripe:
        with store.transaction() as conn:
            _requeue(conn, ripe)
        log.info("%d event(s) refused as stamped ahead go up again: the list's clock has "
                 "caught up with them", len(ripe))
    return len(ripe)


# -- 2. registrants ---------------------------------------------------------------
def _cursor(conn: sqlite3.Connection, key: str) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row and row[0] else 0


def _download_registrants(store: Store, client: SyncClient, event: str, report: SyncReport,
                          page_size: int) -> None:
    while True:
        after = _cursor(store.reader(), st.REGISTRANT_CURSOR)
        page = client.registrants(event, after=after, limit=page_size)
        items, cursor = page["items"], int(page["cursor"])
        with store.transaction() as conn:
            if _cursor(conn, st.REGISTRANT_CURSOR) != after:
                continue  # another process of this desk synced meanwhile: ask again
            if cursor < after:
                raise Rejected(f"the server's registrant cursor went back ({after} -> {cursor})",
                               status=200, error="bad_cursor")
            if items:
                report.registrants += _apply_registrants(store, conn, items)
            store.set_meta(conn, st.REGISTRANT_CURSOR, str(cursor))
        if not page.get("more") or (not items and cursor == after):
            return


_CENTRAL_COLUMNS = (*reg_store._COLUMNS, "pinyin", "initials", "updated_at", "server_version")
_APPLY = (
    f"INSERT INTO registrants ({', '.join(_CENTRAL_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_CENTRAL_COLUMNS))}) ON CONFLICT(code) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _CENTRAL_COLUMNS)
)


def registrant_from_wire(item: dict) -> Registrant:
    fields = {f: item.get(f) for f in REGISTRANT_FIELDS}
    fields["meals"] = list(fields["meals"] or [])
    fields["forums"] = list(fields["forums"] or [])
    extra = item.get("extra") or {}
    if isinstance(extra, str):
        extra = json.loads(extra)
    return Registrant(**fields, extra=extra, source=item.get("source") or "central",
                      missing=bool(item.get("missing")), version=int(item.get("version") or 1))


def _apply_registrants(store: Store, conn: sqlite3.Connection, items: list[dict]) -> int:
    """Central data replaces the master fields; edits this desk made and has not sent yet
    stay on top until the server has them (they travel as edit events)."""
    now = st.now()
    desk_fields = store.config.privacy.desk_fields  # [privacy] desk_fields (issue 7)
    regs = [masking.minimise(registrant_from_wire(item), desk_fields) for item in items]
    conn.executemany(_APPLY, [(*reg_store.to_row(r), *name_keys(r.name), now, r.version)
                              for r in regs])
    _overlay_pending_edits(conn, [r.code for r in regs])
    store.bump_registrant_generation(conn)
    return len(regs)


def _overlay_pending_edits(conn: sqlite3.Connection, codes: list[str]) -> None:
    if not codes:
        return
    pending = conn.execute(
        "SELECT e.code, e.data FROM outbox o JOIN events e ON e.seq = o.seq "
        "WHERE e.kind = 'edit' ORDER BY o.seq").fetchall()
    wanted = {c.upper() for c in codes}
    for code, data in pending:
        if not code or code.upper() not in wanted:
            continue
        changes = (json.loads(data).get("changes") or {})
        reg = reg_store.get(conn, code)
        if reg is None:
            continue
        for key, value in changes.items():
            if key in REGISTRANT_FIELDS and key != "code":
                setattr(reg, key, value[1] if isinstance(value, list) and len(value) == 2
                        else value)
        version = reg.version
        reg_store.upsert(conn, [reg])  # bumps the version: put the central one back
        conn.execute("UPDATE registrants SET version = ? WHERE code = ?", (version, reg.code))


# -- 3. other desks' events -------------------------------------------------------
def event_from_wire(item: dict) -> LoggedEvent:
    data = item.get("data") or {}
    if isinstance(data, str):
        data = json.loads(data)
    return LoggedEvent(uuid=item["uuid"], kind=item["kind"], code=item.get("code"),
                       station=item.get("station"), device_id=item["device_id"],
                       operator=item.get("operator") or "", wall_time=item["wall_time"],
                       hlc=item["hlc"], ref=item.get("ref"), data=data)


def _download_events(store: Store, client: SyncClient, event: str, report: SyncReport,
                     page_size: int) -> None:
    """Append other desks' events, each page with the names of the desks that wrote it: a
    conflict shown between the two would name a desk by its id ("5e45d046...")."""
    while True:
        after = _cursor(store.reader(), st.EVENT_CURSOR)
        page = client.events(event, after=after, limit=page_size,
                             exclude_device=store.device_id)
        items, cursor = page["items"], int(page["cursor"])
        desk_fields = store.config.privacy.desk_fields  # not kept here, not even in events
        events = [masking.minimise_event(event_from_wire(item), desk_fields) for item in items]
        names = _names_of_unknown_desks(store, client, event, {ev.device_id for ev in events})
        with store.transaction() as conn:
            if _cursor(conn, st.EVENT_CURSOR) != after:
                continue
            if cursor < after:
                raise Rejected(f"the server's event cursor went back ({after} -> {cursor})",
                               status=200, error="bad_cursor")
            _remember_desk_names(conn, names)
            for ev in events:
                if eventlog.append(conn, ev, outbox=False):
                    report.events += 1
                store.clock.observe(ev.hlc)
            store.set_meta(conn, st.EVENT_CURSOR, str(cursor))
        if not page.get("more") or (not items and cursor == after):
            return


def _names_of_unknown_desks(store: Store, client: SyncClient, event: str,
                            devices: set[str]) -> dict[str, str]:
    """Desk names ("报到处2") for "already checked in at ...": the stats list every desk.
    Asked only when a page holds a desk this one has no name for."""
    devices = devices - {store.device_id}
    if not devices:
        return {}
    known = {r[0] for r in store.reader().execute(
        f"SELECT device_id FROM devices WHERE device_id IN ({','.join('?' * len(devices))}) "
        "AND name <> ''", tuple(devices))}
    unknown = devices - known
    names = {CENTRAL_DEVICE: "central list (organiser)"} if CENTRAL_DEVICE in unknown else {}
    if unknown - names.keys():
        try:
            listed = client.stats(event).get("devices") or []
        except Rejected as exc:  # names are a nicety: the round stands without them
            log.warning("no desk names from the server: %s", exc.message)
            listed = []
        names.update({d["device_id"]: d["name"] for d in listed
                      if d.get("device_id") and d.get("name")})
    return names


def _remember_desk_names(conn: sqlite3.Connection, names: dict[str, str]) -> None:
    now = st.now()
    conn.executemany(
        "INSERT INTO devices (device_id, name, updated_at) VALUES (?,?,?) "
        "ON CONFLICT(device_id) DO UPDATE SET name = excluded.name, "
        "updated_at = excluded.updated_at",
        [(d, n, now) for d, n in names.items()])


# -- enrolment --------------------------------------------------------------------
def enrol(store: Store, client: SyncClient, code: str, device_name: str | None = None) -> dict:
    """Trade a one-time enrolment code for a desk token; keep the token, the event and its
    configuration in the desk database. Raises SyncError subclasses as the client does."""
    previous_event = store.meta(st.EVENT)
    previous_server = store.meta(st.SERVER_ID)
    name = device_name or store.device_name
    try:
        answer = client.enrol(code, store.device_id, name)
    except Rejected as exc:
        if exc.error != "device_taken":
            raise
        raise Rejected(f"this desk database has the id of a desk that is already enrolled "
                       f"({store.device_id}): it is a copy, or this desk is still enrolled. "
                       "Enrol with a fresh desk database (another --db), or ask the organiser "
                       "to revoke the old desk first; the code was not used",
                       status=exc.status, error=exc.error) from exc
    if answer.get("device_id") not in (None, store.device_id):
        raise Rejected(f"the server enrolled device {answer.get('device_id')}, not this desk "
                       f"({store.device_id})", status=200, error="device_mismatch")
    same_place = previous_event == answer["event"] and previous_server == answer.get("server_id")
    if previous_event and not same_place:
        raise Rejected(f"this desk database already belongs to event {previous_event} on "
                       "another server: enrol with a new --db", status=200, error="other_event")
    config = config_from_dict(tomllib.loads(answer["config_toml"]))
    name = answer.get("device_name") or name  # the organiser's name for this desk wins
    with store.transaction() as conn:
        store.set_meta(conn, st.SERVER_URL, client.base_url)
        store.set_meta(conn, st.EVENT, answer["event"])
        store.set_meta(conn, st.TOKEN, answer["token"])
        store.set_meta(conn, st.SERVER_ID, answer.get("server_id") or "")
        store.set_meta(conn, st.SERVER_CERT, client.pinned_cert or "")  # trusted from now on
        store.set_meta(conn, "device_name", name)
        store.save_config(conn, config)
        conn.execute(
            "INSERT INTO devices (device_id, name, updated_at) VALUES (?,?,?) "
            "ON CONFLICT(device_id) DO UPDATE SET name = excluded.name, "
            "updated_at = excluded.updated_at", (store.device_id, name, st.now()))
        st.save(store, conn, st.SyncStatus(state=st.ONLINE))  # reached it; no round yet
        # Enrolled again after a wipe: the desk is in use again (the wipe stays audited).
        conn.execute("DELETE FROM meta WHERE key = ?", (wipe.WIPED,))
        audit.record(store, conn, audit.ENROL, at=now_iso(config.zone()), details={
            "event": answer["event"], "server": client.base_url,
            "server_id": answer.get("server_id"), "device_name": name})
    return enrolment(store)


def enrolment(store: Store) -> dict:
    """Where this desk is enrolled: event, server, its name there (`checkin enroll`)."""
    pinned = store.meta(st.SERVER_CERT)
    return {"event": store.meta(st.EVENT), "server_url": store.meta(st.SERVER_URL),
            "server_id": store.meta(st.SERVER_ID), "device_id": store.device_id,
            "device_name": store.device_name, "config": store.config.name,
            "fingerprint": certs.fingerprint_of_pem(pinned) if pinned else None}


def enrol_desk(server_url: str, code: str | None = None, *, device_name: str = "",
               fingerprint: str | None = None, data_dir: str | Path | None = None,
               db_path: str | Path | None = None, **client_options) -> Path:
    """Enrol a desk database with a central list and return its path (the start screen's
    "Connect to a central list", `checkin enroll` does the same on a given --db).

    `server_url` may be the organiser's `checkin-enrol:URL#CODE;sha256=FP` link (then `code`
    and `fingerprint` may be omitted). An https server is trusted by the fingerprint of its
    certificate alone, checked before the code is sent and pinned for every later round
    (sync/pinning.py). With `db_path`, that database is enrolled (made if missing).
    Otherwise a new database is made in `data_dir` and named after the event (`shic2026.db`,
    `shic2026-2.db` when taken). Talks to the network: call it off the GUI thread. Raises
    SyncError subclasses (`.message` is a plain sentence); a new database is removed when it
    fails."""
    link = parse_enrol_link(server_url)
    url = link.url
    code = (code or "").strip() or link.code
    if not url or not code:
        raise Rejected("give the server's address and the enrolment code", status=None,
                       error="invalid_request")
    client_options.setdefault("pinned_cert", _pin_for_enrolment(
        url, (fingerprint or "").strip() or link.fingerprint))
    if db_path is not None:
        with Store(db_path) as store, SyncClient(url, **client_options) as client:
            enrol(store, client, code, device_name or None)
        return Path(db_path)
    if data_dir is None:
        raise ValueError("enrol_desk needs db_path or data_dir")
    folder = Path(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    scratch = folder / f".enrolling-{uuid.uuid4().hex[:8]}.db"
    try:
        with Store(scratch) as store, SyncClient(url, **client_options) as client:
            result = enrol(store, client, code, device_name or None)
        target = _free_name(folder, result["event"])
        for suffix in ("-wal", "-shm", ""):  # closed: the database and its WAL move together
            part = Path(f"{scratch}{suffix}")
            if part.exists():
                os.replace(part, f"{target}{suffix}")
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    return target


def _pin_for_enrolment(url: str, fingerprint: str | None) -> str | None:
    """The https server's certificate, when it is the one `fingerprint` names (None for a
    plain-http server: its operator chose --plain-http)."""
    if not url.lower().startswith("https://"):
        return None
    if not fingerprint:
        raise Rejected("an https server is trusted by its certificate's fingerprint: scan the "
                       "enrolment QR, or give the fingerprint shown with the code "
                       "(--fingerprint)", status=None, error="no_fingerprint")
    try:
        return pinning.take_certificate(url, certs.check_typed(fingerprint))
    except certs.FingerprintError as exc:
        raise Rejected(str(exc), status=None, error="bad_fingerprint") from exc
    except pinning.CertificateMismatch as exc:
        raise Untrusted(exc.message, error="certificate_mismatch") from exc
    except (OSError, ssl.SSLError) as exc:
        raise Offline(f"cannot reach the server at {url} ({exc})") from exc


def _free_name(folder: Path, event: str) -> Path:
    stem = re.sub(r"[^\w.-]+", "_", event).strip("._") or "central"
    for n in itertools.count(1):
        candidate = folder / (f"{stem}.db" if n == 1 else f"{stem}-{n}.db")
        if not any(Path(f"{candidate}{s}").exists() for s in ("", "-wal", "-shm")):
            return candidate
    raise AssertionError("unreachable")


def client_for(store: Store, server_url: str | None = None, **kw) -> SyncClient:
    """A client for the server this desk is enrolled with (or `server_url` when it moved)."""
    url = server_url or store.meta(st.SERVER_URL)
    token = store.meta(st.TOKEN)
    if not url or not token:
        raise NotEnrolled("this desk is not enrolled: run `checkin enroll URL CODE` first")
    if server_url and server_url.rstrip("/") != store.meta(st.SERVER_URL):
        with store.transaction() as conn:
            store.set_meta(conn, st.SERVER_URL, server_url.rstrip("/"))
    return SyncClient(url, token, local_time=store.time.local,
                      pinned_cert=store.meta(st.SERVER_CERT) or None, **kw)
