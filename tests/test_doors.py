"""Forum doors with entry and exit scans: who is inside, capacity counted on them, re-entry,
an exit with no entry, undo of a crossing, and the same from the command line."""

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EVENT_DAY

from checkin.desk import Desk, DeskError
from checkin.model import EventKind, Outcome
from checkin.stats import headcounts
from checkin.store import eventlog

A, B, C = "SHIC2026-000002", "SHIC2026-000003", "SHIC2026-000010"
F1 = "forum:F1"  # 医疗AI大模型与智能体, no sign-up needed


def with_forum(store, **changes) -> None:
    config = store.config
    forums = [dataclasses.replace(f, **changes) if f.id == "F1" else f for f in config.forums]
    with store.transaction() as conn:
        store.save_config(conn, dataclasses.replace(config, forums=forums))


def inside(store) -> int:
    return eventlog.occupancy(store.reader(), F1)


@pytest.fixture
def door(event_store):
    return Desk(event_store, operator="门口志愿者", now=lambda: EVENT_DAY.replace(hour=9))


def test_in_out_and_back_in_counts_who_is_inside(door):
    assert door.scan(A, F1).reason_code == "admitted"
    assert door.scan(B, F1).ok and inside(door.store) == 2
    out = door.scan(A, F1, exit=True)
    assert (out.outcome, out.reason_code, out.exit) == (Outcome.OK, "exited", True)
    assert out.reason == "Left 医疗AI大模型与智能体" and inside(door.store) == 1
    back = door.scan(A, F1)
    assert (back.outcome, back.reason_code) == (Outcome.OK, "reentered")
    assert inside(door.store) == 2
    assert door.scan(A, F1).outcome == Outcome.ALREADY  # inside: a second entry scan
    kinds = [e.kind for e in eventlog.history(door.store.reader(), A)]
    assert kinds == [EventKind.FORUM, EventKind.EXIT, EventKind.ENTRY, EventKind.REFUSED]
    forum = next(f for f in headcounts(door.store)["forums"] if f["forum"] == "F1")
    assert (forum["entered"], forum["inside"]) == (2, 2)  # entered counts people, not crossings


def test_capacity_counts_who_is_inside_not_who_ever_came(door):
    with_forum(door.store, capacity=2)
    assert door.scan(A, F1).ok and door.scan(B, F1).ok
    full = door.scan(C, F1)
    assert full.reason_code == "forum_full" and "2 seats" in full.reason
    assert door.scan(A, F1, exit=True).ok  # the coffee break: a seat is free again
    assert door.scan(C, F1).ok
    assert door.scan(A, F1).reason_code == "forum_full"  # back from coffee, the seat is taken


def test_a_forum_without_reentry_refuses_the_second_entry(door):
    with_forum(door.store, reentry=False)
    door.scan(A, F1)
    door.scan(A, F1, exit=True)
    again = door.scan(A, F1)
    assert again.outcome == Outcome.NOT_ELIGIBLE and again.reason_code == "no_reentry"
    assert door.override(A, F1, reason="speaker", supervisor="王经理").ok
    assert inside(door.store) == 1  # the override at a door counts as an entry


def test_leaving_is_always_recorded_and_a_second_exit_is_already(door):
    never_in = door.scan(C, F1, exit=True)  # entered while the volunteer was away
    assert never_in.ok and never_in.reason_code == "exit_unmatched"
    assert "no entry was scanned" in never_in.reason and inside(door.store) == 0
    again = door.scan(C, F1, exit=True)
    assert again.outcome == Outcome.ALREADY and again.reason_code == "already_left"
    assert "Already left 医疗AI大模型与智能体 at 09:30:00" in again.reason
    assert door.scan("NOPE-1", F1, exit=True).outcome == Outcome.NOT_FOUND


def test_exit_scans_are_for_doors_only_and_a_wrong_exit_is_undone(door):
    with pytest.raises(DeskError, match="not a forum door"):
        door.scan(A, "registration", exit=True)
    door.scan(A, F1)
    wrong = door.scan(A, F1, exit=True)  # the volunteer had the door in the wrong mode
    undo = door.undo()
    assert undo.ref == wrong.event_uuid and inside(door.store) == 1
    assert door.scan(A, F1).outcome == Outcome.ALREADY  # inside again: no double entry


def test_exit_from_the_command_line(tmp_path):
    """On the demo event (it runs today, as the command line's clock is the real one)."""
    checkin = str(Path(sys.executable).parent / "checkin")
    db = str(tmp_path / "demo.db")

    def run(*args):
        return subprocess.run([checkin, "--db", db, *args], capture_output=True, text=True,
                              timeout=120, env=os.environ)

    assert run("demo", "--people", "40").returncode == 0
    people = json.loads(run("list", "--json").stdout)
    paid = next(p["code"] for p in people if p["payment"] in ("已缴费", "免费"))

    def scan(*args):
        done = run("scan", paid, "--station", "forum:F2", "--json", *args)
        return done.returncode, json.loads(done.stdout)

    assert scan()[0] == 0
    code, left = scan("--exit")
    assert code == 0 and left["exit"] is True and left["reason_code"] == "exited"
    code, again = scan("--exit")
    assert code == 3 and again["reason_code"] == "already_left"
    refused = run("scan", paid, "--exit")
    assert refused.returncode == 2 and "exit scans are for forum doors" in refused.stderr


def test_a_paper_sheet_from_the_command_line_needs_the_organiser(tmp_path):
    """补录 on the demo event: `scan --at` is refused without the organiser PIN and without a
    reason; with both, the scan counts as of the sheet's time and the audit names it."""
    import datetime as dt

    from checkin.demo import DEMO_ORGANISER_PIN
    from checkin.store import Store

    checkin = str(Path(sys.executable).parent / "checkin")
    db = str(tmp_path / "demo.db")

    def run(*args):
        return subprocess.run([checkin, "--db", db, *args], capture_output=True, text=True,
                              timeout=120, env={**os.environ, "CHECKIN_LANG": "en"})

    assert run("demo", "--people", "40").returncode == 0
    with Store(db) as store:  # F2 has no time window: midnight of the event's today
        at = dt.datetime.now(store.config.zone()).strftime("%Y-%m-%dT00:00")
    people = json.loads(run("list", "--json").stdout)
    paid = next(p["code"] for p in people if p["payment"] in ("已缴费", "免费"))
    sheet = ("scan", paid, "--station", "forum:F2", "--at", at)
    assert "organiser's job" in run(*sheet, "--reason", "停电").stderr
    no_reason = run(*sheet, "--role", "organiser", "--pin", DEMO_ORGANISER_PIN)
    assert no_reason.returncode == 2 and "needs a reason" in no_reason.stderr
    assert "not a time" in run("scan", paid, "--at", "9:05", "--reason", "x").stderr
    done = run(*sheet, "--reason", "停电", "--role", "organiser", "--pin", DEMO_ORGANISER_PIN,
               "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["reason_code"] == "admitted"
    audit = run("audit", "--json", "--role", "organiser", "--pin", DEMO_ORGANISER_PIN)
    logged = [e for e in json.loads(audit.stdout) if e["action"] == "backfill"]
    assert len(logged) == 1 and logged[0]["details"]["at"].startswith(at)
