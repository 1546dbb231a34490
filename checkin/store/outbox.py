"""The two outboxes of a desk: its events (`outbox`) and its audit entries (`audit_outbox`)
waiting for the central list to answer for them. An entry leaves its outbox when the service
has answered; the event or audit entry itself stays in the desk's log either way."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from ..model import LoggedEvent
from . import eventlog


def pending(conn: sqlite3.Connection, limit: int, after: int = 0) -> list[tuple[int, LoggedEvent]]:
    """Up to `limit` waiting events after outbox number `after`, oldest first, with their
    numbers (a round walks the outbox by number, past what the server refused)."""
    rows = conn.execute(
        "SELECT e.* FROM outbox o JOIN events e ON e.seq = o.seq WHERE o.seq > ? "
        "ORDER BY o.seq LIMIT ?", (after, limit)).fetchall()
    return [(r["seq"], eventlog.from_row(r)) for r in rows]


def size(conn: sqlite3.Connection) -> int:
    """Events not yet answered for by the server (the status's `pending`)."""
    return conn.execute("SELECT count(*) FROM outbox").fetchone()[0]


def remove(conn: sqlite3.Connection, seq: int) -> None:
    """The server answered for this event (or it was set aside): out of the outbox."""
    conn.execute("DELETE FROM outbox WHERE seq = ?", (seq,))


def put_back(conn: sqlite3.Connection, seq: int) -> None:
    """An event of the log goes up again (a refused one retried); twice is once."""
    conn.execute("INSERT OR IGNORE INTO outbox (seq) VALUES (?)", (seq,))


def unsent_personal_data(conn: sqlite3.Connection) -> int:
    """Walk-ins and edits not yet sent: a purge now would lose them for the central list."""
    return conn.execute(
        "SELECT count(*) FROM outbox o JOIN events e ON e.seq = o.seq "
        "WHERE e.kind IN ('walk_in', 'edit')").fetchone()[0]


def pending_edits(conn: sqlite3.Connection) -> list[tuple[str | None, dict]]:
    """[(code, changes)] of the edits not yet sent, oldest first: they stay on top of the
    central data until the server has them."""
    rows = conn.execute(
        "SELECT e.code, e.data FROM outbox o JOIN events e ON e.seq = o.seq "
        "WHERE e.kind = 'edit' ORDER BY o.seq").fetchall()
    return [(code, json.loads(data).get("changes") or {}) for code, data in rows]


def pending_audit_entries(conn: sqlite3.Connection, limit: int) -> list[sqlite3.Row]:
    """Up to `limit` audit entries (rows of `audit`) not yet sent, oldest first."""
    return conn.execute(
        "SELECT a.* FROM audit_outbox o JOIN audit a ON a.seq = o.seq ORDER BY o.seq LIMIT ?",
        (limit,)).fetchall()


def remove_audit_entries(conn: sqlite3.Connection, seqs: Iterable[int]) -> None:
    """The service answered for these audit entries: out of their outbox."""
    conn.executemany("DELETE FROM audit_outbox WHERE seq = ?", [(s,) for s in seqs])
