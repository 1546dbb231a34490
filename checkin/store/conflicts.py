"""What a desk's database knows of conflicts: the server's answers to its uploads (table
`sync_conflicts`: stale edits, taken codes, refused events) and the queries that find double
admissions in the event log. checkin/sync/conflicts.py turns them into the list a person
reads."""

from __future__ import annotations

import sqlite3

from ..jsonutil import dumps
from ..model import ADMISSION_KINDS

_ADMISSIONS = ",".join(f"'{k}'" for k in ADMISSION_KINDS)
_IN_FORCE = "NOT EXISTS (SELECT 1 FROM events u WHERE u.ref = e.uuid AND u.kind = 'undo')"


# -- the server's answers (sync_conflicts) ------------------------------------------------
def record_answer(conn: sqlite3.Connection, event_uuid: str, kind: str, code: str | None,
                  station: str | None, detail: dict, at: str) -> None:
    """A conflict the server answered to an upload; a later answer for the same event
    replaces its type and detail (it keeps the first time it was reported)."""
    conn.execute(
        "INSERT INTO sync_conflicts (event_uuid, type, code, station, detail, reported_at) "
        "VALUES (?,?,?,?,?,?) ON CONFLICT(event_uuid) DO UPDATE SET "
        "type = excluded.type, detail = excluded.detail",
        (event_uuid, kind, code, station, dumps(detail), at))


def record_rejected(conn: sqlite3.Connection, event_uuid: str, code: str | None,
                    station: str | None, detail: dict, at: str) -> None:
    """An event the server refused on its own: listed as `rejected` until it is retried."""
    conn.execute(
        "INSERT OR REPLACE INTO sync_conflicts (event_uuid, type, code, station, detail, "
        "reported_at) VALUES (?,?,?,?,?,?)",
        (event_uuid, "rejected", code, station, dumps(detail), at))


def forget(conn: sqlite3.Connection, event_uuid: str) -> None:
    """No longer listed (a refused event that goes up again)."""
    conn.execute("DELETE FROM sync_conflicts WHERE event_uuid = ?", (event_uuid,))


def rejected(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """[(uuid, log number)] of the events the server refused, in log order."""
    return [tuple(r) for r in conn.execute(
        "SELECT c.event_uuid, e.seq FROM sync_conflicts c JOIN events e "
        "ON e.uuid = c.event_uuid WHERE c.type = 'rejected' ORDER BY e.seq")]


def rejected_clock_ahead(conn: sqlite3.Connection) -> list[tuple[str, int, str]]:
    """[(uuid, log number, hlc)] of the events refused as stamped ahead of the service's
    clock (`clock_ahead`), in log order."""
    return [tuple(r) for r in conn.execute(
        "SELECT c.event_uuid, e.seq, e.hlc FROM sync_conflicts c JOIN events e "
        "ON e.uuid = c.event_uuid WHERE c.type = 'rejected' "
        "AND json_extract(c.detail, '$.error') = 'clock_ahead' ORDER BY e.seq")]


def answers(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """The server's answers other than double admissions (those are found in the log, which
    also knows when an undo made them moot), oldest first, each with the registrant's name
    (`name`, None when unknown here)."""
    return conn.execute(
        "SELECT c.*, r.name FROM sync_conflicts c LEFT JOIN registrants r ON r.code = c.code "
        "WHERE c.type != 'double_admission' ORDER BY c.reported_at, c.event_uuid").fetchall()


# -- double admissions and resolutions (the event log) ------------------------------------
def resolutions(conn: sqlite3.Connection) -> list[tuple[str, str | None, str]]:
    """[(hlc, ref, data as JSON text)] of every `resolve` event."""
    return [tuple(r) for r in conn.execute(
        "SELECT hlc, ref, data FROM events WHERE kind = 'resolve'")]


def doubly_admitted(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(code, station) pairs with admissions in force (not undone) from more than one
    device, sorted."""
    return [tuple(r) for r in conn.execute(
        f"""SELECT code, station FROM events e
            WHERE kind IN ({_ADMISSIONS}) AND {_IN_FORCE}
            GROUP BY code, station HAVING count(DISTINCT device_id) > 1
            ORDER BY code, station""")]


def admissions_in_force(conn: sqlite3.Connection, code: str, station: str) -> list[sqlite3.Row]:
    """The event rows of the admissions in force for (code, station), earliest stamp first."""
    return conn.execute(
        f"""SELECT * FROM events e WHERE code = ? AND station = ? AND kind IN ({_ADMISSIONS})
              AND {_IN_FORCE}
            ORDER BY hlc""", (code, station)).fetchall()


def registrant_name(conn: sqlite3.Connection, code: str) -> str | None:
    """The name a conflict about `code` shows (None when the code is not known here)."""
    row = conn.execute("SELECT name FROM registrants WHERE code = ?", (code,)).fetchone()
    return row[0] if row else None
