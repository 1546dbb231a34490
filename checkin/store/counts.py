"""The counting queries of a desk's database: the rows of the organisers' headcounts
(checkin/headcount.py assembles them), arrivals per quarter hour, and the status bar's
numbers for the station a desk serves."""

from __future__ import annotations

import sqlite3

from ..headcount import HeadcountRows
from ..model import ADMITTED_PAYMENTS, REGISTRATION
from . import eventlog


def headcount_rows(conn: sqlite3.Connection) -> HeadcountRows:
    categories = [tuple(r) for r in conn.execute(
        """SELECT r.category, count(*), count(a.code) FROM registrants r
           LEFT JOIN admissions a ON a.code = r.code AND a.station = ?
           WHERE r.missing = 0 GROUP BY coalesce(r.category, '')""", (REGISTRATION,))]
    unlisted = conn.execute(
        "SELECT count(*) FROM admissions a WHERE a.station = ? AND NOT EXISTS "
        "(SELECT 1 FROM registrants r WHERE r.code = a.code)", (REGISTRATION,)).fetchone()[0]
    by_day = conn.execute(
        "SELECT substr(wall_time, 1, 10), count(*) FROM admissions WHERE station = ? "
        "GROUP BY 1", (REGISTRATION,)).fetchall()
    registrants = conn.execute(
        "SELECT meals, forums, category, payment FROM registrants WHERE missing = 0").fetchall()
    by_station = dict(conn.execute(
        "SELECT station, count(*) FROM admissions GROUP BY station").fetchall())
    return HeadcountRows(categories, unlisted, [tuple(r) for r in by_day],
                         [tuple(r) for r in registrants], by_station,
                         eventlog.inside_by_station(conn))


def unsent_events(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM outbox").fetchone()[0]


def expected(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM registrants WHERE missing = 0").fetchone()[0]


def admitted_at(conn: sqlite3.Connection, station: str) -> int:
    return conn.execute("SELECT count(*) FROM admissions WHERE station = ?",
                        (station,)).fetchone()[0]


def latest_arrival_day(conn: sqlite3.Connection) -> str | None:
    return conn.execute("SELECT max(substr(wall_time, 1, 10)) FROM admissions "
                        "WHERE station = ?", (REGISTRATION,)).fetchone()[0]


def arrivals_by_quarter(conn: sqlite3.Connection, day: str) -> dict[int, int]:
    """{quarter of the day (0-95): registration admissions} of one day."""
    rows = conn.execute(
        "SELECT substr(wall_time, 12, 2) AS hour, CAST(substr(wall_time, 15, 2) AS INTEGER) / 15 "
        "AS quarter, count(*) FROM admissions WHERE station = ? AND wall_time LIKE ? "
        "GROUP BY 1, 2", (REGISTRATION, f"{day}%"))
    return {int(hour) * 4 + quarter: count for hour, quarter, count in rows}


def entitled_to_meal(conn: sqlite3.Connection, slot_id: str, slot_name: str,
                     categories: list[str]) -> int:
    """Who may eat at a slot: the meals the export lists (by id or name, as the desk
    decides) plus whole `categories`, paid or free."""
    marks = ",".join("?" * len(categories)) or "NULL"
    return conn.execute(
        f"""SELECT count(*) FROM registrants r WHERE missing = 0
            AND (payment IS NULL OR payment IN ({",".join("?" * len(ADMITTED_PAYMENTS))}))
            AND (category IN ({marks})
                 OR EXISTS (SELECT 1 FROM json_each(r.meals) WHERE value IN (?, ?)))""",
        (*ADMITTED_PAYMENTS, *categories, slot_id, slot_name)).fetchone()[0]


def signed_up_for(conn: sqlite3.Connection, forum: str) -> int:
    return conn.execute(
        "SELECT count(*) FROM registrants r WHERE missing = 0 "
        "AND EXISTS (SELECT 1 FROM json_each(r.forums) WHERE value = ?)", (forum,)).fetchone()[0]
