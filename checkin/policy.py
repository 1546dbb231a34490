"""The decision for one scan at one station. Pure: no database, no clock of its own.

Order matters and is what a desk expects: unknown before anything else, then "already"
(the most useful answer for someone who was let in), then payment, day, entitlement,
capacity.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .i18n import _
from .model import (
    ADMITTED_PAYMENTS,
    REFUNDED,
    REGISTRATION,
    UNPAID,
    Category,
    Decision,
    Door,
    EventConfig,
    EventKind,
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
    if text in (REGISTRATION, "reg", "报到", "签到"):  # what staff type, in either language
        return Station(REGISTRATION, REGISTRATION, _("Registration"))
    kind, _sep, key = text.partition(":")
    lookups = {"meal": (config.meal, config.meals), "forum": (config.forum, config.forums)}
    if kind not in lookups:
        raise StationError(_("unknown station {0}: use {1}").format(
            repr(text), "registration, meal:<slot>, forum:<id>"))
    find, known = lookups[kind]
    found = find(key)
    if found is None:
        names = ", ".join(x.id if x.id == x.name else f"{x.id} ({x.name})" for x in known)
        missing = (_("no meal slot {key}; the event has: {names}") if kind == "meal"
                   else _("no forum {key}; the event has: {names}"))
        raise StationError(missing.format(key=repr(key), names=names or _("none")))
    return Station(kind, f"{kind}:{found.id}", found.name, **{kind: found})


def allowed_days(station: Station, category: Category | None, config: EventConfig) -> tuple[str, ...]:
    """The days (ISO dates) this station admits this category; empty means any day."""
    if station.meal:
        return (station.meal.date,) if station.meal.date else ()
    if station.forum:
        return (station.forum.date,) if station.forum.date else ()
    return category.days if category and category.days else config.checkin_days


def opening_hours(station: Station, config: EventConfig) -> tuple[str, str] | None:
    """("11:15", "13:45"): when a meal slot or forum with start and end admits, its window
    widened by its tolerance (the event's by default); None when it has no window."""
    slot = station.meal or station.forum
    if slot is None or not (slot.start and slot.end):
        return None
    tolerance = (config.window_tolerance_minutes if slot.tolerance_minutes is None
                 else slot.tolerance_minutes)
    return _shift(slot.start, -tolerance), _shift(slot.end, tolerance)


def _shift(clock: str, minutes: int) -> str:
    hours, mins = map(int, clock.split(":"))
    total = min(max(hours * 60 + mins + minutes, 0), 24 * 60 - 1)  # within the same day
    return f"{total // 60:02d}:{total % 60:02d}"


def event_span(config: EventConfig) -> tuple[str, str] | None:
    """(first day, last day) of the event, from its dates, check-in days, meals and forums."""
    days = [d for d in (config.start, config.end, *config.checkin_days,
                        *(m.date for m in config.meals), *(f.date for f in config.forums)) if d]
    return (min(days), max(days)) if days else None


def outside_event(config: EventConfig, today: str) -> tuple[str, str] | None:
    """The event's span when `today` lies outside it (a wrong clock, or the wrong event file),
    else None."""
    span = event_span(config)
    return span if span and not span[0] <= today <= span[1] else None


def _wrong_day(config: EventConfig, today: str) -> str:
    return "outside_event" if outside_event(config, today) else "wrong_day"


def _refuse(station: Station, reg: Registrant, reason_code: str) -> Decision:
    return Decision(Outcome.NOT_ELIGIBLE, station.key, code=reg.code, name=reg.name,
                    category=reg.category, reason_code=reason_code, registrant=reg)


def decide(station: Station, reg: Registrant | None, code: str, config: EventConfig, *,
           today: str, clock: str = "12:00", first_admission=None,
           station_count: int = 0, door: Door | None = None) -> Decision:
    """`today`, `clock`: the date and "HH:MM" in the event's zone; `first_admission`: the
    admissions row for (code, station) if any; `station_count`: people inside a forum door
    now (for its capacity); `door`: this person at that door (were they in, and left?)."""
    if reg is None:
        return Decision(Outcome.NOT_FOUND, station.key, code=code, reason_code="not_found")
    if reg.missing:
        return _refuse(station, reg, "removed")
    if first_admission is not None and station.forum and door and door.last_kind == EventKind.EXIT:
        return _come_back(station, reg, station_count)
    if first_admission is not None:
        return Decision(Outcome.ALREADY, station.key, code=reg.code, name=reg.name,
                        category=reg.category, reason_code="already", registrant=reg,
                        first_time=first_admission["wall_time"],
                        first_device=first_admission["device_id"])
    if reg.payment is not None and reg.payment not in ADMITTED_PAYMENTS:
        reason = {UNPAID: "unpaid", REFUNDED: "refunded"}.get(reg.payment, "payment_unknown")
        return _refuse(station, reg, reason)
    category = config.category(reg.category)
    days = allowed_days(station, category, config)
    if days and today not in days:
        return _refuse(station, reg, _wrong_day(config, today))
    hours = opening_hours(station, config)
    if hours and not hours[0] <= clock <= hours[1]:
        return _refuse(station, reg, "too_early" if clock < hours[0] else "too_late")
    if station.meal:
        entitled = set(reg.meals) | set(category.meals if category else ())
        if station.meal.id not in entitled and station.meal.name not in entitled:
            return _refuse(station, reg, "meal_not_entitled")
    if station.forum:
        forum = station.forum
        chose = forum.id in reg.forums or forum.name in reg.forums
        if forum.signup_required and not chose and not (category and category.all_forums):
            return _refuse(station, reg, "forum_not_entitled")
        if forum.capacity is not None and station_count >= forum.capacity:
            return _refuse(station, reg, "forum_full")
    return Decision(Outcome.OK, station.key, code=reg.code, name=reg.name, category=reg.category,
                    reason_code="welcome" if station.kind == REGISTRATION else "admitted",
                    registrant=reg)


def _come_back(station: Station, reg: Registrant, inside: int) -> Decision:
    """Back in through a forum door after an exit scan: where the forum allows re-entry
    and has a seat (capacity counts who is inside)."""
    forum = station.forum
    if not forum.reentry:
        return _refuse(station, reg, "no_reentry")
    if forum.capacity is not None and inside >= forum.capacity:
        return _refuse(station, reg, "forum_full")
    return Decision(Outcome.OK, station.key, code=reg.code, name=reg.name, category=reg.category,
                    reason_code="reentered", registrant=reg)


def decide_exit(station: Station, reg: Registrant | None, code: str, door: Door) -> Decision:
    """An exit scan at a forum door. Nobody is held in a room: leaving is always recorded,
    even with no entry scanned (the attendance report flags it); a second exit in a row
    is "already" left."""
    if reg is None:
        return Decision(Outcome.NOT_FOUND, station.key, code=code, reason_code="not_found",
                        exit=True)
    if door.last_kind == EventKind.EXIT:
        return Decision(Outcome.ALREADY, station.key, code=reg.code, name=reg.name,
                        category=reg.category, reason_code="already_left", registrant=reg,
                        first_time=door.last_time, first_device=door.last_device, exit=True)
    return Decision(Outcome.OK, station.key, code=reg.code, name=reg.name, category=reg.category,
                    reason_code="exited" if door.inside else "exit_unmatched",
                    registrant=reg, exit=True)


def decide_unlisted(station: Station, code: str, config: EventConfig, *, today: str,
                    first_admission=None) -> Decision:
    """A genuine signed ticket whose code is not on this desk's list (registered online after
    the last sync). Registration admits on the signature alone, on the event's check-in days;
    meal and forum stations need entitlements only the list has."""
    if station.kind != REGISTRATION:
        return Decision(Outcome.NOT_FOUND, station.key, code=code, reason_code="unlisted_station")
    if first_admission is not None:
        return Decision(Outcome.ALREADY, station.key, code=first_admission["code"],
                        reason_code="already", first_time=first_admission["wall_time"],
                        first_device=first_admission["device_id"])
    if config.checkin_days and today not in config.checkin_days:
        return Decision(Outcome.NOT_ELIGIBLE, station.key, code=code,
                        reason_code=_wrong_day(config, today))
    return Decision(Outcome.OK, station.key, code=code, reason_code="unlisted")


def current_meal(config: EventConfig, now: dt.datetime) -> MealSlot | None:
    """The meal slot a meal station should start on: the one being served now, else the
    next one today, else the first of the event."""
    today, clock = now.date().isoformat(), now.strftime("%H:%M")
    todays = [m for m in config.meals if m.date == today]
    for slot in todays:
        if (slot.start or "00:00") <= clock <= (slot.end or "23:59"):
            return slot
    upcoming = [m for m in todays if (m.start or "00:00") > clock]
    return upcoming[0] if upcoming else (todays[-1] if todays else
                                         (config.meals[0] if config.meals else None))
