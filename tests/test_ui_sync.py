"""Sync in the desk window against the real central list (checkin.server on loopback, a tmp
SQLite database): the status bar's sync state, scans reaching the server, offline and back,
and a double admission listed and resolved on the dashboard."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("PySide6")
pytest.importorskip("uvicorn")

import httpx  # noqa: E402
from conftest import EVENT_DAY, EVENT_TOML, XLSX  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from ui_helpers import desk_window  # noqa: E402

from checkin.desk import Desk  # noqa: E402
from checkin.model import Outcome  # noqa: E402
from checkin.printing.printers import FolderPrinter  # noqa: E402
from checkin.scanner.sources import ImageFolderSource  # noqa: E402
from checkin.server.testing import ServerThread, organiser_token, running_server  # noqa: E402
from checkin.store import Store  # noqa: E402
from checkin.sync import status as st  # noqa: E402
from checkin.sync.client import SyncClient  # noqa: E402
from checkin.sync.engine import sync_once  # noqa: E402
from checkin.sync.enrolment import client_for  # noqa: E402
from checkin.ui.main_window import DeskWindow  # noqa: E402
from checkin.ui.sync_panel import enrol_desk  # noqa: E402

PAID = "SHIC2026-000002"  # 范俊
OTHER = "SHIC2026-000003"
EVENT = "shic2026"
SHOTS = os.environ.get("CHECKIN_SHOTS")  # a folder: save screenshots of the window there


class Central:
    def __init__(self, db_url: str, server: ServerThread, organiser: SyncClient):
        self.db_url, self.server, self.organiser = db_url, server, organiser

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def code(self, device_name: str) -> str:
        return self.organiser.create_enrolment(EVENT, device_name)["code"]

    def stats(self) -> dict:
        return self.organiser.stats(EVENT)


@pytest.fixture
def central(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'central.db'}"
    token = organiser_token(db_url)
    server = ServerThread(db_url)
    server.start()
    # A new connection per request: a kept-alive one the server closes (after 5 s idle) just
    # as a test asks would fail that request.
    organiser = SyncClient(server.base_url, token, timeout=httpx.Timeout(60.0, connect=3.0),
                           transport=httpx.HTTPTransport(
                               limits=httpx.Limits(max_keepalive_connections=0)))
    try:
        organiser.create_event(EVENT, EVENT_TOML.read_text(encoding="utf-8"))
        assert organiser.import_export(EVENT, XLSX.name, XLSX.read_bytes())["imported"] == 2401
        yield Central(db_url, server, organiser)
    finally:
        organiser.close()
        server.stop()


def throttled(predicate, every: float = 0.25):
    """For waitUntil: ask the server at most every `every` seconds."""
    state = {"at": 0.0, "answer": False}

    def check() -> bool:
        if time.monotonic() - state["at"] >= every:
            state["at"] = time.monotonic()
            state["answer"] = bool(predicate())
        return state["answer"]

    return check


def open_window(qtbot, store: Store, tmp_path: Path) -> DeskWindow:
    return desk_window(qtbot, store, tmp_path / "printed", sync_interval=1.0)


def bar(window: DeskWindow) -> str:
    return window.sync_state.text()


def wait_online_and_loaded(qtbot, window: DeskWindow) -> None:
    """First round done: online, nothing pending, everyone downloaded and searchable."""
    qtbot.waitUntil(lambda: "Sync: online" in bar(window) and "pending 0" in bar(window)
                    and window.sync.status.last_success is not None, timeout=10_000)
    qtbot.waitUntil(lambda: window.search.index.generation
                    == window.store.registrant_generation() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: "/ 2401" in window.counts.text(), timeout=10_000)


def scan(qtbot, window: DeskWindow, code: str, outcome=Outcome.OK, timeout=5_000) -> None:
    before = window.scan.recent.count()
    window.scan.submit(code)
    qtbot.waitUntil(lambda: window.scan.recent.count() > before, timeout=timeout)
    assert window.scan.banner.outcome == outcome, window.scan.banner.text()


def shot(widget, name: str) -> None:
    if SHOTS:
        QApplication.processEvents()
        widget.grab().save(str(Path(SHOTS) / f"sync_{name}.png"))


def sync_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name == "desk-sync" and t.is_alive()]


# -----------------------------------------------------------------------------------------
def test_enrolled_desk_goes_online_and_a_scan_reaches_the_server(qtbot, central, tmp_path):
    path = enrol_desk(tmp_path / "desk1.db", central.base_url, central.code("报到处1"),
                      "报到处1")
    with Store(path) as store:
        assert store.meta(st.EVENT) == EVENT and store.counts()["registrants"] == 0
        window = open_window(qtbot, store, tmp_path)
        # Without the 5-second counts/stale-index timer, what follows comes from the sync's
        # own signals: the index rebuilt after registrants arrived, counts after events.
        window._counts_timer.stop()
        try:
            assert window.sync.running and window.sync_state.button.isVisible()
            wait_online_and_loaded(qtbot, window)
            assert "last " in bar(window) and "—" not in bar(window)
            # The registrants the round pulled are searchable (the index was rebuilt).
            window.search.query.setText("fanjun")
            assert "范俊" in window.search.results.item(0).text()
            shot(window, "status_online")
            scan(qtbot, window, PAID)
            qtbot.waitUntil(throttled(lambda: central.stats()["arrived"] == 1), timeout=10_000)
            qtbot.waitUntil(lambda: "pending 0" in bar(window), timeout=10_000)
            # Another desk's check-in arrives here: the counts follow.
            other = tmp_path / "desk2"
            other_path = enrol_through_the_start_screen_hook(central, other)
            with Store(other_path) as store2, client_for(store2) as client2:
                assert sync_once(store2, client2).ok
                desk2 = Desk(store2, operator="b", now=lambda: EVENT_DAY)
                assert desk2.scan(OTHER).ok
                assert sync_once(store2, client2).ok
            qtbot.waitUntil(lambda: "Arrived 2 / 2401" in window.counts.text(),
                            timeout=10_000)
        finally:
            window.close()
        assert not window.sync.running and sync_threads() == []


def enrol_through_the_start_screen_hook(central: Central, folder: Path) -> Path:
    """What the start screen's `connect_to_central` is to call (`checkin.sync.enrolment.enrol_desk`
    with its data folder), here with the organiser's checkin-enrol: link: a new database
    named after the event."""
    from checkin.sync.enrolment import enrol_desk as hook

    link = f"checkin-enrol:{central.base_url}#{central.code('报到处2')}"
    path = hook(link, "", device_name="", data_dir=folder)
    assert path == folder / f"{EVENT}.db" and path.exists()
    assert sorted(p.name for p in folder.iterdir()) == [f"{EVENT}.db"]
    return path


def test_offline_never_blocks_a_scan_and_sync_now_catches_up(qtbot, central, tmp_path):
    path = enrol_desk(tmp_path / "desk1.db", central.base_url, central.code("报到处1"))
    with Store(path) as store:
        window = open_window(qtbot, store, tmp_path)
        try:
            wait_online_and_loaded(qtbot, window)
            port = central.server.port
            central.server.stop()
            qtbot.waitUntil(lambda: "Sync: offline" in bar(window), timeout=10_000)
            assert "last error" in bar(window)
            assert "retry in" in bar(window) or "retrying" in bar(window)
            # Answered while offline (a scan during a hung request: sync/test_round_fake.py)
            scan(qtbot, window, PAID)
            scan(qtbot, window, OTHER)
            # Both check-ins (and the badges' print events) wait in the outbox.
            qtbot.waitUntil(lambda: window.sync.status.pending >= 2 and
                            f"pending {window.sync.status.pending}" in bar(window),
                            timeout=5_000)
            assert "Sync: offline" in bar(window)
            shot(window, "status_offline")
            with running_server(central.db_url, port=port) as url:
                assert url == central.base_url
                qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier
                               | Qt.KeyboardModifier.ShiftModifier)  # Sync now
                qtbot.waitUntil(lambda: "Sync: online" in bar(window)
                                and "pending 0" in bar(window), timeout=10_000)
                assert central.stats()["arrived"] == 2
        finally:
            window.close()


def test_double_admission_is_listed_on_the_dashboard_and_resolved(qtbot, central, tmp_path):
    path = enrol_desk(tmp_path / "desk1.db", central.base_url, central.code("报到处1"),
                      "报到处1")
    other = enrol_desk(tmp_path / "desk2.db", central.base_url, central.code("报到处2"),
                       "报到处2")
    with Store(path) as store, Store(other) as store2, client_for(store2) as client2:
        assert sync_once(store2, client2).ok  # desk 2 has everyone, then hears nothing more
        window = open_window(qtbot, store, tmp_path)
        try:
            wait_online_and_loaded(qtbot, window)
            scan(qtbot, window, PAID)
            qtbot.waitUntil(throttled(lambda: central.stats()["arrived"] == 1), timeout=10_000)
            desk2 = Desk(store2, operator="b", now=lambda: EVENT_DAY + dt.timedelta(minutes=4))
            assert desk2.scan(PAID).ok  # desk 2 does not know yet
            report = sync_once(store2, client2)
            assert [c["type"] for c in report.conflicts] == ["double_admission"]
            board = window.dashboard
            window.tabs.setCurrentWidget(board)
            qtbot.waitUntil(lambda: len(board.conflicts) == 1, timeout=10_000)
            column = board.sync_column
            assert column.isVisible() and "Conflicts (1)" in column.conflicts_title.text()
            text = column.conflicts.item(0).text()
            assert PAID in text and "范俊" in text and "报到处1" in text and "报到处2" in text
            names = [column.desks.item(r, 0).text() for r in range(column.desks.rowCount())]
            assert names == ["报到处1 (this desk)", "报到处2"]
            assert column.desks.item(1, 1).text() in ("2026-06-26 08:34", "08:34:00")  # desk 2's
            # latest event, by its clock (with the date unless the event day is today)
            assert board.last_stats["arrived"] == 1  # the person counts once
            column.conflicts.setCurrentRow(0)
            assert column.resolve_button.isEnabled()
            shot(window, "dashboard_conflict")
            dialog = board.resolve_selected()
            assert dialog is not None and len(dialog.keep.buttons()) == 2
            dialog.action.click()  # no reason yet: refused
            assert dialog.message.isVisible() and dialog.isVisible()
            dialog.keep.buttons()[0].setChecked(True)
            dialog.reason.setCurrentText("same person scanned twice")
            shot(dialog, "resolve_dialog")
            dialog.action.click()
            qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5_000)
            qtbot.waitUntil(lambda: board.conflicts == [], timeout=10_000)
            assert "No open conflicts" in column.conflicts.item(0).text()
            assert not column.resolve_button.isEnabled()
            # The resolution went up with the next round: closed on the server too.
            qtbot.waitUntil(throttled(
                lambda: central.organiser.conflicts(EVENT)["items"] == []), timeout=10_000)
            shot(window, "dashboard_resolved")
        finally:
            window.close()


def test_desk_on_its_own_says_not_connected_and_starts_no_thread(qtbot, event_store, tmp_path):
    window = open_window(qtbot, event_store, tmp_path)
    try:
        assert "Sync: not connected" in bar(window)
        assert window.sync.worker is None and not window.sync.running
        assert sync_threads() == []
        assert not window.sync_state.button.isVisible()
        window.tabs.setCurrentWidget(window.dashboard)
        qtbot.waitUntil(lambda: window.dashboard.last_stats is not None, timeout=10_000)
        assert not window.dashboard.sync_column.isVisible()  # nothing to say about sync
        shot(window, "status_not_connected")
    finally:
        window.close()


def test_a_kiosk_that_closed_itself_is_said_on_the_desks_status_bar(qtbot, central, tmp_path):
    from checkin import kiosk

    booth_path = enrol_desk(tmp_path / "booth.db", central.base_url, central.code("自助1"),
                            "自助1")
    path = enrol_desk(tmp_path / "desk1.db", central.base_url, central.code("报到处1"),
                      "报到处1")
    with Store(booth_path) as booth, Store(path) as store:
        window = open_window(qtbot, store, tmp_path)
        try:
            wait_online_and_loaded(qtbot, window)
            assert not window.sync_state.kiosks.isVisibleTo(window)
            kiosk.record_closed(booth, "kiosk", "printer 'QL-820NWB' is out of labels")
            with client_for(booth) as client:
                assert sync_once(booth, client).ok
            label = window.sync_state.kiosks
            qtbot.waitUntil(lambda: label.isVisibleTo(window), timeout=10_000)
            assert label.text() == "⚠ Self check-in closed: 自助1"
            assert "自助1: closed since" in label.toolTip() and "out of labels" in label.toolTip()
            shot(window, "kiosk_closed")
            kiosk.record_closed(booth, "kiosk", "")  # the printer fixed
            with client_for(booth) as client:
                assert sync_once(booth, client).ok
            qtbot.waitUntil(lambda: not label.isVisibleTo(window), timeout=10_000)
        finally:
            window.close()


def test_status_line_words():
    from checkin.ui.sync_panel import short_error, status_text

    now = dt.datetime(2026, 6, 26, 8, 31, 30).astimezone()
    online = st.SyncStatus(state=st.ONLINE, pending=3,
                           last_success=dt.datetime(2026, 6, 26, 8, 31, 2).astimezone()
                           .isoformat())
    assert status_text(online, now=now) == (
        "Sync: online · pending 3 · last 08:31:02")
    offline = st.SyncStatus(state=st.OFFLINE, pending=1, last_error="cannot reach the server",
                            next_attempt=(now + dt.timedelta(seconds=12)).isoformat())
    assert status_text(offline, now=now) == (
        "Sync: offline · pending 1 — retry in 12 s (last error: cannot reach the server)")
    assert status_text(st.SyncStatus(state=st.REVOKED), now=now).startswith(
        "Sync: revoked")
    assert status_text(st.SyncStatus(), now=now) == "Sync: not connected"
    assert short_error("cannot reach the server at http://127.0.0.1:43759 (ConnectError: "
                       "[Errno 111] Connection refused)") == (
        "cannot reach the server: Connection refused")


def test_the_start_screen_connects_a_new_desk_to_the_central_list(qtbot, central, tmp_path):
    """First run: paste the organiser's enrolment link, Connect, and the desk window opens on
    the downloaded list and starts syncing."""
    from checkin.ui.launcher import Launcher

    launcher = Launcher(open_source=lambda: ImageFolderSource([]),
                        printer=FolderPrinter(tmp_path / "printed"))
    launcher.start()
    try:
        form = launcher.start_dialog.connect_central()
        form.url.setText(f"checkin-enrol:{central.base_url}#{central.code('报到处7')}")
        form.try_connect()
        qtbot.waitUntil(lambda: launcher.window is not None, timeout=30_000)
        window = launcher.window
        wait_online_and_loaded(qtbot, window)  # the first round downloads the list
        assert window.store.counts()["registrants"] == 2401
        assert window.store.device_name == "报到处7"
    finally:
        launcher.shutdown()
        QApplication.processEvents()


def test_a_purged_desk_says_so_in_the_status_bar():
    from checkin.ui.sync_panel import status_text

    line = status_text(st.SyncStatus(state=st.PURGED, pending=2))
    assert "purged" in line and "nothing comes down" in line and "pending 2" in line
