"""`checkin rules check FILE.json`: run a file of `[rule, data, expected]` vectors (strings
are headings) through the check-in rule engine (checkin/rules), as the JSON Logic suite that
pretix and libpretixsync share; print each failure and `N passed, N failed`.

Exit 0 when every vector passed, 1 when some failed, 2 when the file cannot be read as
vectors (one line on stderr). No database: the rules are the event file's, not the desk's.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..i18n import _, pgettext
from ..rules import Result, VectorFileError, load_vectors, run_vector
from .support import CliError, CommandLine

EXIT_FAILED = 1


def register(cli: CommandLine) -> None:
    p = cli.add("rules", None, _("check-in rules (JSON Logic): `rules check` runs test vectors"))
    action = cli.actions(p, "rules_command")
    check = action("check", cmd_rules_check,
                   _("run a file of [rule, data, expected] vectors through the rule engine"),
                   description=_("Run a JSON array of [rule, data, expected] vectors (strings "
                                 "are headings) through the check-in rule engine; print each "
                                 "failure and a last line N passed, N failed. Exit 0 when none "
                                 "failed, 1 when some did, 2 when the file cannot be read."))
    check.add_argument("file", type=Path, metavar="FILE.json")


def cmd_rules_check(args) -> int:
    try:
        vectors = load_vectors(args.file)
    except VectorFileError as exc:
        raise CliError(str(exc)) from None
    results = [run_vector(vector) for vector in vectors]
    failures = [result for result in results if not result.passed]
    passed = len(results) - len(failures)
    if args.json:
        print(json.dumps({"file": str(args.file), "passed": passed, "failed": len(failures),
                          "failures": [_failure_json(result) for result in failures]},
                         ensure_ascii=False, indent=2, default=str))
    else:
        for result in failures:
            print(_failure_text(result))
        print(_("{passed} passed, {failed} failed").format(passed=passed, failed=len(failures)))
    return EXIT_FAILED if failures else 0


def _as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _failure_text(result: Result) -> str:
    vector = result.vector
    title = _("FAILED vector {n}").format(n=vector.number)
    if vector.heading:
        title += f"  {vector.heading}"
    got = _("error: {0}").format(result.error) if result.error else _as_json(result.got)
    rows = [(_("rule"), _as_json(vector.rule)), (_("data"), _as_json(vector.data)),
            (pgettext("rule vector", "expected"), _as_json(vector.expected)), (_("got"), got)]
    width = max(len(label) for label, _value in rows) + 1
    return "\n".join([title, *(f"  {label + ':':<{width}} {value}" for label, value in rows), ""])


def _failure_json(result: Result) -> dict:
    vector = result.vector
    found = {"number": vector.number, "heading": vector.heading, "rule": vector.rule,
             "data": vector.data, "expected": vector.expected, "got": result.got}
    if result.error:
        found["error"] = result.error
    return found
