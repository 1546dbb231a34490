"""The check-in rule engine (issue 15, item 2): every JSON Logic vector pretix and libpretixsync
share, pretix's check-in vocabulary on hand-made scans (the same answers as libpretixsync's
own tests), refusals said in words, and broken rules refused when loaded, naming the list."""

from __future__ import annotations

import datetime as dt
import json
import math
from zoneinfo import ZoneInfo

import pytest
from conftest import JSONLOGIC_TESTS

from checkin.rules import (
    CheckinFacts,
    RuleError,
    RuleEvaluationError,
    apply,
    compile_rule,
    json_equal,
    load_vectors,
    run_vector,
)

BEIJING = ZoneInfo("Asia/Shanghai")
TOKYO = ZoneInfo("Asia/Tokyo")  # libpretixsync's test event
VECTORS = load_vectors(JSONLOGIC_TESTS)
NOW = {"var": "now"}


def at(hour: int, minute: int = 0, day: int = 26) -> dt.datetime:
    """A moment of the SHIC 2026 congress, Beijing time."""
    return dt.datetime(2026, 6, day, hour, minute, tzinfo=BEIJING)


def custom(moment: str) -> dict:
    return {"buildTime": ["custom", moment]}


def daily(clock: str) -> dict:
    return {"buildTime": ["customtime", clock]}


def replay(rule, scans, zone, **facts) -> None:
    """Scan one person at these times, as a desk would: each admission is an earlier entry
    for the next scan. `scans`: (ISO time, admitted?)."""
    entries: list[dt.datetime] = []
    for moment, admitted in scans:
        now = dt.datetime.fromisoformat(moment).astimezone(zone)
        verdict = rule.check(CheckinFacts(now=now, entries=tuple(entries), **facts))
        assert verdict.allowed is admitted, (moment, verdict)
        assert verdict.allowed or verdict.reason
        if verdict.allowed:
            entries.append(now)


# -- plain JSON Logic: the shared vectors -----------------------------------------------------
def test_the_vector_file_holds_275_vectors():
    assert len(VECTORS) == 275
    assert VECTORS[0].heading == "# Non-rules get passed through"


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"{v.number}")
def test_every_json_logic_vector_passes(vector):
    result = run_vector(vector)
    assert result.passed, (vector.heading, vector.rule, vector.data, vector.expected,
                           result.got, result.error)


def test_json_equality_is_jsons():
    assert json_equal(2, 2.0) and json_equal([1, {"a": 2.0}], [1.0, {"a": 2}])
    assert not json_equal(True, 1) and not json_equal(0, False) and not json_equal(None, 0)
    assert not json_equal([1], [1, 1]) and not json_equal("1", 1)


def test_arithmetic_is_javascripts():
    """JSON Logic is defined by its JavaScript implementation; a rule never crashes a scan."""
    assert apply({"/": [1, 0]}, {}) == math.inf
    assert apply({"/": [-1, 0]}, {}) == -math.inf
    assert math.isnan(apply({"/": [0, 0]}, {}))
    assert apply({"%": [-7, 3]}, {}) == -1
    assert math.isnan(apply({"%": [1, 0]}, {}))


def test_checkin_operators_on_plain_data_say_what_they_need():
    with pytest.raises(RuleEvaluationError, match="entries_since asks about a check-in"):
        apply({"entries_since": ["2026-06-26T00:00:00+08:00"]}, {})
    with pytest.raises(RuleEvaluationError, match="buildTime asks about a check-in"):
        apply({"isAfter": [{"var": "now"}, daily("11:30")]}, {})


# -- time windows ---------------------------------------------------------------------------
LUNCH = {"and": [{"isAfter": [NOW, daily("11:30"), 15]},
                 {"isBefore": [NOW, daily("13:30"), 15]}]}


def test_the_lunch_window_refuses_2301_and_says_the_window():
    rule = compile_rule(LUNCH, name="午餐")
    late = rule.check(CheckinFacts(now=at(23, 1), category="参会代表"))
    assert not late.allowed
    assert late.reason == "only 11:30–13:30"
    assert rule.explain(CheckinFacts(now=at(9), category="参会代表")) == "only 11:30–13:30"


@pytest.mark.parametrize(("moment", "admitted"), [
    (at(11, 14), False), (at(11, 15), False), (at(11, 16), True), (at(12), True),
    (at(13, 44), True), (at(13, 45), False), (at(0, 5, day=27), False)])
def test_the_tolerance_widens_the_window_by_15_minutes(moment, admitted):
    rule = compile_rule(LUNCH, name="午餐")
    assert rule.allows(CheckinFacts(now=moment)) is admitted


def test_customtime_is_the_event_days_time_whatever_the_clock_zone():
    rule = compile_rule(LUNCH, name="午餐")
    noon_in_utc = dt.datetime(2026, 6, 26, 4, 0, tzinfo=dt.UTC)  # 12:00 in Beijing
    assert rule.allows(CheckinFacts(now=noon_in_utc.astimezone(BEIJING)))


def test_is_after_with_tolerance_as_libpretixsync():
    rule = compile_rule({"isAfter": [NOW, {"buildTime": ["date_admission"]}, 10]}, name="Hall")
    admission = dt.datetime(2020, 1, 1, 9, 0, tzinfo=dt.UTC)
    for moment, admitted in [("2020-01-01T08:45:00Z", False), ("2020-01-01T08:51:00Z", True),
                             ("2020-01-01T09:10:00Z", True)]:
        now = dt.datetime.fromisoformat(moment).astimezone(TOKYO)
        assert rule.allows(CheckinFacts(now=now, event_start=admission)) is admitted, moment
    strict = compile_rule({"isAfter": [NOW, {"buildTime": ["date_admission"]}, None]},
                          name="Hall")
    facts = CheckinFacts(now=admission.astimezone(TOKYO), admission=admission)
    assert not strict.allows(facts)  # exactly at the time is not after it
    assert strict.explain(facts) == "only after 18:00"  # said in the event's zone


def test_is_before_with_tolerance_and_the_events_end():
    rule = compile_rule({"isBefore": [NOW, {"buildTime": ["date_to"]}, 10]}, name="Hall")
    end = dt.datetime(2020, 1, 1, 14, 0, tzinfo=dt.UTC)
    start = end - dt.timedelta(hours=5)
    for moment, admitted in [("2020-01-01T14:05:00Z", True), ("2020-01-01T14:15:00Z", False)]:
        now = dt.datetime.fromisoformat(moment).astimezone(TOKYO)
        assert rule.allows(CheckinFacts(now=now, event_start=start, event_end=end)) is admitted


def test_a_fixed_time_on_another_day_is_said_with_its_date():
    rule = compile_rule({"isAfter": [NOW, custom("2026-06-27T09:00:00+08:00")]}, name="F2")
    assert rule.explain(CheckinFacts(now=at(16))) == "only after 2026-06-27 09:00"
    naive = compile_rule({"isBefore": [NOW, custom("2026-06-26T17:00")]}, name="F2")
    assert naive.allows(CheckinFacts(now=at(16, 59)))  # no offset: the event's zone
    assert naive.explain(CheckinFacts(now=at(17))) == "only before 17:00"


def test_the_week_day():
    rule = compile_rule({">=": [{"var": "now_isoweekday"}, 6]}, name="Weekend")
    replay(rule, [("2022-04-06T21:55:00Z", False), ("2022-04-09T22:05:00Z", True)], TOKYO)
    thursday = dt.datetime(2022, 4, 7, 10, tzinfo=TOKYO)
    assert rule.explain(CheckinFacts(now=thursday)) == "only on Saturday, Sunday"


# -- entries ---------------------------------------------------------------------------------
def test_one_entry_per_day_counts_days_in_the_events_zone():
    rule = compile_rule({"<": [{"var": "entries_today"}, 1]}, name="Exhibition")
    late_evening = dt.datetime(2026, 6, 26, 15, 30, tzinfo=dt.UTC)  # 23:30 in Beijing
    facts = CheckinFacts(now=at(23, 50), entries=(late_evening,))
    assert not rule.allows(facts)
    assert rule.explain(facts) == "only 1 entry per day"
    after_midnight = at(0, 30, day=27)  # the same UTC day, the next day of the congress
    assert rule.allows(CheckinFacts(now=after_midnight, entries=(late_evening,)))


def test_entries_number_and_entries_days():
    once = compile_rule({"==": [{"var": "entries_number"}, 0]}, name="Gift")
    assert once.explain(CheckinFacts(now=at(10), entries=(at(9),))) == "only 1 entry"
    two_days = compile_rule({"or": [{">": [{"var": "entries_today"}, 0]},
                                    {"<": [{"var": "entries_days"}, 2]}]}, name="Hall")
    replay(two_days, [(at(9, day=25).isoformat(), True), (at(15, day=25).isoformat(), True),
                      (at(9, day=26).isoformat(), True), (at(18, day=26).isoformat(), True)],
           BEIJING)
    third_day = CheckinFacts(now=at(9, day=27), entries=(at(9, day=25), at(9, day=26)))
    assert not two_days.allows(third_day)
    assert two_days.explain(third_day) == "only on 2 days"


def test_entries_days_since_as_libpretixsync():
    """Valid once before X, then on one day after X."""
    x = custom("2020-01-01T23:00:00.000+01:00")
    rule = compile_rule({"or": [
        {"<=": [{"var": "entries_number"}, 0]},
        {"and": [{"isAfter": [NOW, x, 0]},
                 {"or": [{">": [{"var": "entries_today"}, 0]},
                         {"<=": [{"entries_days_since": [x]}, 0]}]}]}]}, name="Pass")
    replay(rule, [("2020-01-01T21:00:00Z", True), ("2020-01-01T21:00:00Z", False),
                  ("2020-01-02T22:10:00Z", True), ("2020-01-02T22:10:00Z", True),
                  ("2020-01-03T22:10:00Z", False)], TOKYO)


def test_entries_days_before_as_libpretixsync():
    """After X only for those who came on two days before it."""
    x = custom("2020-01-01T23:00:00.000+01:00")
    rule = compile_rule({"or": [
        {"isBefore": [NOW, x, 0]},
        {"and": [{"isAfter": [NOW, x, 0]},
                 {">=": [{"entries_days_before": [x]}, 2]}]}]}, name="Pass")
    replay(rule, [("2019-12-30T21:00:00Z", True), ("2020-01-02T22:10:00Z", False),
                  ("2019-12-31T21:00:00Z", True), ("2020-01-02T22:10:00Z", True)], TOKYO)


def test_entries_since_and_before():
    morning = custom("2026-06-26T12:00:00+08:00")
    rule = compile_rule({"<": [{"entries_since": [morning]}, 2]}, name="F1")
    facts = CheckinFacts(now=at(16), entries=(at(9), at(12), at(14)))
    assert not rule.allows(facts)
    assert rule.explain(facts) == "only 2 entries since 12:00"
    assert apply({"entries_before": [morning]}, facts) == 1


def test_minutes_since_last_entry_as_libpretixsync():
    rule = compile_rule({"or": [{"<=": [{"var": "minutes_since_last_entry"}, -1]},
                                {">": [{"var": "minutes_since_last_entry"}, 180]}]}, name="Bar")
    replay(rule, [("2020-01-01T10:00:00Z", True), ("2020-01-01T12:55:00Z", False),
                  ("2020-01-01T13:01:00Z", True), ("2020-01-01T15:55:00Z", False),
                  ("2020-01-01T16:02:00Z", True)], dt.UTC)


def test_minutes_since_first_entry_as_libpretixsync():
    rule = compile_rule({"or": [{"<=": [{"var": "minutes_since_first_entry"}, -1]},
                                {"<": [{"var": "minutes_since_first_entry"}, 180]}]}, name="Day")
    replay(rule, [("2020-01-01T10:00:00Z", True), ("2020-01-01T12:55:00Z", True),
                  ("2020-01-01T13:01:00Z", False)], dt.UTC)


def test_a_re_entry_waits_and_says_until_when():
    rule = compile_rule({"or": [{"==": [{"var": "entries_number"}, 0]},
                                {">": [{"var": "minutes_since_last_entry"}, 30]}]}, name="F1")
    facts = CheckinFacts(now=at(9, 10), entries=(at(9),))
    assert apply({"var": "minutes_since_last_entry"}, facts) == 10
    assert not rule.allows(facts)
    assert rule.explain(facts) == "again only from 09:31 (30 minutes after the last entry)"
    assert rule.allows(CheckinFacts(now=at(9, 31), entries=(at(9),)))


# -- who: categories, entitlements, gates, payment ------------------------------------------
def test_in_list_of_categories():
    rule = compile_rule({"inList": [{"var": "category"}, ["医生", "护士"]]}, name="CME")
    assert rule.allows(CheckinFacts(now=at(10), category="护士"))
    refused = rule.check(CheckinFacts(now=at(10), category="参会代表"))
    assert not refused.allowed and refused.reason == "only for categories 医生, 护士"


def test_pretix_product_lookups_read_as_categories():
    rule = compile_rule({"inList": [{"var": "product"}, {"objectList": [
        {"lookup": ["product", "医生", "Doctors"]}]}]}, name="VIP")
    assert rule.allows(CheckinFacts(now=at(10), category="医生"))
    assert rule.explain(CheckinFacts(now=at(10), category="护士")) == "only for category Doctors"
    negated = compile_rule({"!": {"inList": [{"var": "category"}, ["工作人员"]]}}, name="VIP")
    assert negated.explain(CheckinFacts(now=at(10), category="工作人员")) \
        == "not for category 工作人员"


def test_products_gate_and_payment():
    lunch = compile_rule({"in": ["0626-lunch", {"var": "products"}]}, name="午餐")
    assert lunch.allows(CheckinFacts(now=at(12), products=["0626-lunch", "F1"]))
    assert lunch.explain(CheckinFacts(now=at(12), products=["F1"])) \
        == "only for those entitled to 0626-lunch"
    door = compile_rule({"inList": [{"var": "gate"}, ["东门"]]}, name="Hall")
    assert door.explain(CheckinFacts(now=at(9), gate="西门")) == "only at 东门"
    paid = compile_rule({"var": "paid"}, name="Hall")
    assert paid.allows(CheckinFacts(now=at(9), paid=True))
    assert paid.explain(CheckinFacts(now=at(9), paid=False)) == "only when paid"


def test_the_refusal_names_the_nearest_way_in():
    """Doctors from 11:30, everyone from 12:00: a nurse at 11:40 hears about the time (she
    can wait), not about being a doctor (she cannot become one)."""
    rule = compile_rule({"or": [
        {"and": [{"inList": [{"var": "category"}, ["医生"]]},
                 {"isAfter": [NOW, daily("11:30")]}]},
        {"and": [{"isAfter": [NOW, daily("12:00")]}, {"isBefore": [NOW, daily("13:30")]}]},
    ]}, name="午餐")
    assert rule.allows(CheckinFacts(now=at(11, 40), category="医生"))
    assert rule.explain(CheckinFacts(now=at(11, 40), category="护士")) == "only 12:00–13:30"


def test_a_condition_without_words_is_shown_as_written_never_rule_failed():
    rule = compile_rule({"==": [{"cat": [{"var": "category"}, "!"]}, "VIP!"]}, name="Lounge")
    reason = rule.explain(CheckinFacts(now=at(10), category="医生"))
    assert reason.startswith("not allowed by the rule of list Lounge: ")
    assert '"VIP!"' in reason


def test_a_rule_that_cannot_be_applied_refuses_in_words():
    rule = compile_rule({"isAfter": [NOW, {"buildTime": ["date_from"]}]}, name="Hall")
    verdict = rule.check(CheckinFacts(now=at(10)))  # an event file without a start time
    assert not verdict.allowed
    assert verdict.reason == ("the rule of list Hall cannot be applied: the event file gives "
                              "no start time (buildTime date_from)")


def test_true_and_false():
    facts = CheckinFacts(now=at(10))
    assert compile_rule(True, name="Open").allows(facts)
    closed = compile_rule("false", name="Closed")
    assert closed.check(facts).reason == "the rule of list Closed admits nobody"


def test_facts_need_the_events_zone():
    with pytest.raises(ValueError, match="time zone"):
        CheckinFacts(now=dt.datetime(2026, 6, 26, 12))


# -- refused when loaded ---------------------------------------------------------------------
@pytest.mark.parametrize(("rule", "words"), [
    ({"isafter": [NOW, daily("11:30")]}, 'unknown operator "isafter" (did you mean isAfter?)'),
    ({"and": [{"isBefore": [NOW]}]}, "isBefore takes 2 or 3 arguments, not 1 (at and[0]"),
    ({"==": [1]}, "== takes 2 arguments, not 1"),
    ({"!": [1, 2]}, "! takes 1 argument, not 2"),
    ({"isAfter": [NOW, {"buildTime": ["tomorrow"]}]}, "buildTime takes custom, customtime"),
    ({"isAfter": [NOW, daily("25:61")]}, 'customtime needs a time such as 11:30, not "25:61"'),
    ({"isAfter": [NOW, custom("soon")]}, 'custom needs a date and time such as'),
    ({"isAfter": [NOW, "11:30"]}, 'isAfter compares times: use {"var": "now"}'),
    ({"isAfter": [NOW, daily("11:30"), "a while"]}, "tolerance of isAfter must be a number"),
    ({"inList": [{"var": "category"}, "医生"]}, "inList needs a list"),
    ({"inList": [{"var": "catgory"}, ["医生"]]}, 'unknown variable "catgory" (did you mean '
                                                 'category?)'),
    ({"<": [{"var": "entries_to_day"}, 1]}, "did you mean entries_today?"),
    ({"var": "paid", "x": 1}, "an operation is an object with one key"),
    (["医生"], "a rule is one operation"),
    ("{not json", "not JSON"),
])
def test_a_broken_rule_is_refused_naming_the_list(rule, words):
    with pytest.raises(RuleError) as refused:
        compile_rule(rule, name="午餐")
    message = str(refused.value)
    assert message.startswith("rule of list 午餐: "), message
    assert words in message


def test_var_inside_map_and_filter_names_the_items_not_the_facts():
    rule = compile_rule({"some": [{"var": "products"}, {"==": [{"var": ""}, "F1"]}]}, name="F1")
    assert rule.allows(CheckinFacts(now=at(10), products=("F1",)))


def test_a_hostile_rule_is_refused_not_a_crash():
    deep: object = True
    for _level in range(200):
        deep = {"!": deep}
    with pytest.raises(RuleError, match="nested more than 64 levels"):
        compile_rule(deep, name="Hall")
    with pytest.raises(RuleError, match="not JSON"):
        compile_rule(json.dumps(deep)[:-1], name="Hall")


def test_the_rule_is_copied_when_loaded():
    written = {"inList": [{"var": "category"}, ["医生"]]}
    rule = compile_rule(written, name="VIP")
    written["inList"][1].append("护士")
    assert not rule.allows(CheckinFacts(now=at(10), category="护士"))
