"""Uploaded events: the outcome of each one (stored / duplicate / conflict), what it changes.

An upload runs in one transaction holding the conference's events-feed lock, so uploads to
one conference are applied one after the other and every check below sees every earlier
upload. Nothing is ever dropped: a conflicting event is stored too, with its details, and
listed by GET conflicts until a `resolve` event closes it.
"""

from __future__ import annotations

import json
import uuid as uuidlib

from sqlalchemy import Row, bindparam, delete, distinct, exists, func, select, update

from ..clock import HybridClock, now_iso
from ..jsonutil import dumps
from ..model import ADMISSION_KINDS, CENTRAL_DEVICE, Registrant
from . import feeds
from . import registrants as regs
from .auth import Principal
from .db import Connection, Database, admissions, conflicts, devices, events, utcnow
from .errors import ApiError, not_found

KINDS = ("checkin", "meal", "forum", "override", "undo", "walk_in", "edit", "print", "resolve",
         "revoke")
ADMISSIONS = tuple(str(k) for k in ADMISSION_KINDS)
MAX_NAMED = 1000  # event uuids a resolve's data.events may name


def to_item(row: Row) -> dict:
    return {"uuid": row.uuid, "kind": row.kind, "code": row.code, "station": row.station,
            "device_id": row.device_id, "operator": row.operator, "wall_time": row.wall_time,
            "hlc": row.hlc, "ref": row.ref, "data": json.loads(row.data), "seq": row.seq,
            "conflict": json.loads(row.conflict) if row.conflict else None}


# -- upload -----------------------------------------------------------------------------------
def upload(db: Database, event_id: str, who: Principal, batch: list[dict]) -> list[dict]:
    """Store a batch of desk events; one result per event, in the batch's order."""
    if not who.is_organiser:
        for ev in batch:
            if ev["device_id"] != who.device_id:
                raise ApiError(403, "wrong_device", f"event {ev['uuid']} is from device "
                               f"{ev['device_id']!r}, but this token is device {who.device_id!r}")
    with db.write() as conn:
        feeds.lock(conn, event_id, feeds.EVENTS)
        results = _Upload(conn, event_id, batch).run()
        if not who.is_organiser:
            conn.execute(update(devices).values(last_upload=utcnow()).where(
                devices.c.event_id == event_id, devices.c.device_id == who.device_id))
    return results


def _is_admission(ev: dict) -> bool:
    return ev["kind"] in ADMISSIONS and bool(ev.get("code")) and bool(ev.get("station"))


class _Upload:
    """One batch, in order, with as few statements as the order allows: prints and admissions
    (nearly every event) are decided from what was read up front and written together; any
    other kind first writes what is pending, then runs its own queries."""

    def __init__(self, conn: Connection, event_id: str, batch: list[dict]):
        self.conn = conn
        self.event_id = event_id
        self.batch = batch
        self.event_rows: list[dict] = []
        self.conflict_rows: list[dict] = []
        self.admissions: dict[tuple[str, str], dict | None] = {}  # in force, per (code, station)
        self.changed: set[tuple[str, str]] = set()  # admissions to write
        self.undone: set[str] = set()  # uuids some stored undo names

    def run(self) -> list[dict]:
        conn, event_id, batch = self.conn, self.event_id, self.batch
        uuids = {ev["uuid"] for ev in batch}
        known = dict(conn.execute(select(events.c.uuid, events.c.seq).where(
            events.c.event_id == event_id, events.c.uuid.in_(uuids))).all()) if batch else {}
        numbers = iter(feeds.take(conn, event_id, feeds.EVENTS, len(uuids - set(known))))
        self._prefetch([ev for ev in batch if _is_admission(ev) and ev["uuid"] not in known])
        results = []
        for ev in batch:
            if ev["uuid"] in known:
                results.append({"uuid": ev["uuid"], "status": "duplicate",
                                "seq": known[ev["uuid"]]})
                continue
            seq = known[ev["uuid"]] = next(numbers)
            if _is_admission(ev):
                conflict = self._admit(ev, seq)
            elif ev["kind"] == "print":
                conflict = None
                self._add(ev, None, seq)
            else:
                self.flush()
                conflict = _check(conn, event_id, ev)
                self._add(ev, conflict, seq)
                self.flush()
                self._after(ev)
            result = {"uuid": ev["uuid"], "status": "conflict" if conflict else "stored",
                      "seq": seq}
            if conflict:
                result["conflict"] = conflict
            results.append(result)
        self.flush()
        return results

    def _prefetch(self, batch: list[dict]) -> None:
        if not batch:
            return
        keys = {(ev["code"], ev["station"]) for ev in batch}
        self.admissions = dict.fromkeys(keys)
        rows = self.conn.execute(select(admissions).where(
            admissions.c.event_id == self.event_id,
            admissions.c.code.in_({code for code, _ in keys}))).all()
        for row in rows:
            if (row.code, row.station) in keys:
                self.admissions[row.code, row.station] = row._asdict()
        self.undone = set(self.conn.execute(select(events.c.ref).where(
            events.c.event_id == self.event_id, events.c.kind == "undo",
            events.c.ref.in_({ev["uuid"] for ev in batch}))).scalars())

    def _add(self, ev: dict, conflict: dict | None, seq: int) -> None:
        self.event_rows.append(_event_row(self.event_id, ev, conflict, seq))
        if conflict:
            self.conflict_rows.append({
                "event_id": self.event_id, "event_uuid": ev["uuid"],
                "other_uuid": conflict.get("other_uuid"), "type": conflict["type"],
                "details": dumps(conflict), "created_at": utcnow()})
        if ev["kind"] == "undo" and ev.get("ref"):
            self.undone.add(ev["ref"])

    def _admit(self, ev: dict, seq: int) -> dict | None:
        """The conflict, if another desk's admission is in force, and the admission in force
        afterwards (the earliest by HLC that no undo cancelled)."""
        key = (ev["code"], ev["station"])
        if key not in self.admissions:  # reset by an undo earlier in the batch
            self.flush()
            row = self.conn.execute(select(admissions).where(_admission_key(self.event_id, *key))
                                    ).first()
            self.admissions[key] = row._asdict() if row else None
        current = self.admissions[key]
        conflict = None
        undone = ev["uuid"] in self.undone  # its undo came first: cancelled, clashes with none
        if current is not None and not undone:
            if current["device_id"] != ev["device_id"]:
                conflict = {"type": "double_admission", "other_uuid": current["event_uuid"],
                            "other_device": current["device_id"],
                            "other_wall_time": current["wall_time"]}
            else:  # the earliest is this desk's own; another desk's may still be in force
                self.flush()
                conflict = _double_admission(self.conn, self.event_id, ev)
        self._add(ev, conflict, seq)
        if (current is None or ev["hlc"] < current["hlc"]) and not undone:
            self.admissions[key] = {
                "event_id": self.event_id, "code": ev["code"], "station": ev["station"],
                "event_uuid": ev["uuid"], "hlc": ev["hlc"], "wall_time": ev["wall_time"],
                "device_id": ev["device_id"]}
            self.changed.add(key)
        return conflict

    def _after(self, ev: dict) -> None:
        """An undo changes which admission is in force: worked out from the log (written)."""
        if ev["kind"] != "undo" or not ev.get("ref"):
            return
        target = self.conn.execute(select(events.c.kind, events.c.code, events.c.station).where(
            events.c.event_id == self.event_id, events.c.uuid == ev["ref"])).first()
        if target is not None and target.kind in ADMISSIONS and target.code and target.station:
            refresh_admission(self.conn, self.event_id, target.code, target.station)
            self.admissions.pop((target.code, target.station), None)
            _close_moot(self.conn, self.event_id, target.code, target.station, ev["uuid"])

    def flush(self) -> None:
        conn = self.conn
        if self.event_rows:
            conn.execute(events.insert(), self.event_rows)
            self.event_rows = []
        if self.conflict_rows:
            conn.execute(conflicts.insert(), self.conflict_rows)
            self.conflict_rows = []
        if self.changed:
            conn.execute(_DELETE_ADMISSION, [
                {"b_event": self.event_id, "b_code": code, "b_station": station}
                for code, station in self.changed])
            conn.execute(admissions.insert(), [self.admissions[k] for k in self.changed])
            self.changed = set()


_DELETE_ADMISSION = delete(admissions).where(
    admissions.c.event_id == bindparam("b_event"), admissions.c.code == bindparam("b_code"),
    admissions.c.station == bindparam("b_station"))


def _admission_key(event_id: str, code: str, station: str):
    return ((admissions.c.event_id == event_id) & (admissions.c.code == code)
            & (admissions.c.station == station))


def _event_row(event_id: str, ev: dict, conflict: dict | None, seq: int) -> dict:
    return {"event_id": event_id, "uuid": ev["uuid"], "seq": seq, "kind": ev["kind"],
            "code": ev.get("code"), "station": ev.get("station"), "device_id": ev["device_id"],
            "operator": ev.get("operator") or "", "wall_time": ev["wall_time"], "hlc": ev["hlc"],
            "ref": ev.get("ref"), "data": dumps(ev.get("data") or {}),
            "conflict": dumps(conflict) if conflict else None, "received_at": utcnow()}


def _check(conn: Connection, event_id: str, ev: dict) -> dict | None:
    """The conflict this event makes, if any; edits and walk-ins that do not conflict are
    applied to master data here."""
    kind = ev["kind"]
    if kind in ADMISSIONS:  # without a code or station (the others: _Upload._admit)
        return {"type": "invalid", "message": "an admission needs a code and a station"}
    if kind == "edit":
        return _apply_edit(conn, event_id, ev)
    if kind == "walk_in":
        return _apply_walk_in(conn, event_id, ev)
    if kind == "resolve":
        _resolve(conn, event_id, ev)
    return None


def _not_undone():
    undo = events.alias("u")
    return ~exists().where(undo.c.event_id == events.c.event_id, undo.c.ref == events.c.uuid,
                           undo.c.kind == "undo")


def _double_admission(conn: Connection, event_id: str, ev: dict) -> dict | None:
    """Another desk's admission not undone for this (code, station), the earliest by HLC."""
    other = conn.execute(
        select(events.c.uuid, events.c.device_id, events.c.wall_time)
        .where(events.c.event_id == event_id, events.c.code == ev["code"],
               events.c.station == ev["station"], events.c.kind.in_(ADMISSIONS),
               events.c.device_id != ev["device_id"], _not_undone())
        .order_by(events.c.hlc).limit(1)).first()
    if other is None:
        return None
    return {"type": "double_admission", "other_uuid": other.uuid,
            "other_device": other.device_id, "other_wall_time": other.wall_time}


def _apply_edit(conn: Connection, event_id: str, ev: dict) -> dict | None:
    """Desk edits: data = {"changes": {field: [old, new]}, "base_version": v, "reason"}.
    A field counts as changed since when its value on the server is no longer the `old` the
    desk saw, whatever base_version says (a desk may send its own local version, or edit
    twice offline: base_version alone does not tell what the desk saw); only without an
    `old` does base_version decide (behind: changed since)."""
    data = ev.get("data") or {}
    changes = data.get("changes")
    if not isinstance(changes, dict) or not changes or not ev.get("code"):
        return {"type": "invalid", "message": "an edit needs a code and data.changes"}
    feeds.lock(conn, event_id, feeds.REGISTRANTS)  # before reading: an import may be writing
    row = regs.get(conn, event_id, ev["code"])
    if row is None:
        return {"type": "unknown_code", "message": f"no registrant {ev['code']} on the server"}
    now = regs.current(row)
    base = data.get("base_version")
    behind = isinstance(base, int) and not isinstance(base, bool) and base < row.version
    updates, stale = {}, []
    for field, change in changes.items():
        has_old = isinstance(change, list) and len(change) == 2
        new = change[1] if has_old else change
        problem = regs.value_problem(field, new)
        if problem:
            return {"type": "invalid", "message": problem}
        if regs.same(now[field], new):
            continue  # already so: nothing to change, nothing to clash with
        changed_since = not regs.same(now[field], change[0]) if has_old else behind
        if changed_since:
            stale.append(field)
        else:
            updates[field] = new
    if stale:
        return {"type": "stale_edit", "fields": stale, "current": regs.to_item(row)}
    if updates:
        regs.change(conn, event_id, row,
                    {k: regs.column_value(k, v) for k, v in updates.items()}, edited=updates)
    return None


def _apply_walk_in(conn: Connection, event_id: str, ev: dict) -> dict | None:
    """Walk-ins: data = {"fields": {every master field}}; a new code becomes a registrant."""
    fields = (ev.get("data") or {}).get("fields")
    code = ev.get("code") or (fields or {}).get("code")
    if not isinstance(fields, dict) or not code or not fields.get("name"):
        return {"type": "invalid", "message": "a walk-in needs a code and data.fields with a name"}
    values = {k: v for k, v in fields.items() if k in regs.EDITABLE}
    for field, value in values.items():
        problem = regs.value_problem(field, value)
        if problem:
            return {"type": "invalid", "message": problem}
    feeds.lock(conn, event_id, feeds.REGISTRANTS)
    row = regs.get(conn, event_id, code)
    if row is None:
        regs.insert(conn, event_id, [Registrant(code=code, **values)], source="walk_in")
        return None
    now = regs.current(row)
    wanted = {f: values.get(f, [] if f in ("meals", "forums") else None) for f in regs.EDITABLE}
    if all(regs.same(now[f], wanted[f]) for f in regs.EDITABLE):
        return None  # the same person, already known
    return {"type": "code_taken", "current": regs.to_item(row)}


def _resolve(conn: Connection, event_id: str, ev: dict) -> None:
    """A resolve event closes the open conflicts it names: ref = one of their events, and
    every event a desk lists in data.events (a double admission at three desks is stored as
    two conflicts, each naming the admission in force when it arrived, which need not be
    the one in force at last, the one a desk's resolve names as its ref)."""
    if not ev.get("ref"):
        return
    data = ev.get("data") or {}
    listed = data.get("events") if isinstance(data.get("events"), list) else []
    named = {ev["ref"], *(u for u in listed[:MAX_NAMED] if isinstance(u, str) and len(u) <= 64)}
    resolution = data.get("resolution")
    conn.execute(update(conflicts).where(
        conflicts.c.event_id == event_id, conflicts.c.resolved_by.is_(None),
        conflicts.c.event_uuid.in_(named) | conflicts.c.other_uuid.in_(named),
    ).values(resolved_by=ev["uuid"], resolved_at=utcnow(),
             resolution=resolution if resolution is None or isinstance(resolution, str)
             else dumps(resolution)))


def _close_moot(conn: Connection, event_id: str, code: str, station: str,
                undo_uuid: str) -> None:
    """An undo that leaves admissions of one desk at most for (code, station) makes its
    double admissions moot: they are closed (resolved_by = the undo), as desks stop listing
    them. So the open conflicts are the same whatever order the events arrived in: a pair is
    listed while admissions not undone from two desks or more are stored, until resolved."""
    desks = conn.execute(
        select(func.count(distinct(events.c.device_id)))
        .where(events.c.event_id == event_id, events.c.code == code,
               events.c.station == station, events.c.kind.in_(ADMISSIONS), _not_undone())
    ).scalar_one()
    if desks > 1:
        return
    pair = select(events.c.uuid).where(events.c.event_id == event_id, events.c.code == code,
                                       events.c.station == station)
    conn.execute(update(conflicts).where(
        conflicts.c.event_id == event_id, conflicts.c.resolved_by.is_(None),
        conflicts.c.type == "double_admission", conflicts.c.event_uuid.in_(pair),
    ).values(resolved_by=undo_uuid, resolved_at=utcnow(),
             resolution="moot: undone, one desk's admission is left"))


# -- derived state: the admission in force per (code, station) ----------------------------------
def refresh_admission(conn: Connection, event_id: str, code: str, station: str) -> None:
    """The earliest admission by HLC that no undo cancelled, as on the desk."""
    first = conn.execute(
        select(events.c.uuid, events.c.hlc, events.c.wall_time, events.c.device_id)
        .where(events.c.event_id == event_id, events.c.code == code, events.c.station == station,
               events.c.kind.in_(ADMISSIONS), _not_undone())
        .order_by(events.c.hlc).limit(1)).first()
    key = ((admissions.c.event_id == event_id) & (admissions.c.code == code)
           & (admissions.c.station == station))
    conn.execute(delete(admissions).where(key))
    if first is not None:
        conn.execute(admissions.insert().values(
            event_id=event_id, code=code, station=station, event_uuid=first.uuid,
            hlc=first.hlc, wall_time=first.wall_time, device_id=first.device_id))


# -- reading ----------------------------------------------------------------------------------
def feed(db: Database, event_id: str, after: int, limit: int,
         exclude_device: str | None = None) -> dict:
    condition = [events.c.device_id != exclude_device] if exclude_device else []
    with db.read() as conn:
        return feeds.page(conn, events, event_id, after, limit, to_item, *condition)


def open_conflicts(db: Database, event_id: str) -> list[dict]:
    query = (select(conflicts, events).join(events, (events.c.event_id == conflicts.c.event_id)
                                            & (events.c.uuid == conflicts.c.event_uuid))
             .where(conflicts.c.event_id == event_id, conflicts.c.resolved_by.is_(None))
             .order_by(conflicts.c.id))
    with db.read() as conn:
        rows = conn.execute(query).all()
    return [{"id": r.id, "event_uuid": r.event_uuid, "other_uuid": r.other_uuid, "type": r.type,
             "details": json.loads(r.details), "created_at": r.created_at,
             "event": to_item(r)} for r in rows]


# -- an organiser's correction, recorded as an edit event from the server ------------------------
def organiser_edit(db: Database, event_id: str, code: str, base_version: int, fields: dict,
                   who: Principal, clock: HybridClock, reason: str = "") -> dict:
    from . import conferences

    with db.write() as conn:
        feeds.lock(conn, event_id, feeds.EVENTS)  # lock order: events, then registrants
        feeds.lock(conn, event_id, feeds.REGISTRANTS)
        config = conferences.config(conn, event_id)
        clean = regs.normalise_fields(fields, config)
        row = regs.get(conn, event_id, code)
        if row is None:
            raise not_found(f"registrant {code!r} in event {event_id!r}")
        if base_version != row.version:
            raise ApiError(409, "conflict", f"{row.code} was changed meanwhile (version "
                           f"{row.version}, not {base_version}): nothing was overwritten; "
                           "look at the current data and edit again", current=regs.to_item(row))
        now = regs.current(row)
        diff = {k: [now[k], v] for k, v in clean.items() if not regs.same(now[k], v)}
        if not diff:
            return regs.to_item(row)
        item = regs.change(conn, event_id, row,
                           {k: regs.column_value(k, v[1]) for k, v in diff.items()}, edited=diff)
        audit = {"uuid": str(uuidlib.uuid4()), "kind": "edit", "code": row.code, "station": None,
                 "device_id": CENTRAL_DEVICE, "operator": f"organiser:{who.label}",
                 "wall_time": now_iso(config.zone()), "hlc": clock.tick(), "ref": None,
                 "data": {"changes": diff, "base_version": row.version, "reason": reason}}
        conn.execute(events.insert().values(
            _event_row(event_id, audit, None, *feeds.take(conn, event_id, feeds.EVENTS))))
    return item
