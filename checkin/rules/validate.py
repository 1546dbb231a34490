"""Checking a rule before it is used: every operator known, with the number of arguments it
takes, every variable one the facts have, every time readable. A rule that fails here is
refused when the event file is loaded, not at the door in front of a queue.

The checks are those a rule can fail by its writing alone; what depends on the scan (the
event file gives no start time) is said when the rule is applied (RuleEvaluationError).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json

from ..i18n import _
from .facts import VARIABLES
from .operations import BUILD_TIME_KINDS, CONTROL_OPERATORS, ENTRY_COUNTERS, OPERATIONS
from .times import read_clock, read_moment, read_tolerance

MAX_DEPTH = 64  # deeper than any rule a person writes; a bound on a hostile event file

# (fewest, most) arguments; None: no upper bound. JSON Logic's own, then pretix's.
ARITY: dict[str, tuple[int, int | None]] = {
    "var": (0, 2), "missing": (0, None), "missing_some": (2, 2),
    "if": (1, None), "?:": (3, 3),
    "==": (2, 2), "===": (2, 2), "!=": (2, 2), "!==": (2, 2),
    "<": (2, 3), "<=": (2, 3), ">": (2, 2), ">=": (2, 2),
    "!": (1, 1), "!!": (1, 1), "and": (1, None), "or": (1, None),
    "+": (0, None), "*": (1, None), "-": (1, 2), "/": (2, 2), "%": (2, 2),
    "min": (1, None), "max": (1, None), "cat": (0, None), "substr": (2, 3),
    "in": (2, 2), "merge": (0, None), "log": (1, 1),
    "map": (2, 2), "filter": (2, 2), "all": (2, 2), "some": (2, 2), "none": (2, 2),
    "reduce": (2, 3),
    "buildTime": (1, 2), "isBefore": (2, 3), "isAfter": (2, 3), "inList": (2, 2),
    "objectList": (0, None), "lookup": (3, 3),
    **{name: (1, 1) for name in ENTRY_COUNTERS},
}
# The operators whose later arguments are applied to each item of a list: there, `var`
# names the item's fields ("", "current", "accumulator"), not the facts.
ITEM_SCOPED = ("map", "filter", "all", "some", "none", "reduce")
TIME_ARGUMENTS = {"isBefore": (0, 1), "isAfter": (0, 1),
                  **{name: (0,) for name in ENTRY_COUNTERS}}
JSON_SCALARS = (str, int, float, bool, type(None), dt.datetime, dt.date, dt.time)


class Problem(Exception):
    """What is wrong (words) and where in the rule ("and[1].isBefore")."""

    def __init__(self, text: str, where: str = "") -> None:
        super().__init__(text)
        self.text, self.where = text, where


def check_rule(logic) -> None:
    """Raise Problem when `logic` cannot be a check-in rule."""
    if isinstance(logic, bool):
        return  # true: everyone; false: nobody (a list closed for now)
    if not isinstance(logic, dict):
        raise Problem(_("a rule is one operation, such as {0}, not {1}").format(
            '{"inList": [{"var": "category"}, ["医生"]]}', _short(logic)))
    _check(logic, where="", depth=0, item_scope=False)


def _check(node, *, where: str, depth: int, item_scope: bool) -> None:
    if depth > MAX_DEPTH:
        raise Problem(_("the rule is nested more than {0} levels deep").format(MAX_DEPTH), where)
    if isinstance(node, list):
        for index, item in enumerate(node):
            _check(item, where=f"{where}[{index}]", depth=depth + 1, item_scope=item_scope)
        return
    if not isinstance(node, dict):
        if not isinstance(node, JSON_SCALARS):
            raise Problem(_("{0} is not a JSON value").format(_short(node)), where)
        return
    if len(node) != 1:
        raise Problem(_("an operation is an object with one key, its operator; this one has "
                        "{0}: {1}").format(len(node), ", ".join(map(str, node)) or "{}"), where)
    operator, arguments = next(iter(node.items()))
    here = f"{where}.{operator}" if where else str(operator)
    at = here if where else ""  # a problem of the rule's own operator needs no place
    if operator not in OPERATIONS and operator not in CONTROL_OPERATORS:
        raise Problem(_unknown(_("unknown operator {0}"), operator, ARITY), at)
    arguments = arguments if isinstance(arguments, list) else [arguments]
    _check_arity(operator, len(arguments), at)
    if operator == "var" and not item_scope:
        _check_variable(arguments, at)
    elif operator == "buildTime":
        _check_build_time(arguments, at)
    for index in TIME_ARGUMENTS.get(operator, ()):
        if not isinstance(arguments[index], dict):
            raise Problem(_("{0} compares times: use {1} or {2}, not {3}").format(
                operator, '{"var": "now"}', '{"buildTime": [...]}', _short(arguments[index])),
                at)
    if operator in ("isBefore", "isAfter") and len(arguments) == 3 \
            and not isinstance(arguments[2], dict) and read_tolerance(arguments[2]) is None:
        raise Problem(_("the tolerance of {0} must be a number of minutes, not {1}").format(
            operator, _short(arguments[2])), at)
    if operator == "inList" and not isinstance(arguments[1], dict | list):
        raise Problem(_("inList needs a list as its second argument, not {0}").format(
            _short(arguments[1])), at)
    for index, argument in enumerate(arguments):
        scoped = item_scope or (operator in ITEM_SCOPED and index > 0)
        _check(argument, where=f"{here}[{index}]", depth=depth + 1, item_scope=scoped)


def _check_arity(operator: str, given: int, where: str) -> None:
    fewest, most = ARITY.get(operator, (0, None))
    if fewest <= given and (most is None or given <= most):
        return
    if fewest == most:
        expected = str(fewest)
    elif most is None:
        expected = _("at least {0}").format(fewest)
    elif most == fewest + 1:
        expected = _("{0} or {1}").format(fewest, most)
    else:
        expected = _("{0} to {1}").format(fewest, most)
    if fewest == most == 1:
        text = _("{0} takes 1 argument, not {1}").format(operator, given)
    else:
        text = _("{0} takes {1} arguments, not {2}").format(operator, expected, given)
    raise Problem(text, where)


def _check_variable(arguments: list, where: str) -> None:
    name = arguments[0] if arguments else ""
    if isinstance(name, dict):
        return  # a computed name: known only when applied
    first = str(name).split(".")[0]
    if first not in VARIABLES:
        if first == "":
            raise Problem(_("var needs the name of a variable, such as {0}").format(
                "now, category, entries_today"), where)
        raise Problem(_unknown(_("unknown variable {0}"), first, VARIABLES), where)


def _check_build_time(arguments: list, where: str) -> None:
    kind = arguments[0]
    if kind not in BUILD_TIME_KINDS:
        raise Problem(_("buildTime takes {0}, not {1}").format(
            ", ".join(BUILD_TIME_KINDS), _short(kind)), where)
    value = arguments[1] if len(arguments) > 1 else None
    if kind == "custom" and read_moment(value, dt.UTC) is None:
        raise Problem(_("buildTime custom needs a date and time such as {0}, not {1}").format(
            "2026-06-26T11:30:00+08:00", _short(value)), where)
    if kind == "customtime" and read_clock(value) is None:
        raise Problem(_("buildTime customtime needs a time such as 11:30, not {0}").format(
            _short(value)), where)


def _unknown(template: str, name, known) -> str:
    """"unknown operator isafter (did you mean isAfter?)" when one is close."""
    text = template.format(_short(name))
    names = [str(k) for k in known]
    same_but_case = [k for k in names if k.lower() == str(name).lower()]
    close = same_but_case or difflib.get_close_matches(str(name), names, n=1, cutoff=0.6)
    if close:
        text += " " + _("(did you mean {0}?)").format(close[0])
    return text


def _short(value, limit: int = 60) -> str:
    """A value as the rule's writer wrote it (JSON), shortened for a one-line message."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
