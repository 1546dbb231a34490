""""Not on the wall" through the real central list (SQLite and PostgreSQL): a desk's edit
reaches the service and every other desk, even where `[privacy] desk_fields` keeps almost
nothing (the flag protects the person, so desks always keep it)."""

from __future__ import annotations

import secrets

from checkin.store import registrants as reg_store
from checkin.sync.engine import sync_once
from testkit.data import XLSX

from .conftest import EVENT_TOML

HIDDEN = "SHIC2026-000003"


def test_a_desks_privacy_request_reaches_every_desk(central, real_desks):
    event = f"w{secrets.token_hex(4)}"
    central.organiser.create_event(event, EVENT_TOML.read_text(encoding="utf-8") + (
        '\n[privacy]\ndesk_fields = ["category", "payment", "meals", "forums"]\n'))
    central.organiser.import_export(event, XLSX.name, XLSX.read_bytes())
    one, two = real_desks("报到处1", event), real_desks("报到处2", event)
    for site in (one, two):
        assert sync_once(site.store, site.client).ok
        assert reg_store.get(site.store.reader(), HIDDEN).wall_hidden is False

    one.desk.edit(HIDDEN, {"wall_hidden": "是"}, reason="asked at the desk")
    assert sync_once(one.store, one.client).ok
    whole = {r["code"]: r for r in central.organiser.registrants(event, after=0,
                                                                 limit=5000)["items"]}
    assert whole[HIDDEN]["wall_hidden"] is True
    assert sync_once(two.store, two.client).ok
    there = reg_store.get(two.store.reader(), HIDDEN)
    assert there.wall_hidden is True and there.phone is None  # minimised, the flag kept
    feed = {r["code"]: r for r in two.client.registrants(event, after=0, limit=5000)["items"]}
    assert feed[HIDDEN]["wall_hidden"] is True and "phone" not in feed[HIDDEN]
