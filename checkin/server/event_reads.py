"""The events as desks and organisers read them: the events feed (items written as JSON by the
database), the organiser's records, refused events and open conflicts, with the registrant
data they carry as each reader may see it. Writing them is events.py's."""

from __future__ import annotations

import json
from functools import lru_cache
from itertools import islice
from operator import attrgetter

from sqlalchemy import JSON, Row, Text, bindparam, cast, func, literal, select

from .. import masking
from ..config import config_from_json
from ..jsonutil import dumps
from ..model import Privacy
from . import feeds
from .auth import Principal
from .conferences import config_json as event_config_json
from .db import Connection, Database, conflicts, devices, events, rejected_events
from .recent_events import RecentEvents

# A desk's records (refused scans, its audit trail) reach the organiser through their own
# feed (GET .../records); desks decide nothing with them, so the events feed leaves them out.
ORGANISER_ONLY = ("refused", "audit")
PERSONAL = ("walk_in", "edit")  # kinds whose data carry registrant fields
_PERSONAL = events.c.kind.in_(PERSONAL) | events.c.conflict.is_not(None)


def to_item(row: Row) -> dict:
    return {"uuid": row.uuid, "kind": row.kind, "code": row.code, "station": row.station,
            "device_id": row.device_id, "operator": row.operator, "wall_time": row.wall_time,
            "hlc": row.hlc, "ref": row.ref, "seq": row.seq,
            "data": {} if row.data == "{}" else json.loads(row.data),  # most have none
            "conflict": json.loads(row.conflict) if row.conflict else None}


@lru_cache(maxsize=32)
def parsed_config(config_json: str):
    """The event file, parsed once per version of its text (uploads and feeds ask often)."""
    return config_from_json(config_json)


def feed(db: Database, event_id: str, after: int, limit: int,
         exclude_device: str | None = None, *, records: bool = False,
         who: Principal | None = None, recent: RecentEvents | None = None) -> dict:
    """The events feed: the facts desks act on; or (`records`) only the desks' records,
    refused scans and audit entries, for the organiser. Its items are JSON texts, each the
    object to_item() makes, written by the database; the registrant data of a walk-in, an
    edit or a conflict as `who` may see it (None: all of it). From `recent` when it holds
    the numbers asked for."""
    grants: list[Privacy | None] = []

    def desk_item(row) -> str:
        if not row.personal:
            return row.item
        if not grants:  # the event's [privacy], read once, only when an item needs it
            grants.append(event_privacy(conn, event_id))
        return dumps(masking.desk_event(json.loads(row.item), grants[0]))

    item = attrgetter("item") if who is None or who.is_organiser else desk_item
    with db.read() as conn:
        end = feeds.end_of(conn, event_id, feeds.EVENTS)
        held = None if recent is None or end is None else recent.rows_after(
            conn, event_id, after, end)
        if held is None:
            params = {"exclude_device": exclude_device} if exclude_device else {}
            page = _events_feed(db.is_sqlite, records, bool(exclude_device)).page_to(
                conn, event_id, after, end, limit, item, **params)
        else:
            wanted = (r for r in held if (r.kind in ORGANISER_ONLY) == records
                      and r.device_id != exclude_device)
            page = feeds.paged(list(islice(wanted, limit + 1)), after, end, limit, item)
        if not records:
            page["kiosks_closed"] = kiosks_closed(conn, event_id)
        return page


def recent_events(db: Database) -> RecentEvents:
    """Memory for the tail of the events feeds of `db` (recent_events.py): every row, with
    HeldEvent's columns."""
    return RecentEvents(feeds.Feed(events, columns=[
        events.c.seq, events.c.device_id, events.c.kind, _PERSONAL.label("personal"),
        _item_json(db.is_sqlite).label("item")]))


@lru_cache(maxsize=8)
def _events_feed(on_sqlite: bool, records: bool, excluding: bool) -> feeds.Feed:
    """The events feed's page query for each way it is asked (made once each)."""
    condition = [events.c.device_id != bindparam("exclude_device")] if excluding else []
    condition.append(events.c.kind.in_(ORGANISER_ONLY) if records
                     else events.c.kind.not_in(ORGANISER_ONLY))
    return feeds.Feed(events, *condition, columns=[
        events.c.seq, _PERSONAL.label("personal"), _item_json(on_sqlite).label("item")])


def _item_json(on_sqlite: bool):
    """An events row as to_item() makes it, in JSON text, by the database (json_object on
    SQLite, json_build_object on PostgreSQL): no Python object per row and field."""
    pairs = [part for name in ("uuid", "kind", "code", "station", "device_id", "operator",
                               "wall_time", "hlc", "ref", "seq")
             for part in (literal(name), events.c[name])]
    if on_sqlite:
        return func.json_object(*pairs, literal("data"), func.json(events.c.data),
                                literal("conflict"), func.json(events.c.conflict))
    return cast(func.json_build_object(*pairs, literal("data"), cast(events.c.data, JSON),
                                       literal("conflict"), cast(events.c.conflict, JSON)),
                Text)


_KIOSKS_CLOSED = (select(devices.c.device_id, devices.c.name, devices.c.kiosk_problem,
                          devices.c.kiosk_problem_at)
                  .where(devices.c.event_id == bindparam("event_id"),
                         devices.c.kiosk_problem.is_not(None), devices.c.revoked_at.is_(None))
                  .order_by(devices.c.name))


def kiosks_closed(conn, event_id: str) -> list[dict]:
    """The self check-in kiosks that closed themselves (a printer that cannot print), for
    every desk's status bar: the staffed desks take their queue."""
    rows = conn.execute(_KIOSKS_CLOSED, {"event_id": event_id}).all()
    return [{"device_id": r.device_id, "name": r.name, "problem": r.kiosk_problem,
             "since": r.kiosk_problem_at} for r in rows]


def rejected(db: Database, event_id: str) -> list[dict]:
    """The events the service refused (vetting.py), oldest first, with the desk's name."""
    query = (select(rejected_events, devices.c.name)
             .outerjoin(devices, (devices.c.event_id == rejected_events.c.event_id)
                        & (devices.c.device_id == rejected_events.c.device_id))
             .where(rejected_events.c.event_id == event_id).order_by(rejected_events.c.id))
    with db.read() as conn:
        rows = conn.execute(query).all()
    return [{"uuid": r.uuid, "device_id": r.device_id, "device": r.name or r.device_id,
             "kind": r.kind, "code": r.code, "error": r.error, "message": r.message,
             "received_at": r.received_at, "event": json.loads(r.body)} for r in rows]


def grant_for(db: Database, event_id: str, who: Principal) -> Privacy | None:
    """What a desk token may see of personal data (the event's [privacy]); None: all of it
    (an organiser)."""
    if who.is_organiser:
        return None
    with db.read() as conn:
        return event_privacy(conn, event_id)


def event_privacy(conn: Connection, event_id: str) -> Privacy:
    """The event's [privacy] (its file parsed once per version of its text)."""
    return parsed_config(event_config_json(conn, event_id)).privacy


def as_granted(items: list[dict], grant: Privacy | None) -> list[dict]:
    """Events (or upload results) with the registrant data they carry as `grant` allows."""
    return items if grant is None else [masking.desk_event(item, grant) for item in items]


def granted(db: Database, event_id: str, who: Principal, items: list[dict]) -> list[dict]:
    """as_granted, reading the event's [privacy] only when needs_grant()."""
    if not needs_grant(who, items):
        return items
    return as_granted(items, grant_for(db, event_id, who))


def needs_grant(who: Principal, items: list[dict]) -> bool:
    """Whether `who` may see less than `items` carry: registrant data (a walk-in, an edit, a
    conflict's `current`) to a desk. Check-ins carry none."""
    return not who.is_organiser and any(_personal(item) for item in items)


def _personal(item: dict) -> bool:
    return item.get("kind") in PERSONAL or "current" in (item.get("conflict") or {})


def open_conflicts(db: Database, event_id: str, grant: Privacy | None = None) -> list[dict]:
    query = (select(conflicts, events).join(events, (events.c.event_id == conflicts.c.event_id)
                                            & (events.c.uuid == conflicts.c.event_uuid))
             .where(conflicts.c.event_id == event_id, conflicts.c.resolved_by.is_(None))
             .order_by(conflicts.c.id))
    with db.read() as conn:
        rows = conn.execute(query).all()
    found = [{"id": r.id, "event_uuid": r.event_uuid, "other_uuid": r.other_uuid,
              "type": r.type, "details": json.loads(r.details), "created_at": r.created_at,
              "event": to_item(r)} for r in rows]
    if grant is not None:
        for item in found:
            item["event"] = masking.desk_event(item["event"], grant)
            item["details"] = masking.desk_event({"conflict": item["details"]},
                                                 grant)["conflict"]
    return found
