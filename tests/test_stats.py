"""Headcounts agree with the answer key, counted independently here."""

from conftest import LUNCH_TIME

from checkin.desk import Desk
from checkin.stats import headcounts


def test_expected_and_meal_entitlements_match_the_answer_key(event_store, answers):
    people = answers["registrants"]
    admitted = [p for p in people if p["payment"] in ("已缴费", "免费")]
    stats = headcounts(event_store)
    assert stats["expected"] == len(people) and stats["arrived"] == 0
    meals = {m["slot"]: m for m in stats["meals"]}
    assert meals["0626-lunch"]["entitled"] == sum("6月26日午餐" in p["meals"] for p in admitted)
    # The welcome dinner comes from the event file: guests and jury who may be admitted.
    assert meals["0626-dinner"]["entitled"] == sum(p["category"] in ("嘉宾/专家", "评委")
                                                   for p in admitted)
    by_category = {c["category"]: c["expected"] for c in stats["by_category"]}
    assert by_category["参赛团队"] == sum(p["category"] == "参赛团队" for p in people)


def test_arrivals_by_category_day_meal_and_forum(event_store):
    desk = Desk(event_store, operator="a", now=lambda: LUNCH_TIME)
    for code in ("SHIC2026-000002", "SHIC2026-000003", "SHIC2026-000010"):
        assert desk.scan(code).ok
    assert desk.scan("SHIC2026-000002", "meal:0626-lunch").ok
    assert desk.scan("SHIC2026-000002", "forum:F1").ok
    stats = headcounts(event_store)
    assert stats["arrived"] == 3
    assert stats["by_day"] == [{"day": "2026-06-26", "arrived": 3}]
    assert {c["category"]: c["arrived"] for c in stats["by_category"]}["评委"] == 1
    assert next(m for m in stats["meals"] if m["slot"] == "0626-lunch")["redeemed"] == 1
    assert next(f for f in stats["forums"] if f["forum"] == "F1")["entered"] == 1


def test_arrivals_per_quarter_hour_has_no_gaps(event_store):
    import datetime as dt

    from checkin.stats import arrivals_per_quarter_hour

    for code, minute in (("SHIC2026-000002", 31), ("SHIC2026-000003", 44), ("SHIC2026-000010", 70)):
        moment = dt.datetime(2026, 6, 26, 8, 0) + dt.timedelta(minutes=minute)
        assert Desk(event_store, operator="a", now=lambda m=moment: m).scan(code).ok
    assert arrivals_per_quarter_hour(event_store) == [("08:30", 2), ("08:45", 0), ("09:00", 1)]
