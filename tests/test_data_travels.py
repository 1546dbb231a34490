"""The test data travels with the code (issue 14): tests, benches and fuzzers read only files in
this repository (tests/data, listed in its README), and the copied fixtures still fit their
answer key."""

from __future__ import annotations

import csv
import importlib
import json
import re
from pathlib import Path

import conftest
import pytest

from testkit import data

ROOT = data.ROOT
DATA = data.DATA
SCANNED = ("tests", "bench", "fuzz", "testkit")
TEXT_SUFFIXES = {".py", ".md", ".toml", ".cfg", ".ini", ".sh", ".yml", ".yaml", ".json"}
# Built from pieces so this file does not match itself.
PARENT, SHARED = "ROOT" + ".parent", "sha" + "red"
OUTSIDE = [
    re.compile(re.escape(PARENT) + r"\b"),  # the folder holding the clone
    re.compile(f"[\"']{SHARED}[\"']"),  # a path part named shared
    re.compile(r"\.\.[/\\]" + SHARED),  # up from the clone to the folder beside it
    re.compile("/" + r"work/"),  # the development farm's absolute paths
]
# Paths inside the farm's folder (its docs, ...): only the data README names them (upstream).
FARM = re.compile(r"\b" + SHARED + "/")
PROVENANCE = DATA / "README.md"


def _text_files():
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix not in TEXT_SUFFIXES:
                continue
            if path.is_relative_to(DATA) and path.suffix != ".md":
                continue  # data, not code (the README and notices are still read)
            yield path


def test_nothing_refers_to_a_path_outside_the_repository():
    found = []
    for path in _text_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(pattern.search(line) for pattern in OUTSIDE) or (
                    path != PROVENANCE and FARM.search(line)):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


@pytest.mark.parametrize("module", ["testkit.data", "conftest", "server.central_helpers",
                                    "sync.conftest", "bench.decoding"])
def test_every_path_constant_is_inside_the_repository(module):
    loaded = conftest if module == "conftest" else importlib.import_module(module)
    paths = {name: value for name, value in vars(loaded).items() if isinstance(value, Path)}
    assert paths, f"{module} has no path constants"
    outside = {name: str(value) for name, value in paths.items()
               if not value.resolve().is_relative_to(ROOT)}
    assert outside == {}
    if module != "testkit.data":
        for name in ("XLSX", "ANSWERS", "BLACKBOX", "FIXTURES", "CSV_GBK", "CSV_BOM"):
            if name in paths:
                assert paths[name] == getattr(data, name), name  # the one constant, not a twin


def _listed() -> list[str]:
    """The first cell of each row of the README's table: paths relative to tests/data."""
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `([^`]+)` \|", readme, flags=re.M)


def test_every_file_the_data_readme_lists_exists_and_nothing_is_unlisted():
    listed = _listed()
    assert len(listed) >= 10
    missing = [p for p in listed if not ((DATA / p).is_dir() if p.endswith("/")
                                         else (DATA / p).is_file())]
    assert missing == []
    present = [p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file()]
    unlisted = [p for p in present if p != "README.md"
                and not any(p == entry or (entry.endswith("/") and p.startswith(entry))
                            for entry in listed)]
    assert unlisted == []


def test_notices_stay_beside_their_data():
    assert (data.FIXTURES / "README.md").is_file()
    for notice, licence in ((data.QR_SAMPLES / "NOTICE.md", "Apache License 2.0"),
                            (data.JSONLOGIC_TESTS.parent / "NOTICE.md", "Apache License 2.0")):
        assert licence in notice.read_text(encoding="utf-8"), notice


# ------------------------------------------------------------ the answer key fits the exports


@pytest.fixture(scope="module")
def key() -> dict:
    return json.loads(data.ANSWERS.read_text(encoding="utf-8"))


def _csv(path: Path, encoding: str) -> list[dict]:
    with path.open(encoding=encoding, newline="") as f:
        return list(csv.DictReader(f))


def test_the_answer_key_has_one_registration_per_row_of_the_xlsx_export(key):
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(data.XLSX)).get_sheet_by_name("报名信息").to_python()
    header_at = next(i for i, row in enumerate(rows) if "报名编号" in row)
    header = rows[header_at]
    # data rows carry a number in 序号; the title, blank and 合计 (total) rows do not
    people = [dict(zip(header, row, strict=False)) for row in rows[header_at + 1:]
              if isinstance(row[0], int | float)]
    registrants = key["registrants"]
    assert key["rows"] == len(registrants) == len(people) == 2401
    assert [p["报名编号"] for p in people] == [r["code"] for r in registrants]
    assert len({r["code"] for r in registrants}) == len(registrants)
    assert [(p["参会类型"], p["缴费状态"]) for p in people] == \
        [(r["category"], r["payment"]) for r in registrants]
    total = next(row for row in rows if row[0] == "合计")
    assert total[1] == f"{key['rows']} 人"  # the export's own total row agrees


def test_the_csv_exports_hold_the_same_registrations(key):
    codes = [r["code"] for r in key["registrants"]]
    utf8 = _csv(data.CSV_BOM, "utf-8-sig")
    gbk = _csv(data.CSV_GBK, "gbk")
    assert [row["报名编号"] for row in utf8] == codes
    assert len(gbk) == key["gbk_rows"] < key["rows"]

    def gbk_can_hold(row: dict) -> bool:
        try:
            ",".join(row.values()).encode("gbk")
        except UnicodeEncodeError:
            return False
        return True

    # the GBK file is the UTF-8 one less exactly the rows GBK cannot hold, unchanged
    assert gbk == [row for row in utf8 if gbk_can_hold(row)]


def test_every_qr_photo_has_its_expected_text():
    folders = sorted(p.name for p in data.BLACKBOX.iterdir() if p.is_dir())
    assert folders == ["qrcode-1", "qrcode-2", "qrcode-3", "qrcode-4"]
    images = sorted(data.BLACKBOX.glob("qrcode-*/*.png"))
    assert len(images) == 145 and "145" in (data.QR_SAMPLES / "NOTICE.md").read_text()
    texts = sorted(data.BLACKBOX.glob("qrcode-*/*.txt"))
    assert [p.with_suffix(".txt") for p in images] == texts
    assert all(p.read_bytes().decode("utf-8") for p in texts)


def test_the_jsonlogic_vectors_are_rules_data_and_expected_results():
    vectors = json.loads(data.JSONLOGIC_TESTS.read_text(encoding="utf-8"))
    headings = [v for v in vectors if isinstance(v, str)]
    cases = [v for v in vectors if not isinstance(v, str)]
    assert headings[0].startswith("#")  # section headings (a few upstream lack the "#")
    assert len(cases) > 100 and all(isinstance(c, list) and len(c) == 3 for c in cases)
