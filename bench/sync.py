"""Sync benchmark: desks and the central list on loopback.

    .venv/bin/python -m bench.sync                  # SQLite server, 100,000 registrants, ~2-3 min
    .venv/bin/python -m bench.sync --quick          # smoke run: small numbers, ~20 s
    .venv/bin/python -m bench.sync --db postgresql+psycopg://postgres@127.0.0.1:5432/postgres

The central list runs in its own process (`create_app` under uvicorn, as `checkin serve`
runs it), wrapped in a pure-ASGI timer that records how long the server took for every
request; desks run in this process as real desk databases (`Store`) synced by the real
round (`sync_once`) or worker (`SyncWorker`). On SQLite the server's database is a file in a
temp dir; with `--db postgresql+psycopg://USER@HOST:PORT/DB` a scratch database
`checkin_bench_<random>` is made on that server (connecting to DB to make and drop it).

Rows (targets listed in bench/README.md; every reference measured in the same run):
- first download: a freshly enrolled desk's first round over an event of --people registrants
  (the demo export imported by the organiser endpoint); reference: the same pages fetched with
  plain GETs (httpx, JSON parsed, nothing stored); target: at most 15 s and 1.3x the GETs;
- upload: --events check-ins queued in that desk's outbox, sent by one round; references: a
  bare SQLite insert of the same events (one transaction, WAL, synchronous=FULL) and the same
  batches POSTed raw to a twin event;
- idle round: a round with nothing new, median of --idle-rounds; reference: the raw HTTP round
  trip of /health on a kept-alive connection;
- load: --desks desks, each with a SyncWorker every --interval s, while --checkins check-ins
  arrive over --duration s (Desk.scan at every desk, different people); then every desk
  syncs until its outbox is empty and its cursor at the end. Reports events lost (acknowledged
  at a desk, missing on the server or at another desk), doubled (one uuid stored twice), the
  server's p95 per request and the rounds done; reference: the server's p95 for /health,
  probed every 0.1 s under the same load.

Timings are never asserted; the exit status is 0. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import random
import secrets
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx

from .table import print_table

SERVE_TIMINGS = "/bench/timings"
PLAIN_FACTOR = 1.3  # the first download may take at most this times the plain GETs (issue 17)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def timed(fn: Callable, *args, **kw):
    start = time.perf_counter()
    result = fn(*args, **kw)
    return time.perf_counter() - start, result


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def secs(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds * 1e3:.1f} ms"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def row(metric: str, measured: str, target: str, reference: str, ok: bool | None) -> list[str]:
    verdict = "info" if ok is None else ("within" if ok else "MISSED")
    return [metric, measured, target, reference, verdict]


# -- the server process ---------------------------------------------------------------------
def _kind(method: str, path: str) -> str:
    """A request's kind for the latency figures: 'GET events', 'POST events', ..."""
    if path.rstrip("/").endswith("/health"):
        return "health"
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return f"{method} {last}"


class Timing:
    """Pure ASGI: how long the server took for each request, from the call until the last
    byte of the answer was handed to the server; GET /bench/timings returns them (and starts
    a new list)."""

    def __init__(self, app):
        self.app = app
        self.records: list[tuple[str, float]] = []

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["path"] == SERVE_TIMINGS:
            records, self.records = self.records, []
            body = json.dumps(records).encode()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return None
        start = time.perf_counter()
        kind = _kind(scope["method"], scope["path"])

        async def timed_send(message):
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.records.append((kind, time.perf_counter() - start))

        return await self.app(scope, receive, timed_send)


def serve(db_url: str, port: int) -> int:
    """The server process (`--serve`): the central list as `checkin serve` runs it, with the
    timer around it."""
    from checkin.server.app import create_app
    from checkin.server.serving import run

    run(Timing(create_app(db_url)), host="127.0.0.1", port=port, log_level="warning",
        access_log=False, lifespan="on", timeout_graceful_shutdown=5)
    return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    def __init__(self, db_url: str):
        self.db_url = db_url
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.sync", "--serve",
                                      "--db", self.db_url, "--port", str(self.port)],
                                     cwd=Path(__file__).resolve().parents[1])
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.base_url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the central list did not start (see its errors above)")
            time.sleep(0.05)

    def timings(self) -> list[tuple[str, float]]:
        return [tuple(r) for r in httpx.get(f"{self.base_url}{SERVE_TIMINGS}", timeout=30).json()]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@contextlib.contextmanager
def server_database(db: str | None, work: Path):
    """The database URL the bench's server uses: an SQLite file in `work`, or a scratch
    database on the PostgreSQL server of `db` (dropped afterwards)."""
    if not db or db.startswith("sqlite"):
        yield db or f"sqlite:///{work / 'central.db'}"
        return
    import psycopg
    from sqlalchemy import make_url

    url = make_url(db)
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"checkin_bench_{secrets.token_hex(4)}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- the bench ---------------------------------------------------------------------------------
class Bench:
    def __init__(self, args, work: Path, db_url: str, server: ServerProcess):
        from checkin.server.testing import organiser_token
        from checkin.sync.client import SyncClient

        self.args = args
        self.work = work
        self.server = server
        self.start = dt.date.today()
        self.noon = dt.datetime.combine(self.start, dt.time(12, 0))
        self.organiser = SyncClient(server.base_url, organiser_token(db_url, "bench"),
                                    timeout=httpx.Timeout(600.0, connect=5.0))
        self.notes: list[str] = []

    def new_event(self, event: str, people: int) -> str:
        from checkin.demo import demo_config, write_export
        from checkin.server.conferences import to_toml

        self.organiser.create_event(event, to_toml(demo_config(self.start)))
        if people:
            export = write_export(self.work / f"{event}.csv", people, self.start)
            seconds, report = timed(self.organiser.import_export, event, export.name,
                                    export.read_bytes())
            self.notes.append(f"setup: {event}: {report['imported']:,} registrants imported "
                              f"by the central list in {secs(seconds)}")
        return event

    def enrol(self, event: str, name: str):
        from checkin.store import Store
        from checkin.sync.client import SyncClient
        from checkin.sync.enrolment import client_for, enrol

        store = Store(self.work / f"{name}.db")
        code = self.organiser.create_enrolment(event, name)["code"]
        with SyncClient(self.server.base_url) as bootstrap:
            enrol(store, bootstrap, code)
        return store, client_for(store)

    # -- first download, upload, idle round ----------------------------------------------
    def single_desk(self) -> list[list[str]]:
        from checkin.sync.download import PAGE_SIZE
        from checkin.sync.engine import sync_once

        people = self.args.people
        say(f"central list: importing {people:,} registrants ...")
        event = self.new_event("bench-list", people)
        store, client = self.enrol(event, "desk-1")
        say("first download ...")
        seconds, report = timed(sync_once, store, client)
        if not report.ok:
            raise RuntimeError(f"first round failed: {report.error}")
        got = store.counts()["registrants"]
        plain = self.plain_download(event, store.meta("sync.token"), PAGE_SIZE)
        rows = [row(f"first download, {got:,} registrants", secs(seconds),
                    f"<= 15 s and <= {PLAIN_FACTOR:g}x plain GETs",
                    f"plain GET of the same pages: {secs(plain)} ({seconds / plain:.2f}x)",
                    seconds <= 15 and seconds <= PLAIN_FACTOR * plain and got == people)]
        rows.append(self.upload(store, client))
        rows.append(self.idle(store, client))
        client.close()
        store.close()
        return rows

    def plain_download(self, event: str, token: str, page_size: int) -> float:
        with httpx.Client(base_url=f"{self.server.base_url}/api/v1",
                          headers={"Authorization": f"Bearer {token}"}, timeout=600) as http:
            start = time.perf_counter()
            after = 0
            while True:
                page = http.get(f"/events/{event}/registrants",
                                params={"after": after, "limit": page_size}).json()
                after = page["cursor"]
                if not page["more"]:
                    return time.perf_counter() - start

    def upload(self, store, client) -> list[str]:
        from checkin.model import REGISTRATION, EventKind
        from checkin.store import eventlog
        from checkin.sync.engine import sync_once
        from checkin.sync.upload import BATCH_SIZE
        from checkin.sync.wire import wire_event

        count = self.args.events
        codes = [r[0] for r in store.reader().execute(
            "SELECT code FROM registrants ORDER BY code LIMIT ?", (count,))]
        wall = self.noon.isoformat(timespec="milliseconds")
        queued = [eventlog.new_event(store.clock, EventKind.CHECKIN, code=code,
                                     station=REGISTRATION, operator="bench", wall_time=wall)
                  for code in codes]
        with store.transaction() as conn:
            for ev in queued:
                eventlog.append(conn, ev)
        say(f"uploading {len(queued):,} queued events ...")
        seconds, report = timed(sync_once, store, client)
        sent = report.uploaded + report.duplicates
        bare = self.bare_insert(queued)
        twin = self.new_event("bench-twin", 0)
        batches = [[wire_event(e) for e in queued[k:k + BATCH_SIZE]]
                   for k in range(0, len(queued), BATCH_SIZE)]
        raw = timed(lambda: [self.organiser.upload(twin, b) for b in batches])[0]
        return row(f"upload of {len(queued):,} queued events", secs(seconds), "<= 5 s",
                   f"bare SQLite insert {secs(bare)}; raw POST of the same batches "
                   f"{secs(raw)}", seconds <= 5 and sent == len(queued) and report.ok)

    def bare_insert(self, queued) -> float:
        path = self.work / "bare.db"
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("CREATE TABLE events (seq INTEGER PRIMARY KEY, uuid TEXT UNIQUE, kind TEXT, "
                     "code TEXT, station TEXT, device_id TEXT, operator TEXT, wall_time TEXT, "
                     "hlc TEXT, ref TEXT, data TEXT)")
        values = [(e.uuid, e.kind, e.code, e.station, e.device_id, e.operator, e.wall_time,
                   e.hlc, e.ref, json.dumps(e.data)) for e in queued]

        def insert() -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT INTO events (uuid, kind, code, station, device_id, "
                             "operator, wall_time, hlc, ref, data) VALUES (?,?,?,?,?,?,?,?,?,?)",
                             values)
            conn.execute("COMMIT")

        seconds = timed(insert)[0]
        conn.close()
        return seconds

    def idle(self, store, client) -> list[str]:
        from checkin.sync.engine import sync_once

        rounds = self.args.idle_rounds
        say(f"{rounds} idle rounds ...")
        times, moved = [], 0
        for _ in range(rounds):
            seconds, report = timed(sync_once, store, client)
            times.append(seconds)
            moved += report.uploaded + report.registrants + report.events + (not report.ok)
        with httpx.Client(base_url=self.server.base_url) as http:
            http.get("/health")
            health = [timed(http.get, "/health")[0] for _ in range(rounds)]
        median = statistics.median(times)
        return row(f"idle round, median of {rounds}", f"{ms(median)} (p95 {ms(p95(times))})",
                   "<= 50 ms", f"/health round trip: median {ms(statistics.median(health))}",
                   median <= 0.050 and moved == 0)

    # -- many desks under load ---------------------------------------------------------------
    def load(self) -> list[str]:
        from checkin.desk import Desk
        from checkin.model import ADMITTED_PAYMENTS
        from checkin.sync import status as st
        from checkin.sync.engine import sync_once
        from checkin.sync.worker import SyncWorker

        args = self.args
        desks, checkins = args.desks, args.checkins
        say(f"{desks} desks: enrolling and first downloads ...")
        event = self.new_event("bench-load", max(checkins * 5 // 4, 100))
        sites = [self.enrol(event, f"load-{i + 1:02d}") for i in range(desks)]
        for store, client in sites:
            report = sync_once(store, client)
            if not report.ok:
                raise RuntimeError(f"first round failed: {report.error}")
        placeholders = ",".join("?" * len(ADMITTED_PAYMENTS))
        codes = [r[0] for r in sites[0][0].reader().execute(
            f"SELECT code FROM registrants WHERE payment IN ({placeholders}) AND missing = 0 "
            "ORDER BY code", ADMITTED_PAYMENTS)][:checkins]
        random.Random(2026).shuffle(codes)
        plans = [codes[i::desks] for i in range(desks)]

        acked: list[str] = []
        refused = Counter()
        failures: list[str] = []
        lock = threading.Lock()
        stop = threading.Event()
        self.server.timings()  # start a new list: the load only

        def feed(i: int) -> None:
            store, _ = sites[i]
            desk = Desk(store, operator=f"bench-{i}", now=lambda: self.noon)
            plan = plans[i]
            gap = args.duration / max(len(plan), 1)
            begin = time.monotonic() + i * gap / desks  # desks out of step, as people come
            for k, code in enumerate(plan):
                stop.wait(max(0.0, begin + k * gap - time.monotonic()))  # arrivals, paced
                decision = desk.scan(code)
                with lock:
                    if decision.ok:
                        acked.append(decision.event_uuid)
                    else:
                        refused[decision.outcome] += 1

        def probe() -> None:  # the server times these: the reference
            with httpx.Client(base_url=self.server.base_url) as http:
                while not stop.wait(0.1):
                    with contextlib.suppress(httpx.HTTPError):
                        http.get("/health")

        def on_report(report) -> None:
            if not report.ok:
                with lock:
                    failures.append(report.error or report.state)

        workers = [SyncWorker(store, client, interval=args.interval, on_report=on_report,
                              name=f"sync-{i}") for i, (store, client) in enumerate(sites)]
        say(f"{checkins:,} check-ins over {args.duration:g} s at {desks} desks syncing every "
            f"{args.interval:g} s ...")
        prober = threading.Thread(target=probe, daemon=True)
        prober.start()
        for i, worker in enumerate(workers):  # first rounds spread over one interval
            stop.wait(args.interval / desks if i else 0)
            worker.start()
        feeders = [threading.Thread(target=feed, args=(i,), daemon=True) for i in range(desks)]
        started = time.monotonic()
        for thread in feeders:
            thread.start()
        for thread in feeders:
            thread.join()
        arrived = time.monotonic() - started
        settled = self.settle(event, sites, workers, st)
        stop.set()
        for worker in workers:
            worker.stop()
        prober.join(5)
        rounds = sum(w.rounds for w in workers)
        timings = self.server.timings()

        on_server = Counter(e["uuid"] for e in self.organiser.all_events(event)[0])
        lost_server = len(set(acked) - set(on_server))
        missing_at_desks = 0
        for store, _ in sites:
            held = {r[0] for r in store.reader().execute("SELECT uuid FROM events")}
            missing_at_desks += len(set(on_server) - held)
        doubled = sum(n - 1 for n in on_server.values() if n > 1)
        arrived_central = self.organiser.stats(event)["arrived"]
        for store, _ in sites:
            store.close()

        work = [s for kind, s in timings if kind != "health"]
        health = [s for kind, s in timings if kind == "health"]
        by_kind: dict[str, list[float]] = {}
        for kind, s in timings:
            by_kind.setdefault(kind, []).append(s)
        self.notes.append("load, server time per request kind: " + ", ".join(
            f"{k} n={len(v)} median {ms(statistics.median(v))} p95 {ms(p95(v))}"
            for k, v in sorted(by_kind.items())))
        self.notes.append(
            f"load: {len(acked):,} check-ins acknowledged in {arrived:.1f} s "
            f"({', '.join(f'{k} {v}' for k, v in refused.items()) or 'none refused'}); "
            f"{arrived_central:,} arrived on the server; every desk settled "
            f"{secs(settled) if settled is not None else 'NOT within the deadline'} after the "
            f"last check-in; {len(failures)} failed rounds"
            + (f" (first: {failures[0]})" if failures else ""))
        ok = (lost_server == 0 and missing_at_desks == 0 and doubled == 0
              and settled is not None and arrived_central == len(acked))
        return row(f"{desks} desks syncing every {args.interval:g} s, {len(acked):,} check-ins",
                   f"lost {lost_server} (missing at desks {missing_at_desks}), doubled "
                   f"{doubled}; server p95 {ms(p95(work))} over {len(work):,} requests; "
                   f"{rounds} rounds", "none lost or doubled",
                   f"server p95 for /health under the same load: {ms(p95(health))}", ok)

    def settle(self, event: str, sites, workers, st, deadline: float = 120) -> float | None:
        """Seconds until every outbox is empty and every event cursor at the end of the feed
        (the workers keep their pace; polled every 0.1 s), or None past the deadline."""
        start = time.monotonic()
        while time.monotonic() - start < deadline:
            if not any(st.load(store).pending for store, _ in sites):
                _, top = self.organiser.all_events(event)
                if all(int(store.meta(st.EVENT_CURSOR) or 0) >= top for store, _ in sites):
                    return time.monotonic() - start
            time.sleep(0.1)
        return None


def run(args, work: Path) -> None:
    with server_database(args.db, work) as db_url:
        from checkin.server.db import display_url

        say(f"central list on {display_url(db_url)}")
        server = ServerProcess(db_url)
        server.start()
        try:
            bench = Bench(args, work, db_url, server)
            rows = bench.single_desk()
            rows.append(bench.load())
            bench.organiser.close()
        finally:
            server.stop()
    backend = "PostgreSQL" if db_url.startswith("postgresql") else "SQLite"
    print(f"central list on {backend}; desks and server on loopback, 2 processes\n")
    print_table(rows)
    print("\n" + "\n".join(bench.notes))


QUICK = {"people": 2000, "events": 500, "idle_rounds": 20, "desks": 3, "checkins": 60,
         "duration": 2.0, "interval": 0.5}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="the central list's database: postgresql+psycopg://... "
                        "(a scratch database is made there); default: an SQLite file")
    parser.add_argument("--people", type=int, default=100_000,
                        help="registrants of the first download (100000)")
    parser.add_argument("--events", type=int, default=10_000, help="queued events (10000)")
    parser.add_argument("--idle-rounds", type=int, default=100, help="idle rounds (100)")
    parser.add_argument("--desks", type=int, default=20, help="desks under load (20)")
    parser.add_argument("--checkins", type=int, default=5000, help="check-ins under load (5000)")
    parser.add_argument("--duration", type=float, default=25.0,
                        help="seconds over which the check-ins arrive (25)")
    parser.add_argument("--interval", type=float, default=2.0,
                        help="seconds between two rounds of a desk (2)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: " + ", ".join(f"{k}={v}" for k, v in QUICK.items()))
    parser.add_argument("--workdir", type=Path,
                        help="keep work files here (e.g. bench/out); default: a temp dir")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        return serve(args.db, args.port)
    if args.quick:
        for key, value in QUICK.items():
            setattr(args, key, value)
    if args.events > args.people:
        parser.error("--events must not exceed --people (one check-in per registrant)")
    if min(args.people, args.events, args.idle_rounds, args.desks, args.checkins) < 1:
        parser.error("every count must be at least 1")
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        run(args, Path(tempfile.mkdtemp(prefix="sync-", dir=args.workdir)))
    else:
        with tempfile.TemporaryDirectory(prefix="checkin-bench-") as tmp:
            run(args, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
