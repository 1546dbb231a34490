"""What the desk window reads (checkin/store/desk_views.py, checkin/store/event_files.py):
the person shown, this desk's recent scans, the desks heard from, an event file's name."""

from __future__ import annotations

from checkin.clock import HybridClock
from checkin.model import REGISTRATION, EventKind
from checkin.store import desk_views, eventlog
from checkin.store.event_files import event_name

PAID = "SHIC2026-000002"  # 范俊
UNPAID = "SHIC2026-000005"  # 许敏


def test_person_view_has_the_registrant_pinyin_history_and_arrival(event_store, desk):
    conn = event_store.reader()
    before = desk_views.person_view(conn, PAID)
    assert before.registrant.name == "范俊" and before.pinyin == "fanjun"
    assert before.events == [] and before.arrival is None
    desk.scan(PAID)
    after = desk_views.person_view(event_store.reader(), PAID)
    assert [e.kind for e in after.events] == ["checkin"]
    assert after.arrival["station"] == REGISTRATION
    assert after.arrival["device_id"] == event_store.device_id
    assert desk_views.person_view(conn, "NOBODY") is None


def test_recent_scans_are_this_desks_newest_first_with_undone_marked(event_store, desk):
    first = desk.scan(PAID)
    desk.scan(UNPAID)  # refused: unpaid
    desk.undo(first.event_uuid)
    other = eventlog.new_event(HybridClock("desk-2"), EventKind.CHECKIN, code=UNPAID,
                               station=REGISTRATION, operator="bob")
    with event_store.transaction() as conn:
        eventlog.append(conn, other)  # another desk's scan is not this desk's
    scans = desk_views.recent_scans(event_store.reader(), event_store.device_id, 12)
    assert [(s.kind, s.code, s.undone) for s in scans] == [
        ("refused", UNPAID, False), ("checkin", PAID, True)]
    assert scans[0].name == "许敏" and "reason_en" in scans[0].data
    assert scans[1].uuid == first.event_uuid and scans[1].wall_time.startswith("2026-06-26")
    assert len(desk_views.recent_scans(event_store.reader(), event_store.device_id, 1)) == 1


def test_desks_seen_puts_this_desk_first_then_the_most_recent(event_store, desk):
    desk.scan(PAID)
    for device, stamp in (("desk-2", "2026-06-26T09:00:00.000+08:00"),
                          ("desk-3", "2026-06-26T08:00:00.000+08:00")):
        event = eventlog.new_event(HybridClock(device), EventKind.CHECKIN, code=UNPAID,
                                   station=REGISTRATION, operator="bob", wall_time=stamp)
        with event_store.transaction() as conn:
            eventlog.append(conn, event)
    with event_store.transaction() as conn:
        conn.execute("INSERT INTO devices (device_id, name, updated_at) VALUES (?,?,?)",
                     ("desk-2", "报到处2", "2026-06-26T08:00:00+08:00"))
    desks = desk_views.desks_seen(event_store)
    assert [d["name"] for d in desks] == [event_store.device_name, "报到处2", "desk-3"]
    assert desks[0]["this"] and desks[0]["events"] == 1
    assert desks[1]["latest"] == "2026-06-26T09:00:00.000+08:00"


def test_an_event_files_name_is_read_without_opening_a_store(event_store, tmp_path):
    assert event_name(event_store.path) == event_store.config.name
    assert event_name(tmp_path / "missing.db") == ""
    (tmp_path / "junk.db").write_bytes(b"not a database")
    assert event_name(tmp_path / "junk.db") == ""
    assert not (tmp_path / "missing.db").exists()  # nothing was created
