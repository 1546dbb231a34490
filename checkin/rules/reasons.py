"""One failed condition of a rule, said as a person at the door understands it ("only
11:30–13:30", "only 1 entry per day", "only for category 医生"), with its weight for
explain(): (how little the person can change it, how far off it was).

The times said are the ones the rule's writer wrote (the lunch the organiser announced,
11:30–13:30), not the tolerance around them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass

from ..i18n import _, current
from .facts import CheckinFacts, RuleVars
from .operations import ENTRY_COUNTERS, apply, truthy
from .times import read_tolerance, shown

# Rigidness, as pretix's: the lower, the likelier the person can do something about it.
WEIGHTS = {
    "entry_status": 70,
    "minutes_since_first_entry": 80,
    "minutes_since_last_entry": 90,
    "entries_days": 100,
    "entries_days_since": 110,
    "entries_days_before": 110,
    "entries_number": 120,
    "entries_since": 130,
    "entries_before": 130,
    "entries_today": 140,
    "now": 200,
    "now_isoweekday": 210,
    "gate": 250,
    "station": 250,
    "paid": 800,
    "category": 1000,
    "product": 1000,
    "variation": 1000,
    "products": 1000,
}
UNKNOWN_WEIGHT = 900  # a condition we cannot put in words: said last
NOBODY_WEIGHT = 100_000
COUNTED = ("entries_number", "entries_today", "entries_days", *ENTRY_COUNTERS)
WHO = ("category", "product", "variation", "gate", "station")
FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "===": "===",
           "!=": "!=", "!==": "!==", "isBefore": "isAfter", "isAfter": "isBefore"}
COMPARISONS = ("==", "===", "!=", "!==", "<", "<=", ">", ">=")


@dataclass(frozen=True)
class Reason:
    weight: tuple[float, float]
    text: str


def join_names(names: Iterable[str]) -> str:
    return ("、" if current().chinese else ", ").join(names)


def join_reasons(texts: Iterable[str]) -> str:
    unique = list(dict.fromkeys(texts))
    return ("；" if current().chinese else "; ").join(unique)


class Reasons:
    """The words for the failed conditions of one refused scan."""

    def __init__(self, list_name: str, facts: CheckinFacts, data: RuleVars,
                 nodes: list) -> None:
        self.list_name, self.facts, self.data, self.nodes = list_name, facts, data, nodes

    def of(self, index: int, path: list[int], error: str = "") -> Reason:
        node = self.nodes[index]
        if error:
            return Reason((UNKNOWN_WEIGHT, 0), _(
                "the rule of list {list} cannot be applied: {problem}").format(
                list=self.list_name, problem=error))
        if not isinstance(node, dict) or len(node) != 1:
            return Reason((NOBODY_WEIGHT, 0), _("the rule of list {list} admits nobody")
                          .format(list=self.list_name))
        try:
            return self._said(node, index, path) or self._unknown(node)
        except Exception:  # a condition odd enough to break the wording: say it as written
            return self._unknown(node)

    # -- dispatch ------------------------------------------------------------------------
    def _said(self, node: dict, index: int, path: list[int]) -> Reason | None:
        names = _variables(node)
        if names == {"now_isoweekday"}:
            return self._weekday(node)
        if names == {"paid"} and not self.facts.paid:
            return Reason((WEIGHTS["paid"], 0), _("only when paid"))
        if names == {"entry_status"}:
            return self._entry_status()
        operator, arguments, negated = _operation(node)
        if operator in ("isBefore", "isAfter") or (
                operator in ("<", "<=", ">", ">=") and len(arguments) == 2
                and "now" in _variables(arguments[0]) | _variables(arguments[1])):
            return self._time(node, path, index)
        if operator in ("in", "inList") and len(arguments) == 2:
            return self._membership(arguments, negated)
        if operator in COMPARISONS and len(arguments) == 2 and not negated:
            return self._comparison(operator, arguments)
        return None

    def _unknown(self, node) -> Reason:
        return Reason((UNKNOWN_WEIGHT, 0), _("not allowed by the rule of list {list}: "
                                             "{condition}").format(list=self.list_name,
                                                                   condition=_written(node)))

    # -- time ----------------------------------------------------------------------------
    def _bound(self, node) -> tuple[str, dt.datetime, dt.timedelta, bool] | None:
        """(isBefore | isAfter, the time compared with now, tolerance, daily) of a
        condition on now, whichever side now is written on."""
        operator, arguments, negated = _operation(node)
        if negated or len(arguments) < 2:
            return None
        if operator in ("<", "<="):
            operator, arguments = "isBefore", arguments[:2]
        elif operator in (">", ">="):
            operator, arguments = "isAfter", arguments[:2]
        if operator not in ("isBefore", "isAfter"):
            return None
        first, second = arguments[0], arguments[1]
        if _is_var(second, "now") and not _is_var(first, "now"):
            first, second, operator = second, first, FLIPPED[operator]
        if not _is_var(first, "now"):
            return None
        moment = apply(second, self.data)
        if not isinstance(moment, dt.datetime):
            return None
        minutes = read_tolerance(arguments[2]) if len(arguments) > 2 else 0.0
        return operator, moment, dt.timedelta(minutes=minutes or 0.0), _is_daily(second)

    def _time(self, node, path: list[int], index: int) -> Reason | None:
        bound = self._bound(node)
        if bound is None:
            return None
        operator, moment, tolerance, daily = bound
        edge = moment + tolerance if operator == "isBefore" else moment - tolerance
        weight = (WEIGHTS["now"], abs((self.facts.now - edge).total_seconds()))
        now = self.facts.now
        other = self._other_bound(path, index, FLIPPED[operator])
        if other is not None:  # a window: say both ends, as the organiser announced it
            _other_operator, other_moment, _other_tolerance, other_daily = other
            start, end = (moment, other_moment) if operator == "isAfter" else (other_moment,
                                                                                moment)
            both_daily = daily and other_daily
            return Reason(weight, _("only {start}–{end}").format(
                start=shown(start, now, daily=both_daily), end=shown(end, now, daily=both_daily)))
        if operator == "isAfter":
            return Reason(weight, _("only after {0}").format(shown(moment, now, daily=daily)))
        return Reason(weight, _("only before {0}").format(shown(moment, now, daily=daily)))

    def _other_bound(self, path: list[int], index: int, wanted: str):
        """The opposite end of a time window on the same path, if the rule has one."""
        for other in path:
            if other == index:
                continue
            try:
                bound = self._bound(self.nodes[other])
            except Exception:
                continue
            if bound is not None and bound[0] == wanted:
                return bound
        return None

    # -- who -----------------------------------------------------------------------------
    def _membership(self, arguments: list, negated: bool) -> Reason | None:
        needle, haystack = arguments
        if _is_var(haystack, "products"):  # {"in": ["0626-lunch", {"var": "products"}]}
            item = str(apply(needle, self.data))
            text = (_("not for those entitled to {0}") if negated
                    else _("only for those entitled to {0}")).format(item)
            return Reason((WEIGHTS["products"], 0), text)
        name = _var_name(needle)
        if name not in WHO:
            return None
        return self._who(name, _labels(haystack, apply(haystack, self.data)), negated)

    def _who(self, name: str, labels: list[str], negated: bool) -> Reason:
        shown_labels = join_names(labels[:6] + (["…"] if len(labels) > 6 else []))
        if name in ("category", "product"):
            if negated:
                text = (_("not for category {0}") if len(labels) == 1
                        else _("not for categories {0}"))
            else:
                text = (_("only for category {0}") if len(labels) == 1
                        else _("only for categories {0}"))
        elif name in ("gate", "station"):
            text = _("not at {0}") if negated else _("only at {0}")
        else:
            text = _("not for {0}") if negated else _("only for {0}")
        return Reason((WEIGHTS[name], 0), text.format(shown_labels))

    # -- counts and minutes --------------------------------------------------------------
    def _comparison(self, operator: str, arguments: list) -> Reason | None:
        left, right = arguments
        if _subject(left) is None and _subject(right) is not None:
            left, right, operator = right, left, FLIPPED[operator]
        subject = _subject(left)
        if subject is None:
            return None
        name, cutoff = subject
        limit, actual = apply(right, self.data), apply(left, self.data)
        if name in WHO and operator in ("==", "===", "!=", "!=="):
            return self._who(name, [str(limit)], negated=operator in ("!=", "!=="))
        weight = (WEIGHTS.get(name, UNKNOWN_WEIGHT), _distance(limit, actual))
        text = None
        if name in COUNTED:
            text = self._count(name, operator, limit, cutoff)
        elif name in ("minutes_since_last_entry", "minutes_since_first_entry"):
            text = self._minutes(name, operator, limit, actual)
        if text is None:
            text = _("{variable} must be {comparison} (it is {value})").format(
                variable=self._label(name, cutoff), comparison=_comparing(operator, limit),
                value=_value(actual))
        return Reason(weight, text)

    def _count(self, name: str, operator: str, limit, cutoff) -> str | None:
        """"only 1 entry per day" for entries_today < 1 (the variables count earlier
        entries, so < N allows N in all)."""
        if not _is_number(limit):
            return None
        if operator == "<":
            total = math.ceil(limit)
        elif operator == "<=":
            total = math.floor(limit) + 1
        elif operator in ("==", "===") and limit == 0:
            total = 1
        else:
            return None
        if total <= 0:
            return _("no entry allowed")
        one = total == 1
        texts = {
            "entries_number": (_("only 1 entry"), _("only {n} entries")),
            "entries_today": (_("only 1 entry per day"), _("only {n} entries per day")),
            "entries_days": (_("only on 1 day"), _("only on {n} days")),
            "entries_since": (_("only 1 entry since {time}"), _("only {n} entries since {time}")),
            "entries_before": (_("only 1 entry before {time}"),
                               _("only {n} entries before {time}")),
            "entries_days_since": (_("only on 1 day since {time}"),
                                   _("only on {n} days since {time}")),
            "entries_days_before": (_("only on 1 day before {time}"),
                                    _("only on {n} days before {time}")),
        }
        template = texts[name][0 if one else 1]
        return template.format(n=total, time=self._cutoff(cutoff))

    def _minutes(self, name: str, operator: str, limit, actual) -> str | None:
        if not _is_number(limit) or operator not in ("<", "<=", ">", ">="):
            return None
        entries, now = self.facts.entries, self.facts.now
        if not entries:
            return _("only after an earlier entry")
        minutes = _value(limit)
        last = name == "minutes_since_last_entry"
        since = entries[-1] if last else entries[0]
        if operator in ("<", "<="):
            template = (_("only within {minutes} minutes of the last entry ({time})") if last
                        else _("only within {minutes} minutes of the first entry ({time})"))
            return template.format(minutes=minutes, time=shown(since, now))
        wait = dt.timedelta(minutes=math.floor(limit) + (1 if operator == ">" else 0))
        template = (_("again only from {time} ({minutes} minutes after the last entry)") if last
                    else _("only from {time} ({minutes} minutes after the first entry)"))
        return template.format(time=shown(since + wait, now), minutes=minutes)

    def _weekday(self, node) -> Reason | None:
        """Which days of the week the condition admits, found by trying each of them."""
        days = [day for day in range(1, 8)
                if truthy(apply(node, RuleVars(self.facts, {"now_isoweekday": day})))]
        today = self.facts.now.isoweekday()
        distance = min((abs(day - today) for day in days), default=7)
        if not days:
            return Reason((WEIGHTS["now_isoweekday"], 7), _("on no day of the week"))
        return Reason((WEIGHTS["now_isoweekday"], distance),
                      _("only on {0}").format(join_names(_weekday_name(day) for day in days)))

    def _entry_status(self) -> Reason:
        inside = self.data.get("entry_status") == "present"
        return Reason((WEIGHTS["entry_status"], 0),
                      _("already inside: scan the exit first") if inside
                      else _("not inside: scan the entry first"))

    def _cutoff(self, cutoff) -> str:
        if cutoff is None:
            return ""
        moment = apply(cutoff, self.data)
        return shown(moment, self.facts.now, daily=_is_daily(cutoff))

    def _label(self, name: str, cutoff) -> str:
        labels = {
            "entries_number": _("the number of entries"),
            "entries_today": _("the number of entries today"),
            "entries_days": _("the number of days with an entry"),
            "minutes_since_last_entry": _("the minutes since the last entry"),
            "minutes_since_first_entry": _("the minutes since the first entry"),
            "entries_since": _("the number of entries since {time}"),
            "entries_before": _("the number of entries before {time}"),
            "entries_days_since": _("the number of days with an entry since {time}"),
            "entries_days_before": _("the number of days with an entry before {time}"),
        }
        if name not in labels:
            return name
        return labels[name].format(time=self._cutoff(cutoff))


# -- reading a condition ---------------------------------------------------------------------
def _operation(node) -> tuple[str, list, bool]:
    """(operator, arguments, negated): {"!": {"inList": …}} is inList, negated."""
    operator, arguments = next(iter(node.items()))
    arguments = arguments if isinstance(arguments, list) else [arguments]
    if operator == "!" and len(arguments) == 1 and isinstance(arguments[0], dict) \
            and len(arguments[0]) == 1:
        inner, inner_arguments, negated = _operation(arguments[0])
        return inner, inner_arguments, not negated
    return operator, arguments, False


def _var_name(node) -> str | None:
    if isinstance(node, dict) and len(node) == 1 and "var" in node:
        name = node["var"]
        name = name[0] if isinstance(name, list) and name else name
        return str(name).split(".")[0] if isinstance(name, str | int) else None
    return None


def _is_var(node, name: str) -> bool:
    return _var_name(node) == name


def _variables(node) -> set[str]:
    """The variables a condition reads (an entries_* operator counts as one)."""
    if isinstance(node, list):
        return set().union(*(_variables(item) for item in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    name = _var_name(node)
    if name is not None:
        return {name}
    found: set[str] = set()
    for operator, arguments in node.items():
        if operator in ENTRY_COUNTERS:
            found.add(operator)
        found |= _variables(arguments)
    return found


def _subject(node) -> tuple[str, object] | None:
    """What a comparison is about: (variable, None) or (entries_* operator, its cutoff)."""
    name = _var_name(node)
    if name is not None:
        return name, None
    if isinstance(node, dict) and len(node) == 1:
        operator, arguments = next(iter(node.items()))
        if operator in ENTRY_COUNTERS:
            arguments = arguments if isinstance(arguments, list) else [arguments]
            return operator, arguments[0] if arguments else None
    return None


def _is_daily(node) -> bool:
    """A customtime: the same time every day, said without its date."""
    if not (isinstance(node, dict) and "buildTime" in node):
        return False
    arguments = node["buildTime"]
    return isinstance(arguments, list) and bool(arguments) and arguments[0] == "customtime"


def _labels(node, values) -> list[str]:
    """The names of the allowed values: a pretix lookup's label, else the value itself."""
    if isinstance(node, dict) and isinstance(node.get("objectList"), list):
        found = []
        for item in node["objectList"]:
            lookup = item.get("lookup") if isinstance(item, dict) else None
            if isinstance(lookup, list) and len(lookup) >= 2:
                found.append(str(lookup[2] if len(lookup) > 2 and lookup[2] else lookup[1]))
        if found:
            return found
    if isinstance(values, list):
        return [_value(value) for value in values]
    return [_value(values)]


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and math.isfinite(value)


def _distance(limit, actual) -> float:
    if _is_number(limit) and _is_number(actual):
        return abs(limit - actual)
    return 0.0


def _value(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    return str(value)


def _comparing(operator: str, limit) -> str:
    templates = {"==": _("exactly {0}"), "===": _("exactly {0}"), "!=": _("other than {0}"),
                 "!==": _("other than {0}"), "<": _("less than {0}"), "<=": _("at most {0}"),
                 ">": _("more than {0}"), ">=": _("at least {0}")}
    return templates[operator].format(_value(limit))


def _weekday_name(day: int) -> str:
    return (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"),
            _("Saturday"), _("Sunday"))[day - 1]


def _written(node, limit: int = 100) -> str:
    text = json.dumps(node, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
