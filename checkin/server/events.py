"""Uploaded events: the outcome of each one (stored / duplicate / conflict), what it changes.

An upload runs in one transaction holding the conference's events-feed lock, so uploads to
one conference are applied one after the other and every check below sees every earlier
upload. Nothing is ever dropped: a conflicting event is stored too, with its details, and
listed by GET conflicts until a `resolve` event closes it.

The lock is every upload's queue (100 desks: about 50 uploads a second), so uploads wait for
it together (upload_line.py), what needs no lock is done before it (the stamps' vetting),
and what is done under it takes as few round trips to the database as the order allows
(pipelined.py): the lock with the reads, and the writes with the COMMIT.
"""

from __future__ import annotations

import threading
import time
import uuid as uuidlib
import weakref
from concurrent.futures import Future
from functools import lru_cache

from sqlalchemy import (
    Integer,
    bindparam,
    delete,
    distinct,
    exists,
    func,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from .. import masking
from ..clock import HybridClock, now_iso
from ..jsonutil import dumps
from ..model import (
    ADMISSION_KINDS,
    CENTRAL_DEVICE,
    KIOSK_CLOSED,
    KIOSK_REOPENED,
    Registrant,
)
from . import feeds, pipelined, vetting
from . import registrants as regs
from .auth import Principal
from .conferences import config as event_config
from .conferences import config_json as event_config_json
from .conferences import created_at as event_created_at
from .db import (
    Connection,
    Database,
    admissions,
    conflicts,
    devices,
    events,
    rejected_events,
    utcnow,
)
from .errors import ApiError, not_found
from .event_reads import ORGANISER_ONLY, parsed_config
from .upload_line import Job, Line

KINDS = ("checkin", "meal", "forum", "override", "undo", "walk_in", "edit", "print", "resolve",
         "revoke", "refused", "audit", "entry", "exit", "list")
RECORDS = ("print", "entry", "exit", *ORGANISER_ONLY)  # kinds that change no state on the service
ADMISSIONS = tuple(str(k) for k in ADMISSION_KINDS)
MAX_NAMED = 1000  # event uuids a resolve's data.events may name


# -- upload -----------------------------------------------------------------------------------
def upload(db: Database, event_id: str, who: Principal, batch: list[dict], *,
           unsent: int | None = None, now_ms: int | None = None) -> list[dict]:
    """Store a batch of desk events; one result per event, in the batch's order. Each event
    is vetted on its own (vetting.py): a refused one is answered `rejected`, kept for the
    organiser and never stored in the feed. `unsent`: what the desk says is still in its
    outbox after this batch (shown to the organiser who revokes it)."""
    return submit(db, event_id, who, batch, unsent=unsent, now_ms=now_ms).result()


def submit(db: Database, event_id: str, who: Principal, batch: list[dict], *,
           unsent: int | None = None, now_ms: int | None = None) -> Future[list[dict]]:
    """upload() without waiting: its results as a Future, for the event loop to await."""
    if not who.is_organiser:
        for ev in batch:
            if ev["device_id"] != who.device_id:
                raise ApiError(403, "wrong_device", f"event {ev['uuid']} is from device "
                               f"{ev['device_id']!r}, but this token is device {who.device_id!r}")
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    return _line(db, event_id).submit(Job(who, batch, now_ms, unsent))


_lines: weakref.WeakKeyDictionary[Database, dict[str, Line]] = weakref.WeakKeyDictionary()
_lines_guard = threading.Lock()


def _line(db: Database, event_id: str) -> Line:
    with _lines_guard:
        lines = _lines.setdefault(db, {})
        if event_id not in lines:
            held = weakref.ref(db)  # the line must not keep its database alive
            lines[event_id] = Line(lambda group: _apply_in_turn(held(), event_id, group),
                                   name=f"checkin-uploads-{event_id}")
        return lines[event_id]


def _apply_in_turn(db: Database, event_id: str, waiting: list[Job]) -> None:
    """Desks' uploads together; an organiser's on its own (its events are the service's)."""
    desks: list[Job] = []
    for job in waiting:
        if job.who.is_organiser:
            if desks:
                _apply(db, event_id, desks)
                desks = []
            _apply(db, event_id, [job])
        else:
            desks.append(job)
    if desks:
        _apply(db, event_id, desks)


def _apply(db: Database, event_id: str, group: list[Job]) -> None:
    """The group in one transaction; if that fails, each upload on its own, so that one
    bad batch fails only its own request."""
    try:
        with db.write() as conn:
            answers = _store(conn, event_id, group)
    except Exception as exc:  # noqa: BLE001 - handed to the request it belongs to
        if len(group) == 1:
            group[0].error = exc
            return
        for job in group:
            _apply(db, event_id, [job])
        return
    for job, results in zip(group, answers, strict=True):
        job.results = results


def _store(conn: Connection, event_id: str, group: list[Job]) -> list[list[dict]]:
    desks = [job for job in group if not job.who.is_organiser]
    batch = [ev for job in group for ev in job.batch]
    work = _Upload(conn, event_id, batch, group[0].who, max(job.now_ms for job in group),
                   revoked={job.who.device_id: job.who.revoked_at for job in desks})
    work.vet_stamps()
    results = iter(work.run())
    answers = [[next(results) for _ in job.batch] for job in group]
    with pipelined.commit_with_writes(conn):
        work.flush()
        if desks:  # each desk's row: when it last uploaded, what it says it still holds
            conn.execute(_NOTE_UPLOAD, [{
                "of_event": event_id, "of_device": job.who.device_id, "now": utcnow(),
                "said_unsent": job.unsent} for job in desks])
        for job, answer in zip(group, answers, strict=True):
            kiosk = {} if job.who.is_organiser else _kiosk_state(job.batch, answer)
            if kiosk:
                conn.execute(update(devices).values(**kiosk).where(
                    devices.c.event_id == event_id, devices.c.device_id == job.who.device_id))
    return answers


def _kiosk_state(batch: list[dict], results: list[dict]) -> dict:
    """A kiosk that closed itself or opened again in this batch (its audit entries, stored
    now or before): the devices row's kiosk_problem, which desks see in the events feed."""
    kept = {r["uuid"] for r in results if r["status"] in ("stored", "duplicate")}
    said = [ev for ev in batch if ev["kind"] == "audit" and ev["uuid"] in kept
            and (ev.get("data") or {}).get("action") in (KIOSK_CLOSED, KIOSK_REOPENED)]
    if not said:
        return {}
    last = max(said, key=lambda ev: ev["hlc"])
    problem = str((last["data"].get("details") or {}).get("problem") or "")[:300]
    closed = last["data"]["action"] == KIOSK_CLOSED and bool(problem)
    return {"kiosk_problem": problem if closed else None,
            "kiosk_problem_at": last["wall_time"] if closed else None}


def _is_admission(ev: dict) -> bool:
    return ev["kind"] in ADMISSIONS and bool(ev.get("code")) and bool(ev.get("station"))


class _Upload:
    """One batch, in order, with as few statements as the order allows: prints and admissions
    (nearly every event) are decided from what was read up front and written together; any
    other kind first writes what is pending, then runs its own queries."""

    def __init__(self, conn: Connection, event_id: str, batch: list[dict], who: Principal,
                 now_ms: int, *, revoked: dict[str, str | None] | None = None):
        """`who`: the role (the batch may hold several desks' uploads, `revoked`: when each
        desk was revoked, if it was)."""
        self.conn = conn
        self.revoked = {who.device_id: who.revoked_at} if revoked is None else revoked
        self.event_id = event_id
        self.batch = batch
        self.who = who
        self.now_ms = now_ms
        self.refused: dict[str, vetting.Refusal] = {}  # uuid -> why, for this batch
        self.event_rows: list[dict] = []
        self.conflict_rows: list[dict] = []
        self.admissions: dict[tuple[str, str], dict | None] = {}  # in force, per (code, station)
        self.changed: set[tuple[str, str]] = set()  # admissions to write
        self.undone: set[str] = set()  # uuids some stored undo names

    def run(self) -> list[dict]:
        """Under the feed lock (taken here, with the numbers), then held until COMMIT. The
        last writes are left pending: flush() them with the COMMIT
        (pipelined.commit_with_writes), one round trip."""
        conn, event_id, batch = self.conn, self.event_id, self.batch
        if not batch:
            return []
        uuids = {ev["uuid"] for ev in batch}
        admitting = {ev["uuid"] for ev in batch if _is_admission(ev)}
        candidates = [ev for ev in batch if _is_admission(ev) and ev["uuid"] not in self.refused]
        # A number for each event not refused by its stamp, taken first: it is the lock, and
        # the reads sent behind it (same round trip) see every writer before it.
        # Those of duplicates stay unused (feed numbers may skip), which saves a round trip.
        count = len(uuids - set(self.refused))
        lock = [feeds.taking(event_id, feeds.EVENTS, count)] if count else []
        *took, stored = pipelined.together(conn, *lock, _known_and_in_force(
            event_id, uuids, admitting, {ev["code"] for ev in candidates}))
        numbers = iter(feeds.taken(took[0][0].value, count) if took else ())
        known: dict[str, int] = {}
        in_force: dict[tuple[str, str], dict] = {}
        for row in stored:
            if row.source == "admission":
                in_force[row.code, row.station] = {
                    "event_id": event_id, "code": row.code, "station": row.station,
                    "event_uuid": row.uuid, "hlc": row.hlc, "wall_time": row.wall_time,
                    "device_id": row.device_id}
                continue
            if row.uuid in uuids:
                known[row.uuid] = row.seq
            if row.kind == "undo" and row.ref in admitting:
                self.undone.add(row.ref)
        for uuid in known:  # a duplicate is answered as such, whatever its stamp says now
            self.refused.pop(uuid, None)
        fresh = uuids - set(known) - set(self.refused)
        self.admissions = {key: in_force.get(key) for key in {
            (ev["code"], ev["station"]) for ev in candidates if ev["uuid"] in fresh}}
        results = []
        for ev in batch:
            if ev["uuid"] in known:
                results.append({"uuid": ev["uuid"], "status": "duplicate",
                                "seq": known[ev["uuid"]]})
                continue
            if ev["uuid"] not in self.refused and ev["kind"] in vetting.TARGETED \
                    and not self.who.is_organiser:
                self._vet_target(ev)
            if ev["uuid"] in self.refused:
                results.append(self.refused[ev["uuid"]].result(ev["uuid"]))
                continue
            seq = known[ev["uuid"]] = next(numbers)  # a refused undo leaves a gap: harmless
            if _is_admission(ev):
                conflict = self._admit(ev, seq)
            elif ev["kind"] in RECORDS:  # nothing to check or derive: written in bulk
                conflict = None
                self._add(ev, None, seq)
            else:
                self.flush()
                conflict = _check(conn, event_id, ev, desk=not self.who.is_organiser)
                self._add(ev, conflict, seq)
                self.flush()
                self._after(ev)
            result = {"uuid": ev["uuid"], "status": "conflict" if conflict else "stored",
                      "seq": seq}
            if conflict:
                result["conflict"] = conflict
            results.append(result)
        self._keep_refusals()
        return results

    def vet_stamps(self) -> None:
        """Before the feed lock: a stamp's verdict depends on no other upload."""
        if not self.batch:
            return
        floor = vetting.earliest_stamp(event_created_at(self.conn, self.event_id),
                                       parsed_config(event_config_json(self.conn, self.event_id)))
        for ev in self.batch:
            refusal = vetting.stamp_refusal(ev, self.now_ms, floor)
            revoked_at = self.revoked.get(ev["device_id"])
            if refusal is None and revoked_at:
                refusal = vetting.revocation_refusal(ev, revoked_at)
            if refusal is not None:
                self.refused.setdefault(ev["uuid"], refusal)

    def _vet_target(self, ev: dict) -> None:
        """A desk's undo or resolve acts only on that desk's own events, of the same code."""
        self.flush()  # the target may be earlier in this batch
        target = self.conn.execute(
            select(events.c.device_id, events.c.code, devices.c.name)
            .select_from(events.outerjoin(devices, (devices.c.event_id == events.c.event_id)
                                          & (devices.c.device_id == events.c.device_id)))
            .where(events.c.event_id == self.event_id, events.c.uuid == ev.get("ref"))
        ).first() if ev.get("ref") else None
        refusal = vetting.target_refusal(ev, target, target.name if target else None)
        if refusal is not None:
            self.refused[ev["uuid"]] = refusal

    def _keep_refusals(self) -> None:
        """Each refused event once per desk, for the organiser's list."""
        if not self.refused:
            return
        by_uuid = {ev["uuid"]: ev for ev in self.batch}
        already = set(self.conn.execute(
            select(rejected_events.c.device_id, rejected_events.c.uuid).where(
                rejected_events.c.event_id == self.event_id,
                rejected_events.c.uuid.in_(self.refused))).all())
        rows = [{"event_id": self.event_id, "device_id": ev["device_id"], "uuid": uuid,
                 "kind": ev["kind"], "code": ev.get("code") or None, "error": refusal.error,
                 "message": refusal.message, "body": dumps(ev), "received_at": utcnow()}
                for uuid, refusal in self.refused.items()
                if (ev := by_uuid[uuid]) and (ev["device_id"], uuid) not in already]
        if rows:
            self.conn.execute(rejected_events.insert(), rows)

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
        """Write what is pending. Nothing is read back (no RETURNING), so on PostgreSQL
        these can ride with the COMMIT (pipelined.commit_with_writes)."""
        conn = self.conn
        if self.event_rows:
            conn.execute(_INSERT_EVENTS, self.event_rows)
            self.event_rows = []
        if self.conflict_rows:
            conn.execute(_INSERT_CONFLICTS, self.conflict_rows)
            self.conflict_rows = []
        if self.changed:
            conn.execute(_upsert_admissions(conn.dialect.name),
                         [self.admissions[k] for k in self.changed])
            self.changed = set()


_INSERT_EVENTS = events.insert().inline()
# (As in feeds.py, an UPDATE's bind names differ from its column names.)
_NOTE_UPLOAD = update(devices).where(
    devices.c.event_id == bindparam("of_event"), devices.c.device_id == bindparam("of_device"),
).values(last_upload=bindparam("now"), unsent=func.coalesce(
    bindparam("said_unsent", type_=Integer), devices.c.unsent))
_INSERT_CONFLICTS = conflicts.insert().inline()  # not the new id: a single row would ask it


@lru_cache(maxsize=2)
def _upsert_admissions(dialect: str):
    """One statement: insert the admission in force, or replace the one there."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(admissions)
    return insert.on_conflict_do_update(
        index_elements=[admissions.c.event_id, admissions.c.code, admissions.c.station],
        set_={c: insert.excluded[c] for c in ("event_uuid", "hlc", "wall_time", "device_id")})


def _known_and_in_force(event_id: str, uuids: set[str], admitting: set[str], codes: set[str]):
    """One query, one round trip under the feed lock: the batch's events already stored and
    the undos naming its admissions (source "event": uuid, seq, kind, ref), and the
    admissions in force for its codes (source "admission": the admission's uuid, code,
    station, hlc, wall_time, device_id). (statement, parameters)."""
    params = {"event_id": event_id, "uuids": list(uuids), "admitting": list(admitting)}
    if not codes:
        return _STORED, params
    return _STORED_AND_IN_FORCE, {**params, "codes": list(codes)}


_STORED = select(literal("event").label("source"), events.c.uuid, events.c.seq, events.c.kind,
                 events.c.ref, *(null().label(name) for name in (
                     "code", "station", "hlc", "wall_time", "device_id"))).where(
    events.c.event_id == bindparam("event_id"),
    events.c.uuid.in_(bindparam("uuids", expanding=True))
    | (events.c.kind == "undo") & events.c.ref.in_(bindparam("admitting", expanding=True)))
_STORED_AND_IN_FORCE = union_all(_STORED, select(
    literal("admission"), admissions.c.event_uuid, null(), null(), null(), admissions.c.code,
    admissions.c.station, admissions.c.hlc, admissions.c.wall_time, admissions.c.device_id,
).where(admissions.c.event_id == bindparam("event_id"),
        admissions.c.code.in_(bindparam("codes", expanding=True))))


def _admission_key(event_id: str, code: str, station: str):
    return ((admissions.c.event_id == event_id) & (admissions.c.code == code)
            & (admissions.c.station == station))


def _event_row(event_id: str, ev: dict, conflict: dict | None, seq: int) -> dict:
    return {"event_id": event_id, "uuid": ev["uuid"], "seq": seq, "kind": ev["kind"],
            "code": ev.get("code"), "station": ev.get("station"), "device_id": ev["device_id"],
            "operator": ev.get("operator") or "", "wall_time": ev["wall_time"], "hlc": ev["hlc"],
            "ref": ev.get("ref"), "data": dumps(ev.get("data") or {}),
            "conflict": dumps(conflict) if conflict else None, "received_at": utcnow()}


def _check(conn: Connection, event_id: str, ev: dict, *, desk: bool) -> dict | None:
    """The conflict this event makes, if any; edits and walk-ins that do not conflict are
    applied to master data here. `desk`: it came with a desk token."""
    kind = ev["kind"]
    if kind in ADMISSIONS:  # without a code or station (the others: _Upload._admit)
        return {"type": "invalid", "message": "an admission needs a code and a station"}
    if kind == "edit":
        return _apply_edit(conn, event_id, ev, desk)
    if kind == "walk_in":
        return _apply_walk_in(conn, event_id, ev)
    if kind == "resolve":
        _resolve(conn, event_id, ev, desk=desk)
    return None


def not_undone():
    """No undo names this event (the desk's eventlog._NOT_UNDONE, on the service)."""
    undo = events.alias("u")
    return ~exists().where(undo.c.event_id == events.c.event_id, undo.c.ref == events.c.uuid,
                           undo.c.kind == "undo")


def _double_admission(conn: Connection, event_id: str, ev: dict) -> dict | None:
    """Another desk's admission not undone for this (code, station), the earliest by HLC."""
    other = conn.execute(
        select(events.c.uuid, events.c.device_id, events.c.wall_time)
        .where(events.c.event_id == event_id, events.c.code == ev["code"],
               events.c.station == ev["station"], events.c.kind.in_(ADMISSIONS),
               events.c.device_id != ev["device_id"], not_undone())
        .order_by(events.c.hlc).limit(1)).first()
    if other is None:
        return None
    return {"type": "double_admission", "other_uuid": other.uuid,
            "other_device": other.device_id, "other_wall_time": other.wall_time}


def _as_seen(value, old, field: str, desk: bool) -> bool:
    """The server's value is still what the desk saw: the same, or (a desk token receives
    phone numbers, e-mails, ID and CME card numbers masked) its masked form. Not for remarks
    and extra columns: a desk's new text would carry the masked numbers over the real ones,
    so such an edit is a conflict for the organiser instead."""
    return regs.same(value, old) or (
        desk and field in ("phone", "email", *masking.NEVER_UNMASKED)
        and old == masking.mask_data(value, field))


def _apply_edit(conn: Connection, event_id: str, ev: dict, desk: bool) -> dict | None:
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
        changed_since = not _as_seen(now[field], change[0], field, desk) if has_old else behind
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
    wanted = {f: values.get(f, regs.unset(f)) for f in regs.EDITABLE}
    if all(regs.same(now[f], wanted[f]) for f in regs.EDITABLE):
        return None  # the same person, already known
    return {"type": "code_taken", "current": regs.to_item(row)}


def _resolve(conn: Connection, event_id: str, ev: dict, *, desk: bool) -> None:
    """A resolve event closes the open conflicts it names: ref = one of their events, and
    every event a desk lists in data.events (a double admission at three desks is stored as
    two conflicts, each naming the admission in force when it arrived, which need not be
    the one in force at last, the one a desk's resolve names as its ref)."""
    if not ev.get("ref"):
        return
    data = ev.get("data") or {}
    listed = data.get("events") if isinstance(data.get("events"), list) else []
    named = {ev["ref"], *(u for u in listed[:MAX_NAMED] if isinstance(u, str) and len(u) <= 64)}
    if desk:  # a desk closes only conflicts about the person its own event is about
        named = set(conn.execute(select(events.c.uuid).where(
            events.c.event_id == event_id, events.c.uuid.in_(named),
            func.upper(events.c.code) == (ev.get("code") or "").upper())).scalars())
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
               events.c.station == station, events.c.kind.in_(ADMISSIONS), not_undone())
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
               events.c.kind.in_(ADMISSIONS), not_undone())
        .order_by(events.c.hlc).limit(1)).first()
    key = ((admissions.c.event_id == event_id) & (admissions.c.code == code)
           & (admissions.c.station == station))
    conn.execute(delete(admissions).where(key))
    if first is not None:
        conn.execute(admissions.insert().values(
            event_id=event_id, code=code, station=station, event_uuid=first.uuid,
            hlc=first.hlc, wall_time=first.wall_time, device_id=first.device_id))


# -- an organiser's undo: the one way to cancel another desk's admission ---------------------------
def organiser_undo(db: Database, event_id: str, target_uuid: str, who: Principal,
                   clock: HybridClock, reason: str = "", *, now_ms: int) -> dict:
    """Cancel an admission made at any desk (a badge scanned by mistake, a second lunch let
    through): an `undo` event from the server, which reaches every desk through the feed."""
    with db.write() as conn:
        feeds.lock(conn, event_id, feeds.EVENTS)
        target = conn.execute(select(events).where(events.c.event_id == event_id,
                                                   events.c.uuid == target_uuid)).first()
        if target is None or target.kind not in ADMISSIONS:
            raise not_found(f"admission {target_uuid!r} in event {event_id!r}")
        if conn.execute(select(events.c.uuid).where(
                events.c.event_id == event_id, events.c.kind == "undo",
                events.c.ref == target_uuid)).first() is not None:
            raise ApiError(409, "already_undone", "this admission was already undone")
        config = event_config(conn, event_id)
        undo = {"uuid": str(uuidlib.uuid4()), "kind": "undo", "code": target.code,
                "station": target.station, "device_id": CENTRAL_DEVICE,
                "operator": f"organiser:{who.label}", "wall_time": now_iso(config.zone()),
                "hlc": clock.tick(), "ref": target_uuid,
                "data": {"reason": reason} if reason else {}}
        work = _Upload(conn, event_id, [undo], who, now_ms)
        work.vet_stamps()
        result = work.run()[0]
        with pipelined.commit_with_writes(conn):
            work.flush()
    return {**undo, "seq": result.get("seq")}


# -- an organiser's correction, recorded as an edit event from the server ------------------------
def organiser_edit(db: Database, event_id: str, code: str, base_version: int, fields: dict,
                   who: Principal, clock: HybridClock, reason: str = "") -> dict:
    with db.write() as conn:
        feeds.lock(conn, event_id, feeds.EVENTS)  # lock order: events, then registrants
        feeds.lock(conn, event_id, feeds.REGISTRANTS)
        config = event_config(conn, event_id)
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


# -- the service's own audit entries --------------------------------------------------------------
def organiser_audit(db: Database, event_id: str, who: Principal, clock: HybridClock,
                    action: str, details: dict) -> None:
    """An entry of the audit trail from the service itself (an organiser's export): an
    `audit` event from the central device, listed with the desks' entries (GET .../records,
    `checkin server audit`) and, like theirs, never sent to desks. No personal data."""
    with db.write() as conn:
        feeds.lock(conn, event_id, feeds.EVENTS)
        config = event_config(conn, event_id)
        entry = {"uuid": str(uuidlib.uuid4()), "kind": "audit", "code": None, "station": None,
                 "device_id": CENTRAL_DEVICE, "operator": f"organiser:{who.label}",
                 "wall_time": now_iso(config.zone()), "hlc": clock.tick(), "ref": None,
                 "data": {"action": action, "details": details}}
        conn.execute(events.insert().values(
            _event_row(event_id, entry, None, *feeds.take(conn, event_id, feeds.EVENTS))))
