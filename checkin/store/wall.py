"""What a desk's own welcome wall reads (checkin/ui/wall_window.py): the latest arrivals at
registration, this desk's and those its syncs brought, and the total. Who asked not to be on
the wall (wall_hidden) is left out here, in SQL; they are counted all the same."""

from __future__ import annotations

import sqlite3

from ..model import REGISTRATION


def latest_arrivals(conn: sqlite3.Connection, limit: int) -> list[tuple[str, str, str | None]]:
    """(admission uuid, name, organisation) of the newest arrivals, newest first."""
    return [tuple(r) for r in conn.execute(
        """SELECT a.event_uuid, r.name, r.organisation FROM admissions a
           JOIN registrants r ON r.code = a.code
           WHERE a.station = ? AND r.missing = 0 AND r.wall_hidden = 0
           ORDER BY a.wall_time DESC, a.hlc DESC LIMIT ?""", (REGISTRATION, limit))]


def arrived(conn: sqlite3.Connection) -> int:
    """Arrived at registration, counted as the headcounts count (the listed, and those not
    on the list yet)."""
    return conn.execute(
        """SELECT count(*) FROM admissions a LEFT JOIN registrants r ON r.code = a.code
           WHERE a.station = ? AND (r.code IS NULL OR r.missing = 0)""",
        (REGISTRATION,)).fetchone()[0]
