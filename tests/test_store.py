"""The store's promises: durable settings, append-only log, rebuildable state, clear errors."""

import sqlite3

import pytest

from checkin.clock import HybridClock, parse_hlc
from checkin.desk import Desk
from checkin.store import Store, StoreError, eventlog


def test_durability_pragmas_and_migrations(store):
    conn = store._writer
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
    assert applied == ["0001_initial", "0002_sync", "0003_privacy",
                       "0004_wipe_reasons", "0005_audit_outbox", "0006_door_crossings",
                       "0007_id_numbers", "0008_wall_hidden",
                       "0009_unused_registrant_indexes"]
    assert store.integrity_check() == ["ok"]


def test_reopening_keeps_device_id_data_and_applies_no_migration_twice(tmp_path):
    with Store(tmp_path / "a.db") as first:
        device = first.device_id
    with Store(tmp_path / "a.db") as again:
        assert again.device_id == device
        assert again._writer.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == 9


def test_event_log_refuses_update_and_delete(event_store):
    desk = Desk(event_store, operator="a")
    desk.override("SHIC2026-000002", "registration", reason="r", supervisor="s")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with event_store.transaction() as conn:
            conn.execute("UPDATE events SET operator = 'mallory'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with event_store.transaction() as conn:
            conn.execute("DELETE FROM events")
    assert event_store.counts()["events"] == 1


def test_same_event_twice_is_stored_once(event_store):
    event = eventlog.new_event(event_store.clock, "checkin", code="SHIC2026-000002",
                               station="registration", operator="a")
    with event_store.transaction() as conn:
        assert eventlog.append(conn, event) is True
        assert eventlog.append(conn, event) is False
    assert event_store.counts() == {"registrants": 2401, "events": 1, "unsent": 1}


def test_derived_admissions_rebuild_to_the_same_state(event_store):
    desk = Desk(event_store, operator="a")
    for code in ("SHIC2026-000002", "SHIC2026-000003", "SHIC2026-000010"):
        desk.override(code, "registration", reason="r", supervisor="s")
        desk.override(code, "meal:0626-lunch", reason="r", supervisor="s")
    desk.undo()
    conn = event_store.reader()
    before = conn.execute("SELECT * FROM admissions ORDER BY code, station").fetchall()
    with event_store.transaction() as wconn:
        eventlog.rebuild_admissions(wconn)
    after = conn.execute("SELECT * FROM admissions ORDER BY code, station").fetchall()
    assert [tuple(r) for r in before] == [tuple(r) for r in after]
    assert len(after) == 5


def test_failed_transaction_leaves_nothing_behind(event_store):
    with pytest.raises(RuntimeError), event_store.transaction() as conn:
        eventlog.append(conn, eventlog.new_event(
            event_store.clock, "checkin", code="SHIC2026-000002", station="registration",
            operator="a"))
        raise RuntimeError("power cut")
    assert event_store.counts()["events"] == 0
    assert eventlog.admission(event_store.reader(), "SHIC2026-000002", "registration") is None


def test_hybrid_clock_never_goes_backwards():
    wall = iter([100.0, 99.0, 99.0, 100.5, 101.0])  # observe() reads the wall too
    clock = HybridClock("dev", wall=lambda: next(wall))
    stamps = [clock.tick() for _ in range(3)]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    clock.observe("0000000200000-00007-other")
    later = clock.tick()
    assert parse_hlc(later)[:2] == (200000, 8)


def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("this is a shopping list, not SQLite" * 100)
    with pytest.raises(StoreError, match="not a Checkin Desk database"):
        Store(path)


def test_a_failed_commit_does_not_swallow_later_writes(tmp_path):
    """A COMMIT that fails (here: a deferred foreign key) must roll back cleanly, and the
    next write must really be committed, visible to another connection."""
    path = tmp_path / "c.db"
    with Store(path) as store:
        with store.transaction() as conn:
            conn.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
            conn.execute("CREATE TABLE child (parent INTEGER REFERENCES parent(id) "
                         "DEFERRABLE INITIALLY DEFERRED)")
        with pytest.raises(sqlite3.IntegrityError):
            with store.transaction() as conn:
                conn.execute("INSERT INTO child VALUES (42)")  # fails only at COMMIT
        Desk(store, operator="a").walk_in({"name": "张三"}, check_in=False)
        other = sqlite3.connect(path)
        assert other.execute("SELECT count(*) FROM registrants").fetchone()[0] == 1
        assert other.execute("SELECT count(*) FROM child").fetchone()[0] == 0


def test_config_changed_by_another_program_is_seen(tmp_path):
    from checkin.config import config_from_dict

    with Store(tmp_path / "a.db") as desk_store, Store(tmp_path / "a.db") as cli_store:
        assert desk_store.config.meals == []
        with cli_store.transaction() as conn:
            cli_store.save_config(conn, config_from_dict({"meals": [{"name": "午餐"}]}))
        assert [m.name for m in desk_store.config.meals] == ["午餐"]


def test_clock_restarts_after_every_event_it_has_seen(tmp_path):
    import time

    with Store(tmp_path / "h.db") as store:
        ahead = time.time() + 120  # another desk's clock 2 minutes ahead: within the bound
        remote = eventlog.new_event(HybridClock("other", wall=lambda: ahead), "print",
                                    code=None, station=None, operator="x")
        with store.transaction() as conn:
            eventlog.append(conn, remote, outbox=False)
    with Store(tmp_path / "h.db") as again:
        assert again.clock.tick() > remote.hlc


def test_an_unknown_timezone_is_refused():
    from checkin.config import ConfigError, config_from_dict

    with pytest.raises(ConfigError, match="unknown timezone"):
        config_from_dict({"event": {"timezone": "Mars/Olympus"}})
