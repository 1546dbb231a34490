"""Applying a rule: the operators of JSON Logic (panzi-json-logic, which passes the 275 shared
vectors) plus pretix's check-in vocabulary, so a rule written for pretix or pretixSCAN reads
the same here, on the desks and on the central list alike.

Every operation is called as `op(data, *arguments)` with its arguments already applied.
"""

from __future__ import annotations

import datetime as dt
import math

from json_logic.apply import apply as _apply_json_logic
from json_logic.builtins import BUILTINS, to_bool, to_number

from ..i18n import _
from .errors import RuleEvaluationError
from .facts import CheckinFacts, RuleVars
from .times import read_clock, read_moment, read_tolerance

truthy = to_bool  # JSON Logic's truthiness: [] and "" and 0 are false, {} is true

BUILD_TIME_KINDS = ("custom", "customtime", "date_from", "date_to", "date_admission")


def apply(logic, data=None):
    """The value of a JSON Logic expression: plain JSON Logic on plain data (the test
    vectors), or a check-in rule on CheckinFacts (or RuleVars already made from them)."""
    if isinstance(data, CheckinFacts):
        data = RuleVars(data)
    return _apply_json_logic(logic, data, OPERATIONS)


def _facts(data, operator: str) -> CheckinFacts:
    if isinstance(data, RuleVars):
        return data.facts
    raise RuleEvaluationError(
        _("{0} asks about a check-in (its time, earlier entries), not about plain data")
        .format(operator))


def _moment(value, data, operator: str) -> dt.datetime:
    zone = data.facts.zone if isinstance(data, RuleVars) else None
    moment = read_moment(value, zone)
    if moment is None:
        raise RuleEvaluationError(_("{0} compares times; {1} is not one").format(
            operator, _shown_value(value)))
    return moment


def _shown_value(value) -> str:
    return "null" if value is None else str(value)


# -- pretix's check-in vocabulary --------------------------------------------------------
def build_time(data=None, kind=None, value=None, *_ignored) -> dt.datetime:
    """A time named by the rule: a fixed time (custom), today's time of day in the event's
    zone (customtime: a lunch that is served every day), or the event's own times."""
    facts = _facts(data, "buildTime")
    if kind == "custom":
        return _moment(value, data, "buildTime")
    if kind == "customtime":
        clock = read_clock(value)
        if clock is None:
            raise RuleEvaluationError(_("buildTime customtime needs a time such as 11:30, "
                                        "not {0}").format(_shown_value(value)))
        return facts.now.replace(hour=clock.hour, minute=clock.minute, second=clock.second,
                                 microsecond=clock.microsecond)
    moments = {"date_from": facts.event_start,
               "date_to": facts.event_end or facts.event_start,
               "date_admission": facts.admission or facts.event_start}
    if kind not in moments:
        raise RuleEvaluationError(_("buildTime takes {0}, not {1}").format(
            ", ".join(BUILD_TIME_KINDS), _shown_value(kind)))
    if moments[kind] is None:
        raise RuleEvaluationError(_("the event file gives no start time (buildTime {0})")
                                  .format(kind))
    return moments[kind]


def _tolerance(value, operator: str) -> dt.timedelta:
    minutes = read_tolerance(value)
    if minutes is None:
        raise RuleEvaluationError(_("the tolerance of {0} must be a number of minutes, not {1}")
                                  .format(operator, _shown_value(value)))
    return dt.timedelta(minutes=minutes)


def is_before(data=None, first=None, second=None, tolerance=None, *_ignored) -> bool:
    """first < second, or up to `tolerance` minutes after it (the tolerance always widens
    what is allowed, as in pretix: "before 13:30, 15" admits until 13:45)."""
    first, second = _moment(first, data, "isBefore"), _moment(second, data, "isBefore")
    return first < second + _tolerance(tolerance, "isBefore")


def is_after(data=None, first=None, second=None, tolerance=None, *_ignored) -> bool:
    """first > second, or up to `tolerance` minutes before it ("after 11:30, 15" admits
    from 11:15)."""
    first, second = _moment(first, data, "isAfter"), _moment(second, data, "isAfter")
    return second < first + _tolerance(tolerance, "isAfter")


def in_list(data=None, needle=None, haystack=None, *_ignored) -> bool:
    if not isinstance(haystack, list):
        raise RuleEvaluationError(_("inList needs a list as its second argument, not {0}")
                                  .format(_shown_value(haystack)))
    return needle in haystack


def lookup(data=None, model=None, key=None, label=None, *_ignored):
    """pretix's reference to one of its objects ("product", id, name): the id, which is what
    the variable holds (as libpretixsync: the id as written)."""
    return key


def _counting(name: str, count):
    def operation(data=None, cutoff=None, *_ignored) -> int:
        return count(_facts(data, name), _moment(cutoff, data, name))
    return operation


ENTRY_COUNTERS = {
    "entries_since": lambda f, cutoff: f.entries_since(cutoff),
    "entries_before": lambda f, cutoff: f.entries_before(cutoff),
    "entries_days_since": lambda f, cutoff: f.entry_days(lambda t: t >= cutoff),
    "entries_days_before": lambda f, cutoff: f.entry_days(lambda t: t < cutoff),
}


# -- JavaScript's arithmetic, where Python's differs ---------------------------------------
# JSON Logic is defined by its JavaScript implementation: 1/0 is Infinity, not an exception,
# and -7 % 3 is -1, not 2. A rule must never crash the scan that applies it.
def divide(data=None, a=None, b=None, *_ignored) -> float:
    a, b = to_number(a), to_number(b)
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def remainder(data=None, a=None, b=None, *_ignored):
    a, b = to_number(a), to_number(b)
    if b == 0 or math.isnan(a) or math.isnan(b) or math.isinf(a):
        return math.nan
    if isinstance(a, int) and isinstance(b, int):
        rest = abs(a) % abs(b)
        return rest if a >= 0 else -rest
    return math.fmod(a, b)


CHECKIN_OPERATIONS = {
    "buildTime": build_time,
    "isBefore": is_before,
    "isAfter": is_after,
    "inList": in_list,
    "objectList": lambda data=None, *objects: list(objects),
    "lookup": lookup,
    **{name: _counting(name, count) for name, count in ENTRY_COUNTERS.items()},
}

OPERATIONS = {**BUILTINS, "/": divide, "%": remainder, **CHECKIN_OPERATIONS}
# Handled inside the library's apply() rather than through the table above.
CONTROL_OPERATORS = ("if", "?:", "and", "or", "filter", "map", "reduce", "all", "some", "none")
