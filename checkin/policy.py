"""The decision for one scan at one station. Pure: no database, no clock of its own.

Order matters and is what a desk expects: unknown before anything else, then "already"
(the most useful answer for someone who was let in), then payment, day, entitlement,
capacity.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import (
    ADMITTED_PAYMENTS,
    REFUNDED,
    REGISTRATION,
    UNPAID,
    Decision,
    EventConfig,
    Forum,
    MealSlot,
    Outcome,
    Registrant,
)


class StationError(ValueError):
    pass


@dataclass(frozen=True)
class Station:
    kind: str  # registration | meal | forum
    key: str  # the canonical station string stored on events
    label: str  # what a person reads
    meal: MealSlot | None = None
    forum: Forum | None = None


def parse_station(text: str, config: EventConfig) -> Station:
    """'registration', 'meal:<slot id or name>', 'forum:<id or name>'."""
    text = (text or "").strip()
    if text in (REGISTRATION, "reg", "报到", "签到"):
        return Station(REGISTRATION, REGISTRATION, "报到 registration")
    kind, _, key = text.partition(":")
    if kind == "meal":
        slot = config.meal(key)
        if slot is None:
            known = ", ".join(m.id if m.id == m.name else f"{m.id} ({m.name})" for m in config.meals)
            raise StationError(f"no meal slot {key!r}; the event has: {known or 'none'}")
        return Station("meal", f"meal:{slot.id}", slot.name, meal=slot)
    if kind == "forum":
        forum = config.forum(key)
        if forum is None:
            known = ", ".join(f.id if f.id == f.name else f"{f.id} ({f.name})" for f in config.forums)
            raise StationError(f"no forum {key!r}; the event has: {known or 'none'}")
        return Station("forum", f"forum:{forum.id}", forum.name, forum=forum)
    raise StationError(f"unknown station {text!r}: use registration, meal:<slot> or forum:<id>")


def _refuse(station: Station, reg: Registrant, reason_code: str) -> Decision:
    return Decision(Outcome.NOT_ELIGIBLE, station.key, code=reg.code, name=reg.name,
                    category=reg.category, reason_code=reason_code, registrant=reg)


def decide(station: Station, reg: Registrant | None, code: str, config: EventConfig, *,
           today: str, first_admission=None, station_count: int = 0) -> Decision:
    """`first_admission`: the admissions row for (code, station) if any; `station_count`:
    people admitted at this station so far (for forum capacity)."""
    if reg is None:
        return Decision(Outcome.NOT_FOUND, station.key, code=code, reason_code="not_found")
    if reg.missing:
        return _refuse(station, reg, "removed")
    if first_admission is not None:
        return Decision(Outcome.ALREADY, station.key, code=reg.code, name=reg.name,
                        category=reg.category, reason_code="already", registrant=reg,
                        first_time=first_admission["wall_time"],
                        first_device=first_admission["device_id"])
    if reg.payment is not None and reg.payment not in ADMITTED_PAYMENTS:
        reason = {UNPAID: "unpaid", REFUNDED: "refunded"}.get(reg.payment, "payment_unknown")
        return _refuse(station, reg, reason)
    category = config.category(reg.category)
    days: tuple[str, ...] = ()
    if station.kind == REGISTRATION:
        days = category.days if category and category.days else config.checkin_days
    elif station.meal and station.meal.date:
        days = (station.meal.date,)
    elif station.forum and station.forum.date:
        days = (station.forum.date,)
    if days and today not in days:
        return _refuse(station, reg, "wrong_day")
    if station.meal:
        entitled = set(reg.meals) | set(category.meals if category else ())
        if station.meal.id not in entitled and station.meal.name not in entitled:
            return _refuse(station, reg, "meal_not_entitled")
    if station.forum:
        forum = station.forum
        chose = forum.id in reg.forums or forum.name in reg.forums
        if forum.admission == "registered" and not chose and not (category and category.all_forums):
            return _refuse(station, reg, "forum_not_entitled")
        if forum.capacity is not None and station_count >= forum.capacity:
            return _refuse(station, reg, "forum_full")
    return Decision(Outcome.OK, station.key, code=reg.code, name=reg.name, category=reg.category,
                    reason_code="welcome" if station.kind == REGISTRATION else "admitted",
                    registrant=reg)
