"""One way to show a time, a station and a desk (checkin/presentation.py), and a person's
history in words (checkin/history.py): Qt-free, shared by the desk's reasons and the window."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from conftest import EVENT_DAY

from checkin import presentation
from checkin.clock import HybridClock
from checkin.history import PersonHistory
from checkin.model import REGISTRATION, EventConfig, EventKind, LoggedEvent
from checkin.presentation import desk_name, station_label, time_shown
from checkin.privacy import Role
from checkin.store import eventlog

SHANGHAI = ZoneInfo("Asia/Shanghai")
PAID = "SHIC2026-000002"  # 范俊
UNPAID = "SHIC2026-000005"  # 许敏, phone 198****5997


# -- a time ------------------------------------------------------------------------------
def test_a_time_of_today_shows_the_clock_and_another_day_the_date():
    stamp = "2026-06-26T08:12:03.456+08:00"
    assert time_shown(stamp, SHANGHAI, today="2026-06-26") == "08:12:03"
    assert time_shown(stamp, SHANGHAI, today=dt.date(2026, 6, 26)) == "08:12:03"
    assert time_shown(stamp, SHANGHAI, today="2026-06-27") == "2026-06-26 08:12"


def test_a_time_is_shown_in_the_events_zone():
    """A desk whose clock ran in UTC: its 00:30 is 08:30 at the event."""
    assert time_shown("2026-06-26T00:30:00.000+00:00", SHANGHAI, "2026-06-26") == "08:30:00"
    assert time_shown("2026-06-25T17:40:00+00:00", SHANGHAI, "2026-06-27") == "2026-06-26 01:40"


def test_no_time_and_a_damaged_one():
    assert time_shown(None, SHANGHAI) == "" and time_shown("", SHANGHAI) == ""
    assert time_shown("yesterday", SHANGHAI, "2026-06-26") == "yesterday"


def test_today_defaults_to_the_laptops_date_in_the_zone():
    now = dt.datetime.now(SHANGHAI).replace(microsecond=0)
    assert time_shown(now.isoformat(), SHANGHAI) == now.strftime("%H:%M:%S")


def test_the_desks_reason_says_the_time_the_same_way(desk):
    first = desk.scan(PAID)
    again = desk.scan(PAID)
    assert f"at {time_shown(first_wall(desk, first), SHANGHAI, '2026-06-26')} " in again.reason
    assert "Already admitted at 08:30:00 by desk" in again.reason


def first_wall(desk, decision) -> str:
    return next(e.wall_time for e in eventlog.history(desk.store.reader(), PAID)
                if e.uuid == decision.event_uuid)


# -- a station -----------------------------------------------------------------------------
def test_a_station_reads_the_same_everywhere(event_store):
    config = event_store.config
    meal, forum = config.meals[0], config.forums[0]
    assert station_label(REGISTRATION, config) == "Registration"
    assert station_label(f"meal:{meal.id}", config) == f"Meal: {meal.name}"
    assert station_label(f"forum:{forum.id}", config) == f"Forum: {forum.name}"
    assert station_label("meal:gone", config) == "Meal: gone"  # no longer in the event file
    assert station_label(None, config) == "" and station_label("other", config) == "other"


def test_the_window_station_list_uses_the_same_labels(event_store):
    pytest.importorskip("PySide6")
    from checkin.ui.main_window import stations

    labels = {key: label for label, key in stations(event_store)}
    assert all(label == station_label(key, event_store.config) for key, label in labels.items())


# -- a desk --------------------------------------------------------------------------------
def test_a_desk_is_named_by_this_desks_name_a_learned_name_or_its_id(event_store):
    with event_store.transaction() as conn:
        conn.execute("INSERT INTO devices (device_id, name, updated_at) VALUES (?,?,?)",
                     ("desk-2", "报到处2", "2026-06-26T08:00:00+08:00"))
    assert desk_name(event_store, event_store.device_id) == event_store.device_name
    assert desk_name(event_store, "desk-2") == "报到处2"
    assert desk_name(event_store, "desk-9") == "desk-9"
    assert desk_name(event_store, None) == "" and desk_name(event_store, "") == ""


def test_the_desk_names_another_desk_as_the_window_does(event_store, desk):
    with event_store.transaction() as conn:
        conn.execute("INSERT INTO devices (device_id, name, updated_at) VALUES (?,?,?)",
                     ("desk-2", "报到处2", "2026-06-26T08:00:00+08:00"))
    assert desk._desk_name("desk-2") == presentation.desk_name(event_store, "desk-2") == "报到处2"


# -- a person's history ----------------------------------------------------------------------
def _words(store, role=Role.DESK) -> PersonHistory:
    return PersonHistory(store.config, SHANGHAI, lambda d: desk_name(store, d), role,
                         "2026-06-26")


def test_history_rows_are_newest_first_with_undone_marked(event_store, desk):
    admitted = desk.scan(PAID)
    desk.undo(admitted.event_uuid, reason="wrong person")
    events = eventlog.history(event_store.reader(), PAID)
    rows = _words(event_store).rows(events)
    assert [r.kind for r in rows] == ["undo", "check-in (undone)"]
    assert rows[1].cancelled and not rows[0].cancelled
    assert rows[1].time == "08:30:00" and rows[1].station == "Registration"
    assert rows[1].desk == event_store.device_name and rows[1].operator == "alice"
    assert rows[0].details == "cancels check-in 08:30:00: wrong person"


def test_history_of_an_edit_is_masked_for_the_desk_and_whole_for_the_organiser(
        event_store, desk):
    desk.edit(UNPAID, {"phone": "13800138000"}, reason="new number")
    events = eventlog.history(event_store.reader(), UNPAID)
    masked = _words(event_store).rows(events)[0]
    assert masked.kind == "edit" and "Phone: 198****5997 → 138****8000" in masked.details
    whole = _words(event_store, Role.ORGANISER).rows(events)[0]
    assert "→ 13800138000 (new number)" in whole.details


def test_history_of_another_desk_in_another_zone(event_store):
    clock = HybridClock("desk-2")
    event = eventlog.new_event(clock, EventKind.MEAL, code=PAID,
                               station=f"meal:{event_store.config.meals[0].id}",
                               operator="bob", wall_time="2026-06-25T04:00:00.000+00:00")
    with event_store.transaction() as conn:
        eventlog.append(conn, event)
    row = _words(event_store).rows([event])[0]
    assert row.time == "2026-06-25 12:00" and row.desk == "desk-2"
    assert row.station == f"Meal: {event_store.config.meals[0].name}"
    assert row.cells()[:2] == ["2026-06-25 12:00", "meal"]


def test_history_words_for_prints_and_refusals():
    event = LoggedEvent(uuid="u1", kind="print", code=PAID, station=None, device_id="d",
                        operator="o", wall_time=EVENT_DAY.isoformat(), hlc="h", ref=None,
                        data={"document": "badge", "reprint": True, "reason": "lost badge"})
    refused = LoggedEvent(uuid="u2", kind="refused", code=PAID, station=REGISTRATION,
                          device_id="d", operator="o", wall_time=EVENT_DAY.isoformat(),
                          hlc="h2", ref=None, data={"outcome": "already", "reason": "已报到"})
    words = PersonHistory(EventConfig(), SHANGHAI, lambda d: d or "", today="2026-06-26")
    newest, oldest = words.rows([event, refused])
    assert newest.kind == "scanned again" and newest.details == "已报到"
    assert oldest.details == "badge reprint: lost badge" and oldest.time == "08:30:00"
