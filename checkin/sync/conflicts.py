"""Conflicts as a desk sees them, and their resolution (an event too).

Two sources:
- double admissions, derived from the local event log: a (code, station) with admissions in
  force (not undone) from more than one device. Every desk that has both events lists it,
  whichever desk uploaded second. The person counts once (the admission in force is the
  earliest by HLC), so nothing about the headcount waits for the resolution.
- what the server answered to this desk's uploads (table `sync_conflicts`): stale edits,
  walk-ins whose code was taken, and events the server refused outright.

A `resolve` event (ref = one of the conflicting events, data.resolution) closes a conflict on
every desk it reaches. For a double admission the resolve also lists the admissions it saw
(data.events): an admission from a third desk that arrives later opens the conflict again.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field

from ..i18n import _
from ..model import EventKind, LoggedEvent
from ..store import Store, audit, eventlog
from ..store import conflicts as conflict_rows


class ConflictError(ValueError):
    """A resolution that cannot be recorded; the message says why."""


@dataclass
class Conflict:
    type: str  # double_admission | stale_edit | code_taken | rejected | ...
    code: str | None
    station: str | None
    uuid: str  # the event to name in `checkin conflicts --resolve UUID`
    name: str | None = None  # the registrant's name, when known here
    events: list[dict] = field(default_factory=list)  # the conflicting events, oldest first
    detail: dict = field(default_factory=dict)  # what the server said

    def to_json(self) -> dict:
        return asdict(self)


def _resolutions(conn: sqlite3.Connection) -> tuple[set[str], list[tuple[str, str, set[str]]]]:
    """(uuids named by a resolve, [(resolve hlc, ref, data.events)])."""
    named: set[str] = set()
    resolves = []
    for hlc, ref, data in conflict_rows.resolutions(conn):
        listed = set(json.loads(data).get("events") or [])
        named |= listed | ({ref} if ref else set())
        resolves.append((hlc, ref, listed))
    return named, resolves


def _event_json(conn: sqlite3.Connection, store: Store | None, e: LoggedEvent) -> dict:
    return {"uuid": e.uuid, "kind": e.kind, "device_id": e.device_id,
            "device": store.device_label(e.device_id) if store else e.device_id,
            "operator": e.operator, "wall_time": e.wall_time, "hlc": e.hlc}


def double_admissions(conn: sqlite3.Connection, store: Store | None = None) -> list[Conflict]:
    """(code, station) pairs with admissions in force from different devices, unresolved."""
    pairs = conflict_rows.doubly_admitted(conn)
    if not pairs:
        return []
    named, resolves = _resolutions(conn)
    found = []
    for code, station in pairs:
        rows = conflict_rows.admissions_in_force(conn, code, station)
        events = [eventlog.from_row(r) for r in rows]
        uuids = {e.uuid for e in events}
        covered = uuids & named
        for hlc, ref, listed in resolves:
            if ref in uuids and not listed:  # a resolve naming only one event covers what
                covered |= {e.uuid for e in events if e.hlc <= hlc}  # was there before it
        if covered >= uuids:
            continue
        found.append(Conflict(  # named by the admission in force: every server-side
            # conflict of this pair names it too (as its event or as the other one)
            type="double_admission", code=events[0].code, station=station, uuid=events[0].uuid,
            name=conflict_rows.registrant_name(conn, code),
            events=[_event_json(conn, store, e) for e in events],
            detail={"in_force": events[0].uuid}))
    return found


def reported(conn: sqlite3.Connection, store: Store | None = None) -> list[Conflict]:
    """Conflicts the server answered to this desk's uploads, other than double admissions
    (those are listed from the log, which also knows when an undo made them moot)."""
    named, _resolves = _resolutions(conn)
    found = []
    for row in conflict_rows.answers(conn):
        if row["event_uuid"] in named:
            continue
        event = eventlog.get(conn, row["event_uuid"])
        found.append(Conflict(
            type=row["type"], code=row["code"], station=row["station"], uuid=row["event_uuid"],
            name=row["name"], events=[_event_json(conn, store, event)] if event else [],
            detail=json.loads(row["detail"])))
    return found


def open_conflicts(store: Store) -> list[Conflict]:
    conn = store.reader()
    return double_admissions(conn, store) + reported(conn, store)


def resolve(store: Store, event_uuid: str, *, operator: str, reason: str,
            keep: str | None = None) -> LoggedEvent:
    """Close the open conflict that `event_uuid` belongs to, with a resolve event."""
    if not reason.strip():
        raise ConflictError(_("a resolution needs a reason"))
    with store.transaction() as conn:
        conflict = next((c for c in double_admissions(conn) + reported(conn)
                         if event_uuid == c.uuid or event_uuid in {e["uuid"] for e in c.events}),
                        None)
        if conflict is None:
            raise ConflictError(_("no open conflict with event {0}").format(event_uuid))
        uuids = [e["uuid"] for e in conflict.events] or [event_uuid]
        if keep is not None and keep not in uuids:
            raise ConflictError(_("--keep must name one of the conflicting events: {0}")
                                .format(", ".join(uuids)))
        ref = _own_event(store, conflict, event_uuid)
        data = {"resolution": "keep" if keep else "acknowledged", "reason": reason.strip(),
                "type": conflict.type, "events": uuids}
        if keep:
            data["keep"] = keep
        event = eventlog.new_event(store.clock, EventKind.RESOLVE, code=conflict.code,
                                   station=conflict.station, operator=operator, ref=ref,
                                   data=data, wall_time=audit.now(store))  # the event's zone
        # An event the server refused is not on the server: its acknowledgement stays here.
        eventlog.append(conn, event, outbox=conflict.type != "rejected")
    return event


def _own_event(store: Store, conflict: Conflict, asked: str) -> str:
    """The event a resolve names (its ref): one of this desk's own, as the central list
    accepts a desk's resolve only for that desk's facts (a desk never closes what other
    desks did)."""
    own = [e["uuid"] for e in conflict.events if e["device_id"] == store.device_id]
    if not conflict.events or asked in own:
        return asked
    if own:
        return own[0]
    desks = ", ".join(sorted({e["device"] for e in conflict.events}))
    raise ConflictError(_("none of the events of this conflict was recorded at this desk: the "
                          "desks involved ({0}) or an organiser resolve it").format(desks))
