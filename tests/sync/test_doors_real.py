"""A forum door with two desks (one scans people in, the other out) syncing through the real
central list, on SQLite and PostgreSQL: both desks and the organiser see who is inside."""

from __future__ import annotations

from checkin.stats import headcounts
from checkin.sync.engine import sync_once

IN_1, IN_2, IN_3 = "SHIC2026-000002", "SHIC2026-000003", "SHIC2026-000010"
F1 = "forum:F1"


def _inside(stats: dict) -> int:
    return next(f["inside"] for f in stats["forums"] if f["forum"] == "F1")


def test_entries_at_one_desk_and_exits_at_another_agree_everywhere(central, real_desks):
    event = central.new_event()
    entrance, exit_desk = real_desks("A厅入口", event), real_desks("A厅出口", event)
    for site in (entrance, exit_desk):
        assert sync_once(site.store, site.client).ok
    for code in (IN_1, IN_2, IN_3):
        assert entrance.desk.scan(code, F1).ok
    assert sync_once(entrance.store, entrance.client).ok
    assert sync_once(exit_desk.store, exit_desk.client).ok  # it learns who came in
    left = exit_desk.desk.scan(IN_2, F1, exit=True)
    assert left.reason_code == "exited"  # the entry was made at the other desk
    assert sync_once(exit_desk.store, exit_desk.client).ok
    assert sync_once(entrance.store, entrance.client).ok
    back = entrance.desk.scan(IN_2, F1)
    assert back.reason_code == "reentered"  # the entrance knows they had left
    for site in (entrance, exit_desk):
        assert sync_once(site.store, site.client).ok
    desk_a, desk_b = headcounts(entrance.store), headcounts(exit_desk.store)
    server = central.organiser.stats(event)
    assert _inside(desk_a) == _inside(desk_b) == _inside(server) == 3
    assert server["arrived"] == 0  # a forum door admits; registration counts arrivals
    kinds = [e["kind"] for e in central.organiser.all_events(event)[0] if e["code"] == IN_2]
    assert kinds == ["forum", "exit", "entry"]
