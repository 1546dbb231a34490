"""`checkin rules check FILE.json` as a user runs it: the shared JSON Logic vectors, a file
with a wrong expectation, and files that are not vectors at all."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import JSONLOGIC_TESTS

CHECKIN = str(Path(sys.executable).parent / "checkin")


def rules_check(*args) -> subprocess.CompletedProcess:
    return subprocess.run([CHECKIN, "rules", "check", *map(str, args)], capture_output=True,
                          text=True, timeout=120, env=os.environ)


def vector_count() -> int:
    items = json.loads(JSONLOGIC_TESTS.read_text(encoding="utf-8"))
    return sum(1 for item in items if isinstance(item, list))


def test_the_shared_vectors_all_pass():
    result = rules_check(JSONLOGIC_TESTS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert vector_count() == 275
    assert result.stdout.splitlines() == ["275 passed, 0 failed"]
    assert result.stderr == ""


def test_a_wrong_expectation_is_printed_and_exits_1(tmp_path):
    items = json.loads(JSONLOGIC_TESTS.read_text(encoding="utf-8"))
    items.append("# Deliberately wrong")
    items.append([{"+": [1, {"var": "a"}]}, {"a": 1}, 3])
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    result = rules_check(wrong)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "275 passed, 1 failed"
    assert lines[0] == "FAILED vector 276  # Deliberately wrong"
    assert '{"+": [1, {"var": "a"}]}' in lines[1] and lines[1].lstrip().startswith("rule:")
    assert lines[2].split() == ["data:", '{"a":', "1}"]
    assert lines[3].split() == ["expected:", "3"]
    assert lines[4].split() == ["got:", "2"]


def test_json_output_for_scripts(tmp_path):
    vectors = tmp_path / "vectors.json"
    vectors.write_text(json.dumps([
        "# Time", [{"isAfter": [{"var": "now"}, {"buildTime": ["customtime", "11:30"]}]}, {}, True],
        [{"==": [1, 1]}, {}, True]]), encoding="utf-8")
    result = rules_check(vectors, "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert (report["passed"], report["failed"]) == (1, 1)
    failure = report["failures"][0]
    assert failure["number"] == 1 and failure["heading"] == "# Time"
    assert "buildTime asks about a check-in" in failure["error"]  # plain data has no day


@pytest.mark.parametrize(("content", "words"), [
    ("[1, 2", "is not JSON"),
    ('{"rules": []}', "must hold a JSON array of [rule, data, expected] vectors"),
    ('["# heading", [1, 2]]', "item 2 is neither a heading"),
    ('["# only headings"]', "holds no [rule, data, expected] vector"),
    (None, "cannot read"),
])
def test_a_file_that_is_not_vectors_is_one_line_and_exit_2(tmp_path, content, words):
    path = tmp_path / "vectors.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = rules_check(path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("checkin: "), result.stderr
    assert words in lines[0] and str(path) in lines[0]
