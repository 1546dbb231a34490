"""Headcounts of one desk's database for organisers and the status bar (the figures are
assembled as the central list's are, by checkin/headcount.py; the queries are in
checkin/store/counts.py)."""

from __future__ import annotations

from .headcount import figures
from .model import REGISTRATION, MealSlot
from .policy import parse_station
from .store import Store, counts, eventlog


def headcounts(store: Store) -> dict:
    conn = store.reader()
    return {"event": store.config.name, **figures(store.config, counts.headcount_rows(conn)),
            "unsent_events": counts.unsent_events(conn)}


def arrivals_per_quarter_hour(store: Store, day: str | None = None) -> list[tuple[str, int]]:
    """[('08:00', 37), ('08:15', 112), ...] for one day (default: the latest with arrivals)."""
    conn = store.reader()
    day = day or counts.latest_arrival_day(conn)
    quarters = counts.arrivals_by_quarter(conn, day) if day else {}
    if not quarters:
        return []
    # Every quarter from the first arrival to the last, empty ones too: a chart's time axis.
    return [(f"{q // 4:02d}:{q % 4 * 15:02d}", quarters.get(q, 0))
            for q in range(min(quarters), max(quarters) + 1)]


def station_summary(store: Store, station: str) -> dict:
    """The status bar's count for the station this desk serves: arrived of expected at
    registration; served of entitled at a meal slot; entered of the seats (or of those signed
    up) at a forum door. {"kind", "done", "of"}; `of` None when there is nothing to count it
    against."""
    where = parse_station(station, store.config)
    done = counts.admitted_at(store.reader(), where.key)
    if where.meal:
        return {"kind": "meal", "done": done, "of": _entitled(store, where.meal)}
    if where.forum:
        forum = where.forum
        of = forum.capacity if forum.capacity is not None else (
            counts.signed_up_for(store.reader(), forum.id) if forum.signup_required else None)
        return {"kind": "forum", "done": done, "of": of,
                "inside": eventlog.occupancy(store.reader(), where.key)}
    if where.checkin_list:  # counted as a forum door is (its inside: only with exits)
        listed = where.checkin_list
        return {"kind": "forum", "done": done, "of": listed.capacity,
                "inside": eventlog.occupancy(store.reader(), where.key) if listed.exits
                else done}
    summary = arrival_summary(store)
    return {"kind": "registration", "done": summary["arrived"], "of": summary["expected"]}


_ENTITLED: dict[tuple, int] = {}  # (database, generation, slot) -> count: the list changes rarely


def _entitled(store: Store, slot: MealSlot) -> int:
    key = (store.path, store.registrant_generation(), slot.id)
    if key not in _ENTITLED:
        categories = [c.name for c in store.config.categories if slot.id in c.meals]
        _ENTITLED.clear()
        _ENTITLED[key] = counts.entitled_to_meal(store.reader(), slot.id, slot.name, categories)
    return _ENTITLED[key]


def arrival_summary(store: Store) -> dict[str, int]:
    """The status bar's three numbers, without the per-category and per-meal work."""
    conn = store.reader()
    return {"expected": counts.expected(conn),
            "arrived": counts.admitted_at(conn, REGISTRATION),
            "unsent_events": counts.unsent_events(conn)}
