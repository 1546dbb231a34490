"""Files of test vectors, `[rule, data, expected]` in a JSON array with strings as headings
(the JSON Logic suite that pretix and libpretixsync share has 275 of them): read them, run
them through the rule engine, compare as JSON compares."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from ..i18n import _
from .errors import RuleEvaluationError
from .operations import apply


class VectorFileError(ValueError):
    """The file cannot be read as vectors; the message says which file and why."""


@dataclass(frozen=True)
class Vector:
    number: int  # 1 for the file's first vector (headings not counted)
    heading: str  # the last heading before it ("" before the first)
    rule: object
    data: object
    expected: object


@dataclass(frozen=True)
class Result:
    vector: Vector
    got: object = None
    error: str = ""  # the rule raised instead of answering ("" when it answered)

    @property
    def passed(self) -> bool:
        return not self.error and json_equal(self.got, self.vector.expected)


def load_vectors(path: Path) -> list[Vector]:
    """The vectors of a file, or VectorFileError in words."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise VectorFileError(_("{0} is not UTF-8 text").format(path)) from None
    except OSError as exc:
        raise VectorFileError(_("cannot read {file}: {reason}").format(
            file=path, reason=exc.strerror or exc)) from None
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise VectorFileError(_("{file} is not JSON: {problem} (line {line}, column {column})")
                              .format(file=path, problem=exc.msg, line=exc.lineno,
                                      column=exc.colno)) from None
    except RecursionError:
        raise VectorFileError(_("{0} is nested too deeply to read").format(path)) from None
    if not isinstance(items, list):
        raise VectorFileError(_("{0} must hold a JSON array of [rule, data, expected] vectors")
                              .format(path))
    vectors: list[Vector] = []
    heading = ""
    for position, item in enumerate(items, start=1):
        if isinstance(item, str):
            heading = item
        elif isinstance(item, list) and len(item) == 3:
            vectors.append(Vector(len(vectors) + 1, heading, *item))
        else:
            raise VectorFileError(_("{file}: item {n} is neither a heading (a string) nor a "
                                    "[rule, data, expected] vector").format(file=path,
                                                                             n=position))
    if not vectors:
        raise VectorFileError(_("{0} holds no [rule, data, expected] vector").format(path))
    return vectors


def run_vector(vector: Vector) -> Result:
    try:
        return Result(vector, got=apply(vector.rule, vector.data))
    except RuleEvaluationError as exc:  # said in words already
        return Result(vector, error=str(exc))
    except Exception as exc:  # a vector that makes the engine raise has failed, not the run
        return Result(vector, error=f"{type(exc).__name__}: {exc}")


def json_equal(a, b) -> bool:
    """Equal as JSON values: 2 and 2.0 are one number, but true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b
