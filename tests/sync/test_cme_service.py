"""The organiser's CME export from the central service, over every desk's door scans: the
scripted day of cme_day.py is played by three real desks syncing through the real service
(SQLite and PostgreSQL); then the service's report and the CME office's sheet, read back with
openpyxl, say what was worked out by hand and what a fully synced desk exports (the service's
with ID numbers and phones whole); the undone entry does not count; a desk token is refused;
`checkin server cme -o` writes the same sheet, and the export is in the service's audit."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import openpyxl
import pytest

from checkin.export import CME_COLUMNS, cme_credits, cme_items, desk_lookup, export_cme
from testkit.data import XLSX

from .cme_day import EXPECTED, FAN, WU, XU, ZHU, new_cme_event, play_day

# What the fixture export does not have: the columns the CME office asks for.
OFFICE = {FAN: ("430102198001011233", '=HYPERLINK("http://x.test","信息科")', "CME20260002"),
          ZHU: ("110101199202022346", "心内科", "CME20260003"),
          WU: ("110101199003074258", "神经内科", "CME20260010")}
PROJECT = ("2026-04-01-123(国)", "I类")


def office_export() -> bytes:
    """The fixture's first rows as a CSV, with 身份证号, 科室 and 学分卡号 columns."""
    sheet = openpyxl.load_workbook(XLSX, read_only=True).active
    header, *people = list(sheet.iter_rows(min_row=2, max_row=14, values_only=True))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*header, "身份证号", "科室", "学分卡号"])
    for row in people:
        writer.writerow([*("" if v is None else v for v in row), *OFFICE.get(row[1], ("",) * 3)])
    return out.getvalue().encode("utf-8-sig")


def sheet_rows(source) -> list[tuple]:
    book = openpyxl.load_workbook(source)
    return [tuple(c.value for c in row) for row in book.active.iter_rows()]


def get(central, path: str, token: str) -> httpx.Response:
    return httpx.get(f"{central.base_url}/api/v1{path}", timeout=120,
                     headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def day(central, real_desks):
    return play_day(new_cme_event(central, "报名信息.csv", office_export()), real_desks)


def test_the_service_exports_every_desks_credit_as_worked_out_by_hand(central, day, tmp_path):
    token = central.organiser.token
    answer = get(central, f"/events/{day.event}/cme", token)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert [s["id"] for s in report["sessions"]] == ["am", "pm"]
    assert (report["project_number"], report["credit_class"]) == PROJECT
    people = {p["code"]: p for p in report["items"]}
    assert {code: (p["minutes"], p["credits"]) for code, p in people.items()} == EXPECTED
    assert people[XU]["credits"] == 0  # counting the undone 09:05 entry would give 2
    assert people[FAN]["name"] == "范俊" and not people[FAN]["backfilled"]
    assert people[WU]["backfilled"]  # the paper sheet's afternoon
    assert people[FAN]["shortfall"][0].endswith("70 of 120 minutes (needs 96)")
    assert any("no exit scanned, counted until 12:00" in n for n in people[WU]["shortfall"])
    on_desk = day.sites["A厅出口"].store  # fully synced: it says the same
    assert report["items"] == cme_items(cme_credits(on_desk), desk_lookup(on_desk))

    answer = get(central, f"/events/{day.event}/cme.xlsx", token)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    header, *rows = [tuple(c.value for c in row) for row in book.active.iter_rows()]
    assert header == CME_COLUMNS
    assert book.active.title == "学分"
    # Only those who earned credit, by code: FAN, ZHU, WU (XU fell short).
    assert rows == [
        ("范俊", "430102198001011233", "CME20260002", "中国移动通信集团湖南有限公司",
         "'" + OFFICE[FAN][1], "教授", "13557616987", *PROJECT, 2, 4.1,
         "；".join(people[FAN]["shortfall"])),
        ("朱思佳", "110101199202022346", "CME20260003", "清华大学人工智能研究院", "心内科",
         "博士研究生", "14731778486", *PROJECT, 3, 4.5, None),
        ("吴兰", "110101199003074258", "CME20260010", "清华大学人工智能研究院", "神经内科",
         "高级工程师", "16001304118", *PROJECT, 1, 4.2,  # the afternoon from the paper sheet
         "；".join([*people[WU]["shortfall"], "补录"]))]
    formula = book.active.cell(row=2, column=CME_COLUMNS.index("科室") + 1)
    assert formula.data_type == "s"  # text the spreadsheet shows, never a formula it runs

    # A fully synced desk's export says the same, but with what a desk token receives:
    # phones, ID and CME card numbers masked.
    on_desk = tmp_path / "desk.xlsx"
    assert export_cme(day.sites["C厅门口"].store, on_desk, operator="organiser") == 3
    desk_header, *desk_rows = sheet_rows(on_desk)
    assert desk_header == header
    masked = [CME_COLUMNS.index(c) for c in ("身份证号", "学分卡号", "手机")]
    for ours, theirs in zip(rows, desk_rows, strict=True):
        assert [v for i, v in enumerate(theirs) if i not in masked] == \
            [v for i, v in enumerate(ours) if i not in masked]
        assert all("*" in theirs[i] and theirs[i] != ours[i] for i in masked)


def test_only_an_organiser_exports_and_the_export_is_audited(central, day, tmp_path):
    desk_token = day.sites["A厅入口"].client.token
    for path in ("cme", "cme.xlsx"):
        refused = get(central, f"/events/{day.event}/{path}", desk_token)
        assert refused.status_code == 403
        assert refused.json()["message"] == ("this needs an organiser token; a desk token "
                                             "cannot do it")

    checkin = str(Path(sys.executable).parent / "checkin")
    out = tmp_path / "学分.xlsx"
    env = {**os.environ, "CHECKIN_ORGANISER_TOKEN": central.organiser.token}
    made = subprocess.run([checkin, "server", "cme", "--event", day.event, "--server",
                           central.base_url, "-o", str(out)], capture_output=True, text=True,
                          timeout=120, env=env)
    assert made.returncode == 0, made.stderr
    assert f"wrote 3 person(s) with CME credit to {out}" in made.stdout
    header, *rows = sheet_rows(out)
    assert header == CME_COLUMNS and [r[0] for r in rows] == ["范俊", "朱思佳", "吴兰"]
    assert rows[0][CME_COLUMNS.index("身份证号")] == OFFICE[FAN][0]

    listed = subprocess.run([checkin, "server", "cme", "--event", day.event, "--server",
                             central.base_url, "--json"], capture_output=True, text=True,
                            timeout=120, env=env)
    assert listed.returncode == 0, listed.stderr
    people = {p["code"]: p for p in json.loads(listed.stdout)["items"]}
    assert people[ZHU]["minutes"] == {"am": 153, "pm": 115} and people[ZHU]["credits"] == 3.0

    audit = subprocess.run([checkin, "server", "audit", "--event", day.event, "--kind", "audit",
                            "--server", central.base_url, "--json"], capture_output=True,
                           text=True, timeout=120, env=env)
    assert audit.returncode == 0, audit.stderr
    exports = [e for e in json.loads(audit.stdout) if e["data"]["action"] == "export"]
    assert [(e["operator"], e["data"]["details"]) for e in exports] == [
        ("organiser:tests", {"what": "cme", "format": "xlsx", "rows": 3})]


def test_an_event_without_cme_is_refused_in_words(central, tmp_path):
    event = central.new_event(import_export=False)
    answer = get(central, f"/events/{event}/cme.xlsx", central.organiser.token)
    assert answer.status_code == 409
    assert answer.json()["message"] == (
        f"event {event!r} has no [cme] section in its event file: there is no CME project to "
        "give credit for (docs/cme.md)")
    checkin = str(Path(sys.executable).parent / "checkin")
    failed = subprocess.run([checkin, "server", "cme", "--event", event, "--server",
                             central.base_url, "--token", central.organiser.token, "-o",
                             str(tmp_path / "学分.xlsx")], capture_output=True, text=True,
                            timeout=120, env=os.environ)
    assert failed.returncode == 2
    assert "has no [cme] section" in failed.stderr
    assert not (tmp_path / "学分.xlsx").exists()
