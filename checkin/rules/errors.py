"""The two ways a rule goes wrong, both said in words (ValueError, so the command line prints
them as its one-line error)."""

from __future__ import annotations


class RuleError(ValueError):
    """A rule that cannot be used at all (unknown operator, wrong number of arguments, a time
    that is not one): refused when the event file is loaded. The message names the list."""


class RuleEvaluationError(ValueError):
    """A well-formed rule that cannot be answered with the facts of one scan (the event file
    gives no start time, a check-in operator asked about plain data). The scan is refused
    with these words, never admitted."""
