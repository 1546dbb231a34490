"""A scripted conference day for CME credit (cme_day.py): two desks at the A厅 door (one
scans people in, one out), a third at the C厅 door, syncing through the real central list
(SQLite and PostgreSQL). Every desk then works out the same minutes and credits, checked
against hand-made expectations; `checkin cme --json` says the same."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from checkin.export import cme_credits

from .cme_day import EXPECTED, FAN, WU, ZHU, new_cme_event, play_day


def test_a_conference_day_earns_the_credits_worked_out_by_hand(central, real_desks):
    from testkit.data import XLSX

    day = play_day(new_cme_event(central, XLSX.name, XLSX.read_bytes()), real_desks)
    sites = day.sites
    for site in sites.values():
        got = {p.code: ({s.session: s.minutes for s in p.sessions}, p.credits)
               for p in cme_credits(site.store)}
        assert got == EXPECTED
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
