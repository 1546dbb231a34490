"""Uploading events: stored, duplicate, conflict; master data from edits and walk-ins; the
events feed; stats and the live page."""

from __future__ import annotations

import httpx

from .central_helpers import Desk


def _results(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_batch_is_stored_then_duplicate(central):
    event = central.small_event()
    desk = central.enrol(event)
    batch = [desk.event_for("checkin", "T-001", "registration"),
             desk.event_for("meal", "T-001", "meal:0626-lunch"),
             desk.event_for("print", "T-001", data={"document": "badge", "reprint": False})]
    first = _results(desk.upload(batch))
    assert [r["status"] for r in first] == ["stored"] * 3
    assert [r["uuid"] for r in first] == [e["uuid"] for e in batch]
    seqs = [r["seq"] for r in first]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    again = _results(desk.upload(batch))
    assert [(r["status"], r["seq"]) for r in again] == [("duplicate", s) for s in seqs]
    # a batch holding one event twice stores it once
    twice = desk.event_for("checkin", "T-002", "registration")
    assert [r["status"] for r in _results(desk.upload([twice, twice]))] == ["stored", "duplicate"]
    feed = central.pages(f"/events/{event}/events", limit=2)
    assert [e["uuid"] for e in feed] == [e["uuid"] for e in batch] + [twice["uuid"]]
    assert feed[0]["data"] == {} and feed[2]["data"]["document"] == "badge"
    assert feed[0]["conflict"] is None
    stats = central.ok(central.get(f"/events/{event}/stats"))
    assert stats["arrived"] == 2
    assert {m["slot"]: m["redeemed"] for m in stats["meals"]}["0626-lunch"] == 1
    device = next(d for d in stats["devices"] if d["device_id"] == desk.device_id)
    assert device["last_upload"] and device["last_seen"]


def test_two_desks_admitting_one_person_conflict_and_count_once(central):
    event = central.small_event()
    a = central.enrol(event, device_id="desk-a")
    b = central.enrol(event, device_id="desk-b")
    first = a.event_for("checkin", "T-001", "registration")
    # the same desk admitting again (an override after "already") is not a conflict
    again = a.event_for("override", "T-001", "registration", data={"reason": "x"})
    assert [r["status"] for r in _results(a.upload([first, again]))] == ["stored", "stored"]
    second = b.event_for("checkin", "T-001", "registration")
    answer = _results(b.upload([second]))[0]
    assert answer["status"] == "conflict" and answer["seq"]
    assert answer["conflict"] == {"type": "double_admission", "other_uuid": first["uuid"],
                                  "other_device": "desk-a",
                                  "other_wall_time": first["wall_time"]}

    stats = central.ok(b.get(f"/events/{event}/stats"))
    assert stats["arrived"] == 1 and stats["conflicts"] == 1
    assert {c["category"]: c["arrived"] for c in stats["by_category"]}["参会代表"] == 1
    assert sum(d["arrived"] for d in stats["by_day"]) == 1
    listed = central.ok(b.get(f"/events/{event}/conflicts"))["items"]
    assert len(listed) == 1 and listed[0]["event_uuid"] == second["uuid"]
    assert listed[0]["type"] == "double_admission" and listed[0]["event"]["device_id"] == "desk-b"
    feed = central.pages(f"/events/{event}/events", limit=10)
    assert [e["conflict"] and e["conflict"]["type"] for e in feed] == [
        None, None, "double_admission"]

    # undoing desk A's admissions leaves B's in force: still counted once
    undos = [a.event_for("undo", "T-001", "registration", ref=u) for u in
             (first["uuid"], again["uuid"])]
    assert [r["status"] for r in _results(a.upload(undos))] == ["stored", "stored"]
    assert central.ok(central.get(f"/events/{event}/stats"))["arrived"] == 1

    # a desk resolves naming its own event of the conflict, never another desk's
    foreign = b.event_for("resolve", "T-001", ref=first["uuid"],
                          data={"resolution": "kept desk B's check-in"})
    refused = _results(b.upload([foreign]))[0]
    assert refused["status"] == "rejected" and refused["error"] == "not_yours"
    assert "desk-a" in refused["message"] and "organiser" in refused["message"]
    listed = central.ok(central.get(f"/events/{event}/rejected"))["items"]
    assert [(r["uuid"], r["device_id"], r["error"]) for r in listed] == [
        (foreign["uuid"], "desk-b", "not_yours")]
    assert foreign["uuid"] not in {e["uuid"] for e in central.pages(f"/events/{event}/events", limit=100)}
    resolve = b.event_for("resolve", "T-001", ref=second["uuid"],
                          data={"resolution": "kept desk B's check-in",
                                "events": [first["uuid"], second["uuid"]]})
    assert _results(b.upload([resolve]))[0]["status"] == "stored"
    assert central.ok(central.get(f"/events/{event}/conflicts"))["items"] == []
    assert central.ok(central.get(f"/events/{event}/stats"))["conflicts"] == 0


def test_desk_edits_apply_or_conflict(central):
    event = central.small_event()
    a = central.enrol(event, device_id="desk-a")
    b = central.enrol(event, device_id="desk-b")
    start = central.pages(f"/events/{event}/registrants", limit=100)[-1]["seq"]
    edit = a.event_for("edit", "T-003", data={"changes": {"organisation": [None, "协和医院"]},
                                              "base_version": 1, "reason": "typo"})
    assert _results(a.upload([edit]))[0]["status"] == "stored"
    page = central.ok(central.get(f"/events/{event}/registrants", params={"after": start}))
    assert [(i["code"], i["organisation"], i["version"]) for i in page["items"]] == [
        ("T-003", "协和医院", 2)]
    # B edited the phone from version 1 too: another field, still as B saw it -> applied
    phone = b.event_for("edit", "T-003", data={"changes": {"phone": ["13800000003",
                                                                     "13900000003"]},
                                               "base_version": 1})
    assert _results(b.upload([phone]))[0]["status"] == "stored"
    # B also changed the organisation from version 1: changed since -> stale, not applied
    stale = b.event_for("edit", "T-003", data={"changes": {"organisation": [None, "北大医院"]},
                                               "base_version": 1})
    answer = _results(b.upload([stale]))[0]
    assert answer["status"] == "conflict"
    assert answer["conflict"]["type"] == "stale_edit"
    assert answer["conflict"]["fields"] == ["organisation"]
    current = answer["conflict"]["current"]
    assert (current["organisation"], current["phone"], current["version"]) == (
        "协和医院", "139****0003", 3)  # a desk token receives phones masked
    items = {i["code"]: i for i in central.pages(f"/events/{event}/registrants", limit=100)}
    assert items["T-003"]["organisation"] == "协和医院", "the stale edit did not overwrite"
    listed = central.ok(central.get(f"/events/{event}/conflicts"))["items"]
    assert [c["type"] for c in listed] == ["stale_edit"]
    unknown = a.event_for("edit", "NOPE", data={"changes": {"name": ["a", "b"]},
                                                "base_version": 1})
    assert _results(a.upload([unknown]))[0]["conflict"]["type"] == "unknown_code"


def test_walk_ins_become_registrants_or_conflict(central):
    event = central.small_event()
    a = central.enrol(event, device_id="desk-a")
    b = central.enrol(event, device_id="desk-b")
    fields = {"code": "W-DESKA-0001", "name": "李雷", "gender": None, "phone": "13800138000",
              "email": None, "organisation": "协和", "title": None, "category": "参会代表",
              "track": None, "team": None, "payment": "已缴费", "amount": None, "meals": [],
              "forums": [], "remarks": None}
    walk_in = a.event_for("walk_in", "W-DESKA-0001", data={"fields": fields})
    admit = a.event_for("checkin", "W-DESKA-0001", "registration")
    assert [r["status"] for r in _results(a.upload([walk_in, admit]))] == ["stored", "stored"]
    items = {i["code"]: i for i in central.pages(f"/events/{event}/registrants", limit=100,
                                                 token=b.token)}
    assert items["W-DESKA-0001"]["name"] == "李雷"
    assert items["W-DESKA-0001"]["source"] == "walk_in"
    stats = central.ok(central.get(f"/events/{event}/stats"))
    assert (stats["expected"], stats["arrived"]) == (6, 1)
    taken = b.event_for("walk_in", "W-DESKA-0001", data={"fields": {**fields, "name": "韩梅梅"}})
    answer = _results(b.upload([taken]))[0]
    assert answer["status"] == "conflict" and answer["conflict"]["type"] == "code_taken"
    assert answer["conflict"]["current"]["name"] == "李雷"


def test_events_feed_excludes_own_device_and_pages(central):
    event = central.small_event()
    a = central.enrol(event, device_id="desk-a")
    b = central.enrol(event, device_id="desk-b")
    mine = [b.event_for("print", f"T-00{i}", data={"document": "badge"}) for i in range(1, 4)]
    theirs = [a.event_for("meal", f"T-00{i}", "meal:0626-lunch") for i in range(1, 5)]
    theirs += [a.event_for("forum", f"T-00{i}", "forum:F1") for i in range(1, 4)]
    _results(b.upload(mine[:2]))
    _results(a.upload(theirs[:4]))
    _results(b.upload(mine[2:]))
    _results(a.upload(theirs[4:]))
    seen, after, pages = [], 0, 0
    while True:
        page = central.ok(b.get(f"/events/{event}/events",
                                params={"after": after, "limit": 3, "exclude_device": "desk-b"}))
        pages += 1
        seen += page["items"]
        assert page["cursor"] >= after
        after = page["cursor"]
        if not page["more"]:
            break
    assert [e["uuid"] for e in seen] == [e["uuid"] for e in theirs]
    assert all(e["device_id"] == "desk-a" for e in seen) and pages == 3
    # nothing new: same cursor back, no items
    page = central.ok(b.get(f"/events/{event}/events",
                            params={"after": after, "exclude_device": "desk-b"}))
    assert page == {"items": [], "cursor": after, "more": False, "kiosks_closed": []}
    everything = central.pages(f"/events/{event}/events", limit=1000)
    assert len(everything) == 10
    for limit in (0, 5001):
        bad = b.get(f"/events/{event}/events", params={"limit": limit})
        assert bad.status_code == 422 and bad.json()["error"] == "invalid_request"


def test_live_page_shows_counts_only(central):
    event = central.small_event()
    desk = central.enrol(event)
    desk.upload([desk.event_for("checkin", "T-001", "registration"),
                 desk.event_for("checkin", "T-004", "registration"),
                 desk.event_for("meal", "T-004", "meal:0626-lunch")])
    page = httpx.get(f"{central.base_url}/live/{event}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert 'id="arrived">2 <small>/ 5</small>' in html
    assert "http-equiv=\"refresh\"" in html and "width=device-width" in html
    assert "第二届医疗行业数字创新大会" in html and "6月26日午餐" in html
    for private in ("张三", "赵六", "T-001", "13800000001", desk.device_id):
        assert private not in html
    assert httpx.get(f"{central.base_url}/live/nope").status_code == 404


def test_order_within_a_batch_is_respected(central):
    event = central.small_event()
    a = central.enrol(event, device_id="desk-a")
    b = central.enrol(event, device_id="desk-b")
    first = a.event_for("checkin", "T-001", "registration")
    undo = a.event_for("undo", "T-001", "registration", ref=first["uuid"])
    readmit = a.event_for("checkin", "T-001", "registration")
    results = _results(a.upload([first, undo, readmit,
                                 a.event_for("meal", "T-001", "meal:0626-lunch")]))
    assert [r["status"] for r in results] == ["stored"] * 4
    clash = _results(b.upload([b.event_for("checkin", "T-001", "registration")]))[0]
    assert clash["status"] == "conflict" and clash["conflict"]["other_uuid"] == readmit["uuid"]
    # desk A admits again: its own is the earliest in force, but B's is in force too
    again = _results(a.upload([a.event_for("override", "T-001", "registration")]))[0]
    assert again["status"] == "conflict" and again["conflict"]["other_device"] == "desk-b"
    stats = central.ok(central.get(f"/events/{event}/stats"))
    assert stats["arrived"] == 1 and stats["conflicts"] == 2

    # a desk cannot undo what the server does not have (nor another desk's admission) ...
    late = a.event_for("checkin", "T-002", "registration")
    early_undo = b.event_for("undo", "T-002", "registration", ref=late["uuid"])
    assert _results(b.upload([early_undo]))[0]["error"] == "unknown_target"
    # ... an organiser's undo that reaches the server before its admission still counts
    office = Desk(central, event, "office", central.token)
    early_undo = office.event_for("undo", "T-002", "registration", ref=late["uuid"])
    assert _results(central.post(f"/events/{event}/events", json={"events": [early_undo]})
                    )[0]["status"] == "stored"
    _results(a.upload([late]))
    assert central.ok(central.get(f"/events/{event}/stats"))["arrived"] == 1

    # an organiser's batch may hold several devices' events: the same rules apply in order
    x = Desk(central, event, "office-1", central.token).event_for("checkin", "T-004",
                                                                  "registration")
    y = Desk(central, event, "office-2", central.token).event_for("checkin", "T-004",
                                                                  "registration")
    results = _results(central.post(f"/events/{event}/events", json={"events": [x, y]}))
    assert [r["status"] for r in results] == ["stored", "conflict"]
    assert results[1]["conflict"]["other_uuid"] == x["uuid"]


def test_ten_thousand_events_upload_and_come_back_once(central):
    event = central.small_event()
    a = central.enrol(event, device_id="desk-a")
    b = central.enrol(event, device_id="desk-b")
    kinds = [("checkin", "registration"), ("meal", "meal:0626-lunch"), ("print", None),
             ("forum", "forum:F1")]
    # 2,500 people, each checked in, fed, badge printed and at a forum (codes the server
    # need not know: a desk may admit a walk-in whose walk_in event is in another batch)
    sent = [a.event_for(kind, f"P{i // 4:05d}", station)
            for i in range(10_000) for kind, station in [kinds[i % 4]]]
    # (how fast: bench.sync, the "upload" row)
    for k in range(0, len(sent), 500):
        assert [r["status"] for r in _results(a.upload(sent[k:k + 500]))] == ["stored"] * 500
    feed = central.pages(f"/events/{event}/events", limit=5000, token=b.token,
                         exclude_device="desk-b")
    assert [e["uuid"] for e in feed] == [e["uuid"] for e in sent]
