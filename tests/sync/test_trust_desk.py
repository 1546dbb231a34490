"""The desk's side of the trust boundary, against the real central list on loopback (SQLite and
PostgreSQL): a forged stamp in the feed cannot stop its uploads, and a desk with a wrong clock
is caught, said so, and keeps working on the list's time."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from zoneinfo import ZoneInfo

import pytest

from checkin import clockcheck
from checkin.clock import MAX_AHEAD_MS, now_iso, read_hlc
from checkin.desk import Desk
from checkin.model import Registrant
from checkin.store import Store, eventlog
from checkin.store import registrants as reg_store
from checkin.sync import status as st
from checkin.sync.client import SyncClient
from checkin.sync.conflicts import open_conflicts
from checkin.sync.engine import sync_once
from checkin.sync.enrolment import client_for, enrol

from .test_cli_sync import run

PAID = "SHIC2026-000002"
ZONE = ZoneInfo("Asia/Shanghai")
YEAR = 365 * 24 * 3600.0
SMALL_CSV = ("报名编号,姓名,手机号,参会类型,缴费状态\n"
             "T-001,张三,13800000001,参会代表,已缴费\n"
             "T-002,李四,13800000002,参会代表,已缴费\n")


def _smuggle(central, event: str, item: dict) -> None:
    """Put an event in the feed past the service's checks, as a service from before them did
    (or a hand-edited central database): what an honest desk must survive."""
    from checkin.server import feeds
    from checkin.server.db import Database, events, utcnow

    db = Database(central.db_url, migrate=False)
    try:
        with db.write() as conn:
            feeds.lock(conn, event, feeds.EVENTS)
            seq = feeds.take(conn, event, feeds.EVENTS)[0]
            conn.execute(events.insert().values(
                event_id=event, seq=seq, received_at=utcnow(), conflict=None,
                data=json.dumps(item.pop("data")), **item))
    finally:
        db.dispose()


def _within_bound(stamp: str) -> bool:
    millis = read_hlc(stamp)[0]
    return abs(millis - time.time() * 1000) <= MAX_AHEAD_MS


def test_a_forged_stamp_in_the_feed_cannot_stop_the_desks_next_upload(central, real_desks):
    event = central.new_event()
    a = real_desks("报到处1", event)
    assert sync_once(a.store, a.client).ok
    forged = {"uuid": str(uuid.uuid4()), "kind": "print", "code": PAID, "station": None,
              "device_id": "evil-desk", "operator": "x", "wall_time": now_iso(),
              "hlc": "9999999999999-99999-evil-desk", "ref": None,
              "data": {"document": "badge"}}
    _smuggle(central, event, forged)
    report = sync_once(a.store, a.client)
    assert report.ok and report.events == 1  # the desk has it, as a fact of another desk
    decision = a.desk.scan(PAID)
    assert decision.ok
    stamp = eventlog.get(a.store.reader(), decision.event_uuid).hlc
    assert _within_bound(stamp), f"the desk's clock followed the forged stamp: {stamp}"
    report = sync_once(a.store, a.client)
    assert report.ok and report.uploaded == 1 and not report.rejected
    # Reopened, the desk rebuilds its clock from its log: the forged stamp is still ignored.
    path = a.store.path
    with Store(path) as again:
        assert _within_bound(again.clock.tick())


def _event_today(central) -> str:
    """An event running today in Asia/Shanghai (as the demo does), two people on its list."""
    today = dt.datetime.now(ZONE).date()
    toml = (f'[event]\nname = "今日测试会议"\ntimezone = "Asia/Shanghai"\nstart = {today}\n'
            f"end = {today + dt.timedelta(days=1)}\ncheckin_days = [{today}, "
            f"{today + dt.timedelta(days=1)}]\n")
    event = f"t{uuid.uuid4().hex[:10]}"
    central.organiser.create_event(event, toml)
    central.organiser.import_export(event, "small.csv", SMALL_CSV.encode("utf-8"))
    return event


def _give_list(store: Store) -> None:
    """The event's list on a desk before its first round, as a local import gives it."""
    with store.transaction() as conn:
        reg_store.upsert(conn, [Registrant(c, n, category="参会代表", payment="已缴费")
                                for c, n in (("T-001", "张三"), ("T-002", "李四"))])


@pytest.fixture
def wrong_clock_desk(tmp_path, central):
    """make(seconds) -> (event, store, client, desk) of a desk whose laptop clock is `seconds`
    off, enrolled for an event running today and holding its list, before its first round."""
    made = []

    def make(off_by: float):
        event = _event_today(central)
        store = Store(tmp_path / f"desk{len(made)}.db", local_time=lambda: time.time() + off_by)
        code = central.organiser.create_enrolment(event, f"报到处{len(made) + 1}")["code"]
        with SyncClient(central.base_url) as bootstrap:
            enrol(store, bootstrap, code)
        _give_list(store)
        client = client_for(store)
        made.append((store, client))
        return event, store, client, Desk(store, operator="op")

    yield make
    for store, client in made:
        client.close()
        store.close()


def test_a_desk_whose_battery_died_refuses_in_words_then_works_on_the_lists_time(
        wrong_clock_desk, central, capsys):
    off_by = dt.datetime(2000, 1, 1, 8, tzinfo=ZONE).timestamp() - time.time()
    event, store, client, desk = wrong_clock_desk(off_by)
    before = desk.scan("T-001")
    assert before.reason_code == "outside_event" and "2000-01-01" in before.reason
    assert "clock" in before.reason
    assert "never compared" in clockcheck.warning(store, desk.today())

    report = sync_once(store, client)
    assert report.ok, report.error
    assert desk.today() == dt.datetime.now(ZONE).date().isoformat()  # the list's date now
    warning = clockcheck.warning(store, desk.today())
    assert "behind the central list" in warning and "days" in warning
    assert "本机时钟比中心名单慢" in clockcheck.warning(store, desk.today(), chinese=True)
    out, _ = run(capsys, "sync-status", db=store.path)
    assert "CLOCK: This laptop's clock is" in out

    admitted = desk.scan("T-001")
    assert admitted.ok, admitted.reason
    fact = eventlog.get(store.reader(), admitted.event_uuid)
    assert fact.wall_time.startswith(desk.today()) and _within_bound(fact.hlc)
    report = sync_once(store, client)
    assert report.ok and report.uploaded == 1 and not report.rejected
    assert central.organiser.stats(event)["arrived"] == 1


def test_a_desk_a_year_ahead_refuses_in_words_until_it_has_the_lists_time(wrong_clock_desk):
    event, store, client, desk = wrong_clock_desk(YEAR)
    refused = desk.scan("T-001")
    assert refused.reason_code == "outside_event" and "clock" in refused.reason
    assert sync_once(store, client).ok
    assert "ahead of the central list" in clockcheck.warning(store, desk.today())
    admitted = desk.scan("T-001")
    assert admitted.ok and _within_bound(eventlog.get(store.reader(), admitted.event_uuid).hlc)
    report = sync_once(store, client)
    assert report.uploaded == 1 and not report.rejected


def test_a_desk_minutes_ahead_before_its_first_round_loses_nothing(tmp_path, central):
    """A desk 8 minutes fast scans before it ever synced: its stamps are ahead of the list's
    clock, so the list refuses them (no desk may drag the others ahead); the desk sets them
    aside, says why, stamps on the list's time from then on, and sends them again once the
    list's clock has caught up with them."""
    from checkin.server.testing import ServerThread

    shift = [-8 * 60.0]  # the list's clock, relative to the real one (the desk's)
    with ServerThread(central.db_url, wall=lambda: time.time() + shift[0]) as server:
        organiser = SyncClient(server.base_url, central.organiser.token)
        event = _event_today(central)
        store = Store(tmp_path / "fast.db")
        with SyncClient(server.base_url) as bootstrap:
            enrol(store, bootstrap, organiser.create_enrolment(event, "报到处9")["code"])
        _give_list(store)
        client = client_for(store)
        desk = Desk(store, operator="op")
        try:
            early = desk.scan("T-001")
            assert early.ok  # nothing here can know yet
            report = sync_once(store, client)
            assert [(r["uuid"], r["error"]) for r in report.rejected] == [
                (early.event_uuid, "clock_ahead")]
            listed = [c for c in open_conflicts(store) if c.type == "rejected"]
            assert [c.uuid for c in listed] == [early.event_uuid]
            assert "desk's clock is wrong" in listed[0].detail["message"]
            assert "8 min ahead of the central list" in clockcheck.warning(store, desk.today())

            later = desk.scan("T-002")  # stamped on the list's time: taken at once
            report = sync_once(store, client)
            assert report.uploaded == 1 and not report.rejected
            shift[0] += 4 * 60  # four minutes on, the list's clock has caught up: the desk
            # sees it at its next round, and sends the refused check-in at the one after
            reports = [sync_once(store, client) for _ in range(2)]
            assert [r.uploaded for r in reports] == [0, 1] and not any(r.rejected for r in reports)
            assert st.load(store).pending == 0
            assert not [c for c in open_conflicts(store) if c.type == "rejected"]
            uploaded = {e["uuid"] for e in organiser.all_events(event)[0]}
            assert uploaded == {early.event_uuid, later.event_uuid}
            assert organiser.stats(event)["arrived"] == 2
        finally:
            client.close()
            organiser.close()
            store.close()
