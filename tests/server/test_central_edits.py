"""Desk edits against the organiser's corrections: a field the server changed since the desk
saw it is a stale edit whatever base_version the desk sends; a desk's own successive edits of
one field go through (each one's `old` is what the one before set)."""

from __future__ import annotations

from .central_helpers import Central, Desk


def _results(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["results"]


def _edit(desk: Desk, code: str, field: str, old, new, base_version: int) -> dict:
    return desk.event_for("edit", code, data={"changes": {field: [old, new]},
                                              "base_version": base_version, "reason": "desk"})


def _registrant(central: Central, event: str, code: str) -> dict:
    return {i["code"]: i for i in central.pages(f"/events/{event}/registrants", limit=100)}[code]


def test_a_desks_typo_fix_after_its_stale_edit_does_not_overwrite_the_organiser(central):
    """The reviewer's case (/tmp/rv/edit_lost.py): the organiser fixes a phone (version 2);
    an offline desk, which saw version 1, changes the same phone, then fixes its own typo.
    Both edits are stale: the organiser's phone stays, whether the second edit claims the
    desk's local version 2 (older desks) or the server version 1 it last downloaded."""
    event = central.small_event()
    desk = central.enrol(event, device_id="desk-a")
    fixed = central.ok(central.put(f"/events/{event}/registrants/T-002", json={
        "base_version": 1, "fields": {"phone": "13611112222"}}))
    assert (fixed["phone"], fixed["version"]) == ("13611112222", 2)
    first = _edit(desk, "T-002", "phone", "13800000002", "13900000001", base_version=1)
    local = _edit(desk, "T-002", "phone", "13900000001", "13900000002", base_version=2)
    central_seen = _edit(desk, "T-002", "phone", "13900000001", "13900000003", base_version=1)
    answers = _results(desk.upload([first, local, central_seen]))
    assert [a["status"] for a in answers] == ["conflict"] * 3, answers
    for answer in answers:
        assert answer["conflict"]["type"] == "stale_edit"
        assert answer["conflict"]["fields"] == ["phone"]
        assert answer["conflict"]["current"]["phone"] == "136****2222"  # a desk token gets it masked
    there = _registrant(central, event, "T-002")
    assert (there["phone"], there["version"]) == ("13611112222", 2), "the organiser's value"
    listed = central.ok(central.get(f"/events/{event}/conflicts"))["items"]
    assert sorted(c["event_uuid"] for c in listed) == sorted(
        e["uuid"] for e in (first, local, central_seen))


def test_a_desks_successive_edits_of_one_field_both_apply(central):
    """Offline, a desk changes a phone and then corrects it: both edits carry the server
    version it last downloaded (1); the second's `old` is what the first set, now the
    server's value, so it applies too. Sent in one batch or one round after the other."""
    event = central.small_event()
    desk = central.enrol(event, device_id="desk-a")
    one = _edit(desk, "T-001", "phone", "13800000001", "13900000001", base_version=1)
    two = _edit(desk, "T-001", "phone", "13900000001", "13900000002", base_version=1)
    assert [a["status"] for a in _results(desk.upload([one, two]))] == ["stored", "stored"]
    there = _registrant(central, event, "T-001")
    assert (there["phone"], there["version"]) == ("13900000002", 3)
    # next round, still not downloaded: base 1 again, and the same for a third edit
    three = _edit(desk, "T-001", "phone", "13900000002", "13900000003", base_version=1)
    assert _results(desk.upload([three]))[0]["status"] == "stored"
    # after a download the desk sends the server's version 4
    four = _edit(desk, "T-001", "email", None, "a@example.org", base_version=4)
    assert _results(desk.upload([four]))[0]["status"] == "stored"
    there = _registrant(central, event, "T-001")
    assert (there["phone"], there["email"], there["version"]) == (
        "13900000003", "a@example.org", 5)
    assert central.ok(central.get(f"/events/{event}/conflicts"))["items"] == []


def test_another_desks_change_makes_a_current_base_version_edit_stale(central):
    """base_version equal to the server's version does not waive the check: the desk's `old`
    must still be the server's value (a desk sending its own local version can claim it)."""
    event = central.small_event()
    a = central.enrol(event, device_id="desk-a")
    b = central.enrol(event, device_id="desk-b")
    mine = _edit(a, "T-003", "organisation", None, "协和医院", base_version=1)
    assert _results(a.upload([mine]))[0]["status"] == "stored"  # version 2
    # B never saw A's value; two local edits made its own version 2
    theirs = _edit(b, "T-003", "organisation", None, "北大医院", base_version=2)
    answer = _results(b.upload([theirs]))[0]
    assert answer["status"] == "conflict" and answer["conflict"]["type"] == "stale_edit"
    assert _registrant(central, event, "T-003")["organisation"] == "协和医院"
    # setting the value the server already has is no change, and no conflict
    same = _edit(b, "T-003", "organisation", None, "协和医院", base_version=1)
    assert _results(b.upload([same]))[0]["status"] == "stored"
    assert _registrant(central, event, "T-003")["version"] == 2


def test_a_change_without_old_falls_back_on_base_version(central):
    """A change given as a bare value (no [old, new]) can only be judged by base_version."""
    event = central.small_event()
    desk = central.enrol(event, device_id="desk-a")
    bare = desk.event_for("edit", "T-004", data={"changes": {"title": "主任"},
                                                 "base_version": 1})
    assert _results(desk.upload([bare]))[0]["status"] == "stored"  # version 2
    behind = desk.event_for("edit", "T-004", data={"changes": {"title": "教授"},
                                                   "base_version": 1})
    answer = _results(desk.upload([behind]))[0]
    assert answer["status"] == "conflict" and answer["conflict"]["fields"] == ["title"]
    current = desk.event_for("edit", "T-004", data={"changes": {"title": "教授"},
                                                    "base_version": 2})
    assert _results(desk.upload([current]))[0]["status"] == "stored"
    assert _registrant(central, event, "T-004")["title"] == "教授"
