"""Shared test fixtures: real SQLite files in tmp dirs, the export fixtures (tests/data)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything loads Qt

import datetime as dt  # noqa: E402
import gc
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checkin.config import load_config
from checkin.desk import Desk
from checkin.importer import import_file
from checkin.resources import events_dir
from checkin.store import Store
from testkit.data import (  # noqa: F401  (re-exported to the test modules)
    ANSWERS,
    BLACKBOX,
    CSV_BOM,
    CSV_GBK,
    DATA,
    FIXTURES,
    JSONLOGIC_TESTS,
    QR_SAMPLES,
    XLSX,
)

ROOT = Path(__file__).resolve().parent.parent
SHARED = DATA  # the old name of the data folder, kept for modules that still import it
EVENT_TOML = events_dir() / "shic2026.toml"  # checkin/assets/events (issue 14)
# Inside the event: 26 June 2026, 08:30 Beijing time.
EVENT_DAY = dt.datetime(2026, 6, 26, 8, 30)
# The same day while lunch is served (6月26日午餐 11:30-13:30).
LUNCH_TIME = EVENT_DAY.replace(hour=12)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """No test reads or writes the real user data folder."""
    monkeypatch.setenv("CHECKIN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CHECKIN_DB", raising=False)
    monkeypatch.setenv("CHECKIN_LANG", "en")


@pytest.fixture(scope="session")
def answers() -> dict:
    data = json.loads(ANSWERS.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "desk.db") as s:
        yield s


@pytest.fixture(scope="session")
def _imported_event_db(tmp_path_factory) -> Path:
    """Imported once per session; each test gets its own copy of the file."""
    path = tmp_path_factory.mktemp("template") / "event.db"
    with Store(path) as s:
        with s.transaction() as conn:
            s.save_config(conn, load_config(EVENT_TOML))
        import_file(s, XLSX)
        s._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def event_store(tmp_path, _imported_event_db):
    """The SHIC 2026 event configured and its XLSX export imported."""
    copy = tmp_path / "event.db"
    shutil.copyfile(_imported_event_db, copy)
    with Store(copy) as s:
        yield s


@pytest.fixture
def desk(event_store):
    return Desk(event_store, operator="alice", now=lambda: EVENT_DAY)


@pytest.fixture(autouse=True)
def _collect_qt_garbage_on_the_gui_thread(request):
    """Closed windows leave reference cycles of Qt wrappers; if Python's cyclic GC ran on
    a worker thread (the next window's DB thread) it would delete Qt objects off the GUI
    thread and crash. Collect them here, on the GUI thread, after each Qt test."""
    yield
    if {"qtbot", "qapp"} & set(request.fixturenames):
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
        gc.collect()



NO_OVERRIDE = "-dac_override,-dac_read_search"  # the capabilities that let root ignore chmod


def rerun_where_permissions_bind(request, tmp_path: Path) -> None:
    """For tests of read-only folders when running as root (as CI does), where chmod binds
    nobody: run this same test again in a child pytest whose root has lost the capabilities
    that override file permissions; the caller returns after it. Skips only where that cannot
    be done."""
    if os.geteuid() != 0 or os.environ.get("CHECKIN_PERMISSIONS_BIND"):
        pytest.skip("chmod does not stop writes on this file system")
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: file permissions cannot bind here")
    result = subprocess.run(
        ["setpriv", f"--inh-caps={NO_OVERRIDE}", f"--bounding-set={NO_OVERRIDE}",
         sys.executable, "-m", "pytest", request.node.nodeid, "-q", "-p", "no:cacheprovider",
         f"--basetemp={tmp_path / 'child'}"],  # never the parent's temp folders
        cwd=ROOT, env={**os.environ, "CHECKIN_PERMISSIONS_BIND": "1"}, capture_output=True,
        text=True, timeout=600)
    assert result.returncode == 0 and "1 passed" in result.stdout, (
        result.stdout[-3000:] + result.stderr[-2000:])
