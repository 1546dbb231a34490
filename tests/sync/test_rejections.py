"""Uploads the server refuses (413/422): an event is set aside only when the refusal is its own
(the server names it, or refuses it alone while taking the others); a refusal of everything (a
server of another version, a proxy) stops the round with the outbox intact, and set-aside events
go back to the outbox with `checkin sync --retry-rejected`."""

from __future__ import annotations

import json

import httpx
import pytest

from checkin.cli import main
from checkin.store import eventlog
from checkin.sync import enrolment, upload
from checkin.sync import status as st
from checkin.sync.client import SyncClient
from checkin.sync.conflicts import open_conflicts
from checkin.sync.engine import sync_once
from checkin.sync.rejected import retry_rejected


def _posts(fake) -> int:
    return sum(1 for m, p in fake.requests if m == "POST" and p.endswith("/events"))


def _outbox(store) -> int:
    return store.counts()["unsent"]


def _rejected_rows(store) -> int:
    return store.reader().execute(
        "SELECT count(*) FROM sync_conflicts WHERE type = 'rejected'").fetchone()[0]


def _bogus(site, code="C-0003", **data) -> str:
    """An event of a kind no server knows (a desk bug), straight into the log and outbox."""
    event = eventlog.new_event(site.store.clock, "bogus", code=code, station=None,
                               operator="op", data=data)
    with site.store.transaction() as conn:
        eventlog.append(conn, event)
    return event.uuid


def _desk(fake_desks, name="a"):
    """An enrolled desk that has the list (a first round)."""
    site = fake_desks(name)
    assert sync_once(site.store, site.client).ok
    return site


def _scan(site, *numbers: int) -> None:
    for n in numbers:
        assert site.desk.scan(f"C-{n:04d}").ok


# -- nothing attributable: the outbox stays ---------------------------------------------------
@pytest.mark.parametrize("batch_size", [500, 6, 1])
def test_a_server_refusing_every_upload_keeps_the_outbox_and_says_error(
        fake_desks, fake, batch_size):
    a = _desk(fake_desks)
    _scan(a, *range(1, 21))
    fake.refuse_uploads(422)
    asked = _posts(fake)
    report = sync_once(a.store, a.client, batch_size=batch_size)
    assert not report.ok and report.state == st.ERROR
    assert report.rejected == [] and report.uploaded == 0
    assert _outbox(a.store) == 20 and _rejected_rows(a.store) == 0
    assert open_conflicts(a.store) == []
    assert _posts(fake) - asked <= 12  # no binary search down every one of the 20 events
    status = st.load(a.store)
    assert status.state == st.ERROR and status.pending == 20
    assert "events.0.foo: Field required" in status.last_error  # what the server said
    assert "nothing was set aside" in status.last_error and "HTTP 422" in status.last_error

    fake.hooks.clear()  # the server fixed: everything goes up
    report = sync_once(a.store, a.client, batch_size=batch_size)
    assert report.ok and report.uploaded == 20 and _outbox(a.store) == 0
    assert len(fake.events) == 20 and st.load(a.store).last_error is None


def test_a_422_naming_every_event_is_not_any_one_events_fault(fake_desks, fake):
    a = _desk(fake_desks)
    _scan(a, 1, 2, 3, 4)

    def every_event_named(request):  # a server of another version: a field it now requires
        batch = json.loads(request.content)["events"]
        return httpx.Response(422, json={
            "error": "invalid_request", "message": "events.0.foo: Field required",
            "detail": [{"loc": ["body", "events", i, "foo"], "msg": "Field required",
                        "type": "missing"} for i in range(len(batch))]})

    fake.hooks.append(("POST", "/events", every_event_named))
    report = sync_once(a.store, a.client)
    assert report.state == st.ERROR and report.rejected == [] and _outbox(a.store) == 4


def test_a_single_event_refused_with_nothing_else_to_compare_is_kept(fake_desks, fake):
    a = _desk(fake_desks)
    bogus = _bogus(a)
    report = sync_once(a.store, a.client)
    assert report.state == st.ERROR and report.rejected == [] and _outbox(a.store) == 1
    assert "unknown event kind" in st.load(a.store).last_error
    _scan(a, 1)  # the next event shows the server takes this desk's events: the bogus one goes
    report = sync_once(a.store, a.client)
    assert report.ok and report.uploaded == 1 and [r["uuid"] for r in report.rejected] == [bogus]
    assert _outbox(a.store) == 0


def test_too_large_for_every_small_event_is_a_proxy_limit_not_an_event(fake_desks, fake):
    a = _desk(fake_desks)
    _scan(a, 1, 2, 3)
    fake.refuse_uploads(413, {"error": "too_large", "message": "body over 200 bytes"})
    report = sync_once(a.store, a.client)
    assert report.state == st.ERROR and report.rejected == [] and _outbox(a.store) == 3
    assert "body over 200 bytes" in report.error and "HTTP 413" in report.error


def test_a_server_that_starts_refusing_mid_round_sets_nothing_aside(fake_desks, fake):
    a = _desk(fake_desks)
    _scan(a, *range(1, 11))
    posts = []

    def second_batch_on(request):
        posts.append(1)
        if len(posts) > 1:
            return httpx.Response(422, json={"error": "invalid_request", "message": "no"})
        return None

    fake.hooks.append(("POST", "/events", second_batch_on))
    report = sync_once(a.store, a.client, batch_size=5)
    assert report.state == st.ERROR and report.uploaded == 5 and report.rejected == []
    assert _outbox(a.store) == 5 and _rejected_rows(a.store) == 0


# -- attributable: only that event is set aside ------------------------------------------------
def test_one_malformed_event_named_by_the_server_is_set_aside_and_the_rest_goes_up(
        fake_desks, fake):
    fake.validation_detail = True  # 422 with detail[].loc, as FastAPI answers
    a = _desk(fake_desks)
    _scan(a, 1, 2)
    bogus = _bogus(a)
    _scan(a, 4, 5)
    asked = _posts(fake)
    report = sync_once(a.store, a.client)
    assert report.ok and report.state == st.ONLINE
    assert report.uploaded == 4 and [r["uuid"] for r in report.rejected] == [bogus]
    assert _posts(fake) - asked == 2  # the refused batch, then the four others at once
    assert _outbox(a.store) == 0 and len(fake.events) == 4
    [listed] = open_conflicts(a.store)
    assert listed.type == "rejected" and listed.uuid == bogus
    assert listed.detail["message"].startswith("kind: Input should be one of")
    assert eventlog.get(a.store.reader(), bogus) is not None  # still in the log


def test_a_lone_refused_batch_after_accepted_ones_is_set_aside(fake_desks, fake):
    a = _desk(fake_desks)
    _scan(a, 1, 2, 3, 4)
    bogus = _bogus(a)
    report = sync_once(a.store, a.client, batch_size=2)  # [1 2] [3 4] [bogus]
    assert report.ok and report.uploaded == 4 and [r["uuid"] for r in report.rejected] == [bogus]
    assert _outbox(a.store) == 0


def test_an_event_too_large_for_the_server_is_set_aside(fake_desks, fake):
    a = _desk(fake_desks)
    _scan(a, 1, 2)
    with a.store.transaction() as conn:
        big = eventlog.new_event(a.store.clock, "print", code="C-0003", station=None,
                                 operator="op", data={"blob": "x" * (upload.LARGE_EVENT + 10)})
        eventlog.append(conn, big)
    _scan(a, 4)
    fake.hooks.append(("POST", "/events", lambda r: httpx.Response(
        413, json={"error": "too_large", "message": "over 64 KiB"})
        if len(r.content) > upload.LARGE_EVENT else None))
    report = sync_once(a.store, a.client)
    assert report.ok and report.uploaded == 3
    assert [(r["uuid"], r["status"]) for r in report.rejected] == [(big.uuid, 413)]


# -- and back again ----------------------------------------------------------------------------
def test_retry_rejected_puts_set_aside_events_back_in_the_outbox(fake_desks, fake):
    a = _desk(fake_desks)
    _scan(a, 1, 2)
    bogus = _bogus(a)
    _scan(a, 4)
    assert [r["uuid"] for r in sync_once(a.store, a.client).rejected] == [bogus]
    assert _outbox(a.store) == 0 and _rejected_rows(a.store) == 1

    assert retry_rejected(a.store) == [bogus]
    assert _outbox(a.store) == 1 and _rejected_rows(a.store) == 0
    assert open_conflicts(a.store) == []
    assert retry_rejected(a.store) == []  # nothing left to put back


def test_checkin_sync_retry_rejected_sends_them_again(fake_desks, fake, capsys, monkeypatch):
    a = _desk(fake_desks)
    _scan(a, 1, 2, 3)
    uuid = a.store.reader().execute(  # the second of the three
        "SELECT e.uuid FROM outbox o JOIN events e ON e.seq = o.seq ORDER BY o.seq "
        "LIMIT 1 OFFSET 1").fetchone()[0]

    def refuse_one(request):  # a server bug about one event, fixed later
        batch = json.loads(request.content)["events"]
        named = [i for i, e in enumerate(batch) if e["uuid"] == uuid]
        if named:
            return httpx.Response(422, json={
                "error": "invalid_request", "message": "refused",
                "detail": [{"loc": ["body", "events", named[0], "data"], "msg": "bad data"}]})
        return None

    fake.hooks.append(("POST", "/events", refuse_one))
    report = sync_once(a.store, a.client)
    assert report.uploaded == 2 and [r["uuid"] for r in report.rejected] == [uuid]
    assert report.rejected[0]["message"] == "data: bad data"
    fake.hooks.clear()

    store_path = a.store.path
    monkeypatch.setattr(enrolment, "client_for", lambda store, server=None, **kw: SyncClient(
        "http://central.test", store.meta(st.TOKEN), transport=fake.transport()))
    assert main(["--db", str(store_path), "sync", "--retry-rejected", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["retried"] == [uuid] and out["report"]["uploaded"] == 1
    assert out["status"]["pending"] == 0
    assert uuid in {e["uuid"] for e in fake.events} and len(fake.events) == 3
    assert _rejected_rows(a.store) == 0


# -- the real server's refusals (FastAPI's validation detail) ----------------------------------
def test_the_real_server_names_the_malformed_event_and_only_it_is_set_aside(central, real_desks):
    event = central.new_event()
    a = real_desks("报到处1", event)
    assert sync_once(a.store, a.client).ok
    for code in ("SHIC2026-000002", "SHIC2026-000003"):
        assert a.desk.scan(code).ok
    bogus = _bogus(a, code="SHIC2026-000004")
    assert a.desk.scan("SHIC2026-000010").ok
    report = sync_once(a.store, a.client)
    assert report.ok and report.uploaded == 3 and [r["uuid"] for r in report.rejected] == [bogus]
    assert report.rejected[0]["status"] == 422 and report.rejected[0]["message"].startswith("kind:")
    assert _outbox(a.store) == 0
    stored = central.organiser.events(event, after=0, limit=5000)["items"]
    assert len(stored) == 3 and bogus not in {e["uuid"] for e in stored}
