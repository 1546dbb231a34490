"""The decision for one scan at one station. Pure: no database, no clock of its own.

Order matters and is what a desk expects: unknown before anything else, then "already"
(the most useful answer for someone who was let in), then payment, day, entitlement,
capacity, and last the station's JSON Logic rule (checkin/rules), whose refusal says why.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from .i18n import _
from .model import (
    ADMITTED_PAYMENTS,
    REFUNDED,
    REGISTRATION,
    UNPAID,
    Category,
    CheckinList,
    Decision,
    Door,
    EventConfig,
    EventKind,
    Forum,
    MealSlot,
    Outcome,
    Registrant,
)
from .rules import CheckinFacts, Rule, compile_rule

LIST = "list"  # the station kind of a custom check-in list ([[lists]])


class StationError(ValueError):
    pass


@dataclass(frozen=True)
class Station:
    kind: str  # registration | meal | forum | list
    key: str  # the canonical station string stored on events
    label: str  # what a person reads
    meal: MealSlot | None = None
    forum: Forum | None = None
    checkin_list: CheckinList | None = None
    rule: str = ""  # its JSON Logic rule ("" when it has none)

    @property
    def door(self) -> Forum | CheckinList | None:
        """The door settings (capacity of who is inside, re-entry) where people also leave:
        a forum, or a list with exits."""
        if self.forum:
            return self.forum
        return self.checkin_list if self.checkin_list and self.checkin_list.exits else None


def parse_station(text: str, config: EventConfig) -> Station:
    """'registration', 'meal:<slot id or name>', 'forum:<id or name>', 'list:<id or name>'."""
    text = (text or "").strip()
    if text in (REGISTRATION, "reg", "报到", "签到"):  # what staff type, in either language
        return Station(REGISTRATION, REGISTRATION, _("Registration"),
                       rule=config.registration_rule)
    kind, _sep, key = text.partition(":")
    lookups = {"meal": (config.meal, config.meals), "forum": (config.forum, config.forums),
               LIST: (config.checkin_list, config.lists)}
    if kind not in lookups:
        raise StationError(_("unknown station {0}: use {1}").format(
            repr(text), "registration, meal:<slot>, forum:<id>, list:<id>"))
    find, known = lookups[kind]
    found = find(key)
    if found is None:
        names = ", ".join(x.id if x.id == x.name else f"{x.id} ({x.name})" for x in known)
        missing = {"meal": _("no meal slot {key}; the event has: {names}"),
                   "forum": _("no forum {key}; the event has: {names}"),
                   LIST: _("no check-in list {key}; the event has: {names}")}[kind]
        raise StationError(missing.format(key=repr(key), names=names or _("none")))
    field = "checkin_list" if kind == LIST else kind
    return Station(kind, f"{kind}:{found.id}", found.name, rule=found.rule, **{field: found})


def allowed_days(station: Station, category: Category | None, config: EventConfig) -> tuple[str, ...]:
    """The days (ISO dates) this station admits this category; empty means any day."""
    if station.meal:
        return (station.meal.date,) if station.meal.date else ()
    if station.forum:
        return (station.forum.date,) if station.forum.date else ()
    if station.checkin_list:
        return station.checkin_list.days
    return category.days if category and category.days else config.checkin_days


def opening_hours(station: Station, config: EventConfig) -> tuple[str, str] | None:
    """("11:15", "13:45"): when a meal slot or forum with start and end admits, its window
    widened by its tolerance (the event's by default); None when it has no window."""
    slot = station.meal or station.forum or station.checkin_list
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
                        *(m.date for m in config.meals), *(f.date for f in config.forums),
                        *(d for x in config.lists for d in x.days)) if d]
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


@dataclass(frozen=True)
class Scans:
    """This person's earlier scans at this station, for its rule (entries_today, minutes
    since the last entry ...): aware datetimes in the event's zone, as is `now`."""

    now: dt.datetime
    entries: tuple[dt.datetime, ...] = ()
    exits: tuple[dt.datetime, ...] = ()
    gate: str = ""  # the desk scanning


def decide(station: Station, reg: Registrant | None, code: str, config: EventConfig, *,
           today: str, clock: str = "12:00", first_admission=None,
           station_count: int = 0, door: Door | None = None,
           scans: Scans | None = None) -> Decision:
    """`today`, `clock`: the date and "HH:MM" in the event's zone; `first_admission`: the
    admissions row for (code, station) if any; `station_count`: people inside a door now, or
    admitted at a list without exits (for its capacity); `door`: this person at that door
    (were they in, and left?); `scans`: for the station's rule (required when it has one)."""
    if reg is None:
        return Decision(Outcome.NOT_FOUND, station.key, code=code, reason_code="not_found")
    if reg.missing:
        return _refuse(station, reg, "removed")
    if first_admission is not None:
        again = _passes_again(station, door)
        if again is None:
            return Decision(Outcome.ALREADY, station.key, code=reg.code, name=reg.name,
                            category=reg.category, reason_code="already", registrant=reg,
                            first_time=first_admission["wall_time"],
                            first_device=first_admission["device_id"])
        if not again:
            return _refuse(station, reg, "no_reentry")
        return _last_checks(station, reg, config, station_count, scans, "reentered")
    paid = station.checkin_list.paid if station.checkin_list else None
    if reg.payment is not None and reg.payment not in (paid or ADMITTED_PAYMENTS):
        reason = {UNPAID: "unpaid", REFUNDED: "refunded"}.get(reg.payment, "payment_unknown")
        return _refuse(station, reg, "list_not_paid" if paid else reason)
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
    if station.checkin_list:
        listed = station.checkin_list
        if listed.categories and reg.category not in listed.categories:
            return _refuse(station, reg, "list_not_category")
        if listed.products and not set(listed.products) & _entitlements(reg, config):
            return _refuse(station, reg, "list_not_entitled")
    return _last_checks(station, reg, config, station_count, scans,
                        "welcome" if station.kind == REGISTRATION else "admitted")


def _passes_again(station: Station, door: Door | None) -> bool | None:
    """May someone admitted here before pass again? None: no, a second scan ("already");
    False: they left a door that allows no re-entry; True: back through a door after an
    exit, or a list that admits again (its rule may still limit how often)."""
    gate = station.door
    if gate is not None and door is not None and door.last_kind == EventKind.EXIT:
        return gate.reentry
    if gate is None and station.checkin_list and station.checkin_list.reentry:
        return True
    return None


def _last_checks(station: Station, reg: Registrant, config: EventConfig, count: int,
                 scans: Scans | None, reason_code: str) -> Decision:
    """Capacity, then the station's rule; admitted (`reason_code`) when both allow."""
    limited = station.door or station.checkin_list
    if limited is not None and limited.capacity is not None and count >= limited.capacity:
        return _refuse(station, reg, "forum_full" if station.forum else "list_full")
    if station.rule:
        if scans is None:
            raise ValueError(f"the rule of {station.key} needs this person's scans there")
        verdict = station_rule(station).check(rule_facts(station, reg, config, scans))
        if not verdict.allowed:
            refused = _refuse(station, reg, "rule_refused")
            refused.reason = verdict.reason  # the rule's own words, shown as they are
            return refused
    return Decision(Outcome.OK, station.key, code=reg.code, name=reg.name, category=reg.category,
                    reason_code=reason_code, registrant=reg)


def _entitlements(reg: Registrant, config: EventConfig) -> set[str]:
    """The meal slots and forums this person has, by id and by name (exports name them)."""
    found = [config.meal(m) for m in reg.meals] + [config.forum(f) for f in reg.forums]
    return {*reg.meals, *reg.forums, *(x.id for x in found if x), *(x.name for x in found if x)}


@functools.lru_cache(maxsize=64)
def _compiled(rule: str, name: str) -> Rule:
    return compile_rule(rule, name=name)


def station_rule(station: Station) -> Rule:
    """The station's rule, compiled once (the event file was checked when it was loaded)."""
    return _compiled(station.rule, station.label)


def rule_facts(station: Station, reg: Registrant, config: EventConfig,
               scans: Scans) -> CheckinFacts:
    """What the rule may ask about this scan, named as pretix names it (checkin/rules)."""
    zone = config.zone()
    span = event_span(config)

    def day(iso: str, clock: str) -> dt.datetime:
        return dt.datetime.combine(dt.date.fromisoformat(iso), dt.time.fromisoformat(clock), zone)

    return CheckinFacts(
        now=scans.now, category=reg.category or "",
        products=tuple(sorted(_entitlements(reg, config))),
        paid=reg.payment is None or reg.payment in ADMITTED_PAYMENTS, station=station.key,
        gate=scans.gate, entries=scans.entries, exits=scans.exits,
        event_start=day(span[0], "00:00") if span else None,
        event_end=day(span[1], "23:59") if span else None)


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
