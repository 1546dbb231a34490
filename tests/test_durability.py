"""Acknowledged means durable: a desk process killed mid-storm loses no acknowledged
check-in, and a full disk is a clear error that keeps what was stored."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from checkin.desk import Desk
from checkin.model import ADMITTED_PAYMENTS
from checkin.store import Store, explain_sqlite_error

# A desk in a child process: scans codes as fast as it can and prints each code only after
# Desk.scan returned ok, i.e. after COMMIT — the moment the volunteer sees green.
STORM = r"""
import datetime as dt, itertools, sys
from checkin.desk import Desk
from checkin.store import Store
store = Store(sys.argv[1])
desk = Desk(store, operator="storm", now=lambda: dt.datetime(2026, 6, 26, 8, 30))
for code in itertools.cycle(sys.argv[2].split(",")):  # until killed
    for station in ("registration", "meal:0626-lunch"):
        decision = desk.scan(code, station)
        if decision.ok:
            print(station, code, decision.event_uuid, flush=True)
    printed = desk.record_print(code, "badge", reason="storm")  # a write on every pass
    print("print", code, printed.uuid, flush=True)
"""


def paid_codes(store: Store) -> list[str]:
    marks = ",".join("?" * len(ADMITTED_PAYMENTS))
    return [r[0] for r in store.reader().execute(
        f"SELECT code FROM registrants WHERE payment IN ({marks}) AND missing = 0 ORDER BY code",
        ADMITTED_PAYMENTS)]


def storm_until_killed(db: str, codes: list[str], after: int) -> list[tuple[str, str, str]]:
    """Run one storm, SIGKILL it once it has acknowledged `after` writes (it is in the middle
    of the next ones then); the (station, code, event uuid) it acknowledged."""
    child = subprocess.Popen([sys.executable, "-c", STORM, db, ",".join(codes)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    acknowledged: list[tuple[str, str, str]] = []
    enough = threading.Event()

    def read() -> None:
        for line in child.stdout:
            parts = line.split()
            if line.endswith("\n") and len(parts) == 3:  # the kill may cut the last line
                acknowledged.append(tuple(parts))
                if len(acknowledged) >= after:
                    enough.set()
        enough.set()  # the storm ended by itself: said below

    reader = threading.Thread(target=read)
    reader.start()
    enough.wait(120)
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    reader.join(30)
    assert child.returncode == -signal.SIGKILL, "the storm ended before the kill: " + (
        child.stderr.read()[-2000:])
    assert len(acknowledged) >= after
    return acknowledged


def test_sigkill_during_a_scan_storm_loses_no_acknowledged_checkin(event_store):
    db = event_store.path
    codes = paid_codes(event_store)
    event_store.close()
    rng = random.Random(7)
    acknowledged: list[tuple[str, str, str]] = []
    for _ in range(12):
        rng.shuffle(codes)
        acknowledged += storm_until_killed(db, codes, after=rng.randint(20, 300))

    with Store(db) as store:
        assert store.integrity_check() == ["ok"]
        conn = store.reader()
        stored = {r[0] for r in conn.execute("SELECT uuid FROM events")}
        assert {uuid for *_, uuid in acknowledged} <= stored  # every green banner survived
        admitted = {(r["station"], r["code"]) for r in conn.execute(
            "SELECT station, code FROM admissions")}
        admissions = [(station, code) for station, code, _ in acknowledged if station != "print"]
        assert set(admissions) <= admitted
        assert len(admissions) == len(set(admissions))  # nobody admitted twice across kills
        doubles = conn.execute(
            "SELECT code, station, count(*) FROM events WHERE kind IN ('checkin', 'meal') "
            "GROUP BY code, station HAVING count(*) > 1").fetchall()
        assert doubles == []
        unsent = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
        assert unsent == len(stored)  # every stored fact is still queued for the central list


def test_a_full_disk_refuses_the_scan_in_words_and_keeps_what_was_stored(event_store, tmp_path):
    import datetime as dt

    desk = Desk(event_store, operator="alice", now=lambda: dt.datetime(2026, 6, 26, 8, 30))
    codes = paid_codes(event_store)
    pages = event_store._writer.execute("PRAGMA page_count").fetchone()[0]
    # SQLite's own limit stands in for the disk: the same SQLITE_FULL a full disk gives.
    event_store._writer.execute(f"PRAGMA max_page_count = {pages + 3}")
    stored, error = [], None
    for code in codes:
        try:
            if desk.scan(code).ok:
                stored.append(code)
        except sqlite3.OperationalError as exc:
            error = exc
            break
    assert error is not None, "the small page limit should fill up"
    assert "full" in explain_sqlite_error(error, event_store.path)
    event_store._writer.execute("PRAGMA max_page_count = 1073741823")
    assert desk.scan(codes[len(stored)]).ok  # space again: the next scan works
    path = event_store.path
    event_store.close()
    with Store(path) as again:
        assert again.integrity_check() == ["ok"]
        admitted = {r[0] for r in again.reader().execute(
            "SELECT code FROM admissions WHERE station = 'registration'")}
        assert set(stored) < admitted


def _without_permission_override() -> list[str] | None:
    """A command prefix under which file permissions bind: nothing for an ordinary user; for
    root, setpriv dropping the capabilities that let root write read-only files."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv"):
        caps = "-dac_override,-dac_read_search"
        return ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}"]
    return None


def test_a_read_only_database_is_refused_in_words_and_keeps_what_it_holds(tmp_path):
    prefix = _without_permission_override()
    if prefix is None:
        pytest.skip("running as root without setpriv: file permissions cannot bind here")
    checkin = str(Path(sys.executable).parent / "checkin")
    folder = tmp_path / "locked"
    db = folder / "event.db"
    env = {**os.environ, "CHECKIN_HOME": str(tmp_path / "home")}
    subprocess.run([checkin, "--db", str(db), "demo", "--people", "20"], check=True,
                   capture_output=True, env=env)
    before = db.read_bytes()
    db.chmod(0o444)
    folder.chmod(0o555)
    try:
        result = subprocess.run([*prefix, checkin, "--db", str(db), "scan", "DEMO-000002"],
                                capture_output=True, text=True, env=env, timeout=60)
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "read-only" in result.stderr and "nothing was written" in result.stderr
    assert db.read_bytes() == before  # not a byte changed
    with Store(db) as store:
        assert store.integrity_check() == ["ok"]
