"""`checkin purge` on an enrolled desk stays done: its rounds still send what is left in the
outbox, but download neither the list nor other desks' events (walk-ins and edits carry names
and numbers) and keep no registrant copy from conflict answers, until the desk is enrolled
again (docs/personal-data.md)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from checkin import wipe
from checkin.masking import mask_phone
from checkin.store import audit
from checkin.sync import status as st
from checkin.sync.client import SyncClient
from checkin.sync.engine import sync_once
from checkin.sync.enrolment import enrol

PHONE = "13800138000"


def _file_bytes(path) -> bytes:
    return b"".join(Path(f"{path}{s}").read_bytes() for s in ("", "-wal", "-shm")
                    if Path(f"{path}{s}").exists())


def _purge(store) -> dict:
    """What `checkin purge --yes` does once it has the organiser's PIN."""
    return wipe.wipe(store, reason="purge", operator="boss", pdf_folders=[],
                        action=audit.PURGE)


def _gets(fake, fragment) -> int:
    return sum(1 for m, p in fake.requests if m == "GET" and p.endswith(fragment))


def test_purge_then_sync_downloads_nothing_and_sends_what_was_left(fake_desks, fake):
    for i in range(1, 26):
        fake.add_registrant(f"C-{i:04d}", f"人{i}", phone=f"1380013{i:04d}")
    a, b = fake_desks("a"), fake_desks("b")
    assert sync_once(a.store, a.client).ok and a.store.counts()["registrants"] == 25
    assert sync_once(b.store, b.client).ok
    assert b"13800130001" in _file_bytes(a.store.path)
    assert a.desk.scan("C-0001").ok  # one check-in not sent yet: purging does not need it sent

    assert _purge(a.store)["registrants"] == 25
    assert st.load(a.store).state == st.PURGED  # said at once, before any round
    assert b.desk.walk_in({"name": "李雷", "phone": PHONE, "payment": "免费"})[0]  # personal data in an event
    assert sync_once(b.store, b.client).ok
    fake.add_registrant("C-0002", "人2", phone="13900000002")  # a change on the central list
    registrants, events = _gets(fake, "/registrants"), _gets(fake, "/events")

    report = sync_once(a.store, a.client)  # the desk window opened again the next day
    assert report.ok and report.state == st.PURGED
    assert report.uploaded == 1 and report.registrants == 0 and report.events == 0
    assert "no longer downloads the list" in report.text()
    assert _gets(fake, "/registrants") == registrants and _gets(fake, "/events") == events
    assert a.store.counts() == {**a.store.counts(), "registrants": 0, "unsent": 0}
    disk = _file_bytes(a.store.path)
    for secret in ("13800130001", "13900000002", PHONE, "李雷"):
        assert secret.encode() not in disk, secret
    status = st.load(a.store)
    assert status.state == st.PURGED and not status.stopped and status.pending == 0
    assert status.label == ("purged: this desk no longer downloads the list "
                            "(enrol again to use it)")
    assert "purged: this desk no longer downloads the list" in status.text()

    assert sync_once(a.store, a.client).state == st.PURGED  # and so on, every round
    assert a.store.counts()["registrants"] == 0


def test_a_conflict_answered_after_a_purge_keeps_no_registrant_copy(fake_desks, fake):
    fake.add_registrant("C-0001", "人1", phone=PHONE)
    a = fake_desks("a")
    assert sync_once(a.store, a.client).ok
    assert a.desk.scan("C-0001").ok
    _purge(a.store)

    def conflict_with_copy(request):
        [ev] = json.loads(request.content)["events"]
        return httpx.Response(200, json={"results": [{
            "uuid": ev["uuid"], "status": "conflict", "seq": 99,
            "conflict": {"type": "code_taken", "current": {**fake.registrants["C-0001"]}}}]})

    fake.hooks.append(("POST", "/events", conflict_with_copy))
    report = sync_once(a.store, a.client)
    assert report.ok and [c["type"] for c in report.conflicts] == ["code_taken"]
    assert "current" not in report.conflicts[0]["detail"]
    assert a.store.counts()["registrants"] == 0
    assert PHONE.encode() not in _file_bytes(a.store.path)


def test_enrolling_again_after_a_purge_downloads_the_list_again(fake_desks, fake):
    a = fake_desks("a")
    assert sync_once(a.store, a.client).ok
    _purge(a.store)
    assert sync_once(a.store, a.client).registrants == 0

    with SyncClient("http://central.test", transport=fake.transport()) as bootstrap:
        enrol(a.store, bootstrap, fake.enrolment("a"))
    assert wipe.wiped_state(a.store) is None and st.load(a.store).state == st.ONLINE
    a.client.retarget("http://central.test", a.store.meta(st.TOKEN))
    report = sync_once(a.store, a.client)
    assert report.ok and report.state == st.ONLINE and report.registrants == 25
    assert a.store.counts()["registrants"] == 25
    assert [e.action for e in audit.entries(a.store.reader())][-2:] == [audit.PURGE, audit.ENROL]


# -- the real central list (SQLite and PostgreSQL) -----------------------------------------------
PAID = "SHIC2026-000002"


def test_purged_desk_stays_purged_against_the_real_server_until_enrolled_again(
        central, real_desks, answers):
    event = central.new_event()
    a = real_desks("报到处1", event)
    assert sync_once(a.store, a.client).ok and a.store.counts()["registrants"] == 2401
    person = next(r for r in answers["registrants"] if r["code"] == PAID)
    phone = mask_phone(person["phone"])  # what a desk token receives
    assert phone.encode() in _file_bytes(a.store.path)
    assert a.desk.scan(PAID).ok

    _purge(a.store)
    report = sync_once(a.store, a.client)
    assert report.ok and report.state == st.PURGED and report.uploaded == 1
    assert report.registrants == 0 and a.store.counts()["registrants"] == 0
    assert phone.encode() not in _file_bytes(a.store.path)
    assert person["name"].encode() not in _file_bytes(a.store.path)
    uploaded = central.organiser.events(event, after=0, limit=5000)["items"]
    assert [e["code"] for e in uploaded] == [PAID]
    # its audit trail went up too: who enrolled it, who purged it (no personal data)
    trail = central.organiser.records(event, after=0, limit=5000)["items"]
    assert {e["data"]["action"] for e in trail if e["kind"] == "audit"} >= {"enrol", "purge"}
    assert phone not in str(trail)

    # To enrol the same desk again the organiser revokes it first (a live desk's id is taken).
    central.organiser.revoke(event, a.store.device_id)
    code = central.organiser.create_enrolment(event, "报到处1")["code"]
    with SyncClient(central.base_url) as bootstrap:
        enrol(a.store, bootstrap, code)
    a.client.retarget(central.base_url, a.store.meta(st.TOKEN))
    report = sync_once(a.store, a.client)
    assert report.ok and report.state == st.ONLINE and report.registrants == 2401
    assert a.store.counts()["registrants"] == 2401
