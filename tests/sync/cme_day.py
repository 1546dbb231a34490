"""A scripted conference day at the CME doors, shared by the desk-side and the service-side
CME tests: two desks at the A厅 door (one scans people in, one out), a third at the C厅 door,
syncing through the real central list after every scan. One entry is scanned by mistake and
undone at once; it must never count. A paper sheet is entered in the evening."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from checkin.desk import Desk
from checkin.sync.engine import sync_once

from .conftest import EVENT_TOML, DeskSite

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
FAN, ZHU, XU, WU = "SHIC2026-000002", "SHIC2026-000003", "SHIC2026-000009", "SHIC2026-000010"

# Worked out by hand: (minutes per session, credits) per person.
EXPECTED = {
    FAN: ({"am": 175, "pm": 70}, 2.0),   # 09:00-11:55; 14:00-15:10 < 96 needed
    ZHU: ({"am": 153, "pm": 115}, 3.0),  # 09:00-10:20 + 10:45-11:58; 14:05-16:00
    XU: ({"am": 70, "pm": 0}, 0.0),      # 10:40-11:50; the undone 09:05 entry is no entry
    WU: ({"am": 140, "pm": 110}, 1.0),   # 09:40-12:00 (no exit) < 144; paper: 14:00-15:50
}


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 6, 26, 8, 0)

    def at(self, hhmm: str) -> None:
        self.now = dt.datetime.fromisoformat(f"2026-06-26T{hhmm}")


@dataclass
class Day:
    event: str
    sites: dict[str, DeskSite]


def new_cme_event(central, filename: str, export: bytes) -> str:
    """An event of the SHIC 2026 file with the [cme] above, `export` imported into it."""
    event = f"cme{os.getpid()}{os.urandom(3).hex()}"
    central.organiser.create_event(event, EVENT_TOML.read_text(encoding="utf-8") + CME)
    central.organiser.import_export(event, filename, export)
    return event


def play_day(event: str, real_desks) -> Day:
    clock = Clock()
    sites = {name: real_desks(name, event) for name in ("A厅入口", "A厅出口", "C厅门口")}
    desks = {name: Desk(site.store, operator=name, now=lambda: clock.now)
             for name, site in sites.items()}

    def sync_all() -> None:
        for site in sites.values():
            assert sync_once(site.store, site.client).ok

    sync_all()
    entrance, exit_desk, c_door = desks["A厅入口"], desks["A厅出口"], desks["C厅门口"]
    script = [  # (time, desk, code, door, what)
        ("08:50", entrance, FAN, "F1", "in"), ("08:55", entrance, ZHU, "F1", "in"),
        ("09:05", entrance, XU, "F1", "in"),      # the wrong badge ...
        ("09:06", entrance, XU, "F1", "undo"),    # ... undone at once
        ("09:40", entrance, WU, "F1", "in"),
        ("10:20", exit_desk, ZHU, "F1", "out"),   # coffee ...
        ("10:40", entrance, XU, "F1", "in"),      # XU really comes in
        ("10:45", entrance, ZHU, "F1", "in"),     # ... and back: a re-entry
        ("11:50", exit_desk, XU, "F1", "out"),
        ("11:55", exit_desk, FAN, "F1", "out"),   # WU never scanned out: closed at 12:00
        ("11:58", exit_desk, ZHU, "F1", "out"),
        ("13:55", c_door, FAN, "F3", "in"), ("15:10", c_door, FAN, "F3", "out"),
        ("14:05", c_door, ZHU, "F3", "in"), ("16:02", c_door, ZHU, "F3", "out"),
    ]
    last: dict = {}
    for hhmm, desk, code, door, what in script:
        clock.at(hhmm)
        sync_all()  # twice: what one desk uploads, the desks before it download next
        sync_all()
        if what == "undo":
            assert desk.undo(last[desk, code], "scanned the wrong badge").ref == last[desk, code]
            continue
        decision = desk.scan(code, f"forum:{door}", exit=what == "out")
        assert decision.ok, (hhmm, code, decision.reason)
        last[desk, code] = decision.event_uuid
    # The C厅 laptop was down after lunch: WU signed the paper sheet there, 14:00 in and
    # 15:50 out; the organiser enters it at the C厅 desk in the evening (补录).
    clock.at("17:30")
    for hhmm, leaving in (("14:00", False), ("15:50", True)):
        line = c_door.backfill(WU, "forum:F3", dt.datetime.fromisoformat(f"2026-06-26T{hhmm}"),
                               "C厅 laptop down: paper sheet", exit=leaving)
        assert line.ok, line.reason
    sync_all()  # twice again: the last desk's scans reach the desks before it too
    sync_all()
    return Day(event, sites)
