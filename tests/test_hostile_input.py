"""Hostile input: random payloads and files give a documented error, never a crash or a hang;
zip bombs, huge cells, formula cells and wrong types are reported, not obeyed."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import EVENT_TOML
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkin.config import load_config
from checkin.export import export_attendance
from checkin.importer import ImportFileError, import_file
from checkin.importer.run import read_export
from checkin.tokens import InvalidPayload, plain_code

CONFIG = load_config(EVENT_TOML)
CHECKIN = str(Path(sys.executable).parent / "checkin")
HEADER = ["报名编号", "姓名", "手机", "单位", "参会类型", "缴费状态"]


# -- QR payloads -----------------------------------------------------------------------
@settings(max_examples=2000, deadline=None)
@given(st.text(max_size=3000) | st.binary(max_size=600).map(lambda b: b.decode("latin-1")))
def test_any_payload_is_a_code_or_a_documented_refusal(text):
    try:
        code = plain_code(text)
    except InvalidPayload as refused:
        assert refused.reason_code in ("empty", "too_long", "not_a_code")
    else:
        assert 0 < len(code) <= 64 and "\n" not in code


def test_an_oversized_payload_is_refused_before_any_parsing(monkeypatch):
    from checkin import tokens

    parsed = []
    monkeypatch.setattr(tokens, "_from_json", lambda text: parsed.append(len(text)) or "A-1")
    padding = "x" * 5_000_000
    with pytest.raises(InvalidPayload) as caught:
        plain_code('{"code": "A-1", "pad": "' + padding + '"}')  # a code, if it were read
    assert caught.value.reason_code == "too_long"
    assert parsed == []  # refused by length, not after parsing JSON


# -- files ------------------------------------------------------------------------------
def _csv_bytes(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _xlsx(path, rows) -> None:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4000), suffix=st.sampled_from([".csv", ".xlsx", ".tsv"]))
def test_random_bytes_are_read_or_refused_in_words(tmp_path, data, suffix):
    path = tmp_path / f"export{suffix}"
    path.write_bytes(data)
    try:
        read_export(path, CONFIG)
    except ImportFileError as exc:
        assert str(exc)


cells = st.one_of(st.none(), st.text(max_size=40), st.integers(), st.floats(allow_nan=True),
                  st.booleans())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(cells, max_size=8), max_size=12))
def test_any_table_under_a_real_header_imports_or_reports(tmp_path, rows):
    path = tmp_path / "export.csv"
    path.write_bytes(_csv_bytes([HEADER, *rows]))
    try:
        people, report, _ = read_export(path, CONFIG)
    except ImportFileError:
        return
    assert report.rows_read == len(people) + report.skipped_error
    assert all(p.code and p.name for p in people)


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path, monkeypatch):
    path = tmp_path / "bomb.xlsx"
    _xlsx(path, [HEADER, ["A-1", "张三", "13800138000", "某医院", "参会代表", "已缴费"]])
    with zipfile.ZipFile(path) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    head, tail = parts.pop("xl/worksheets/sheet1.xml").split(b"<sheetData>", 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for name, content in parts.items():
            bomb.writestr(name, content)
        # a gigabyte of spaces inside the sheet (~1 MB compressed), written a megabyte at a
        # time: the test itself never holds the gigabyte
        with bomb.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head + b"<sheetData>")
            chunk = b" " * (1 << 20)
            for _ in range(1 << 10):
                sheet.write(chunk)
            sheet.write(tail)
    del parts
    assert path.stat().st_size < 5_000_000
    inflated = []
    opened = zipfile.ZipFile.open
    monkeypatch.setattr(zipfile.ZipFile, "open",
                        lambda self, name, *a, **kw: inflated.append(name) or opened(
                            self, name, *a, **kw))
    with pytest.raises(ImportFileError) as caught:
        read_export(path, CONFIG)
    assert "expand" in str(caught.value) or "too large" in str(caught.value)
    assert inflated == []  # judged by the zip directory alone


FAR_CELLS = {  # one cell at the sheet's far corner, spelled every way XML allows
    "plain": b'<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>',
    "quotes": b"<c r='XFD1048576' t='inlineStr'><is><t>x</t></is></c>",
    "spaces": b'<c r = " XFD1048576" t="inlineStr"><is><t>x</t></is></c>',
    "line_break": b'<c\nr="XFD1048576" t="inlineStr"><is><t>x</t></is></c>',
    "entity": b'<c r="&#88;FD1048576" t="inlineStr"><is><t>x</t></is></c>',
    "wide": b'</row><row r="90000"><c r="ZZ90000" t="inlineStr"><is><t>x</t></is></c>',
}


@pytest.mark.parametrize("spelling", sorted(FAR_CELLS))
def test_a_sheet_reaching_a_far_cell_is_refused_not_allocated(tmp_path, spelling):
    # calamine would hold the sheet as one grid out to that cell: 512 GB, and the process
    # (the desk app) aborts. Run as the CLI, so that a regression cannot take pytest with it.
    path = tmp_path / "far.xlsx"
    _xlsx(path, [HEADER, ["A-1", "张三", "13800138000", "某医院", "参会代表", "已缴费"]])
    with zipfile.ZipFile(path) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(b"</row></sheetData>",
                                                      FAR_CELLS[spelling] + b"</row></sheetData>")
    assert parts["xl/worksheets/sheet1.xml"] != sheet
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as far:
        for name, content in parts.items():
            far.writestr(name, content)
    result = subprocess.run([CHECKIN, "--db", str(tmp_path / "e.db"), "import", str(path),
                             "--dry-run"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "far beyond any registration list" in result.stderr


def test_a_damaged_sheet_is_refused_in_words(tmp_path):
    path = tmp_path / "damaged.xlsx"
    _xlsx(path, [HEADER, ["A-1", "张三", "13800138000", "某医院", "参会代表", "已缴费"]])
    with zipfile.ZipFile(path) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(
        b'r="A2"', b'r=""')  # a cell reference without its row
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as damaged:
        for name, content in parts.items():
            damaged.writestr(name, content)
    with pytest.raises(ImportFileError, match="cannot be read"):
        read_export(path, CONFIG)


def test_a_wide_but_real_export_still_imports(tmp_path):
    path = tmp_path / "wide.xlsx"
    rows = [[*HEADER, *(f"备注{i}" for i in range(700))]]  # out to column ZZ
    rows += [[f"A-{n}", "张三", "13800138000", "某医院", "参会代表", "已缴费", *range(700)]
             for n in range(1, 2001)]
    _xlsx(path, rows)
    people, report, _ = read_export(path, CONFIG)
    assert len(people) == 2000 and report.rows_read == 2000


def test_a_huge_cell_is_reported_and_does_not_reach_the_list(tmp_path, store):
    path = tmp_path / "export.csv"
    path.write_bytes(_csv_bytes([
        HEADER,
        ["A-1", "张" * 200_000, "13800138000", "某医院", "参会代表", "已缴费"],
        ["A-2", "李四", "13800138001", "医" * 300_000, "参会代表", "已缴费"],
        ["A-3", "王五", "13800138002", "某医院", "参会代表", "已缴费"],
    ]))
    report = import_file(store, path)
    names = {r[0]: r[1] for r in store.reader().execute("SELECT code, name FROM registrants")}
    assert names.get("A-3") == "王五"
    assert "A-1" not in names  # a 200,000-character name is not a name: refused, reported
    assert max(len(v or "") for r in store.reader().execute("SELECT * FROM registrants")
               for v in r if isinstance(v, str)) < 5000
    assert any(p.row == 2 for p in report.problems) and any(p.row == 3 for p in report.problems)


def test_formula_cells_are_data_never_formulas_and_exports_stay_inert(tmp_path, store):
    """An XLSX formula is read as the value the spreadsheet saved for it (never evaluated
    here; none saved: an empty cell). Text that merely looks like a formula stays text, and
    every export neutralises it."""
    book = tmp_path / "export.xlsx"
    _xlsx(book, [HEADER,
                 ["A-1", "=HYPERLINK(\"http://evil\",\"点我\")", "13800138000", "=1+1",
                  "参会代表", "已缴费"],
                 ["A-2", "@SUM(1)", "+8613800138001", "-2+3", "参会代表", "已缴费"]])
    report = import_file(store, book)
    assert any(p.row == 2 and "no name" in p.message for p in report.problems)
    text = tmp_path / "more.csv"
    text.write_bytes(_csv_bytes([HEADER, ["A-3", "=cmd|' /C calc'!A0", "13800138002",
                                          "+1 hospital", "参会代表", "已缴费"]]))
    import_file(store, text, mark_missing=False)
    rows = {r["code"]: r for r in store.reader().execute("SELECT * FROM registrants")}
    assert "A-1" not in rows  # the formula saved no value: no name, row refused in words
    assert (rows["A-2"]["name"], rows["A-2"]["organisation"]) == ("@SUM(1)", "-2+3")
    assert rows["A-3"]["name"] == "=cmd|' /C calc'!A0"  # kept exactly as typed
    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"attendance{suffix}"
        export_attendance(store, out)
        if suffix == ".csv":
            values = [v for row in csv.reader(io.StringIO(out.read_text("utf-8-sig"))) for v in row]
        else:
            values = [v for row in openpyxl.load_workbook(out).active.values for v in row]
        texts = [v for v in values if isinstance(v, str)]
        assert not any(v.startswith(("=", "+", "-", "@")) for v in texts), texts
        assert "'=cmd|' /C calc'!A0" in texts and "'@SUM(1)" in texts


def test_wrong_types_are_read_as_what_a_person_meant_or_reported(tmp_path, store):
    import datetime as dt

    path = tmp_path / "export.xlsx"
    _xlsx(path, [HEADER,
                 ["A-1", "张三", 13800138000, "某医院", "参会代表", "已缴费"],  # phone as a number
                 ["A-2", dt.datetime(2026, 6, 26), 13800138001.0, True, "参会代表", "已缴费"],
                 [3, "王五", "13800138002", 42, "参会代表", "已缴费"]])  # code as a number
    report = import_file(store, path)
    rows = {r["code"]: r for r in store.reader().execute("SELECT * FROM registrants")}
    assert rows["A-1"]["phone"] == "13800138000"
    assert "3" in rows and rows["3"]["organisation"] == "42"
    assert "A-2" not in rows or rows["A-2"]["name"]  # a date is no name: refused or kept as text
    assert report.rows_read == 3


def test_a_broken_utf16_file_is_refused_in_words(tmp_path):
    """Found by the atheris fuzzer: a UTF-16 byte-order mark followed by an odd byte count."""
    path = tmp_path / "export.csv"
    path.write_bytes(b"\xfe\xff\xd0hhhh")
    with pytest.raises(ImportFileError, match="UTF-8 or XLSX"):
        read_export(path, CONFIG)


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00" + b"\x00" * 100],
                         ids=["zero-bytes", "sqlite-of-another-program"])
def test_a_database_that_is_not_ours_is_an_error_never_a_new_empty_event(tmp_path, content):
    """A desk database truncated to 0 bytes (a full disk, an interrupted copy) or another
    program's SQLite file: every command says so and exits 2; nothing answers "not found"
    for everyone, nothing is written to the file."""
    import sqlite3

    path = tmp_path / "desk.db"
    if content:  # a real SQLite file of another program: one table of its own
        with sqlite3.connect(path) as other:
            other.execute("CREATE TABLE recipes (name TEXT)")
        other.close()
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    export = tmp_path / "export.csv"
    export.write_bytes(_csv_bytes([HEADER, ["T-1", "张三", "13800000001", "协和", "参会代表",
                                            "已缴费"]]))
    for args in (("scan", "DEMO-000002"), ("stats",), ("init", str(EVENT_TOML)),
                 ("import", str(export))):
        result = subprocess.run([CHECKIN, "--db", str(path), *args], capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        said = "is empty (0 bytes)" if not content else "database of another program"
        assert said in result.stderr and str(path) in result.stderr, result.stderr
    assert path.read_bytes() == before
