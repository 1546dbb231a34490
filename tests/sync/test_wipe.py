"""Issue 7 against the real central list (SQLite and PostgreSQL): a desk the organiser revokes
wipes its registrants and the personal data of walk-ins and edits at its next sync, and a desk
of an event with `[privacy] desk_fields` stores only those fields of what it downloads."""

from __future__ import annotations

import json
import secrets
import sqlite3
from pathlib import Path

from checkin import wipe
from checkin.masking import mask_phone
from checkin.store import audit
from checkin.sync import status as st
from checkin.sync.engine import sync_once

from .conftest import EVENT_TOML, XLSX

PAID = "SHIC2026-000002"  # 范俊, 13557616987
OTHER = "SHIC2026-000003"


def _file_bytes(path: str) -> bytes:
    return b"".join(Path(f"{path}{s}").read_bytes() for s in ("", "-wal", "-shm")
                    if Path(f"{path}{s}").exists())


def test_revoked_desk_wipes_registrants_and_walk_in_data_at_its_next_sync(
        central, real_desks, answers):
    event = central.new_event()
    a = real_desks("报到处1", event)
    assert sync_once(a.store, a.client).ok
    assert a.store.counts()["registrants"] == 2401
    walk_in, _ = a.desk.walk_in({"name": "李雷", "phone": "13800138000",
                                 "email": "lilei@example.org", "organisation": "协和",
                                 "payment": "已缴费"})
    a.desk.edit(OTHER, {"phone": "13912345678"}, reason="new number")
    assert a.desk.scan(PAID).ok
    assert sync_once(a.store, a.client).ok  # everything reached the server
    a.desk.scan(OTHER)  # one more, never sent
    events = a.store.counts()["events"]
    admissions = a.store.reader().execute("SELECT count(*) FROM admissions").fetchone()[0]
    # What a desk holds of a person from the list: the name, the phone masked (the event
    # grants desks no more); both must go.
    person = next(r for r in answers["registrants"] if r["code"] == PAID)
    phone = mask_phone(person["phone"])
    assert phone.encode() in _file_bytes(a.store.path)
    assert person["name"].encode() in _file_bytes(a.store.path)

    central.organiser.revoke(event, a.store.device_id)
    report = sync_once(a.store, a.client)
    assert report.state == st.REVOKED and not report.ok
    assert report.wiped["registrants"] == 2402 and report.wiped["events_scrubbed"] == 2
    assert "wiped" in report.error and "revoked" in report.error

    store = a.store
    assert store.counts()["registrants"] == 0
    assert store.counts()["events"] == events  # the log keeps every fact ...
    conn = store.reader()
    assert conn.execute("SELECT count(*) FROM admissions").fetchone()[0] == admissions
    data = {kind: json.loads(d) for kind, d in conn.execute(
        "SELECT kind, data FROM events WHERE kind IN ('walk_in', 'edit')")}
    assert set(data["walk_in"]) == {"wiped"}  # ... without the personal data in it
    assert data["edit"]["changed"] == ["phone"] and "changes" not in data["edit"]
    walk = conn.execute("SELECT code, operator, device_id FROM events WHERE kind = 'walk_in'")
    assert tuple(walk.fetchone()) == (walk_in.code, "op-报到处1", store.device_id)
    assert store.integrity_check() == ["ok"]
    disk = _file_bytes(store.path)
    for secret in (phone, person["name"], "13800138000", "13912345678", "lilei@example.org",
                   "李雷"):
        assert secret.encode() not in disk, secret

    status = st.load(store)
    assert status.state == st.REVOKED and status.stopped and "wiped" in status.last_error
    assert wipe.wiped_state(store)["reason"] == "revoked"
    trail = [(e.action, e.operator) for e in audit.entries(store.reader())]
    assert trail[-2:] == [(audit.REVOKED, "sync"), (audit.WIPE, "sync")]
    assert [e for e in trail if e[0] == audit.ENROL]
    assert wipe.anonymous_counts(store)["arrived"] == 3  # the walk-in, PAID and OTHER

    again = sync_once(store, a.client)  # no request, no second wipe
    assert again.state == st.REVOKED and again.wiped is None
    assert [e.action for e in audit.entries(store.reader())].count(audit.WIPE) == 1
    assert a.desk.scan(PAID).outcome == "not_found"  # the desk answers, knowing nobody


def test_desk_fields_apply_to_the_registrants_a_desk_downloads(central, real_desks, answers):
    event = f"t{secrets.token_hex(5)}"
    toml = EVENT_TOML.read_text(encoding="utf-8") + (
        '\n[privacy]\ndesk_fields = ["category", "payment", "meals", "forums", "team"]\n')
    central.organiser.create_event(event, toml)
    assert central.organiser.import_export(event, XLSX.name, XLSX.read_bytes())["imported"] == 2401
    central.organiser.edit_registrant(event, OTHER, base_version=1,
                                      fields={"phone": "13612345678", "team": "T-9"})
    a = real_desks("报到处1", event)
    assert a.store.config.privacy.desk_fields == ("code", "name", "category", "payment",
                                                  "meals", "forums", "team")
    assert sync_once(a.store, a.client).ok
    conn = a.store.reader()
    stored = conn.execute("SELECT count(*), count(phone), count(email), count(organisation), "
                          "sum(extra != '{}') FROM registrants").fetchone()
    assert tuple(stored) == (2401, 0, 0, 0, 0)
    # The organiser's edit reached the desk's log as a fact, without the phone it set.
    [edit] = [json.loads(d) for (d,) in conn.execute("SELECT data FROM events WHERE kind = 'edit'")]
    assert set(edit["changes"]) == {"team"}
    disk = _file_bytes(a.store.path)
    assert b"13612345678" not in disk
    people = [r for r in answers["registrants"] if r["phone"]][:200]
    assert not [r["phone"] for r in people if r["phone"].encode() in disk]
    assert a.desk.scan(PAID).ok  # what the desk decides on is there


def test_a_wipe_that_failed_is_done_at_the_next_round(fake_desks, fake, monkeypatch):
    a = fake_desks("a")
    assert sync_once(a.store, a.client).ok and a.store.counts()["registrants"] == 25
    fake.revoked.add(a.client.token)
    real_wipe = wipe.wipe

    def full_disk(*args, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(wipe, "wipe", full_disk)
    report = sync_once(a.store, a.client)
    assert report.state == st.REVOKED and report.wiped is None
    assert "could NOT be wiped" in report.error and a.store.counts()["registrants"] == 25
    monkeypatch.setattr(wipe, "wipe", real_wipe)
    asked = len(fake.requests)
    report = sync_once(a.store, a.client)
    assert report.wiped["registrants"] == 25 and len(fake.requests) == asked  # no request
    assert a.store.counts()["registrants"] == 0
    status = st.load(a.store)
    assert status.state == st.REVOKED and "wiped" in status.last_error


def test_a_wipe_whose_compaction_hit_a_full_disk_compacts_at_the_next_round(
        fake_desks, fake, monkeypatch):
    a = fake_desks("a")
    assert sync_once(a.store, a.client).ok and a.store.counts()["registrants"] == 25
    fake.revoked.add(a.client.token)
    real_compact = a.store.compact

    def full_disk():  # VACUUM writes a whole copy of the file: the first thing a full disk stops
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(a.store, "compact", full_disk)
    report = sync_once(a.store, a.client)
    assert report.wiped["registrants"] == 25 and a.store.counts()["registrants"] == 0
    assert "was wiped" in report.error and "not compacted yet" in report.error
    assert "could NOT be wiped" not in report.error  # the rows are gone: not a failed wipe
    assert wipe.wiped_state(a.store)["compact_error"] == "database or disk is full"

    report = sync_once(a.store, a.client)  # disk still full: still said, nothing lost
    assert "not compacted yet" in st.load(a.store).last_error
    monkeypatch.setattr(a.store, "compact", real_compact)
    report = sync_once(a.store, a.client)
    assert report.wiped["file_compacted"] is True
    status = st.load(a.store)
    assert status.state == st.REVOKED and "was wiped" in status.last_error
    assert "not compacted" not in status.last_error
    assert wipe.wiped_state(a.store)["file_compacted"] is True
    assert sync_once(a.store, a.client).wiped is None  # done: nothing more to do
