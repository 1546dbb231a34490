"""Check-in lists in the event file (issue 15): custom lists (欢迎礼包, 展厅) with who, when, once
or again, exits and capacity, and a JSON Logic rule on any station whose refusal says why."""

import dataclasses
import json
import re

import pytest
from conftest import EVENT_DAY, EVENT_TOML

from checkin.config import ConfigError, config_from_dict, load_config
from checkin.desk import Desk, DeskError
from checkin.model import CheckinList, EventKind, Outcome
from checkin.store import eventlog

DELEGATE = "SHIC2026-000002"  # 范俊, 参会代表, paid, 6月26日午餐
TEAM = "SHIC2026-000004"  # 夏英浩, 参赛团队, paid
UNPAID = "SHIC2026-000005"  # 许敏, 参赛团队, 未缴费
JUDGE = "SHIC2026-000010"  # 吴兰, 评委, free
LUNCH = "meal:0626-lunch"


def with_event(event_store, **changes) -> None:
    with event_store.transaction() as conn:
        event_store.save_config(conn, dataclasses.replace(event_store.config, **changes))


def at(event_store, hour: int, minute: int = 0, *, day: int = 26) -> Desk:
    return Desk(event_store, operator="alice",
                now=lambda: EVENT_DAY.replace(day=day, hour=hour, minute=minute))


GIFT = CheckinList(id="gift", name="欢迎礼包", categories=("参会代表", "评委"))


def test_a_welcome_gift_once_for_the_categories_it_names(event_store):
    with_event(event_store, lists=[GIFT])
    desk = at(event_store, 9)
    given = desk.scan(DELEGATE, "list:gift")
    assert given.ok and given.reason_code == "admitted"
    again = desk.scan(DELEGATE, "list:欢迎礼包")  # by its name too, as staff type it
    assert again.outcome == Outcome.ALREADY
    team = desk.scan(TEAM, "list:gift")
    assert (team.outcome, team.reason) == (
        Outcome.NOT_ELIGIBLE, "欢迎礼包 is not for category 参赛团队")
    assert desk.scan(JUDGE, "list:gift").ok  # free passes as paid does
    kinds = [e.kind for e in eventlog.history(event_store.reader(), DELEGATE)]
    assert kinds == [EventKind.LIST, EventKind.REFUSED]  # the second one is on record


def test_a_list_says_which_payment_states_pass_its_days_and_hours(event_store):
    bag = CheckinList(id="bag", name="资料袋", paid=("已缴费", "未缴费"), days=("2026-06-26",),
                      start="08:00", end="10:00", tolerance_minutes=0)
    with_event(event_store, lists=[bag])
    assert at(event_store, 9).scan(UNPAID, "list:bag").ok  # the bag goes to everyone who came
    free = at(event_store, 9).scan(JUDGE, "list:bag")
    assert free.reason == "资料袋 is not for payment status 免费"
    late = at(event_store, 10, 1).scan(DELEGATE, "list:bag")
    assert late.reason_code == "too_late" and "资料袋 admitted until 10:00" in late.reason
    assert at(event_store, 9, day=27).scan(DELEGATE, "list:bag").reason_code == "wrong_day"


def test_a_hall_with_exits_counts_who_is_inside_against_its_capacity(event_store):
    hall = CheckinList(id="hall", name="展厅", exits=True, reentry=True, capacity=1)
    with_event(event_store, lists=[hall])
    desk = at(event_store, 10)
    assert desk.scan(DELEGATE, "list:hall").ok
    full = desk.scan(TEAM, "list:hall")
    assert (full.reason_code, full.reason) == ("list_full", "展厅 is full (1)")
    assert desk.scan(DELEGATE, "list:hall", exit=True).reason_code == "exited"
    assert desk.scan(TEAM, "list:hall").ok  # a seat came free
    assert desk.scan(DELEGATE, "list:hall").reason_code == "list_full"
    with pytest.raises(DeskError, match="not a forum door"):
        desk.scan(DELEGATE, LUNCH, exit=True)


ONE_PER_DAY = {"<": [{"var": "entries_today"}, 1]}


def test_a_rule_limits_a_list_that_admits_again_to_one_entry_a_day(event_store):
    expo = CheckinList(id="expo", name="展览", reentry=True, rule=json.dumps(ONE_PER_DAY))
    with_event(event_store, lists=[expo])
    assert at(event_store, 9).scan(DELEGATE, "list:expo").reason_code == "admitted"
    second = at(event_store, 15).scan(DELEGATE, "list:expo")
    assert second.reason_code == "rule_refused"
    assert second.reason == "Not admitted at 展览: only 1 entry per day"
    next_day = at(event_store, 9, day=27).scan(DELEGATE, "list:expo")
    assert (next_day.ok, next_day.reason_code) == (True, "reentered")
    kinds = [e.kind for e in eventlog.history(event_store.reader(), DELEGATE)]
    assert kinds == [EventKind.LIST, EventKind.REFUSED, EventKind.ENTRY]


DOCTORS_FIRST = {"or": [
    {"and": [{"inList": [{"var": "category"}, ["评委"]]},
             {"isAfter": [{"var": "now"}, {"buildTime": ["customtime", "11:30"]}]}]},
    {"and": [{"isAfter": [{"var": "now"}, {"buildTime": ["customtime", "12:00"]}]},
             {"isBefore": [{"var": "now"}, {"buildTime": ["customtime", "13:30"]}]}]},
]}


def test_a_lunch_rule_refuses_in_its_own_words_and_a_supervisor_overrides(event_store):
    meals = [dataclasses.replace(m, rule=json.dumps(DOCTORS_FIRST)) if m.id == "0626-lunch"
             else m for m in event_store.config.meals]
    with_event(event_store, meals=meals)
    assert at(event_store, 11, 40).scan(JUDGE, LUNCH).ok  # judges from 11:30
    early = at(event_store, 11, 40).scan(DELEGATE, LUNCH)
    assert early.reason_code == "rule_refused"
    assert "12:00" in early.reason and "category" not in early.reason  # she can wait
    desk = at(event_store, 11, 41)
    assert desk.override(DELEGATE, LUNCH, reason="speaker", supervisor="王经理").ok
    assert at(event_store, 12, 5).scan(DELEGATE, LUNCH).outcome == Outcome.ALREADY


def test_a_registration_rule_from_the_event_file(event_store):
    with_event(event_store, registration_rule=json.dumps(
        {"!": {"inList": [{"var": "category"}, ["媒体"]]}}))
    desk = at(event_store, 9)
    assert desk.scan(DELEGATE).reason_code == "welcome"
    media = next(r["code"] for r in event_store.reader().execute(
        "SELECT code FROM registrants WHERE category = '媒体' AND payment IN ('已缴费', '免费')"))
    refused = desk.scan(media)
    assert refused.reason_code == "rule_refused" and refused.reason.startswith("Not admitted at Registration: ")


@pytest.mark.parametrize(("table", "words"), [
    ({"lists": [{"name": "展厅", "rule": '{"isafter": [1, 2]}'}]},
     'rule of list 展厅: unknown operator "isafter" (did you mean isAfter?)'),
    ({"meals": [{"name": "午餐", "rule": "{not json"}]}, "rule of list 午餐: not JSON"),
    ({"registration": {"rule": {"var": "nope"}}}, "rule of list registration"),
    ({"lists": [{"name": "A", "id": "x"}, {"name": "B", "id": "x"}]}, "list ids must be unique"),
])
def test_a_rule_that_cannot_be_used_is_refused_at_load_naming_the_list(table, words):
    with pytest.raises(ConfigError, match=re.escape(words)):
        config_from_dict({"event": {"name": "x"}, **table})


def test_lists_survive_the_trip_to_the_central_list_and_back():
    import tomllib

    from checkin.config import config_from_json, config_to_json
    from checkin.server.conferences import to_toml

    raw = {"event": {"name": "x"}, "registration": {"rule": {"==": [1, 1]}},
           "lists": [{"id": "hall", "name": "展厅", "exits": True, "capacity": 80,
                      "categories": ["参会代表"], "rule": ONE_PER_DAY}]}
    config = config_from_dict(raw)
    assert config_from_json(config_to_json(config)) == config
    as_toml = to_toml(json.loads(config_to_json(config)))  # what desks receive at enrolment
    assert config_from_dict(tomllib.loads(as_toml)) == config
    plain = load_config(EVENT_TOML)  # an event file without lists: the same JSON as before
    assert "lists" not in config_to_json(plain) and '"rule"' not in config_to_json(plain)
