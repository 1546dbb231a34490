"""The `checkin` command as a user runs it: a real process, a real database file."""

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import CSV_GBK, EVENT_TOML, XLSX

from checkin.demo import DEMO_ORGANISER_PIN
from checkin.store import Store

CHECKIN = str(Path(sys.executable).parent / "checkin")
PIN = "2468013579"  # the organiser PIN: phone numbers unmasked, exports (issue 7)
ORGANISER = ("--role", "organiser", "--pin", PIN)


def run(*args, db, ok=True):
    env = {**os.environ, "CHECKIN_OPERATOR": "alice"}
    result = subprocess.run([CHECKIN, "--db", str(db), *map(str, args)], capture_output=True,
                            text=True, env=env, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def run_json(*args, db):
    return json.loads(run(*args, "--json", db=db).stdout)


def test_list_json_matches_the_answer_key(tmp_path, answers):
    db = tmp_path / "e.db"
    run("privacy", "pin", "--pin", PIN, "--save", db=db)
    run("import", CSV_GBK, db=db)
    listed = run_json("list", *ORGANISER, db=db)
    keys = ("code", "name", "phone", "email", "category", "team", "payment", "meals")
    expected = {a["code"]: a for a in answers["registrants"]}
    assert len(listed) == answers["gbk_rows"]
    assert all({k: row[k] for k in keys} == expected[row["code"]] for row in listed)


def serve_lunch_all_day(db) -> None:
    with Store(db) as store:
        config = store.config
        config.meals = [dataclasses.replace(m, start="00:00", end="23:59") for m in config.meals]
        with store.transaction() as conn:
            store.save_config(conn, config)


def test_a_registration_morning_from_the_command_line(tmp_path):
    db = tmp_path / "demo.db"
    export = tmp_path / "export.xlsx"
    run("demo", "--people", 300, "--export", export, db=db)
    assert export.exists()
    people = run_json("list", db=db)
    paid = [p for p in people if p["payment"] in ("已缴费", "免费") and p["meals"]]
    unpaid = next(p for p in people if p["payment"] == "未缴费")
    a, b = paid[0]["code"], paid[1]["code"]

    first = run_json("scan", a, db=db)
    assert first["outcome"] == "ok" and first["name"] == paid[0]["name"]
    again_run = run("scan", a, "--json", db=db, ok=False)
    again = json.loads(again_run.stdout)
    assert again_run.returncode == 3  # nothing new: scripts tell it from a welcome
    assert again["outcome"] == "already" and again["first_time"]
    refused = run("scan", unpaid["code"], "--json", db=db, ok=False)
    assert refused.returncode == 1 and json.loads(refused.stdout)["reason_code"] == "unpaid"
    assert json.loads(run("scan", "NOPE-1", "--json", db=db, ok=False).stdout)["outcome"] == "not_found"

    serve_lunch_all_day(db)  # the demo's lunch is 11:30-13:30 today: whenever this runs
    assert run_json("scan", b, "--station", "meal:day1-lunch", db=db)["outcome"] == "ok"
    second_lunch = run("scan", b, "--station", "meal:day1-lunch", "--json", db=db, ok=False)
    assert second_lunch.returncode == 3 and json.loads(second_lunch.stdout)["outcome"] == "already"
    undone = run_json("undo", db=db)
    assert undone["code"] == b and undone["station"] == "meal:day1-lunch"
    assert run_json("scan", b, "--station", "meal:day1-lunch", db=db)["outcome"] == "ok"

    hits = run_json("search", paid[0]["name"], db=db)
    assert hits[0]["code"] == a or any(h["code"] == a for h in hits)
    assert any(h["arrived"] for h in hits if h["code"] == a)

    stats = run_json("stats", db=db)
    assert stats["expected"] == 300 and stats["arrived"] == 1
    lunch = next(m for m in stats["meals"] if m["slot"] == "day1-lunch")
    assert lunch["redeemed"] == 1
    assert sum(c["arrived"] for c in stats["by_category"]) == 1

    history = run_json("history", b, db=db)
    # the second lunch was refused, and that refusal is on the record too
    assert [e["kind"] for e in history] == ["meal", "refused", "undo", "meal"]
    assert history[1]["data"]["reason_code"] == "already"
    assert {e["operator"] for e in history} == {"alice"}

    out = tmp_path / "attendance.xlsx"
    refused = run("export", "attendance", "-o", out, db=db, ok=False)
    assert "organiser" in refused.stderr and not out.exists()
    run("export", "attendance", "-o", out, "--pin", DEMO_ORGANISER_PIN, db=db)  # the demo's
    rows = list(openpyxl.load_workbook(out, read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 301
    arrived = [r for r in rows[1:] if r[7]]
    assert [r[0] for r in arrived] == [a]
    assert arrived[0][8] and arrived[0][8] != history[0]["device_id"]  # the desk's name
    assert run_json("check", db=db)["ok"] is True


def test_walk_in_team_override_and_edit(tmp_path):
    db = tmp_path / "demo.db"
    run("demo", "--people", 120, db=db)
    # The payment is said, never assumed: without it nothing is registered (exit 2).
    unsaid = run("walkin", "--name", "现场 客人", "--phone", "13900001111", db=db, ok=False)
    assert unsaid.returncode == 2 and "needs --payment" in unsaid.stderr
    assert not [p for p in run_json("list", db=db) if p["name"] == "现场 客人"]
    walk = run_json("walkin", "--name", "现场 客人", "--phone", "13900001111",
                    "--payment", "现场缴费", "--amount", "480", "--method", "wechat", db=db)
    assert walk["decision"]["outcome"] == "ok"
    listed = next(p for p in run_json("list", db=db) if p["name"] == "现场 客人")
    assert listed["payment"] == "已缴费"
    people = run_json("list", db=db)
    team_member = next(p for p in people if p["team"])
    decisions = run_json("team", team_member["code"], db=db)
    assert {d["code"] for d in decisions} == {p["code"] for p in people if p["team"] == team_member["team"]}
    unpaid = next(p for p in people if p["payment"] == "未缴费")
    over = run_json("override", unpaid["code"], "--reason", "现场缴费", "--supervisor", "王", db=db)
    assert over["outcome"] == "ok"
    edited = run_json("edit", unpaid["code"], "name=张 三丰", "--reason", "typo", db=db)
    assert edited["name"] == "张 三丰"


def test_fixture_event_refuses_scans_outside_its_days(tmp_path):
    db = tmp_path / "e.db"
    run("init", EVENT_TOML, db=db)
    run("import", XLSX, db=db)
    # Today is not one of the June 2026 check-in days of the fixture event.
    result = json.loads(run("scan", "SHIC2026-000002", "--json", db=db, ok=False).stdout)
    assert result["outcome"] == "not_eligible" and result["reason_code"] == "outside_event"
    assert "2026-06-25 to 2026-06-28" in result["reason"] and "clock" in result["reason"]
    walk = run("walkin", "--name", "李雷", "--phone", "13800138000", "--payment", "已缴费",
               db=db, ok=False)
    assert walk.returncode == 1 and "registered, but NOT checked in" in walk.stdout


def test_import_dry_run_prints_mapping_and_writes_nothing(tmp_path):
    db = tmp_path / "e.db"
    out = run("import", XLSX, "--dry-run", db=db).stdout
    assert "报名编号 -> code" in out and "would import 2401" in out
    assert run_json("check", db=db)["registrants"] == 0


@pytest.mark.parametrize("args, message", [
    (["import", "/no/such/file.xlsx"], "file not found"),
    (["scan", "X", "--station", "meal:nope"], "no meal slot"),
    (["init", "/no/such/event.toml"], "event file not found"),
    (["undo"], "nothing to undo"),
    (["edit", "NOPE", "name=x"], "no registration with code NOPE"),
    (["demo", "--people", "0"], "between 1 and 200000"),
])
def test_errors_are_plain_words_on_stderr_with_nonzero_exit(tmp_path, args, message):
    db = tmp_path / "e.db"
    run("init", EVENT_TOML, db=db)
    result = run(*args, db=db, ok=False)
    assert result.returncode == 2
    assert message in result.stderr and result.stdout == ""


@pytest.mark.parametrize("args", [["scan", "SHIC2026-000002"], ["stats"], ["sync"],
                                  ["import", "/no/such/file.xlsx"]])
def test_a_mistyped_db_is_said_and_no_empty_event_is_made(tmp_path, args):
    db = tmp_path / "typo" / "desk1.dbx"
    result = run(*args, db=db, ok=False)
    assert result.returncode == 2 and result.stdout == ""
    assert "no event database at" in result.stderr or "file not found" in result.stderr
    assert not db.parent.exists()  # no empty event, not even its folder


def test_bad_event_file_is_explained(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[event]\nname = "x"\n[[meals]]\nid = "a"\n', encoding="utf-8")
    result = run("init", bad, db=tmp_path / "e.db", ok=False)
    assert "meals #1: 'name' is required" in result.stderr


def test_export_neutralises_formula_injection(tmp_path):
    db = tmp_path / "e.db"
    src = tmp_path / "evil.csv"
    src.write_text("编号,姓名,单位\nE1,=HYPERLINK(\"http://x\"),@SUM(A1)\n", encoding="utf-8")
    run("privacy", "pin", "--pin", PIN, "--save", db=db)
    run("import", src, db=db)
    out = tmp_path / "a.csv"
    run("export", "attendance", "-o", out, *ORGANISER, db=db)
    text = out.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text


def test_demo_never_overwrites_an_event(tmp_path):
    db = tmp_path / "e.db"
    run("import", CSV_GBK, db=db)
    result = run("demo", "--people", 10, db=db, ok=False)
    assert result.returncode == 2 and "already holds an event" in result.stderr
    assert run_json("check", db=db)["registrants"] == 2376


def test_attendance_keeps_people_who_came_then_left_the_list(tmp_path):
    db = tmp_path / "e.db"
    first = tmp_path / "v1.csv"
    first.write_text("编号,姓名\nA1,张三\nA2,李四\n", encoding="utf-8")
    second = tmp_path / "v2.csv"
    second.write_text("编号,姓名\nA2,李四\n", encoding="utf-8")
    run("import", first, db=db)
    run("scan", "A1", db=db)
    run("import", second, "--mark-missing", db=db)
    out = tmp_path / "att.csv"
    run("privacy", "pin", "--pin", PIN, "--save", db=db)
    run("export", "attendance", "-o", out, *ORGANISER, db=db)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["A1", "A2"]
    assert run_json("stats", db=db)["expected"] == 1


def test_team_check_in_exits_non_zero_when_nobody_was_admitted(tmp_path):
    db = tmp_path / "e.db"
    src = tmp_path / "t.csv"
    src.write_text("编号,姓名,项目名称,缴费状态\nT1,甲,T001 项目,未缴费\nT2,乙,T001 项目,已退款\n",
                   encoding="utf-8")
    run("import", src, db=db)
    result = run("team", "T1", db=db, ok=False)
    assert result.returncode == 1 and "REFUSED" in result.stdout
