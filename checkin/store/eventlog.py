"""The append-only event log and the state derived from it.

Facts go into `events` and never change (triggers refuse UPDATE and DELETE).
`admissions` holds, for each (code, station), the earliest admission that no undo
cancelled: it is a cache that `rebuild_admissions` can recreate from the log at any time.
"""

from __future__ import annotations

import json
import sqlite3
import uuid as uuidlib

from ..clock import HybridClock, now_iso
from ..jsonutil import dumps
from ..model import (
    ADMISSION_KINDS,
    ENTRY_KINDS,
    MOVEMENT_KINDS,
    NOWHERE,
    Door,
    EventKind,
    LoggedEvent,
)

_ADMISSION_KINDS_SQL = ",".join(f"'{k}'" for k in ADMISSION_KINDS)
_MOVEMENT_KINDS_SQL = ",".join(f"'{k}'" for k in MOVEMENT_KINDS)
_ENTRY_KINDS_SQL = ",".join(f"'{k}'" for k in ENTRY_KINDS)
_NOT_UNDONE = "NOT EXISTS (SELECT 1 FROM events u WHERE u.ref = e.uuid AND u.kind = 'undo')"


def from_row(row: sqlite3.Row) -> LoggedEvent:
    return LoggedEvent(
        uuid=row["uuid"], kind=row["kind"], code=row["code"], station=row["station"],
        device_id=row["device_id"], operator=row["operator"], wall_time=row["wall_time"],
        hlc=row["hlc"], ref=row["ref"], data=json.loads(row["data"]),
    )


def new_event(clock: HybridClock, kind: EventKind, *, code: str | None, station: str | None,
              operator: str, ref: str | None = None, data: dict | None = None,
              wall_time: str | None = None) -> LoggedEvent:
    return LoggedEvent(
        uuid=str(uuidlib.uuid4()), kind=str(kind), code=code, station=station,
        device_id=clock.device_id, operator=operator, wall_time=wall_time or now_iso(),
        hlc=clock.tick(), ref=ref, data=data or {},
    )


def append(conn: sqlite3.Connection, event: LoggedEvent, *, outbox: bool = True) -> bool:
    """Store one event and update derived state. False when its uuid is already stored
    (the same fact arriving twice is not a second fact)."""
    cur = conn.execute(
        "INSERT INTO events (uuid, kind, code, station, device_id, operator, "
        "wall_time, hlc, ref, data) VALUES (?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT(uuid) DO NOTHING",  # unlike OR IGNORE, a NOT NULL violation still fails
        (event.uuid, event.kind, event.code, event.station, event.device_id, event.operator,
         event.wall_time, event.hlc, event.ref, dumps(event.data)),
    )
    if cur.rowcount == 0:
        return False
    if outbox:
        conn.execute("INSERT INTO outbox(seq) VALUES (?)", (cur.lastrowid,))
    _apply(conn, event)
    return True


def _apply(conn: sqlite3.Connection, event: LoggedEvent) -> None:
    if event.kind in ADMISSION_KINDS:
        refresh_admission(conn, event.code, event.station)
    elif event.kind == EventKind.UNDO and event.ref:
        target = get(conn, event.ref)
        if target is not None and target.kind in ADMISSION_KINDS:
            refresh_admission(conn, target.code, target.station)


def refresh_admission(conn: sqlite3.Connection, code: str, station: str) -> None:
    row = conn.execute(
        f"""SELECT uuid, hlc, wall_time, device_id, operator FROM events e
            WHERE code = ? AND station = ? AND kind IN ({_ADMISSION_KINDS_SQL})
              AND NOT EXISTS (SELECT 1 FROM events u WHERE u.ref = e.uuid AND u.kind = 'undo')
            ORDER BY hlc LIMIT 1""",
        (code, station),
    ).fetchone()
    if row is None:
        conn.execute("DELETE FROM admissions WHERE code = ? AND station = ?", (code, station))
    else:
        conn.execute(
            "INSERT OR REPLACE INTO admissions (code, station, event_uuid, hlc, wall_time, "
            "device_id, operator) VALUES (?,?,?,?,?,?,?)",
            (code, station, *row),
        )


def rebuild_admissions(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM admissions")
    pairs = conn.execute(
        f"SELECT DISTINCT code, station FROM events WHERE kind IN ({_ADMISSION_KINDS_SQL})"
    ).fetchall()
    for code, station in pairs:
        refresh_admission(conn, code, station)


def get(conn: sqlite3.Connection, event_uuid: str) -> LoggedEvent | None:
    row = conn.execute("SELECT * FROM events WHERE uuid = ?", (event_uuid,)).fetchone()
    return from_row(row) if row else None


def is_undone(conn: sqlite3.Connection, event_uuid: str) -> bool:
    return conn.execute("SELECT 1 FROM events WHERE ref = ? AND kind = 'undo'",
                        (event_uuid,)).fetchone() is not None


def admission(conn: sqlite3.Connection, code: str, station: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM admissions WHERE code = ? AND station = ?", (code, station)
    ).fetchone()


def admitted_among(conn: sqlite3.Connection, station: str, codes: list[str]) -> set[str]:
    """Which of these codes are admitted at this station (upper case)."""
    marks = ",".join("?" * len(codes))
    rows = conn.execute(f"SELECT code FROM admissions WHERE station = ? AND code IN ({marks})",
                        [station, *codes])
    return {r[0].upper() for r in rows}


def all_admissions(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """(code, station, wall_time, device_id) of every admission in force."""
    return conn.execute("SELECT code, station, wall_time, device_id FROM admissions").fetchall()


def last_undoable(conn: sqlite3.Connection, device_id: str) -> LoggedEvent | None:
    """This desk's most recent admission still in force, or door crossing not undone."""
    admission = conn.execute(
        f"""SELECT e.* FROM events e JOIN admissions a ON a.event_uuid = e.uuid
            WHERE e.device_id = ? AND e.kind IN ({_ADMISSION_KINDS_SQL})
            ORDER BY e.seq DESC LIMIT 1""",
        (device_id,),
    ).fetchone()
    crossing = conn.execute(
        f"""SELECT e.* FROM events e WHERE e.device_id = ? AND e.kind IN ('entry', 'exit')
              AND {_NOT_UNDONE} ORDER BY e.seq DESC LIMIT 1""",
        (device_id,),
    ).fetchone()
    rows = [r for r in (admission, crossing) if r is not None]
    return from_row(max(rows, key=lambda r: r["seq"])) if rows else None


def door(conn: sqlite3.Connection, code: str, station: str) -> Door:
    row = conn.execute(
        f"""SELECT kind, wall_time, device_id FROM events e
            WHERE code = ? AND station = ? AND kind IN ({_MOVEMENT_KINDS_SQL}) AND {_NOT_UNDONE}
            ORDER BY hlc DESC LIMIT 1""",
        (code, station),
    ).fetchone()
    if row is None:
        return NOWHERE
    return Door(row["kind"] != EventKind.EXIT, row["kind"], row["wall_time"], row["device_id"])


def scans_at(conn: sqlite3.Connection, code: str, station: str) -> tuple[list[str], list[str]]:
    """(entries, exits): the wall times of this person's admissions and crossings at this
    station not undone, what a station's rule counts (entries today, minutes since ...)."""
    rows = conn.execute(
        f"""SELECT kind, wall_time FROM events e
            WHERE code = ? AND station = ? AND {_NOT_UNDONE}
              AND kind IN ({_ADMISSION_KINDS_SQL}, {_MOVEMENT_KINDS_SQL})""",
        (code, station)).fetchall()
    return ([r["wall_time"] for r in rows if r["kind"] != EventKind.EXIT],
            [r["wall_time"] for r in rows if r["kind"] == EventKind.EXIT])


def admitted_count(conn: sqlite3.Connection, station: str) -> int:
    """How many people were admitted at this station (a list's capacity without exits)."""
    return conn.execute("SELECT count(*) FROM admissions WHERE station = ?",
                        (station,)).fetchone()[0]


def occupancy(conn: sqlite3.Connection, station: str) -> int:
    """How many people are inside a forum door now: those whose last crossing (by HLC, undone
    ones left out) was an entry. Without exit scans, everyone who entered."""
    return conn.execute(
        f"""SELECT count(*) FROM (
              SELECT code, kind, max(hlc) FROM events e
              WHERE station = ? AND kind IN ({_MOVEMENT_KINDS_SQL}) AND {_NOT_UNDONE}
              GROUP BY code COLLATE NOCASE)
            WHERE kind != 'exit'""",
        (station,),
    ).fetchone()[0]


def inside_by_station(conn: sqlite3.Connection) -> dict[str, int]:
    """Occupancy of every forum door at once (see occupancy): an entry counts when no later
    crossing of that person at that door stands."""
    return dict(conn.execute(
        f"""SELECT station, count(*) FROM events e
            WHERE (station LIKE 'forum:%' OR station LIKE 'list:%')
              AND kind IN ({_ENTRY_KINDS_SQL}) AND {_NOT_UNDONE}
              AND NOT EXISTS (
                SELECT 1 FROM events later WHERE later.station = e.station
                  AND later.code = e.code AND later.kind IN ({_MOVEMENT_KINDS_SQL})
                  AND later.hlc > e.hlc AND NOT EXISTS (
                    SELECT 1 FROM events u WHERE u.ref = later.uuid AND u.kind = 'undo'))
            GROUP BY station""").fetchall())


def crossings(conn: sqlite3.Connection, station: str | None = None) -> list[sqlite3.Row]:
    """Every door crossing not undone (code, station, kind, wall_time, hlc, device_id), in
    HLC order: what attendance minutes are worked out from."""
    where = "AND station = ?" if station else "AND station LIKE 'forum:%'"
    return conn.execute(
        f"""SELECT code, station, kind, wall_time, hlc, device_id, data FROM events e
            WHERE kind IN ({_MOVEMENT_KINDS_SQL}) {where} AND {_NOT_UNDONE} ORDER BY hlc""",
        (station,) if station else (),
    ).fetchall()


def last_seq(conn: sqlite3.Connection) -> int:
    """The number of the newest fact in the log (0 when it is empty)."""
    return conn.execute("SELECT max(seq) FROM events").fetchone()[0] or 0


def revokes_and_undos(conn: sqlite3.Connection, after: int, upto: int) -> list[tuple]:
    """[(uuid, kind, ref, ticket id)] of the revoke and undo facts with after < seq <= upto,
    in log order: what the revocation list is kept from without reading the whole log."""
    return conn.execute(
        "SELECT uuid, kind, ref, json_extract(data, '$.ticket_id') FROM events "
        "WHERE seq > ? AND seq <= ? AND kind IN ('revoke', 'undo') ORDER BY seq",
        (after, upto)).fetchall()


def walk_ins_by(conn: sqlite3.Connection, device_id: str) -> int:
    """How many walk-ins this desk has registered (its next walk-in code follows them)."""
    return conn.execute("SELECT count(*) FROM events WHERE kind = 'walk_in' AND device_id = ?",
                        (device_id,)).fetchone()[0]


def was_printed(conn: sqlite3.Connection, code: str, document: str) -> bool:
    """Has this document (badge, voucher) been printed for this code before?"""
    return conn.execute(
        "SELECT 1 FROM events WHERE code = ? AND kind = 'print' "
        "AND json_extract(data, '$.document') = ?", (code, document)).fetchone() is not None


def history(conn: sqlite3.Connection, code: str) -> list[LoggedEvent]:
    rows = conn.execute("SELECT * FROM events WHERE code = ? ORDER BY hlc", (code,))
    return [from_row(r) for r in rows]
