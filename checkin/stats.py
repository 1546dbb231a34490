"""Headcounts for organisers, derived from registrants and admissions."""

from __future__ import annotations

import json

from .model import ADMITTED_PAYMENTS, REGISTRATION, UNLISTED, MealSlot
from .policy import parse_station
from .store import Store


def _unlisted(conn) -> int:
    """Registration admissions whose code is not (yet) a registrant on this desk."""
    return conn.execute(
        "SELECT count(*) FROM admissions a WHERE a.station = ? AND NOT EXISTS "
        "(SELECT 1 FROM registrants r WHERE r.code = a.code)", (REGISTRATION,)).fetchone()[0]


def headcounts(store: Store) -> dict:
    conn = store.reader()
    config = store.config
    by_category = []
    rows = conn.execute(
        """SELECT coalesce(r.category, '') AS category, count(*) AS expected,
                  count(a.code) AS arrived
           FROM registrants r
           LEFT JOIN admissions a ON a.code = r.code AND a.station = ?
           WHERE r.missing = 0 GROUP BY 1 ORDER BY expected DESC""", (REGISTRATION,)
    ).fetchall()
    for r in rows:
        by_category.append({"category": r["category"] or "—", "expected": r["expected"],
                            "arrived": r["arrived"]})
    # Admitted on a signed ticket before this desk's list had them (registered online after
    # the last sync): they arrived, so they count, in a row of their own until the list
    # brings them under their category.
    unlisted = _unlisted(conn)
    if unlisted:
        by_category.append({"category": UNLISTED, "expected": 0, "arrived": unlisted})
    by_day = [
        {"day": r[0], "arrived": r[1]}
        for r in conn.execute(
            "SELECT substr(wall_time, 1, 10), count(*) FROM admissions WHERE station = ? "
            "GROUP BY 1 ORDER BY 1", (REGISTRATION,))
    ]
    # Entitled: the meals the export lists, plus those the event gives a whole category.
    category_meals = {c.name: set(c.meals) for c in config.categories if c.meals}
    entitled = {m.id: 0 for m in config.meals}
    for meals, category, payment in conn.execute(
            "SELECT meals, category, payment FROM registrants WHERE missing = 0"):
        if payment is not None and payment not in ADMITTED_PAYMENTS:
            continue  # the desk would refuse them: not a meal the caterer should plan
        for slot in set(json.loads(meals)) | category_meals.get(category, set()):
            entitled[slot] = entitled.get(slot, 0) + 1
    redeemed = _count_by_station(conn, "meal")
    meals = [{"slot": m.id, "name": m.name, "date": m.date, "entitled": entitled.get(m.id, 0),
              "redeemed": redeemed.get(m.id, 0)} for m in config.meals]
    entered = _count_by_station(conn, "forum")
    signed_up: dict[str, int] = {}
    for (forums,) in conn.execute("SELECT forums FROM registrants WHERE missing = 0 AND forums != '[]'"):
        for f in json.loads(forums):
            signed_up[f] = signed_up.get(f, 0) + 1
    forums = [{"forum": f.id, "name": f.name, "room": f.room, "capacity": f.capacity,
               "signed_up": signed_up.get(f.id, 0), "entered": entered.get(f.id, 0)}
              for f in config.forums]
    return {
        "event": config.name,
        "expected": sum(c["expected"] for c in by_category),
        "arrived": sum(c["arrived"] for c in by_category),
        "unlisted": unlisted,
        "by_category": by_category,
        "by_day": by_day,
        "meals": meals,
        "forums": forums,
        "unsent_events": conn.execute("SELECT count(*) FROM outbox").fetchone()[0],
    }


def _count_by_station(conn, kind: str) -> dict[str, int]:
    """Admissions per meal slot or forum id ('meal:day1-lunch' -> {'day1-lunch': n})."""
    prefix = f"{kind}:"
    rows = conn.execute(
        "SELECT substr(station, ?), count(*) FROM admissions WHERE station LIKE ? GROUP BY 1",
        (len(prefix) + 1, prefix + "%"))
    return dict(rows.fetchall())


def arrivals_per_quarter_hour(store: Store, day: str | None = None) -> list[tuple[str, int]]:
    """[('08:00', 37), ('08:15', 112), ...] for one day (default: the latest with arrivals)."""
    conn = store.reader()
    if day is None:
        row = conn.execute("SELECT max(substr(wall_time, 1, 10)) FROM admissions WHERE station = ?",
                           (REGISTRATION,)).fetchone()
        day = row[0]
    if not day:
        return []
    rows = conn.execute(
        "SELECT substr(wall_time, 12, 2) AS hour, CAST(substr(wall_time, 15, 2) AS INTEGER) / 15 "
        "AS quarter, count(*) FROM admissions WHERE station = ? AND wall_time LIKE ? "
        "GROUP BY 1, 2 ORDER BY 1, 2", (REGISTRATION, f"{day}%"))
    counts = {int(hour) * 4 + quarter: count for hour, quarter, count in rows}
    if not counts:
        return []
    # Every quarter from the first arrival to the last, empty ones too: a chart's time axis.
    return [(f"{q // 4:02d}:{q % 4 * 15:02d}", counts.get(q, 0))
            for q in range(min(counts), max(counts) + 1)]


def station_summary(store: Store, station: str) -> dict:
    """The status bar's count for the station this desk serves: arrived of expected at
    registration; served of entitled at a meal slot; entered of the seats (or of those signed
    up) at a forum door. {"kind", "done", "of"}; `of` None when there is nothing to count it
    against."""
    where = parse_station(station, store.config)
    conn = store.reader()
    done = conn.execute("SELECT count(*) FROM admissions WHERE station = ?",
                        (where.key,)).fetchone()[0]
    if where.meal:
        return {"kind": "meal", "done": done, "of": _entitled(store, where.meal)}
    if where.forum:
        forum = where.forum
        of = forum.capacity if forum.capacity is not None else (
            _signed_up(store, forum.id) if forum.signup_required else None)
        return {"kind": "forum", "done": done, "of": of}
    summary = arrival_summary(store)
    return {"kind": "registration", "done": summary["arrived"], "of": summary["expected"]}


_ENTITLED: dict[tuple, int] = {}  # (database, generation, slot) -> count: the list changes rarely


def _entitled(store: Store, slot: MealSlot) -> int:
    """How many may eat at this slot: the meals the export lists (by id or name, as the
    desk decides) plus those the event gives a whole category, paid or free."""
    key = (store.path, store.registrant_generation(), slot.id)
    if key not in _ENTITLED:
        categories = [c.name for c in store.config.categories if slot.id in c.meals]
        marks = ",".join("?" * len(categories)) or "NULL"
        _ENTITLED.clear()
        _ENTITLED[key] = store.reader().execute(
            f"""SELECT count(*) FROM registrants r WHERE missing = 0
                AND (payment IS NULL OR payment IN ({",".join("?" * len(ADMITTED_PAYMENTS))}))
                AND (category IN ({marks})
                     OR EXISTS (SELECT 1 FROM json_each(r.meals) WHERE value IN (?, ?)))""",
            (*ADMITTED_PAYMENTS, *categories, slot.id, slot.name)).fetchone()[0]
    return _ENTITLED[key]


def _signed_up(store: Store, forum: str) -> int:
    return store.reader().execute(
        "SELECT count(*) FROM registrants r WHERE missing = 0 "
        "AND EXISTS (SELECT 1 FROM json_each(r.forums) WHERE value = ?)", (forum,)).fetchone()[0]


def arrival_summary(store: Store) -> dict[str, int]:
    """The status bar's three numbers, without the per-category and per-meal work."""
    conn = store.reader()
    return {
        "expected": conn.execute("SELECT count(*) FROM registrants WHERE missing = 0").fetchone()[0],
        "arrived": conn.execute("SELECT count(*) FROM admissions WHERE station = ?",
                                (REGISTRATION,)).fetchone()[0],
        "unsent_events": conn.execute("SELECT count(*) FROM outbox").fetchone()[0],
    }
