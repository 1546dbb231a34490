"""Headcounts for organisers, derived from registrants and admissions."""

from __future__ import annotations

import json

from .model import ADMITTED_PAYMENTS, REGISTRATION
from .store import Store


def headcounts(store: Store) -> dict:
    conn = store.reader()
    config = store.config
    by_category = []
    rows = conn.execute(
        """SELECT coalesce(r.category, '') AS category, count(*) AS expected,
                  count(a.code) AS arrived
           FROM registrants r
           LEFT JOIN admissions a ON a.code = r.code AND a.station = 'registration'
           WHERE r.missing = 0 GROUP BY 1 ORDER BY expected DESC"""
    ).fetchall()
    for r in rows:
        by_category.append({"category": r["category"] or "—", "expected": r["expected"],
                            "arrived": r["arrived"]})
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
        slots = set(json.loads(meals))
        if payment is None or payment in ADMITTED_PAYMENTS:
            slots |= category_meals.get(category, set())
        for slot in slots:
            entitled[slot] = entitled.get(slot, 0) + 1
    redeemed = dict(conn.execute(
        "SELECT substr(station, 6), count(*) FROM admissions WHERE station LIKE 'meal:%' GROUP BY 1"
    ).fetchall())
    meals = [{"slot": m.id, "name": m.name, "date": m.date, "entitled": entitled.get(m.id, 0),
              "redeemed": redeemed.get(m.id, 0)} for m in config.meals]
    entered = dict(conn.execute(
        "SELECT substr(station, 7), count(*) FROM admissions WHERE station LIKE 'forum:%' GROUP BY 1"
    ).fetchall())
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
        "by_category": by_category,
        "by_day": by_day,
        "meals": meals,
        "forums": forums,
        "unsent_events": conn.execute("SELECT count(*) FROM outbox").fetchone()[0],
    }
