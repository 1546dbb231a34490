"""A registration morning, decided against the SHIC 2026 fixture and its event file."""

import datetime as dt
import threading

import pytest
from conftest import EVENT_DAY, LUNCH_TIME

from checkin.desk import Desk, DeskError
from checkin.model import Outcome
from checkin.policy import StationError
from checkin.store import Store, eventlog
from checkin.store import registrants as reg_store

# From the fixture export (and its answer key).
PAID = "SHIC2026-000002"  # 范俊, 参会代表, 已缴费, both lunches
UNPAID = "SHIC2026-000005"  # 许敏, 参赛团队 T001, 未缴费
TEAM_T001 = ["SHIC2026-000004", "SHIC2026-000005", "SHIC2026-000006", "SHIC2026-000007",
             "SHIC2026-000008"]


def first_with(store, **where):
    for reg in reg_store.all_registrants(store.reader()):
        if all(getattr(reg, k) == v for k, v in where.items()):
            return reg
    raise LookupError(where)


def test_first_scan_admits_second_says_already_with_when_and_where(desk):
    first = desk.scan(PAID)
    assert first.outcome == Outcome.OK and first.name == "范俊" and first.event_uuid
    again = desk.scan(PAID)
    assert again.outcome == Outcome.ALREADY
    assert again.first_device == desk.store.device_id
    assert again.first_time == first_wall_time(desk, first.event_uuid)
    assert again.first_time.startswith("2026-06-26T08:30")
    # Said in words a volunteer reads: the time (same day) and this desk's name.
    assert again.reason == f"Already admitted at 08:30:00 by desk {desk.store.device_name}"


def first_wall_time(desk, event_uuid):
    return eventlog.get(desk.store.reader(), event_uuid).wall_time


def test_codes_match_whatever_case_or_spaces_a_scanner_sends(desk):
    assert desk.scan(" shic2026-000002\r\n").outcome == Outcome.OK
    assert desk.scan("SHIC2026-000002").outcome == Outcome.ALREADY


def refusals(store) -> list[tuple]:
    """(code, station, outcome, reason_code) of the refused scans recorded, oldest first."""
    rows = store.reader().execute(
        "SELECT * FROM events WHERE kind = 'refused' ORDER BY seq").fetchall()
    return [(e.code, e.station, e.data["outcome"], e.data["reason_code"])
            for e in map(eventlog.from_row, rows)]


def admissions_made(store) -> int:
    return store.reader().execute(
        "SELECT count(*) FROM events WHERE kind IN ('checkin', 'meal', 'forum', 'override')"
    ).fetchone()[0]


def test_unknown_and_garbage_payloads(desk):
    assert desk.scan("SHIC2026-999999").outcome == Outcome.NOT_FOUND
    garbage = ("", "   ", "DROP TABLE registrants;", "x" * 5000, "\x00\x01", "王小明")
    for text in garbage:
        decision = desk.scan(text)
        assert decision.outcome == Outcome.INVALID, text
        assert decision.reason
    assert admissions_made(desk.store) == 0
    # Each refusal is in the audit trail (and goes up with the sync); the garbage itself,
    # which may be anybody's link, is not.
    recorded = refusals(desk.store)
    assert recorded[0] == ("SHIC2026-999999", "registration", "not_found", "not_found")
    assert [r[2] for r in recorded[1:]] == ["invalid"] * len(garbage)
    assert all(r[0] is None for r in recorded[1:])
    stored = " ".join(r["data"] for r in desk.store.reader().execute("SELECT data FROM events"))
    assert "DROP TABLE" not in stored and "xxxxx" not in stored


def test_code_inside_a_url_or_json_payload(desk):
    assert desk.scan("https://reg.example.org/checkin?code=SHIC2026-000002").outcome == Outcome.OK
    assert desk.scan('{"ticket": "SHIC2026-000003"}').outcome == Outcome.OK
    assert desk.scan("https://reg.example.org/c/SHIC2026-000010").outcome == Outcome.OK


def test_a_web_link_that_matches_nobody_says_so_instead_of_a_code(desk):
    # a WeChat article or a sponsor's page: its last path segment is nobody's code
    decision = desk.scan("https://mp.weixin.qq.com/s/AbCdEf123")
    assert decision.outcome == Outcome.NOT_FOUND and decision.reason_code == "foreign_link"
    assert decision.code is None and "mp.weixin.qq.com" in decision.reason
    assert "AbCdEf123" not in decision.reason  # nobody to hunt for
    plain = desk.scan("AbCdEf123")  # typed or scanned as a code: that code is not listed
    assert plain.reason_code == "not_found" and plain.code == "AbCdEf123"
    assert admissions_made(desk.store) == 0
    assert [r[0] for r in refusals(desk.store)] == [None, "AbCdEf123"]


def test_unpaid_and_refunded_are_refused_with_the_reason(desk):
    unpaid = desk.scan(UNPAID)
    assert unpaid.outcome == Outcome.NOT_ELIGIBLE and unpaid.reason_code == "unpaid"
    refunded = first_with(desk.store, payment="已退款")
    decision = desk.scan(refunded.code)
    assert decision.outcome == Outcome.NOT_ELIGIBLE and decision.reason_code == "refunded"
    assert admissions_made(desk.store) == 0
    assert refusals(desk.store) == [(UNPAID, "registration", "not_eligible", "unpaid"),
                                    (refunded.code, "registration", "not_eligible", "refunded")]


def test_lunch_once_per_person_per_day_and_undo(event_store):
    desk = Desk(event_store, operator="alice", now=lambda: LUNCH_TIME)
    meal = "meal:0626-lunch"
    assert desk.scan(PAID, meal).outcome == Outcome.OK
    assert desk.scan(PAID, meal).outcome == Outcome.ALREADY
    undo = desk.undo()
    assert undo.kind == "undo"
    assert desk.scan(PAID, meal).outcome == Outcome.OK
    # The meal slot can also be named as the export spells it.
    assert desk.scan(PAID, "meal:6月26日午餐").outcome == Outcome.ALREADY


def test_meal_of_another_day_and_meal_not_entitled(event_store):
    desk = Desk(event_store, operator="alice", now=lambda: EVENT_DAY.replace(hour=19))
    other_day = desk.scan(PAID, "meal:0627-lunch")
    assert other_day.outcome == Outcome.NOT_ELIGIBLE and other_day.reason_code == "wrong_day"
    dinner = desk.scan(PAID, "meal:0626-dinner")
    assert dinner.reason_code == "meal_not_entitled"
    guest = first_with(desk.store, category="嘉宾/专家", payment="免费")
    assert desk.scan(guest.code, "meal:0626-dinner").outcome == Outcome.OK  # category entitlement


def test_forum_signup_and_capacity(event_store):
    desk = Desk(event_store, operator="door", now=lambda: EVENT_DAY)
    chose_f2 = first_with(event_store, payment="已缴费", category="参会代表", forums=["F2"])
    did_not = first_with(event_store, payment="已缴费", category="参会代表", forums=[])
    assert desk.scan(chose_f2.code, "forum:F2").outcome == Outcome.OK
    refused = desk.scan(did_not.code, "forum:F2")
    assert refused.reason_code == "forum_not_entitled"
    assert desk.scan(did_not.code, "forum:F1").outcome == Outcome.OK  # open forum
    # Fill F3 (capacity 200) and see the 201st refused.
    paid = [r for r in reg_store.all_registrants(event_store.reader())
            if r.payment in ("已缴费", "免费")]
    results = [desk.scan(r.code, "forum:F3").outcome for r in paid[:201]]
    assert results.count(Outcome.OK) == 200
    assert desk.scan(paid[201].code, "forum:F3").reason_code == "forum_full"


def test_wrong_day_for_registration_by_category(event_store):
    exhibitor = first_with(event_store, category="展商", payment="免费")
    on_the_28th = Desk(event_store, operator="a", now=lambda: dt.datetime(2026, 6, 28, 9))
    assert on_the_28th.scan(exhibitor.code).reason_code == "wrong_day"
    # A day outside the whole event says so, and points at the laptop's clock: a dead CMOS
    # battery (2000-01-01) must not read as "this person is not admitted today".
    for day in (dt.datetime(2026, 6, 20, 9), dt.datetime(2000, 1, 1, 0, 5)):
        refused = Desk(event_store, operator="a", now=lambda day=day: day).scan(PAID)
        assert refused.reason_code == "outside_event"
        assert day.date().isoformat() in refused.reason and "clock" in refused.reason
        assert "2026-06-25" in refused.reason and "2026-06-28" in refused.reason


def test_unknown_station_is_a_clear_error(desk):
    with pytest.raises(StationError, match="0626-lunch"):
        desk.scan(PAID, "meal:breakfast")
    with pytest.raises(StationError, match="unknown station"):
        desk.scan(PAID, "bar")


def test_supervisor_override_is_an_event_with_reason(desk):
    with pytest.raises(DeskError):
        desk.override(UNPAID, "registration", reason="", supervisor="王经理")
    decision = desk.override(UNPAID, "registration", reason="pays on site", supervisor="王经理")
    assert decision.ok
    event = eventlog.get(desk.store.reader(), decision.event_uuid)
    assert event.kind == "override"
    assert event.data == {"reason": "pays on site", "supervisor": "王经理"}
    assert desk.scan(UNPAID).outcome == Outcome.ALREADY


def test_whole_team_checked_in_at_once(desk):
    decisions = desk.check_in_team("SHIC2026-000006")
    assert [d.code for d in decisions] == TEAM_T001
    outcomes = {d.code: d.outcome for d in decisions}
    assert outcomes.pop(UNPAID) == Outcome.NOT_ELIGIBLE
    assert set(outcomes.values()) == {Outcome.OK}
    with pytest.raises(DeskError):
        desk.check_in_team("no such team")


def test_undo_needs_something_to_undo_and_cannot_undo_twice(desk):
    with pytest.raises(DeskError, match="nothing to undo"):
        desk.undo()
    admitted = desk.scan(PAID)
    desk.undo(admitted.event_uuid)
    with pytest.raises(DeskError, match="already undone"):
        desk.undo(admitted.event_uuid)
    conn = desk.store.reader()
    kinds = [e.kind for e in eventlog.history(conn, PAID)]
    assert kinds == ["checkin", "undo"]  # nothing deleted: undo is another fact


def test_walk_in_registers_checks_in_and_is_searchable(desk):
    reg, decision = desk.walk_in({"name": "现场 报名人", "phone": "+86 139-0000-1234",
                                  "organisation": "某医院", "payment": "现场缴费",
                                  "amount": "480"}, payment_method="wechat")
    assert decision.ok and reg.code.startswith("W-")
    assert reg.phone == "13900001234" and reg.source == "walk_in"
    assert (reg.payment, reg.amount, reg.extra) == ("已缴费", 480.0, {"缴费方式": "wechat"})
    assert desk.scan(reg.code).outcome == Outcome.ALREADY
    fact = eventlog.history(desk.store.reader(), reg.code)[0]
    assert fact.kind == "walk_in" and fact.data["payment_method"] == "wechat"
    with pytest.raises(DeskError, match="11-digit"):
        desk.walk_in({"name": "号码错", "phone": "12345", "payment": "已缴费"})
    with pytest.raises(DeskError, match="name"):
        desk.walk_in({"name": "  ", "payment": "已缴费"})
    # The payment is said, never assumed: nothing is registered without it.
    with pytest.raises(DeskError, match="needs its payment"):
        desk.walk_in({"name": "没说缴费"})
    assert not [h for h in desk.store.reader().execute(
        "SELECT 1 FROM registrants WHERE name = '没说缴费'")]
    with pytest.raises(DeskError, match="paid by"):
        desk.walk_in({"name": "现金券", "payment": "已缴费"}, payment_method="coupon")


def test_edit_is_audited_and_refuses_a_stale_version(desk):
    reg = reg_store.get(desk.store.reader(), PAID)
    edited = desk.edit(PAID, {"name": "范 俊杰"}, base_version=reg.version, reason="typo")
    assert edited.name == "范 俊杰" and edited.version == reg.version + 1
    event = eventlog.history(desk.store.reader(), PAID)[-1]
    assert event.kind == "edit" and event.data["changes"] == {"name": ["范俊", "范 俊杰"]}
    with pytest.raises(DeskError, match="changed meanwhile"):
        desk.edit(PAID, {"title": "主任"}, base_version=reg.version)
    with pytest.raises(DeskError, match="unknown fields"):
        desk.edit(PAID, {"shoe_size": "42"})


def test_edit_sends_the_server_version_it_last_saw_as_base_version(desk):
    """The server tells a stale edit by the version the desk based it on: the central one
    (`server_version`, written by a sync's download), not the desk's own version, which also
    counts local edits (two edits offline would otherwise claim a version the server gave to
    an organiser's correction). The local check still compares with the local version."""
    def last_edit():
        return eventlog.history(desk.store.reader(), UNPAID)[-1].data

    start = reg_store.get(desk.store.reader(), UNPAID).version
    desk.edit(UNPAID, {"phone": "13900000001"})  # never synced: its own version
    assert last_edit()["base_version"] == start
    with desk.store.transaction() as conn:  # what the download writes: central version 4
        conn.execute("UPDATE registrants SET version = 4, server_version = 4 WHERE code = ?",
                     (UNPAID,))
    one = desk.edit(UNPAID, {"phone": "13900000002"}, base_version=4, reason="typed")
    assert one.version == 5 and last_edit()["base_version"] == 4
    assert last_edit()["changes"] == {"phone": ["13900000001", "13900000002"]}
    two = desk.edit(UNPAID, {"phone": "13900000003"}, base_version=5, reason="typo fix")
    assert two.version == 6 and last_edit()["base_version"] == 4, "still what the server gave"
    assert last_edit()["changes"] == {"phone": ["13900000002", "13900000003"]}
    with pytest.raises(DeskError, match="changed meanwhile"):
        desk.edit(UNPAID, {"phone": "13900000004"}, base_version=4)  # local: now 6


def test_reprint_needs_a_reason_and_every_print_is_recorded(desk):
    desk.record_print(PAID, "badge")
    with pytest.raises(DeskError, match="reason"):
        desk.record_print(PAID, "badge")
    reprint = desk.record_print(PAID, "badge", reason="lost badge")
    assert reprint.data["reprint"] is True
    assert [e.kind for e in eventlog.history(desk.store.reader(), PAID)] == ["print", "print"]


def test_two_desks_on_one_database_never_admit_a_code_twice(event_store, tmp_path):
    """Two threads (and their own Store connections) race on the same codes."""
    codes = [r.code for r in reg_store.all_registrants(event_store.reader())
             if r.payment in ("已缴费", "免费")][:60]
    results: list = []

    def work():
        with Store(event_store.path) as own:
            d = Desk(own, operator="racer", now=lambda: EVENT_DAY)
            for code in codes:
                results.append(d.scan(code).outcome)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(Outcome.OK) == len(codes)
    assert results.count(Outcome.ALREADY) == 2 * len(codes)


def test_chinese_wording(event_store):
    desk = Desk(event_store, operator="a", chinese=True, now=lambda: EVENT_DAY)
    assert desk.scan(PAID).reason == "欢迎，范俊"
    # The banner shows the name large: the reason says what to do, not who, nor a raw value.
    assert desk.scan(UNPAID).reason == "未缴费：请到缴费处缴费，或由主管特批"
    assert Desk(event_store, operator="a", chinese=True, now=lambda: LUNCH_TIME).scan(
        PAID, "meal:0626-lunch").reason == "可以进入：6月26日午餐"
    english = Desk(event_store, operator="a", now=lambda: EVENT_DAY)
    assert english.scan(UNPAID).reason == ("Not paid yet: send to the payment desk, or a "
                                           "supervisor override")


def test_walk_in_codes_are_normalised_and_codes_cannot_be_edited(desk):
    reg, decision = desk.walk_in({"name": "手填编号", "code": " w 01 ", "payment": "免费"})
    assert reg.code == "w01" and decision.ok
    assert desk.scan("W01").outcome == Outcome.ALREADY
    with pytest.raises(DeskError, match="cannot be scanned"):
        desk.walk_in({"name": "坏编号", "code": "报名-1", "payment": "免费"})
    with pytest.raises(DeskError, match="cannot be changed"):
        desk.edit(PAID, {"code": "NEW-1"})


def test_scans_are_stamped_in_the_event_time_zone(event_store):
    utc_morning = dt.datetime(2026, 6, 26, 0, 30, tzinfo=dt.UTC)  # 08:30 in Beijing
    desk = Desk(event_store, operator="a", now=lambda: utc_morning)
    decision = desk.scan(PAID)
    event = eventlog.get(event_store.reader(), decision.event_uuid)
    assert event.wall_time.startswith("2026-06-26T08:30:00") and event.wall_time.endswith("+08:00")


def test_meal_station_starts_on_the_slot_being_served(event_store):
    from checkin.policy import current_meal

    config = event_store.config
    at = lambda h, m: dt.datetime(2026, 6, 26, h, m)  # noqa: E731
    assert current_meal(config, at(12, 0)).id == "0626-lunch"
    assert current_meal(config, at(15, 0)).id == "0626-dinner"  # next today
    assert current_meal(config, at(21, 0)).id == "0626-dinner"  # last of the day
    assert current_meal(config, dt.datetime(2026, 6, 27, 9, 0)).id == "0627-lunch"


def test_meals_are_in_time_order_whatever_the_event_file_says():
    from checkin.config import config_from_dict
    from checkin.policy import current_meal

    config = config_from_dict({"meals": [
        {"id": "d2-lunch", "name": "Day 2 lunch", "date": "2026-06-27", "start": "11:30"},
        {"id": "d1-dinner", "name": "Dinner", "date": "2026-06-26", "start": "18:30"},
        {"id": "voucher", "name": "Coffee voucher"},  # named only: last
        {"id": "d1-lunch", "name": "Day 1 lunch", "date": "2026-06-26", "start": "11:30"}]})
    assert [m.id for m in config.meals] == ["d1-lunch", "d1-dinner", "d2-lunch", "voucher"]
    assert current_meal(config, dt.datetime(2026, 6, 26, 9, 0)).id == "d1-lunch"  # not dinner


def test_a_refused_action_is_said_in_the_desks_language(event_store):
    chinese = Desk(event_store, operator="a", chinese=True, now=lambda: EVENT_DAY)
    with pytest.raises(DeskError, match="本签到台没有可撤销的记录"):
        chinese.undo()
    with pytest.raises(DeskError, match="现场报名需要缴费状态"):
        chinese.walk_in({"name": "李雷"})
    with pytest.raises(DeskError, match="nothing to undo at this desk"):
        Desk(event_store, operator="a").undo()
