"""The desk's round against an in-memory central list, with failures injected exactly where
each test wants them (the same round against the real server: test_round_real.py)."""

import threading

import httpx
import pytest

from checkin.model import EventKind
from checkin.stats import headcounts
from checkin.store import eventlog
from checkin.store import registrants as reg_store
from checkin.sync import download, enrolment
from checkin.sync import status as st
from checkin.sync.backoff import Backoff
from checkin.sync.conflicts import ConflictError, open_conflicts, resolve
from checkin.sync.engine import SyncReport, sync_once
from checkin.sync.worker import SyncWorker

from .waiting import WatchedWorker, wait_for


def _requests(fake, method, fragment):
    return [p for m, p in fake.requests if m == method and fragment in p]


def _outbox(store) -> int:
    return store.counts()["unsent"]


def test_enrol_keeps_token_event_and_config_then_first_round_downloads_everyone(fake_desks, fake):
    a = fake_desks("报到处1")
    assert a.store.meta(st.EVENT) == "ev1" and a.store.meta(st.TOKEN)
    assert a.store.config.name == "Fake event"
    assert a.store.device_name == "报到处1"
    report = sync_once(a.store, a.client, page_size=10)
    assert report.ok and report.registrants == 25 and report.state == st.ONLINE
    assert len(_requests(fake, "GET", "/registrants")) == 3  # 10 + 10 + 5
    assert a.desk.scan("C-0003").ok
    assert st.load(a.store).state == st.ONLINE and st.load(a.store).last_success


def test_a_used_enrolment_code_is_refused(fake_desks, fake, tmp_path):
    from checkin.store import Store
    from checkin.sync.client import Rejected, SyncClient

    code = fake.enrolment("x")
    with Store(tmp_path / "one.db") as one, Store(tmp_path / "two.db") as two, \
            SyncClient("http://central.test", transport=fake.transport()) as client:
        enrolment.enrol(one, client, code)
        with pytest.raises(Rejected, match="used or has expired"):
            enrolment.enrol(two, client, code)
        assert two.meta(st.TOKEN) is None


def test_outbox_goes_up_in_batches_of_500_and_leaves_the_outbox(fake_desks, fake):
    a = fake_desks("a")
    sync_once(a.store, a.client)  # (its audit trail went up: who enrolled it)
    posts = len(_requests(fake, "POST", "/events"))
    with a.store.transaction() as conn:
        for i in range(1200):
            eventlog.append(conn, eventlog.new_event(
                a.store.clock, EventKind.PRINT, code=f"C-{i % 25 + 1:04d}", station=None,
                operator="op", data={"document": "badge", "n": i}))
    report = sync_once(a.store, a.client)
    assert report.ok and report.uploaded == 1200 and report.pending == 0
    assert len(_requests(fake, "POST", "/events")) - posts == 3
    assert len(fake.events) == 1200
    assert [e["data"]["n"] for e in fake.events] == list(range(1200))  # in order


def test_lost_answer_resends_and_server_says_duplicate(fake_desks, fake):
    a = fake_desks("a")
    sync_once(a.store, a.client)
    for code in ("C-0001", "C-0002", "C-0003"):
        assert a.desk.scan(code).ok
    fake.lose_answer_of.append(("POST", "/events"))
    report = sync_once(a.store, a.client)
    assert not report.ok and report.state == st.OFFLINE
    assert len(fake.events) == 3 and _outbox(a.store) == 3  # committed there, not here
    report = sync_once(a.store, a.client)
    assert report.ok and report.duplicates == 3 and report.uploaded == 0
    assert _outbox(a.store) == 0 and len(fake.events) == 3


def test_registrant_download_resumes_from_the_last_whole_page(fake_desks, fake):
    a = fake_desks("a")
    calls = []

    def fail_third_page(request):
        calls.append(int(request.url.params["after"]))
        if len(calls) == 2:
            raise httpx.ConnectError("cable pulled", request=request)

    fake.hooks.append(("GET", "/registrants", fail_third_page))
    report = sync_once(a.store, a.client, page_size=10)
    assert not report.ok and report.registrants == 10
    assert a.store.counts()["registrants"] == 10
    cursor = int(a.store.meta(st.REGISTRANT_CURSOR))
    report = sync_once(a.store, a.client, page_size=10)
    assert report.ok and report.registrants == 15
    assert calls[2] == cursor  # asked from where it stopped, not from 0
    assert a.store.counts()["registrants"] == 25


def test_central_change_replaces_master_data_and_reloads_search(fake_desks, fake):
    a = fake_desks("a")
    sync_once(a.store, a.client)
    generation = a.store.registrant_generation()
    fake.add_registrant("C-0004", "新名字", payment="未缴费")
    report = sync_once(a.store, a.client)
    assert report.registrants == 1
    reg = reg_store.get(a.store.reader(), "C-0004")
    assert reg.name == "新名字" and reg.payment == "未缴费" and reg.version == 2
    assert a.store.registrant_generation() > generation
    assert not a.desk.scan("C-0004").ok  # unpaid now


def test_other_desks_events_arrive_and_the_clock_moves_past_them(fake_desks, fake):
    a, b = fake_desks("a"), fake_desks("b")
    for site in (a, b):
        sync_once(site.store, site.client)
    first = a.desk.scan("C-0001")
    sync_once(a.store, a.client)
    report = sync_once(b.store, b.client)
    assert report.events == 1
    again = b.desk.scan("C-0001")
    assert again.outcome == "already" and again.first_device == a.store.device_id
    assert again.reason.endswith("by desk a")  # its name, from the devices the server lists
    assert len(_requests(fake, "GET", "/stats")) == 1
    b.desk.scan("C-0002")
    sync_once(b.store, b.client)
    sync_once(a.store, a.client)
    sync_once(b.store, b.client)
    assert len(_requests(fake, "GET", "/stats")) == 2  # a asked once for b's name; b no more
    hlc = eventlog.get(a.store.reader(), first.event_uuid).hlc
    assert b.store.clock.tick() > hlc
    # Our own events are not downloaded back (exclude_device).
    assert sync_once(a.store, a.client).events == 0


def test_pending_local_edit_stays_on_top_of_central_data(fake_desks, fake):
    a = fake_desks("a")
    sync_once(a.store, a.client)
    a.desk.edit("C-0005", {"name": "改过的名字"})
    fake.add_registrant("C-0005", "人5", organisation="协和医院")  # changed centrally meanwhile
    report = SyncReport()
    download.download_registrants(a.store, a.client, "ev1", report, 100)  # before any upload
    reg = reg_store.get(a.store.reader(), "C-0005")
    assert reg.name == "改过的名字" and reg.organisation == "协和医院"
    assert reg.version == 2  # the central version, the base of the next edit
    report = sync_once(a.store, a.client)  # the edit goes up, applied there, comes back
    assert report.ok and fake.registrants["C-0005"]["name"] == "改过的名字"
    reg = reg_store.get(a.store.reader(), "C-0005")
    assert reg.name == "改过的名字" and reg.version == 3


def test_stale_edit_is_listed_and_central_data_wins(fake_desks, fake):
    a = fake_desks("a")
    sync_once(a.store, a.client)
    fake.add_registrant("C-0006", "中央改名")  # version 2 there; the desk still has 1
    a.desk.edit("C-0006", {"name": "台前改名"})
    report = sync_once(a.store, a.client)
    assert report.ok and [c["type"] for c in report.conflicts] == ["stale_edit"]
    assert reg_store.get(a.store.reader(), "C-0006").name == "中央改名"
    listed = open_conflicts(a.store)
    assert [(c.type, c.code) for c in listed] == [("stale_edit", "C-0006")]
    resolve(a.store, listed[0].uuid, operator="boss", reason="central name is right")
    assert open_conflicts(a.store) == []


def test_an_event_the_server_refuses_is_set_aside_and_the_rest_goes_up(fake_desks, fake):
    a = fake_desks("a")
    sync_once(a.store, a.client)
    for code in ("C-0001", "C-0002"):
        a.desk.scan(code)
    with a.store.transaction() as conn:
        eventlog.append(conn, eventlog.new_event(a.store.clock, "bogus", code="C-0003",
                                                 station=None, operator="op"))
    for code in ("C-0004", "C-0005"):
        a.desk.scan(code)
    report = sync_once(a.store, a.client)
    assert report.ok and report.uploaded == 4 and len(report.rejected) == 1
    assert _outbox(a.store) == 0
    listed = open_conflicts(a.store)
    assert [c.type for c in listed] == ["rejected"] and "unknown event kind" in str(listed[0].detail)


def test_double_admission_listed_on_both_desks_counted_once_and_resolved_everywhere(
        fake_desks, fake):
    a, b = fake_desks("a"), fake_desks("b")
    for site in (a, b):
        sync_once(site.store, site.client)
    assert a.desk.scan("C-0007").ok and b.desk.scan("C-0007").ok  # both offline, say
    for site in (a, b, a):
        sync_once(site.store, site.client)
    for site in (a, b):
        listed = open_conflicts(site.store)
        assert [(c.type, c.code, c.station) for c in listed] == [
            ("double_admission", "C-0007", "registration")]
        assert len(listed[0].events) == 2
        assert headcounts(site.store)["arrived"] == 1
    keep = listed[0].events[0]["uuid"]
    with pytest.raises(ConflictError, match="--keep"):
        resolve(b.store, listed[0].uuid, operator="boss", reason="r", keep="nonsense")
    resolve(b.store, listed[0].uuid, operator="boss", reason="same person", keep=keep)
    assert open_conflicts(b.store) == []
    for site in (b, a):
        sync_once(site.store, site.client)
    assert open_conflicts(a.store) == []
    # A third desk's admission arriving later opens it again.
    c = fake_desks("c")
    sync_once(c.store, c.client)
    c.desk.override("C-0007", "registration", reason="lost badge?", supervisor="boss")
    sync_once(c.store, c.client)
    sync_once(a.store, a.client)
    assert [x.code for x in open_conflicts(a.store)] == ["C-0007"]
    assert headcounts(a.store)["arrived"] == 1


def test_undo_makes_a_double_admission_moot(fake_desks, fake):
    a, b = fake_desks("a"), fake_desks("b")
    for site in (a, b):
        sync_once(site.store, site.client)
    a.desk.scan("C-0008")
    second = b.desk.scan("C-0008").event_uuid
    for site in (a, b, a):
        sync_once(site.store, site.client)
    assert open_conflicts(a.store)
    b.desk.undo(second, reason="scanned twice")
    sync_once(b.store, b.client)
    sync_once(a.store, a.client)
    assert open_conflicts(a.store) == [] and open_conflicts(b.store) == []


def test_revoked_desk_stops_and_does_not_ask_again(fake_desks, fake):
    a = fake_desks("a")
    sync_once(a.store, a.client)
    fake.revoked.add(a.client.token)
    report = sync_once(a.store, a.client)
    assert report.state == st.REVOKED and "revoked" in report.error
    count = len(fake.requests)
    report = sync_once(a.store, a.client)
    assert report.state == st.REVOKED and len(fake.requests) == count
    assert a.desk.scan("C-0001").outcome == "not_found"  # wiped (issue 7); still answers
    assert st.load(a.store).stopped


def test_offline_status_and_recovery(fake_desks, fake):
    a = fake_desks("a")
    down = True

    def network(request):
        if down:
            raise httpx.ConnectError("no route to host", request=request)

    fake.hooks.append(("GET", "", network))
    fake.hooks.append(("POST", "", network))
    for expected in (1, 2):
        report = sync_once(a.store, a.client)
        status = st.load(a.store)
        assert status.state == st.OFFLINE and status.failures == expected
        assert "no route to host" in status.last_error
    down = False
    report = sync_once(a.store, a.client)
    status = st.load(a.store)
    assert report.ok and status.state == st.ONLINE and status.failures == 0
    assert status.last_error is None


# -- the worker --------------------------------------------------------------------------
def test_worker_syncs_on_trigger_and_reports_status_changes(fake_desks, fake):
    a = fake_desks("a")
    seen = []
    worker = SyncWorker(a.store, a.client, interval=30, on_status=seen.append)
    worker.start()
    try:
        assert wait_for(lambda: a.store.counts()["registrants"] == 25)
        assert a.desk.scan("C-0009").ok
        worker.trigger()
        assert wait_for(lambda: len(fake.events) == 1 and _outbox(a.store) == 0)
        assert any(s.state == st.ONLINE for s in seen)
    finally:
        worker.stop()
    assert not worker.running


def test_worker_backs_off_while_offline_and_never_blocks_a_scan(fake_desks, fake):
    a = fake_desks("a")
    sync_once(a.store, a.client)
    entered, release, answered = threading.Event(), threading.Event(), threading.Event()

    def hang(request):  # the server accepts the connection and then says nothing
        entered.set()
        release.wait(30)
        answered.set()
        raise httpx.ReadTimeout("timed out", request=request)

    fake.hooks.append(("POST", "/events", hang))
    a.desk.scan("C-0010")
    delays = []
    backoff = Backoff(base=0.01, cap=0.08, rng=lambda: 1.0)
    original = backoff.next_delay
    backoff.next_delay = lambda: delays.append(original()) or delays[-1]
    worker = SyncWorker(a.store, a.client, interval=0.01, backoff=backoff)
    worker.start()
    try:
        assert entered.wait(10)
        assert a.desk.scan("C-0011").ok
        assert not answered.is_set()  # the scan did not wait for the hung request
        release.set()
        fake.hooks.clear()
        fake.hooks.append(("POST", "/events",
                           lambda r: (_ for _ in ()).throw(httpx.ConnectError("down", request=r))))
        assert wait_for(lambda: len(delays) >= 5)
        assert delays[:5] == [0.01, 0.02, 0.04, 0.08, 0.08]
        status = st.load(a.store)
        assert status.state == st.OFFLINE and status.next_attempt and status.pending == 2
        fake.hooks.clear()
        assert wait_for(lambda: st.load(a.store).state == st.ONLINE)
        assert _outbox(a.store) == 0 and backoff.failures == 0
    finally:
        release.set()
        worker.stop()


def test_revoked_worker_stops_trying(fake_desks, fake):
    a = fake_desks("a")
    sync_once(a.store, a.client)
    fake.revoked.add(a.client.token)
    worker = WatchedWorker(a.store, a.client, interval=0.01)
    worker.start()
    try:
        assert wait_for(lambda: st.load(a.store).state == st.REVOKED and worker.idle())
        rounds = worker.rounds
        worker.handle_trigger()
        assert worker.rounds == rounds and worker.idle()  # woke, saw it is revoked: no round
        # Enrolled again (a new code from the organiser): the worker follows the new token.
        from checkin.sync.client import SyncClient

        with SyncClient("http://central.test", transport=fake.transport()) as bootstrap:
            enrolment.enrol(a.store, bootstrap, fake.enrolment("a"))
        worker.trigger()
        assert wait_for(lambda: st.load(a.store).state == st.ONLINE and _outbox(a.store) == 0)
        # Wiped when revoked (issue 7): the list comes back with the new enrolment's round.
        assert wait_for(lambda: a.store.counts()["registrants"] == 25)
        assert a.desk.scan("C-0012").ok
        assert a.client.token == a.store.meta(st.TOKEN)
    finally:
        worker.stop()


def test_worker_survives_an_unexpected_error_in_a_round(fake_desks, fake, monkeypatch):
    from checkin.sync import worker as worker_module

    a = fake_desks("a")
    calls = []

    def flaky(store, client, **kw):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug")
        return sync_once(store, client, **kw)

    monkeypatch.setattr(worker_module, "sync_once", flaky)
    seen = []
    worker = SyncWorker(a.store, a.client, interval=30, on_status=seen.append,
                        backoff=Backoff(base=0.01, cap=0.02))
    worker.start()
    try:
        assert wait_for(lambda: len(seen) >= 2)
        assert [s.state for s in seen][:2] == [st.ERROR, st.ONLINE]
        assert a.store.counts()["registrants"] == 25 and len(calls) == 2
    finally:
        worker.stop()
