"""The organisers' figures from the rows a database holds, one way for both sides: a desk's
SQLite (checkin/stats.py, its queries in checkin/store/counts.py) and the central list
(checkin/server/stats.py) each query the same HeadcountRows; `figures` turns them into
arrived vs expected by category and day, meals entitled vs redeemed, forums signed up vs
entered. Plain Python: no database, no Qt."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from .model import ADMITTED_PAYMENTS, EventConfig, unlisted


@dataclass
class HeadcountRows:
    # (category, expected, arrived at registration) of the registrants still on the list
    categories: list[tuple[str | None, int, int]]
    unlisted: int  # registration admissions of codes not (yet) on the list
    by_day: list[tuple[str, int]]  # (YYYY-MM-DD, registration admissions)
    # (meals JSON, forums JSON, category, payment) of each registrant still on the list
    registrants: Iterable[tuple[str, str, str | None, str | None]]
    by_station: dict[str, int]  # admissions per station key ("meal:day1-lunch": 412)
    # people inside each forum door now (entered, not left since); absent: nobody
    inside: dict[str, int] = field(default_factory=dict)


def figures(config: EventConfig, rows: HeadcountRows) -> dict:
    by_category = [{"category": category or "—", "expected": expected, "arrived": arrived}
                   for category, expected, arrived in sorted(
                       rows.categories, key=lambda r: (-r[1], r[0] or ""))]
    # Admitted on a signed ticket before the list had them (registered online after the last
    # sync): they arrived, so they count, in a row of their own until the list brings them.
    if rows.unlisted:
        by_category.append({"category": unlisted(), "expected": 0, "arrived": rows.unlisted})
    # Entitled: the meals the export lists, plus those the event gives a whole category.
    category_meals = {c.name: set(c.meals) for c in config.categories if c.meals}
    entitled = {m.id: 0 for m in config.meals}
    signed_up: dict[str, int] = {}
    for meals, forums, category, payment in rows.registrants:
        for forum in json.loads(forums):
            signed_up[forum] = signed_up.get(forum, 0) + 1
        if payment is not None and payment not in ADMITTED_PAYMENTS:
            continue  # the desk would refuse them: not a meal the caterer should plan
        for slot in set(json.loads(meals)) | category_meals.get(category, set()):
            entitled[slot] = entitled.get(slot, 0) + 1
    return {
        "expected": sum(c["expected"] for c in by_category),
        "arrived": sum(c["arrived"] for c in by_category),
        "unlisted": rows.unlisted,
        "by_category": by_category,
        "by_day": [{"day": day, "arrived": n} for day, n in sorted(rows.by_day)],
        "meals": [{"slot": m.id, "name": m.name, "date": m.date,
                   "entitled": entitled.get(m.id, 0),
                   "redeemed": rows.by_station.get(f"meal:{m.id}", 0)} for m in config.meals],
        "forums": [{"forum": f.id, "name": f.name, "room": f.room, "capacity": f.capacity,
                    "signed_up": signed_up.get(f.id, 0),
                    "entered": rows.by_station.get(f"forum:{f.id}", 0),
                    "inside": rows.inside.get(f"forum:{f.id}", 0)} for f in config.forums],
        # Custom check-in lists (欢迎礼包, 展厅): passed, and inside for those with exits.
        "lists": [{"list": x.id, "name": x.name, "capacity": x.capacity,
                   "entered": rows.by_station.get(f"list:{x.id}", 0),
                   "inside": rows.inside.get(f"list:{x.id}", 0)} for x in config.lists],
    }
