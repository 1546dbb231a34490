"""The desk's round against the real central list (checkin.server on loopback), on SQLite and on
PostgreSQL: enrolment, first download, two desks offline, double admissions and their
resolution, lost answers, central edits, revocation and backoff."""

from __future__ import annotations

import pytest

from checkin.masking import mask_email, mask_phone
from checkin.search import SearchIndex
from checkin.stats import headcounts
from checkin.store import eventlog
from checkin.store import registrants as reg_store
from checkin.sync import status as st
from checkin.sync.backoff import Backoff
from checkin.sync.conflicts import open_conflicts, resolve
from checkin.sync.engine import sync_once
from checkin.sync.worker import SyncWorker

from .proxy import LossyProxy
from .waiting import WatchedWorker, wait_for

PAID = "SHIC2026-000002"  # 范俊, 参会代表, 已缴费
OTHER = "SHIC2026-000003"
THIRD = "SHIC2026-000010"


def _server_events(central, event) -> list[dict]:
    return central.organiser.all_events(event)[0]


def _comparable(store) -> dict:
    stats = headcounts(store)
    stats.pop("unsent_events")
    return stats


@pytest.fixture
def proxy(central):
    port = int(central.base_url.rsplit(":", 1)[1])
    with LossyProxy(port) as p:
        yield p


def test_enrol_then_first_sync_downloads_everyone_and_the_desk_checks_people_in(
        central, real_desks, answers):
    event = central.new_event()
    a = real_desks("报到处1", event)
    assert a.store.meta(st.EVENT) == event and a.store.device_name == "报到处1"
    assert a.store.config.name == "第二届医疗行业数字创新大会"  # the event file, from the server
    report = sync_once(a.store, a.client)
    assert report.ok, report.error
    assert report.registrants == len(answers["registrants"]) == 2401
    assert a.store.counts()["registrants"] == 2401
    people = {r.code: r for r in reg_store.all_registrants(a.store.reader())}
    for expected in answers["registrants"][:200]:
        reg = people[expected["code"]]
        # a desk token receives phone numbers and e-mails masked (the event grants no more)
        assert (reg.name, reg.phone, reg.email, reg.category, reg.payment) == (
            expected["name"], mask_phone(expected["phone"]), mask_email(expected["email"]),
            expected["category"], expected["payment"])
    assert [h.code for h in SearchIndex(a.store).search("范俊")][:1] == [PAID]
    tail = next(e["phone"] for e in answers["registrants"] if e["code"] == PAID)[-4:]
    assert PAID in [h.code for h in SearchIndex(a.store).search(tail)]  # the tail still finds
    first = a.desk.scan(PAID)
    assert first.ok
    report = sync_once(a.store, a.client)
    assert report.ok and report.uploaded == 1 and report.pending == 0
    assert central.organiser.stats(event)["arrived"] == 1
    status = st.load(a.store)
    assert status.state == st.ONLINE and status.pending == 0 and status.last_error is None
    # A second round with nothing new moves nothing.
    report = sync_once(a.store, a.client)
    assert (report.uploaded, report.registrants, report.events) == (0, 0, 0)


def test_two_desks_check_in_different_people_offline_then_both_see_both(central, real_desks):
    from checkin.server.testing import ServerThread

    event = central.new_event()
    server = ServerThread(central.db_url)  # this test's own server, to stop and start again
    url = server.start()
    try:
        a, b = real_desks("报到处1", event, url), real_desks("报到处2", event, url)
        for site in (a, b):
            assert sync_once(site.store, site.client).ok
        server.stop()
        assert a.desk.scan(PAID).ok and b.desk.scan(OTHER).ok  # offline: nothing waits
        for site in (a, b):
            report = sync_once(site.store, site.client)
            assert report.state == st.OFFLINE and report.pending == 1
            assert st.load(site.store).state == st.OFFLINE
        server = ServerThread(central.db_url, port=server.port)  # back, same address
        server.start()
        for site in (a, b, a):
            assert sync_once(site.store, site.client).ok
    finally:
        server.stop()
    for site in (a, b):
        conn = site.store.reader()
        assert eventlog.admission(conn, PAID, "registration")["device_id"] == a.store.device_id
        assert eventlog.admission(conn, OTHER, "registration")["device_id"] == b.store.device_id
        assert site.store.counts()["unsent"] == 0
    assert _comparable(a.store) == _comparable(b.store)
    assert headcounts(a.store)["arrived"] == 2 == central.organiser.stats(event)["arrived"]
    # Who checked whom in, by name: "already at 报到处1" on desk 2.
    again = b.desk.scan(PAID)
    assert again.outcome == "already" and again.reason.endswith("by desk 报到处1")


def test_same_person_at_two_desks_counts_once_is_listed_and_resolved_everywhere(
        central, real_desks):
    event = central.new_event()
    a, b = real_desks("报到处1", event), real_desks("报到处2", event)
    for site in (a, b):
        assert sync_once(site.store, site.client).ok
    first, second = a.desk.scan(PAID), b.desk.scan(PAID)  # neither knows of the other yet
    assert first.ok and second.ok
    up_a = sync_once(a.store, a.client)
    up_b = sync_once(b.store, b.client)
    assert up_a.conflicts == [] and [c["type"] for c in up_b.conflicts] == ["double_admission"]
    assert up_b.conflicts[0]["detail"]["other_uuid"] == first.event_uuid
    assert sync_once(a.store, a.client).ok
    for site in (a, b):
        kinds = [e.kind for e in eventlog.history(site.store.reader(), PAID)]
        assert kinds == ["checkin", "checkin"]  # both facts kept
        assert headcounts(site.store)["arrived"] == 1  # the person counts once
        listed = open_conflicts(site.store)
        assert [(c.type, c.code, c.station) for c in listed] == [
            ("double_admission", PAID, "registration")]
        assert {e["uuid"] for e in listed[0].events} == {first.event_uuid, second.event_uuid}
        assert {e["device"] for e in listed[0].events} == {"报到处1", "报到处2"}
    assert _comparable(a.store) == _comparable(b.store)
    assert central.organiser.stats(event)["arrived"] == 1
    assert len(central.organiser.conflicts(event)["items"]) == 1
    # Resolved at desk 2: gone there at once, on the server and on desk 1 after a sync.
    resolve(b.store, listed[0].uuid, operator="王经理", reason="same person, scanned twice",
            keep=first.event_uuid)
    assert open_conflicts(b.store) == []
    for site in (b, a):
        assert sync_once(site.store, site.client).ok
    assert open_conflicts(a.store) == []
    assert central.organiser.conflicts(event)["items"] == []
    assert headcounts(a.store)["arrived"] == headcounts(b.store)["arrived"] == 1


def test_lost_answer_resends_the_outbox_and_the_server_says_duplicate(
        central, real_desks, proxy):
    event = central.new_event()
    a = real_desks("报到处1", event, proxy.base_url)
    assert a.store.meta(st.SERVER_URL) == proxy.base_url
    assert sync_once(a.store, a.client).ok
    for code in (PAID, OTHER, THIRD):
        assert a.desk.scan(code).ok
    proxy.drop_next("POST", "/events")
    report = sync_once(a.store, a.client)
    assert not report.ok and report.state == st.OFFLINE
    assert proxy.dropped == [("POST", f"/api/v1/events/{event}/events")]
    assert len(_server_events(central, event)) == 3  # committed there ...
    assert a.store.counts()["unsent"] == 3  # ... not acknowledged here
    report = sync_once(a.store, a.client)
    assert report.ok and report.duplicates == 3 and report.uploaded == 0 and report.pending == 0
    assert len(_server_events(central, event)) == 3  # no doubles
    assert central.organiser.stats(event)["arrived"] == 3
    assert central.organiser.conflicts(event)["items"] == []


def test_lost_registrant_page_resumes_without_doubles(central, real_desks, proxy):
    event = central.new_event()
    a = real_desks("报到处1", event, proxy.base_url)
    proxy.drop_next("GET", "/registrants?after=1000")
    report = sync_once(a.store, a.client, page_size=1000)
    assert not report.ok and report.registrants == 1000
    assert int(a.store.meta(st.REGISTRANT_CURSOR)) == 1000
    report = sync_once(a.store, a.client, page_size=1000)
    assert report.ok and report.registrants == 1401
    assert a.store.counts()["registrants"] == 2401


def test_central_edit_reaches_the_desk_and_desk_edits_go_up(central, real_desks):
    event = central.new_event()
    a = real_desks("报到处1", event)
    assert sync_once(a.store, a.client).ok
    generation = a.store.registrant_generation()
    central.organiser.edit_registrant(event, PAID, base_version=1, fields={"name": "范俊杰"})
    report = sync_once(a.store, a.client)
    assert report.ok and report.registrants == 1
    reg = reg_store.get(a.store.reader(), PAID)
    assert reg.name == "范俊杰" and reg.version == 2
    assert a.store.registrant_generation() > generation  # the search index reloads
    assert [h.code for h in SearchIndex(a.store).search("范俊杰")][:1] == [PAID]
    # The organiser's edit is an event too: other desks see who changed what.
    assert any(e.kind == "edit" for e in eventlog.history(a.store.reader(), PAID))
    # A desk edit based on the current version is applied centrally ...
    a.desk.edit(OTHER, {"phone": "13800138000"}, reason="told us at the desk")
    assert sync_once(a.store, a.client).ok
    page = central.organiser.registrants(event, after=0, limit=5000)["items"]
    there = next(r for r in page if r["code"] == OTHER)
    assert there["phone"] == "13800138000" and there["version"] == 2
    assert reg_store.get(a.store.reader(), OTHER).version == 2
    # ... one based on a stale version that changes a field changed since is a conflict.
    central.organiser.edit_registrant(event, THIRD, base_version=1, fields={"name": "中央名字"})
    a.desk.edit(THIRD, {"name": "台前名字"})
    report = sync_once(a.store, a.client)
    assert report.ok and [c["type"] for c in report.conflicts] == ["stale_edit"]
    assert reg_store.get(a.store.reader(), THIRD).name == "中央名字"  # central data wins
    assert [(c.type, c.code) for c in open_conflicts(a.store)] == [("stale_edit", THIRD)]


def test_revoked_desk_says_so_and_stops_trying(central, real_desks, proxy):
    event = central.new_event()
    a = real_desks("报到处1", event, proxy.base_url)
    assert sync_once(a.store, a.client).ok
    assert a.desk.scan(PAID).ok  # recorded before the revocation, not sent yet
    central.organiser.revoke(event, a.store.device_id)
    after = a.desk.scan(OTHER)  # recorded after it
    assert after.ok
    report = sync_once(a.store, a.client)
    assert report.state == st.REVOKED and "revoked" in report.error
    # Its last upload counts what it recorded before; what came after is refused, listed.
    assert central.organiser.stats(event)["arrived"] == 1
    assert [(r["uuid"], r["error"]) for r in report.rejected] == [(after.event_uuid, "revoked")]
    status = st.load(a.store)
    assert status.state == st.REVOKED and status.stopped and status.pending == 0
    asked = len(proxy.forwarded)
    worker = WatchedWorker(a.store, a.client, interval=0.01)
    worker.start()
    try:
        assert wait_for(worker.idle)
        worker.handle_trigger()
        assert worker.rounds == 0 and worker.idle()  # woke, saw it is revoked: no round
    finally:
        worker.stop()
    assert sync_once(a.store, a.client).state == st.REVOKED
    assert len(proxy.forwarded) == asked  # not one more request
    assert a.desk.scan(OTHER).outcome == "not_found"  # wiped (issue 7); the desk still answers


def test_offline_status_scans_work_backoff_grows_and_recovery(central, real_desks, proxy):
    event = central.new_event()
    a = real_desks("报到处1", event, proxy.base_url)
    assert sync_once(a.store, a.client).ok
    proxy.down = True
    seen = []
    ceilings = []
    backoff = Backoff(base=0.02, cap=0.16)
    original = backoff.next_delay
    backoff.next_delay = lambda: (ceilings.append(backoff.ceiling), original())[1]
    worker = SyncWorker(a.store, a.client, interval=0.05, backoff=backoff, on_status=seen.append)
    worker.start()
    try:
        assert wait_for(lambda: len(ceilings) >= 5)
        assert ceilings[:5] == [0.02, 0.04, 0.08, 0.16, 0.16]  # doubling, capped
        # The delay is drawn before the failure is stored: wait for the stored count.
        assert wait_for(lambda: st.load(a.store).failures >= 5)
        status = st.load(a.store)
        assert status.state == st.OFFLINE
        assert status.last_error and status.next_attempt
        for code in (PAID, OTHER):  # (a scan during a hung request: test_round_fake.py)
            assert a.desk.scan(code).ok
        assert st.load(a.store).pending == 2
        proxy.down = False
        worker.trigger()
        assert wait_for(lambda: st.load(a.store).state == st.ONLINE)
        assert wait_for(lambda: st.load(a.store).pending == 0)
        assert backoff.failures == 0
    finally:
        worker.stop()
    assert {s.state for s in seen} >= {st.ONLINE, st.OFFLINE}
    assert central.organiser.stats(event)["arrived"] == 2


def test_walk_in_under_a_code_the_server_has_is_a_conflict_and_central_data_wins(
        central, real_desks):
    event = central.new_event()
    a = real_desks("报到处1", event)  # enrolled, not synced yet: it does not know PAID
    reg, decision = a.desk.walk_in({"name": "李雷", "code": PAID, "phone": "13900001111",
                                     "payment": "已缴费"})
    assert decision.ok
    report = sync_once(a.store, a.client)
    assert report.ok and [c["type"] for c in report.conflicts] == ["code_taken"]
    assert reg_store.get(a.store.reader(), PAID).name == "范俊"  # the central person
    listed = open_conflicts(a.store)
    assert [(c.type, c.code) for c in listed] == [("code_taken", PAID)]
    resolve(a.store, listed[0].uuid, operator="王经理", reason="gave 李雷 a new code")
    assert sync_once(a.store, a.client).ok
    assert open_conflicts(a.store) == [] and central.organiser.conflicts(event)["items"] == []
