"""CME credit from door crossings (checkin/cme.py), hand-worked: minutes clipped to each
session, an entry without exit closed at its session's end (and flagged), an exit with no
entry, a morning entry that never counts for the afternoon, the 80 % rule and the cap; then
the event file's [cme] section, and the office's sheet written and read back."""

import dataclasses
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from checkin.cme import Crossing, credit_report
from checkin.config import ConfigError, config_from_dict
from checkin.model import Cme, CmeSession

ZONE = ZoneInfo("Asia/Shanghai")
AM = CmeSession("am", "上午：医疗AI", "forum:F1", "2026-06-26", "09:00", "12:00", 2.0)
PM = CmeSession("pm", "下午：医疗AI", "forum:F1", "2026-06-26", "14:00", "17:00", 1.0)
DATA = CmeSession("data", "医疗数据要素", "forum:F2", "2026-06-26", "14:00", "17:00", 1.5)
CME = Cme(project_number="2026-04-01-123(国)", credit_class="I类", min_share=0.8,
          sessions=(AM, PM, DATA))


def cross(code, door, kind, hhmm, **kw) -> Crossing:
    return Crossing(code, f"forum:{door}", kind, f"2026-06-26T{hhmm}:00.000+08:00", **kw)


def report(crossings, cme=CME):
    return {p.code: p for p in credit_report(cme, ZONE, crossings)}


def minutes(person) -> dict:
    return {s.session: s.minutes for s in person.sessions}


def test_a_coffee_break_out_and_in_still_earns_the_morning():
    # 09:00-10:30 (early arrival counts from the start) + 10:50-12:00 = 160 of 180 min
    people = report([cross("A", "F1", "forum", "08:55"), cross("A", "F1", "exit", "10:30"),
                     cross("A", "F1", "entry", "10:50"), cross("A", "F1", "exit", "12:10")])
    a = people["A"]
    assert minutes(a) == {"am": 160, "pm": 0, "data": 0}
    assert a.sessions[0].needed == 144 and a.credits == 2.0
    assert a.notes == ["下午：医疗AI: no entry scanned", "医疗数据要素: no entry scanned"]


def test_an_entry_without_exit_counts_until_its_session_ends_and_is_flagged():
    people = report([cross("B", "F1", "forum", "09:30"),  # never scanned out
                     cross("B", "F2", "forum", "14:00"), cross("B", "F2", "exit", "15:00")])
    b = people["B"]
    assert minutes(b) == {"am": 150, "pm": 0, "data": 60}  # the morning never reaches 14:00
    assert b.credits == 2.0
    assert "上午：医疗AI: no exit scanned, counted until 12:00" in b.notes
    assert "医疗数据要素: 60 of 180 minutes (needs 144)" in b.notes


def test_a_project_that_needs_check_in_and_check_out_gives_nothing_for_an_open_entry():
    strict = dataclasses.replace(CME, require_exit=True)
    people = report([cross("B", "F1", "forum", "09:00"),  # never scanned out
                     cross("C", "F1", "forum", "09:00"), cross("C", "F1", "exit", "12:00")],
                    strict)
    assert minutes(people["B"])["am"] == 180 and people["B"].credits == 0
    assert people["B"].notes[0] == "上午：医疗AI: this project needs an exit scan to earn credit"
    assert people["C"].credits == 2.0
    assert config_from_dict({"forums": [{"id": "F1", "name": "F1"}], "cme": {
        "require_exit": True, "sessions": [{"forum": "F1", "date": "2026-06-26", "start": "09:00",
                                            "end": "12:00", "credits": 2}]}}).cme.require_exit


def test_a_morning_left_open_and_an_afternoon_re_entry_at_the_same_door():
    people = report([cross("D", "F1", "forum", "09:00"), cross("D", "F1", "entry", "14:10")])
    d = people["D"]
    assert minutes(d)["am"] == 180 and minutes(d)["pm"] == 170
    assert d.credits == 3.0  # both F1 sessions, each flagged for its missing exit
    assert sum("no exit scanned" in n for n in d.notes) == 2


def test_an_exit_with_no_entry_counts_nothing_and_says_so():
    c = report([cross("C", "F1", "exit", "10:00")])["C"]
    assert c.credits == 0 and minutes(c)["am"] == 0
    assert "上午：医疗AI: exit at 10:00 with no entry scanned" in c.notes


def test_the_share_the_cap_and_backfilled_sheets():
    strict = dataclasses.replace(CME, min_share=1.0, credits=2.5)
    crossings = [cross("E", "F1", "forum", "09:00"), cross("E", "F1", "exit", "11:59"),
                 cross("E", "F2", "forum", "13:50", backfilled=True),
                 cross("E", "F2", "exit", "17:05", backfilled=True),
                 cross("E", "F1", "entry", "14:00"), cross("E", "F1", "exit", "17:00")]
    e = report(crossings, strict)["E"]
    assert minutes(e) == {"am": 179, "pm": 180, "data": 180}
    assert e.credits == 2.5  # 1.0 + 1.5 earned; the morning missed by a minute; cap 2.5
    assert e.backfilled
    assert report(crossings)["E"].credits == 4.5  # at 80 %: all three


def test_the_event_file_names_the_project_and_its_sessions():
    base = {"event": {"name": "x"},
            "forums": [{"id": "F1", "name": "医疗AI", "date": "2026-06-26", "start": "09:00",
                        "end": "12:00"}, {"id": "F2", "name": "数据"}]}
    config = config_from_dict({**base, "cme": {
        "project_number": "2026-04-01-123(国)", "credit_class": "I", "credits": 3,
        "sessions": [{"forum": "F1", "credits": 2},
                     {"forum": "F2", "date": "2026-06-26", "start": "14:00", "end": "17:00",
                      "credits": 1, "id": "pm"}]}})
    assert config.cme.credit_class == "I类" and config.cme.credits == 3
    assert [(s.id, s.station, s.start, s.end) for s in config.cme.sessions] == [
        ("F1-2026-06-26-09:00", "forum:F1", "09:00", "12:00"), ("pm", "forum:F2", "14:00", "17:00")]
    for cme, words in [
        ({"sessions": [{"forum": "F9", "credits": 1}]}, "forum 'F9' is not one of"),
        ({"sessions": [{"forum": "F2", "credits": 1}]}, "give its date, start and end"),
        ({"sessions": [{"forum": "F1", "credits": 0}]}, "credits must be a number above 0"),
        ({"credit_class": "III"}, 'credit_class is "I类" or "II类"'),
        ({"min_share": 80}, "min_share is the share"),
        ({"project": "x"}, "unknown setting project"),
    ]:
        with pytest.raises(ConfigError, match=words):
            config_from_dict({**base, "cme": cme})


def test_the_office_sheet_has_one_row_per_credited_person(tmp_path, event_store):
    from checkin.desk import Desk
    from checkin.export import CME_COLUMNS, export_cme

    config = event_store.config
    cme = Cme(project_number="2026-04-01-123(国)", credit_class="I类",
              sessions=(CmeSession("am", "上午", "forum:F1", "2026-06-26", "09:00", "12:00", 2.0),))
    with event_store.transaction() as conn:
        event_store.save_config(conn, dataclasses.replace(config, cme=cme))
    clock = {"now": None}
    desk = Desk(event_store, operator="门口", now=lambda: clock["now"])
    import datetime as dt

    for code, came, left in [("SHIC2026-000002", "09:00", "11:50"),
                             ("SHIC2026-000003", "10:30", "11:00")]:
        clock["now"] = dt.datetime.fromisoformat(f"2026-06-26T{came}")
        assert desk.scan(code, "forum:F1").ok
        clock["now"] = dt.datetime.fromisoformat(f"2026-06-26T{left}")
        assert desk.scan(code, "forum:F1", exit=True).ok
    out = tmp_path / "学分.xlsx"
    assert export_cme(event_store, out, operator="organiser") == 1  # 000003: 30 minutes
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == CME_COLUMNS
    name, *_, project, credit_class, credits, hours, notes = rows[1]
    assert (name, project, credit_class, credits, hours) == (
        "范俊", "2026-04-01-123(国)", "I类", 2, 2.8)


def test_a_paper_sheet_is_entered_afterwards_by_an_organiser_only(event_store):
    """补录: a power cut at the F1 door; the organiser enters the paper sheet at 17:00."""
    import datetime as dt

    from checkin.desk import Desk, DeskError
    from checkin.export import cme_credits
    from checkin.store import audit as audit_log

    cme = Cme(project_number="P", credit_class="I类",
              sessions=(CmeSession("am", "上午", "forum:F1", "2026-06-26", "09:00", "12:00", 2.0),))
    with event_store.transaction() as conn:
        event_store.save_config(conn, dataclasses.replace(event_store.config, cme=cme))
    evening = Desk(event_store, operator="组织者", now=lambda: dt.datetime(2026, 6, 26, 17, 0))
    at = dt.datetime(2026, 6, 26, 9, 5)
    came = evening.backfill("SHIC2026-000002", "forum:F1", at, "停电，纸质签到表")
    left = evening.backfill("SHIC2026-000002", "forum:F1", at.replace(hour=11, minute=55),
                            "停电，纸质签到表", exit=True)
    assert came.ok and left.ok and left.reason_code == "exited"
    person = cme_credits(event_store)[0]
    assert (person.minutes, person.credits, person.backfilled) == (170, 2.0, True)
    for when, words in [(dt.datetime(2026, 7, 2, 9, 0), "not during the event"),
                        (dt.datetime(2026, 6, 26, 18, 0), "has not happened yet")]:
        with pytest.raises(DeskError, match=words):
            evening.backfill("SHIC2026-000003", "forum:F1", when, "paper")
    with pytest.raises(DeskError, match="needs a reason"):
        evening.backfill("SHIC2026-000003", "forum:F1", at, " ")
    entries = audit_log.entries(event_store.reader(), audit_log.BACKFILL)
    assert [(e.code, e.details["exit"], e.details["reason"]) for e in entries] == [
        ("SHIC2026-000002", False, "停电，纸质签到表"), ("SHIC2026-000002", True, "停电，纸质签到表")]
