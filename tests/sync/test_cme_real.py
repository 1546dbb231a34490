"""A scripted conference day for CME credit: two desks at the A厅 door (one scans people in,
one out), a third at the B厅 door, syncing through the real central list (SQLite and
PostgreSQL). Every desk then works out the same minutes and credits, checked against
hand-made expectations; `checkin cme --json` says the same."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from checkin.desk import Desk
from checkin.export import cme_credits
from checkin.sync.engine import sync_once

from .conftest import EVENT_TOML

CME = """
[cme]
project_number = "2026-04-01-123(国)"
credit_class = "I类"
min_share = 0.8

[[cme.sessions]]
id = "am"
forum = "F1"
start = "09:00"
end = "12:00"
credits = 2

[[cme.sessions]]
id = "pm"
forum = "F3"
start = "14:00"
end = "16:00"
credits = 1
"""
FAN, ZHU, WU = "SHIC2026-000002", "SHIC2026-000003", "SHIC2026-000010"


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 6, 26, 8, 0)

    def at(self, hhmm: str) -> None:
        self.now = dt.datetime.fromisoformat(f"2026-06-26T{hhmm}")


def test_a_conference_day_earns_the_credits_worked_out_by_hand(central, real_desks):
    event = f"cme{os.getpid()}{id(central) % 10_000}"
    central.organiser.create_event(event, EVENT_TOML.read_text(encoding="utf-8") + CME)
    from testkit.data import XLSX

    central.organiser.import_export(event, XLSX.name, XLSX.read_bytes())
    clock = Clock()
    sites = {name: real_desks(name, event) for name in ("A厅入口", "A厅出口", "C厅门口")}
    desks = {name: Desk(site.store, operator=name, now=lambda: clock.now)
             for name, site in sites.items()}

    def sync_all() -> None:
        for site in sites.values():
            assert sync_once(site.store, site.client).ok

    sync_all()
    entrance, exit_desk, c_door = desks["A厅入口"], desks["A厅出口"], desks["C厅门口"]
    script = [  # (time, desk, code, door, leaving)
        ("08:50", entrance, FAN, "F1", False), ("08:55", entrance, ZHU, "F1", False),
        ("09:40", entrance, WU, "F1", False),
        ("10:20", exit_desk, ZHU, "F1", True),    # coffee ...
        ("10:45", entrance, ZHU, "F1", False),    # ... and back: a re-entry
        ("11:55", exit_desk, FAN, "F1", True),    # WU never scanned out: closed at 12:00
        ("11:58", exit_desk, ZHU, "F1", True),
        ("13:55", c_door, FAN, "F3", False), ("15:10", c_door, FAN, "F3", True),
        ("14:05", c_door, ZHU, "F3", False), ("16:02", c_door, ZHU, "F3", True),
    ]
    for hhmm, desk, code, door, leaving in script:
        clock.at(hhmm)
        sync_all()  # twice: what one desk uploads, the desks before it download next
        sync_all()
        decision = desk.scan(code, f"forum:{door}", exit=leaving)
        assert decision.ok, (hhmm, code, decision.reason)
    sync_all()
    expected = {
        FAN: ({"am": 175, "pm": 70}, 2.0),   # 09:00-11:55; 14:00-15:10 < 96 needed
        ZHU: ({"am": 153, "pm": 115}, 3.0),  # 09:00-10:20 + 10:45-11:58; 14:05-16:00
        WU: ({"am": 140, "pm": 0}, 0.0),     # 09:40-12:00 (no exit) < 144 needed
    }
    for site in sites.values():
        got = {p.code: ({s.session: s.minutes for s in p.sessions}, p.credits)
               for p in cme_credits(site.store)}
        assert got == expected
    wu = next(p for p in cme_credits(sites["A厅出口"].store) if p.code == WU)
    assert any("no exit scanned, counted until 12:00" in n for n in wu.notes)

    checkin = str(Path(sys.executable).parent / "checkin")
    db = sites["C厅门口"].store.path
    listed = subprocess.run([checkin, "--db", db, "cme", "--json"], capture_output=True,
                            text=True, timeout=120, env=os.environ)
    assert listed.returncode == 0, listed.stderr
    people = {p["code"]: p for p in json.loads(listed.stdout)}
    assert people[ZHU]["minutes"] == {"am": 153, "pm": 115} and people[ZHU]["credits"] == 3.0
    assert people[FAN]["shortfall"][0].endswith("70 of 120 minutes (needs 96)")
