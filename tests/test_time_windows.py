"""Meal slots and forums with start and end admit only then, give or take a tolerance; a
supervisor's override (audited, with a reason) lets the latecomer the organiser allows in."""

import dataclasses
import datetime as dt

import pytest
from conftest import EVENT_DAY

from checkin.config import ConfigError, config_from_dict
from checkin.desk import Desk
from checkin.model import EventKind, Outcome
from checkin.store import eventlog

PAID = "SHIC2026-000002"  # 范俊: paid, has 6月26日午餐 (11:30-13:30 in the event file)
LUNCH = "meal:0626-lunch"


def at(event_store, hour: int, minute: int = 0, *, chinese: bool = False) -> Desk:
    return Desk(event_store, operator="alice", chinese=chinese,
                now=lambda: EVENT_DAY.replace(hour=hour, minute=minute))


@pytest.mark.parametrize(("hour", "minute", "outcome", "reason_code"), [
    (11, 14, Outcome.NOT_ELIGIBLE, "too_early"),  # 15 minutes' tolerance by default
    (11, 15, Outcome.OK, "admitted"),
    (13, 45, Outcome.OK, "admitted"),
    (13, 46, Outcome.NOT_ELIGIBLE, "too_late"),
    (23, 1, Outcome.NOT_ELIGIBLE, "too_late"),  # the lunch that was served at 23:01
])
def test_lunch_is_served_in_its_window_with_the_tolerance(event_store, hour, minute, outcome,
                                                          reason_code):
    decision = at(event_store, hour, minute).scan(PAID, LUNCH)
    assert (decision.outcome, decision.reason_code) == (outcome, reason_code)


def test_the_refusal_names_the_window_and_the_time_in_both_languages(event_store):
    late = at(event_store, 23, 1, chinese=True).scan(PAID, LUNCH)
    assert late.reason == "6月26日午餐 放行至 13:45（11:30–13:30），现在 23:01：迟到者可由主管特批入场"
    assert late.reason_other.startswith("6月26日午餐 admitted until 13:45 (11:30–13:30); now 23:01")
    early = at(event_store, 9).scan(PAID, LUNCH)
    assert "admits from 11:15" in early.reason and "now 09:00" in early.reason


def test_a_supervisor_override_lets_the_latecomer_in_and_is_audited(event_store):
    desk = at(event_store, 14, 10)
    assert desk.scan(PAID, LUNCH).reason_code == "too_late"
    decision = desk.override(PAID, LUNCH, reason="speaker's session overran", supervisor="王经理")
    assert decision.ok and decision.reason_code == "override"
    assert "speaker's session overran" in decision.reason
    kinds = [e.kind for e in eventlog.history(event_store.reader(), PAID)]
    assert kinds == [EventKind.REFUSED, EventKind.OVERRIDE]  # the refusal stays on record
    assert desk.scan(PAID, LUNCH).outcome == Outcome.ALREADY  # one lunch, however admitted


def test_a_forum_window_its_own_tolerance_and_the_event_default(event_store):
    config = event_store.config
    forums = [dataclasses.replace(f, start="14:00", end="17:30", tolerance_minutes=30)
              if f.id == "F1" else f for f in config.forums]
    with event_store.transaction() as conn:
        event_store.save_config(conn, dataclasses.replace(config, forums=forums,
                                                          window_tolerance_minutes=0))
    assert at(event_store, 13, 29).scan(PAID, "forum:F1").reason_code == "too_early"
    assert at(event_store, 13, 30).scan(PAID, "forum:F1").ok
    # The lunch now has no tolerance: 11:29 is too early, 11:30 is served.
    assert at(event_store, 11, 29).scan(PAID, LUNCH).reason_code == "too_early"
    assert at(event_store, 11, 30).scan(PAID, LUNCH).ok


def test_registration_and_slots_without_a_window_admit_all_day(event_store):
    desk = at(event_store, 23, 50)
    assert desk.scan(PAID).ok  # registration: the day matters, not the hour
    assert desk.scan(PAID, "forum:F1").ok  # F1 gives a date but no start and end


def test_the_event_file_says_what_is_wrong_with_a_window():
    base = {"event": {"name": "x"}}
    with pytest.raises(ConfigError, match=r"meals #1: end 11:30 is before start 13:30"):
        config_from_dict({**base, "meals": [{"name": "午餐", "start": "13:30", "end": "11:30"}]})
    with pytest.raises(ConfigError, match="tolerance_minutes must be a whole number"):
        config_from_dict({**base, "forums": [{"name": "F", "tolerance_minutes": "half"}]})
    with pytest.raises(ConfigError, match="tolerance_minutes must be a whole number"):
        config_from_dict({"event": {"name": "x", "window_tolerance_minutes": -5}})
    config = config_from_dict({"event": {"name": "x", "window_tolerance_minutes": 5},
                               "meals": [{"name": "午餐", "start": dt.time(11, 30),
                                          "end": "13:30", "tolerance_minutes": 0}]})
    assert config.window_tolerance_minutes == 5 and config.meals[0].tolerance_minutes == 0
