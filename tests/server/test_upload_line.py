"""The uploads' group-commit line (upload_line.py) and the round trips it saves on PostgreSQL
(pipelined.py): uploads that wait go together, each gets its own answer, one bad upload fails
alone, and the reads sent behind the feed lock see the writer that held it."""

from __future__ import annotations

import threading

import psycopg
import pytest
import sqlalchemy

from checkin.server import auth, events, feeds, pipelined, upload_line
from checkin.server.db import Database
from checkin.server.db import events as event_rows
from checkin.server.upload_line import Job, Line

PG_ONLY = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


def _job(n: int) -> Job:
    return Job(who=None, batch=[{"n": n}], now_ms=0, unsent=None)


def test_uploads_that_wait_go_together_in_order_each_with_its_answer():
    groups, first_applying, go_on = [], threading.Event(), threading.Event()

    def apply(group):
        groups.append([job.batch[0]["n"] for job in group])
        if len(groups) == 1:
            first_applying.set()
            go_on.wait(30)
        for job in group:
            job.results = [{"n": job.batch[0]["n"] * 10}]

    line = Line(apply, name="test-line")
    first = line.submit(_job(1))
    assert first_applying.wait(30)
    later = [line.submit(_job(n)) for n in (2, 3, 4)]  # arrive while 1 is being applied
    go_on.set()
    assert [f.result(30) for f in (first, *later)] == [[{"n": 10}], [{"n": 20}], [{"n": 30}],
                                                       [{"n": 40}]]
    assert groups == [[1], [2, 3, 4]]


def test_an_upload_whose_desk_went_away_is_applied_and_the_line_goes_on():
    applied, first_applying, go_on = [], threading.Event(), threading.Event()

    def apply(group):
        applied.extend(job.batch[0]["n"] for job in group)
        first_applying.set()
        go_on.wait(30)
        for job in group:
            job.results = ["ok"]

    line = Line(apply, name="test-line")
    line.submit(_job(1))
    assert first_applying.wait(30)
    gone = line.submit(_job(2))
    assert gone.cancel()  # as asyncio.wrap_future does when the request is cancelled
    go_on.set()
    assert line.submit(_job(3)).result(30) == ["ok"]
    assert applied == [1, 2, 3]


def test_a_failing_apply_answers_every_upload_of_its_group_and_the_line_goes_on():
    def apply(group):
        if any(job.batch[0]["n"] == 666 for job in group):
            raise RuntimeError("the database went away")
        for job in group:
            job.results = ["ok"]

    line = Line(apply, name="test-line")
    with pytest.raises(RuntimeError, match="went away"):
        line.submit(_job(666)).result(30)
    assert line.submit(_job(1)).result(30) == ["ok"]


def test_the_writer_ends_when_idle_and_a_new_upload_starts_another(monkeypatch):
    monkeypatch.setattr(upload_line, "IDLE_SECONDS", 0.01)
    writers = []

    def apply(group):
        writers.append(threading.current_thread())
        for job in group:
            job.results = ["ok"]

    line = Line(apply, name="test-line")
    assert line.submit(_job(1)).result(30) == ["ok"]
    writers[0].join(30)  # it ends by itself once nothing came for IDLE_SECONDS
    assert not writers[0].is_alive()
    assert line.submit(_job(2)).result(30) == ["ok"]
    assert writers[1] is not writers[0]


# -- on PostgreSQL --------------------------------------------------------------------------------
def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def _wait_until_a_backend_waits_for_a_lock(admin: psycopg.Connection) -> None:
    """Polls pg_stat_activity (a real condition, no fixed sleep) for up to ~30 s."""
    for _ in range(3000):
        if admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                         "current_database() AND wait_event_type = 'Lock'").fetchone()[0]:
            return
        admin.execute("SELECT pg_sleep(0.01)")
    raise AssertionError("no upload ever waited for the feed lock")


def _holding_the_feed_lock(url: str, event: str) -> psycopg.Connection:
    holder = psycopg.connect(_libpq(url))
    holder.execute("SELECT value FROM counters WHERE event_id = %s AND feed = 'events' "
                   "FOR UPDATE", [event])
    return holder


@PG_ONLY
def test_reads_sent_behind_the_lock_see_the_writer_that_held_it(central):
    event = central.small_event()
    db = Database(central.db_url, migrate=False)
    holder = _holding_the_feed_lock(central.db_url, event)
    try:
        # The holder stores an event and commits only once the pipelined reader waits.
        (last,) = holder.execute("UPDATE counters SET value = value + 1 WHERE event_id = %s "
                                 "AND feed = 'events' RETURNING value", [event]).fetchone()
        holder.execute(
            "INSERT INTO events (event_id, uuid, seq, kind, device_id, operator, wall_time, "
            "hlc, data, received_at) VALUES (%s, 'u-held', %s, 'print', 'd', '', 'w', 'h', "
            "'{}', 'r')", [event, last])
        seen = []

        def reader():
            with db.write() as conn:
                took, stored = pipelined.together(
                    conn, feeds.taking(event, feeds.EVENTS, 1),
                    (event_rows.select().where(event_rows.c.event_id == event), {}))
                seen.append((took[0].value, [row.uuid for row in stored]))

        thread = threading.Thread(target=reader)
        thread.start()
        with psycopg.connect(_libpq(central.db_url), autocommit=True) as admin:
            _wait_until_a_backend_waits_for_a_lock(admin)
        holder.commit()
        thread.join(30)
        assert seen == [(last + 1, ["u-held"])]
    finally:
        holder.close()
        db.dispose()


@PG_ONLY
def test_one_bad_upload_in_a_group_fails_alone(central):
    event = central.small_event()
    desks = [central.enrol(event, device_id=f"desk-{n}") for n in "abc"]
    db = Database(central.db_url, migrate=False)
    who = [auth.authenticate(db, f"Bearer {desk.token}") for desk in desks]
    good = [desks[0].event_for("checkin", "T-001", "registration"),
            desks[1].event_for("checkin", "T-002", "registration")]
    # Passes the wire's checks only because it skips them: PostgreSQL refuses it at COMMIT.
    bad = desks[2].event_for("checkin", "T-003", "registration")
    bad["station"] = "x" * 500
    holder = _holding_the_feed_lock(central.db_url, event)
    try:
        first = events.submit(db, event, who[0], [good[0]])
        with psycopg.connect(_libpq(central.db_url), autocommit=True) as admin:
            _wait_until_a_backend_waits_for_a_lock(admin)
        # These two wait while the first holds the line: they go together.
        second = events.submit(db, event, who[1], [good[1]])
        third = events.submit(db, event, who[2], [bad])
        holder.commit()
        assert first.result(30)[0]["status"] == "stored"
        assert second.result(30)[0]["status"] == "stored"
        with pytest.raises(Exception, match="too long"):
            third.result(30)
    finally:
        holder.close()
        db.dispose()
    stored = central.pages(f"/events/{event}/events", limit=100)
    assert sorted(e["uuid"] for e in stored) == sorted(e["uuid"] for e in good)
    devices = {d["device_id"]: d for d in central.ok(central.get(f"/events/{event}/devices"))[
        "items"]}
    assert devices["desk-a"]["last_upload"] and devices["desk-b"]["last_upload"]
    assert not devices["desk-c"]["last_upload"]  # its upload did not happen


@PG_ONLY
def test_a_write_refused_at_commit_leaves_the_connection_clean_for_the_next(db_url):
    """SQLAlchemy takes a transaction for ended once its COMMIT is sent: a pooled connection
    went back aborted, and the next upload on it failed too."""
    engine = sqlalchemy.create_engine(db_url, pool_size=1, max_overflow=0)  # one, reused
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE TABLE short (x varchar(3))")
            conn.commit()
        with pytest.raises(sqlalchemy.exc.DataError), engine.connect() as conn, conn.begin():
            pipelined.together(conn, (sqlalchemy.text("SELECT 1 AS one"), {}))
            with pipelined.commit_with_writes(conn):
                conn.execute(sqlalchemy.text("INSERT INTO short VALUES (:x)"), [{"x": "long"}])
        with engine.connect() as conn, conn.begin():
            (rows,) = pipelined.together(conn, (sqlalchemy.text("SELECT 1 AS one"), {}))
            assert rows[0].one == 1
        # and a statement's error is SQLAlchemy's, as the service's error answers expect
        with pytest.raises(sqlalchemy.exc.DataError), engine.connect() as conn, conn.begin():
            pipelined.together(conn, (sqlalchemy.text("SELECT 1 / 0"), {}))
    finally:
        engine.dispose()
