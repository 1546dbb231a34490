"""Why a rule refused, in words, as pretix's _logic_explain decides it.

A refused rule is just `false`; which of its conditions to name is a choice. As pretix: the
rule is split into its paths to admission (its disjunctive normal form: `(a and b) or c`
has the paths [a, b] and [c]), each failed condition is weighed by how little the person
can do about it (the number of entries least, then the time, the category most) and by how
near it was, and the path whose worst failure weighs least is said. So a doctor at 23:01
hears "only 11:30–13:30", not "only for category 医生" for another path of the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import _
from .facts import CheckinFacts, RuleVars
from .operations import apply, truthy
from .reasons import Reasons, join_reasons

MAX_PATHS = 256  # a rule with more paths than this is explained by its first failure


@dataclass(frozen=True)
class Leaf:
    """A condition of the rule (anything but and/or) and what it gave for this scan."""

    node: object
    holds: bool
    error: str = ""  # why it could not be applied ("" when it could)


class _TooComplex(Exception):
    pass


def explain(rule, facts: CheckinFacts) -> str:
    """The reason `rule` (a Rule: .name, .logic) refuses `facts`; "" when it admits them."""
    data = RuleVars(facts)
    try:
        admitted = truthy(apply(rule.logic, data))
    except Exception:  # a condition that broke: named below, condition by condition
        admitted = False
    if admitted:
        return ""
    leaves: list[Leaf] = []
    tree = _split(rule.logic, data, leaves)
    try:
        paths = _paths(tree)
    except _TooComplex:
        paths = [[i for i, leaf in enumerate(leaves) if not leaf.holds][:1]]
    reasons = Reasons(rule.name, facts, data, [leaf.node for leaf in leaves])
    best = None
    for path in paths:
        failed = [i for i in path if not leaves[i].holds]
        if not failed:
            continue
        said = [reasons.of(i, path, leaves[i].error) for i in failed]
        weight = max(reason.weight for reason in said)
        if best is None or weight < best[0]:
            best = (weight, said)
    if best is None:  # {"or": []}, {"and": []}: no condition to name
        return _("the rule of list {list} admits nobody").format(list=rule.name)
    return join_reasons(reason.text for reason in best[1])


def _split(node, data: RuleVars, leaves: list[Leaf]):
    """The and/or skeleton of the rule, with each other condition applied once: ("and",
    [...]), ("or", [...]) or the index of a Leaf."""
    if isinstance(node, dict) and len(node) == 1:
        operator, arguments = next(iter(node.items()))
        if operator in ("and", "or"):
            arguments = arguments if isinstance(arguments, list) else [arguments]
            return operator, [_split(argument, data, leaves) for argument in arguments]
    try:
        leaves.append(Leaf(node, truthy(apply(node, data))))
    except Exception as exc:  # the condition that broke is the one to name
        leaves.append(Leaf(node, False, str(exc) or type(exc).__name__))
    return len(leaves) - 1


def _paths(tree) -> list[list[int]]:
    """Each way to admission, as the leaves that must all hold."""
    if isinstance(tree, int):
        return [[tree]]
    operator, parts = tree
    if operator == "or":
        paths = [path for part in parts for path in _paths(part)]
    else:
        paths = [[]]
        for part in parts:
            paths = [left + right for left in paths for right in _paths(part)]
            if len(paths) > MAX_PATHS:
                raise _TooComplex
    if len(paths) > MAX_PATHS:
        raise _TooComplex
    return paths
