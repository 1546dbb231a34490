"""A self check-in kiosk that closed itself (its printer out of labels) is said on every
staffed desk's status bar through the real central list (SQLite and PostgreSQL), and no
longer once it opens again."""

from __future__ import annotations

import secrets

from checkin import kiosk
from checkin.sync import status as st
from checkin.sync.engine import sync_once
from testkit.data import XLSX

from .conftest import EVENT_TOML

PROBLEM = "printer 'Brother_QL_820NWB' is out of labels"


def test_a_closed_kiosk_is_said_on_the_other_desks_until_it_opens_again(central, real_desks):
    event = f"k{secrets.token_hex(4)}"
    central.organiser.create_event(event, EVENT_TOML.read_text(encoding="utf-8"))
    central.organiser.import_export(event, XLSX.name, XLSX.read_bytes())
    booth, desk = real_desks("自助1", event), real_desks("报到处1", event)
    for site in (booth, desk):
        assert sync_once(site.store, site.client).ok
    assert st.load(desk.store).kiosks_closed == []

    kiosk.record_closed(booth.store, "kiosk", PROBLEM)
    assert sync_once(booth.store, booth.client).ok
    assert sync_once(desk.store, desk.client).ok
    [closed] = st.load(desk.store).kiosks_closed
    assert closed["name"] == "自助1" and closed["problem"] == PROBLEM and closed["since"]
    assert "自助1" in st.load(desk.store).text() and PROBLEM in st.load(desk.store).text()
    listed = {d["name"]: d for d in central.organiser.stats(event)["devices"]}
    assert listed["自助1"]["kiosk_problem"] == PROBLEM and listed["报到处1"]["kiosk_problem"] is None

    kiosk.record_closed(booth.store, "kiosk", "")  # staff fixed the printer
    assert sync_once(booth.store, booth.client).ok
    assert sync_once(desk.store, desk.client).ok
    assert st.load(desk.store).kiosks_closed == []
