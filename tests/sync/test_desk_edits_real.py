"""A desk's edits through its round against the real central list (SQLite and PostgreSQL): the
desk sends the server's version it last downloaded, and the server checks every field's `old`,
so an organiser's correction is never overwritten by an offline desk (the reviewer's
/tmp/rv/edit_lost.py), while a desk's own successive edits of a field all go up."""

from __future__ import annotations

from checkin.store import eventlog
from checkin.store import registrants as reg_store
from checkin.sync.engine import sync_once

PHONE = "SHIC2026-000003"


def _central_phone(central, event: str, code: str) -> tuple[str, int]:
    items = central.organiser.registrants(event, after=0, limit=5000)["items"]
    there = next(r for r in items if r["code"] == code)
    return there["phone"], there["version"]


def _sent_base_versions(store, code: str) -> list[int]:
    return [e.data["base_version"] for e in eventlog.history(store.reader(), code)
            if e.kind == "edit" and e.device_id == store.device_id]


def test_offline_typo_fix_does_not_overwrite_the_organisers_correction(central, real_desks):
    event = central.new_event()
    a = real_desks("报到处1", event)
    assert sync_once(a.store, a.client).ok
    version = reg_store.get(a.store.reader(), PHONE).version
    fixed = central.organiser.edit_registrant(event, PHONE, base_version=version,
                                              fields={"phone": "13611112222"})
    a.desk.edit(PHONE, {"phone": "13900000001"}, reason="typed at desk")
    a.desk.edit(PHONE, {"phone": "13900000002"}, reason="typo fix")
    assert _sent_base_versions(a.store, PHONE) == [version, version], "the server's, not 1, 2"
    report = sync_once(a.store, a.client)
    assert report.ok and [c["type"] for c in report.conflicts] == ["stale_edit", "stale_edit"]
    assert _central_phone(central, event, PHONE) == ("13611112222", fixed["version"])
    assert reg_store.get(a.store.reader(), PHONE).phone == "136****2222"  # central data wins (masked)


def test_a_desks_successive_edits_of_a_field_all_reach_the_server(central, real_desks):
    event = central.new_event()
    a = real_desks("报到处1", event)
    assert sync_once(a.store, a.client).ok
    a.desk.edit(PHONE, {"phone": "13900000001"}, reason="typed at desk")
    a.desk.edit(PHONE, {"phone": "13900000002"}, reason="typo fix")
    report = sync_once(a.store, a.client)
    assert report.ok and report.conflicts == []
    assert _central_phone(central, event, PHONE) == ("13900000002", 3)
    # downloaded: the next edit is based on the server's version 3
    a.desk.edit(PHONE, {"phone": "13900000003"}, reason="again")
    assert _sent_base_versions(a.store, PHONE) == [1, 1, 3]
    assert sync_once(a.store, a.client).ok
    assert _central_phone(central, event, PHONE) == ("13900000003", 4)
