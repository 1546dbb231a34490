"""What the central list gives a desk, as stored there: its registrants (applied over the
master data, with this desk's unsent edits kept on top), the names of the other desks, and
the cursors that say how far each feed was read (meta `sync.*_cursor`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from operator import attrgetter

from ..model import REGISTRANT_FIELDS, Registrant
from . import outbox
from . import registrants as reg_store

# The central version is kept as is (a desk's own upsert bumps it) and also as server_version.
_CENTRAL_COLUMNS = (*reg_store.WRITTEN_COLUMNS, "server_version")
_APPLY = (
    f"INSERT INTO registrants ({', '.join(_CENTRAL_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_CENTRAL_COLUMNS))}) ON CONFLICT(code) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _CENTRAL_COLUMNS)
)


# -- registrants ------------------------------------------------------------------------
def apply_registrants(conn: sqlite3.Connection, regs: list[Registrant], at: str) -> None:
    """Central data replaces the master fields (versions included); edits this desk made and
    has not sent yet stay on top until the server has them (they travel as edit events)."""
    conn.executemany(_APPLY, reg_store.written_rows(regs, at, map(attrgetter("version"), regs)))
    _overlay_pending_edits(conn, [r.code for r in regs])


def _overlay_pending_edits(conn: sqlite3.Connection, codes: list[str]) -> None:
    if not codes:
        return
    wanted = {c.upper() for c in codes}
    for code, changes in outbox.pending_edits(conn):
        if not code or code.upper() not in wanted:
            continue
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


# -- the desks' names -------------------------------------------------------------------
def named_desks(conn: sqlite3.Connection, device_ids: set[str]) -> set[str]:
    """Those of `device_ids` this desk already has a name for."""
    if not device_ids:
        return set()
    return {r[0] for r in conn.execute(
        f"SELECT device_id FROM devices WHERE device_id IN ({','.join('?' * len(device_ids))}) "
        "AND name <> ''", tuple(device_ids))}


def remember_desk_names(conn: sqlite3.Connection, names: dict[str, str], at: str) -> None:
    """{device_id: name} ("报到处2"), shown where a desk is named; a new name replaces one."""
    conn.executemany(
        "INSERT INTO devices (device_id, name, updated_at) VALUES (?,?,?) "
        "ON CONFLICT(device_id) DO UPDATE SET name = excluded.name, "
        "updated_at = excluded.updated_at",
        [(d, n, at) for d, n in names.items()])


# -- cursors and marks (meta) -------------------------------------------------------------
def cursor(conn: sqlite3.Connection, key: str) -> int:
    """The last feed number applied from the feed whose cursor is meta `key` (0: none)."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row and row[0] else 0


def forget_marks(conn: sqlite3.Connection, keys: Iterable[str]) -> None:
    """Meta keys removed: enrolling again clears what a wipe left (`privacy.wiped`)."""
    conn.executemany("DELETE FROM meta WHERE key = ?", [(k,) for k in keys])
