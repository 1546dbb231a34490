"""Check-in rules in JSON Logic (issue 15): who may pass a list, and when, for what a list's
plain settings cannot say ("one entry per day", "lunch 11:30–13:30 for doctors, 12:00–13:30
for everyone else").

The operators are JSON Logic's (the panzi-json-logic library: it passes the 275 vectors
pretix and libpretixsync share) plus pretix's check-in vocabulary, so a rule reads the same
here as in pretix: buildTime, isAfter / isBefore (with a tolerance in minutes), inList,
objectList, lookup, entries_since / entries_before / entries_days_since /
entries_days_before; the variables are in facts.py (docs/rules.md has examples).

    rule = compile_rule(event_list_rule, name="午餐")      # RuleError naming the list
    verdict = rule.check(CheckinFacts(now=..., category="医生", entries=(...)))
    verdict.allowed, verdict.reason                       # False, "only 11:30–13:30"

Qt-free and store-free: the desks and the central list apply the same code.
"""

from .errors import RuleError, RuleEvaluationError
from .explain import explain
from .facts import VARIABLES, CheckinFacts
from .operations import apply, truthy
from .rule import Rule, Verdict, compile_rule
from .vectors import Result, Vector, VectorFileError, json_equal, load_vectors, run_vector

__all__ = [
    "VARIABLES",
    "CheckinFacts",
    "Result",
    "Rule",
    "RuleError",
    "RuleEvaluationError",
    "Vector",
    "VectorFileError",
    "Verdict",
    "apply",
    "compile_rule",
    "explain",
    "json_equal",
    "load_vectors",
    "run_vector",
    "truthy",
]
