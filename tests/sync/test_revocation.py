"""Signed tickets across desks, through the real central list (checkin.server on loopback): a
ticket revoked at one desk is refused at another after its sync, and a person admitted on a
valid ticket before a desk's list had them is reconciled by the next rounds."""

from __future__ import annotations

import secrets

from checkin import tickets
from checkin.model import Outcome
from checkin.stats import headcounts
from checkin.sync.engine import sync_once

from .conftest import EVENT_TOML, XLSX

PAID = "SHIC2026-000002"  # 范俊, 参会代表, 已缴费
OTHER = "SHIC2026-000003"
NEW = "SHIC2026-ONLINE-0001"  # registered online after the desks' first sync


def _event_with_key(central, key) -> str:
    """A fresh event whose file trusts `key` as k1, with the fixture export imported."""
    event = f"t{secrets.token_hex(5)}"
    config = (EVENT_TOML.read_text(encoding="utf-8")
              + f'\n[tickets.keys]\nk1 = "{tickets.public_key_text(key)}"\n')
    central.organiser.create_event(event, config)
    assert central.organiser.import_export(event, XLSX.name, XLSX.read_bytes())["imported"] == 2401
    return event


def _synced(site):
    report = sync_once(site.store, site.client)
    assert report.ok, report.error
    return report


def test_a_ticket_revoked_at_desk_a_is_refused_at_desk_b_after_its_sync(central, real_desks):
    key = tickets.new_private_key()
    event = _event_with_key(central, key)
    a, b = real_desks("报到处A", event), real_desks("报到处B", event)
    for site in (a, b):
        _synced(site)
        assert site.store.config.ticket_keys == {"k1": tickets.public_key_text(key)}
    short = a.store.config.short_name
    lost = tickets.issue(key, "k1", short, PAID, issued_at=1_782_000_000)
    reissued = tickets.issue(key, "k1", short, PAID, issued_at=1_782_000_100)
    assert b.desk.scan(tickets.issue(key, "k1", short, OTHER)).ok  # B has read its log

    a.desk.revoke_ticket(tickets.decode(lost).id, "lost phone")
    assert a.desk.scan(lost).reason_code == "revoked"
    assert _synced(a).uploaded == 2  # the revocation, and the refused scan for the organiser
    server = central.organiser.events(event, after=0, limit=5000)["items"]
    revokes = [e for e in server if e["kind"] == "revoke"]
    assert [e["data"]["ticket_id"] for e in revokes] == [tickets.decode(lost).id]

    assert _synced(b).events >= 1
    decision = b.desk.scan(lost)
    assert decision.outcome == Outcome.INVALID and decision.reason_code == "revoked"
    assert b.desk.scan(reissued).outcome == Outcome.OK


def test_a_person_admitted_before_the_list_had_them_is_reconciled(central, real_desks):
    key = tickets.new_private_key()
    event = _event_with_key(central, key)
    a, b = real_desks("报到处A", event), real_desks("报到处B", event)
    for site in (a, b):
        _synced(site)
    late = f"报名编号,姓名,参会类型,缴费状态\n{NEW},迟到者,参会代表,已缴费\n".encode()
    central.organiser.import_export(event, "late.csv", late, mark_missing="false")
    ticket = tickets.issue(key, "k1", a.store.config.short_name, NEW)

    decision = b.desk.scan(ticket)  # B has not synced since the late registration
    assert decision.outcome == Outcome.OK and decision.reason_code == "unlisted"
    assert headcounts(b.store)["unlisted"] == 1

    report = _synced(b)
    assert report.uploaded == 1 and not report.conflicts and report.registrants >= 1
    stats = headcounts(b.store)
    assert stats["unlisted"] == 0
    arrived = {c["category"]: c["arrived"] for c in stats["by_category"]}
    assert arrived["参会代表"] == 1 and stats["arrived"] == 1
    assert central.organiser.stats(event)["arrived"] == 1

    _synced(a)
    again = a.desk.scan(ticket)
    assert again.outcome == Outcome.ALREADY and again.name == "迟到者"
