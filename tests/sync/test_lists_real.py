"""A check-in list of the event file's own (展厅, with exits and a one-entry-a-day rule) at two
desks syncing through the real central list, on SQLite and PostgreSQL: the service takes its
scans, both desks and the organiser agree on who is inside, and a rule counts the other
desk's entries once they have synced."""

from __future__ import annotations

import datetime as dt
import os

from checkin.desk import Desk
from checkin.stats import headcounts
from checkin.sync.engine import sync_once
from testkit.data import XLSX

from .conftest import EVENT_TOML

HALL = """
[[lists]]
id = "hall"
name = "展厅"
exits = true
reentry = true
capacity = 2
rule = { "<" = [{ var = "entries_today" }, 2] }
"""
FAN, ZHU, WU = "SHIC2026-000002", "SHIC2026-000003", "SHIC2026-000010"


def _hall(stats: dict) -> dict:
    return next(x for x in stats["lists"] if x["list"] == "hall")


def test_a_hall_list_at_two_desks_agrees_everywhere(central, real_desks):
    event = f"hall{os.getpid()}{id(central) % 10_000}"
    central.organiser.create_event(event, EVENT_TOML.read_text(encoding="utf-8") + HALL)
    central.organiser.import_export(event, XLSX.name, XLSX.read_bytes())
    now = dt.datetime(2026, 6, 26, 10, 0)
    sites = [real_desks(name, event) for name in ("展厅东门", "展厅西门")]
    east, west = (Desk(site.store, operator="v", now=lambda: now) for site in sites)

    def sync_all() -> None:
        for site in (*sites, *sites):  # twice round: each desk hears the other's last scans
            assert sync_once(site.store, site.client).ok

    sync_all()
    assert east.scan(FAN, "list:hall").reason_code == "admitted"
    assert west.scan(ZHU, "list:hall").reason_code == "admitted"
    sync_all()
    full = east.scan(WU, "list:hall")
    assert full.reason_code == "list_full"  # two inside, counted across both doors
    assert west.scan(FAN, "list:hall", exit=True).reason_code == "exited"
    sync_all()
    assert east.scan(WU, "list:hall").ok
    sync_all()  # (not within the same millisecond at two doors: the order would be a toss-up)
    assert west.scan(WU, "list:hall", exit=True).reason_code == "exited"
    sync_all()
    assert east.scan(FAN, "list:hall").reason_code == "reentered"  # second entry today
    assert east.scan(FAN, "list:hall", exit=True).ok
    sync_all()
    third = west.scan(FAN, "list:hall")  # the rule counts the entries made at the east door
    assert third.reason_code == "rule_refused" and "2" in third.reason
    sync_all()
    server = central.organiser.stats(event)
    for stats in (headcounts(sites[0].store), headcounts(sites[1].store), server):
        assert (_hall(stats)["entered"], _hall(stats)["inside"]) == (3, 1)  # ZHU is inside
