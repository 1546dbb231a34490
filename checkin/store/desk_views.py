"""What the desk window reads to show: the person shown in the Find tab, this desk's last
scans, the desks this desk has heard from. Read-only queries on a reader connection (the
window's own, or the DbRunner's), so the window holds no SQL of its own.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from ..model import REGISTRATION, LoggedEvent, Registrant
from . import eventlog
from . import registrants as reg_store


# -- the person panel ---------------------------------------------------------------------
@dataclass(frozen=True)
class PersonView:
    registrant: Registrant
    pinyin: str  # of the name, as the search index has it ("" when none)
    events: list[LoggedEvent]  # every event about this person, oldest first
    arrival: sqlite3.Row | None  # the admission at registration in force, if any


def person_view(conn: sqlite3.Connection, code: str) -> PersonView | None:
    """One registrant with their history and arrival (single-row look-ups and one indexed
    query: quick enough for the GUI thread); None when the code is not on the list."""
    reg = reg_store.get(conn, code)
    if reg is None:
        return None
    row = conn.execute("SELECT pinyin FROM registrants WHERE code = ?", (reg.code,)).fetchone()
    return PersonView(reg, (row["pinyin"] if row else "") or "", eventlog.history(conn, reg.code),
                      eventlog.admission(conn, reg.code, REGISTRATION))


# -- the scan screen's recent list --------------------------------------------------------
RECENT_KINDS = ("checkin", "meal", "forum", "override", "entry", "exit", "refused")


@dataclass(frozen=True)
class RecentScan:
    uuid: str
    kind: str
    code: str | None
    wall_time: str
    data: dict
    name: str | None  # None for a code not on the list
    undone: bool


def recent_scans(conn: sqlite3.Connection, device_id: str, limit: int) -> list[RecentScan]:
    """This desk's last admissions and refusals, newest first, each with whether an undo
    cancelled it: what the scan screen lists again after a restart."""
    kinds = ", ".join("?" for _ in RECENT_KINDS)
    rows = conn.execute(
        f"""SELECT e.uuid, e.kind, e.code, e.wall_time, e.data, r.name,
                   EXISTS (SELECT 1 FROM events u WHERE u.ref = e.uuid AND u.kind = 'undo')
            FROM events e LEFT JOIN registrants r ON r.code = e.code
            WHERE e.device_id = ? AND e.kind IN ({kinds})
            ORDER BY e.seq DESC LIMIT ?""", (device_id, *RECENT_KINDS, limit)).fetchall()
    return [RecentScan(uuid, kind, code, wall_time, json.loads(data) if data else {}, name,
                       bool(undone))
            for uuid, kind, code, wall_time, data, name, undone in rows]


# -- the dashboard's desks column ---------------------------------------------------------
def desks_seen(store) -> list[dict]:
    """Every desk this desk knows of, with its latest event as received here (wall time of
    that desk's clock) and how many of its events are here; this desk first, then the most
    recent. Each: {"device_id", "name", "latest", "events", "this"}."""
    conn = store.reader()
    names = dict(conn.execute("SELECT device_id, name FROM devices").fetchall())
    rows = {device: (latest, count) for device, latest, count in conn.execute(
        "SELECT device_id, max(wall_time), count(*) FROM events GROUP BY device_id")}
    desks = []
    for device in set(names) | set(rows) | {store.device_id}:
        latest, count = rows.get(device, (None, 0))
        desks.append({"device_id": device, "name": store.device_label(device),
                      "latest": latest, "events": count, "this": device == store.device_id})
    desks.sort(key=lambda d: d["name"])
    desks.sort(key=lambda d: d["latest"] or "", reverse=True)  # the most recent first
    desks.sort(key=lambda d: not d["this"])  # this desk on top
    return desks
