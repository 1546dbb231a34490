"""A check-in list's rule, checked once when the event file is loaded and then applied to
each scan: admitted or not, and why not in words."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass

from ..i18n import _
from .errors import RuleError, RuleEvaluationError
from .explain import explain
from .facts import CheckinFacts
from .operations import apply, truthy
from .validate import Problem, check_rule


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""  # why not, in the current language ("" when allowed)


@dataclass(frozen=True, eq=False)
class Rule:
    """A rule that passed compile_rule(); `name` is its list's ("午餐", "F1")."""

    name: str
    logic: object

    def check(self, facts: CheckinFacts) -> Verdict:
        """Admitted or not, and why not. A rule that cannot be applied to these facts
        refuses, saying why: a door never opens because its rule broke."""
        try:
            allowed = truthy(apply(self.logic, facts))
        except RuleEvaluationError as exc:
            return Verdict(False, self._unusable(str(exc)))
        except Exception as exc:  # the library on odd data: refuse in words, never crash a scan
            return Verdict(False, self._unusable(f"{type(exc).__name__}: {exc}"))
        if allowed:
            return Verdict(True)
        return Verdict(False, explain(self, facts))

    def allows(self, facts: CheckinFacts) -> bool:
        return self.check(facts).allowed

    def explain(self, facts: CheckinFacts) -> str:
        """Why these facts are refused ("only 11:30–13:30"); "" when they are not."""
        return explain(self, facts)

    def _unusable(self, problem: str) -> str:
        return _("the rule of list {list} cannot be applied: {problem}").format(
            list=self.name, problem=problem)


def compile_rule(rule: dict | list | str | bool, *, name: str) -> Rule:
    """The rule of list `name`, checked: a JSON Logic object (or its JSON text, or true /
    false). RuleError, naming the list and what is wrong, when it cannot be used."""
    if isinstance(rule, str):
        try:
            rule = json.loads(rule)
        except json.JSONDecodeError as exc:
            raise RuleError(_("rule of list {list}: not JSON ({problem}, line {line} column "
                              "{column})").format(list=name, problem=exc.msg, line=exc.lineno,
                                                  column=exc.colno)) from None
        except RecursionError:
            raise RuleError(_("rule of list {list}: {problem}").format(
                list=name, problem=_("the rule is nested too deeply"))) from None
    try:
        check_rule(rule)
    except Problem as problem:
        if problem.where:
            text = _("rule of list {list}: {problem} (at {where})").format(
                list=name, problem=problem.text, where=problem.where)
        else:
            text = _("rule of list {list}: {problem}").format(list=name, problem=problem.text)
        raise RuleError(text) from None
    return Rule(name=name, logic=copy.deepcopy(rule))  # the event's copy may change later
