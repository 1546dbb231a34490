"""Central service under many desks: upload latency with --desks real HTTP clients.

    .venv/bin/python -m bench.service                      # 100 desks, 10,000 check-ins, PostgreSQL and SQLite
    .venv/bin/python -m bench.service --backend postgres   # one backend only
    .venv/bin/python -m bench.service --quick              # smoke run, a few seconds

The service runs in its own process as `checkin serve` runs it (`create_app` under
checkin.server.serving, plain HTTP on loopback), over a scratch PostgreSQL database
`checkin_bench_<random>` (made and dropped on --pg, trust auth) or an SQLite file. This process
creates an event, imports the demo export, enrols --desks desks with real enrolment codes, then
runs every desk as its own HTTP client (asyncio, httpx): --events check-ins arrive paced over
--duration s, spread over the desks, --doubles of the codes scanned again at a second desk (a
conflict each); every --interval s a desk does a round as checkin/sync does: POST its new
check-ins (one batch), GET registrants and GET the other desks' events after its cursors. A
probe asks GET /health every 0.1 s under the same load: the HTTP floor.

Reported: upload latency as the desks see it (p50, p95, max), events stored per second, and
nothing lost or doubled: every check-in stored exactly once, once in the feed, received once by
every other desk; admissions = distinct codes; one conflict per code scanned twice.
Timings are never asserted; the exit status is 0. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid as uuidlib
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .sync import SERVE_TIMINGS
from .table import print_table

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
EVENT = "bench-service"
STATION = "registration"
TARGET_P95 = 0.250


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.0f} ms" if seconds >= 0.01 else f"{seconds * 1e3:.1f} ms"


# -- the service, in its own process --------------------------------------------------------
def serve(db_url: str, port: int) -> int:
    from checkin.server.app import create_app
    from checkin.server.serving import run

    from .sync import Timing  # the server's own time per request, at SERVE_TIMINGS

    run(Timing(create_app(db_url)), host="127.0.0.1", port=port, log_level="warning",
        access_log=False, lifespan="on", timeout_graceful_shutdown=5)
    return 0


@contextlib.contextmanager
def database(backend: str, work: Path, pg_admin: str):
    if backend == "sqlite":
        yield f"sqlite:///{work / 'central.db'}"
        return
    import psycopg
    from sqlalchemy import make_url

    name = f"checkin_bench_{secrets.token_hex(4)}"
    with psycopg.connect(pg_admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(pg_admin).set(drivername="postgresql+psycopg", database=name) \
            .render_as_string(hide_password=False)
    finally:
        with psycopg.connect(pg_admin, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def service(db_url: str):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, "-m", "bench.service", "--serve", "--db", db_url,
                             "--port", str(port)], cwd=Path(__file__).resolve().parents[1])
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the service did not start (see its errors above)")
            time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- setup: event, registrants, desks ----------------------------------------------------------
def setup(base: str, db_url: str, work: Path, people: int, desks: int) -> tuple:
    """(organiser client, [(device_id, token)], the registrant feed's end, the codes)."""
    from checkin.demo import demo_config, write_export
    from checkin.server.conferences import to_toml
    from checkin.server.testing import organiser_token

    org = httpx.Client(base_url=f"{base}/api/v1", timeout=600, headers={
        "Authorization": f"Bearer {organiser_token(db_url, 'bench')}"})
    org.post("/events", json={"id": EVENT, "config_toml": to_toml(
        demo_config(dt.date.today()))}).raise_for_status()
    export = write_export(work / "export.csv", people, dt.date.today())
    org.post(f"/events/{EVENT}/imports", params={"filename": export.name},
             content=export.read_bytes()).raise_for_status()
    enrolled = []
    with httpx.Client(base_url=f"{base}/api/v1", timeout=60) as anon:
        for i in range(desks):
            code = org.post(f"/events/{EVENT}/enrolments",
                            json={"device_name": f"desk-{i + 1:03d}"}).json()["code"]
            device = f"bench{i + 1:03d}{secrets.token_hex(3)}"
            answer = anon.post("/enrol", json={"code": code, "device_id": device})
            answer.raise_for_status()
            enrolled.append((device, answer.json()["token"]))
    end, codes = 0, []  # every desk downloaded the list at enrolment: start after it
    while True:
        page = org.get(f"/events/{EVENT}/registrants", params={"after": end,
                                                               "limit": 5000}).json()
        codes += [r["code"] for r in page["items"]]
        end = page["cursor"]
        if not page["more"]:
            return org, enrolled, end, codes


# -- the load ------------------------------------------------------------------------------------
@dataclass
class Desk:
    device: str
    token: str
    reg_cursor: int
    plan: list[tuple[float, str]]  # (due, code), in order
    sent: int = 0  # plan entries uploaded and acknowledged
    outbox: list[dict] = field(default_factory=list)
    counter: int = 0
    event_cursor: int = 0
    received: bytearray = field(default_factory=bytearray)  # count per feed number seen

    def make(self, code: str) -> dict:
        now = time.time()
        self.counter += 1
        return {"uuid": str(uuidlib.uuid4()), "kind": "checkin", "code": code,
                "station": STATION, "device_id": self.device, "operator": "bench",
                "wall_time": dt.datetime.now().astimezone().isoformat(timespec="milliseconds"),
                "hlc": f"{int(now * 1000):013d}-{self.counter % 100000:05d}-{self.device}",
                "ref": None, "data": {}}


@dataclass
class Tally:
    uploads: list[float] = field(default_factory=list)
    gets: list[float] = field(default_factory=list)
    health: list[float] = field(default_factory=list)
    server: list = field(default_factory=list)  # [kind, seconds]: the service's own time
    answers: dict = field(default_factory=dict)  # uuid -> status
    failures: list[str] = field(default_factory=list)
    first: float = 0.0
    last_ack: float = 0.0


async def round_(http: httpx.AsyncClient, desk: Desk, tally: Tally, clock) -> None:
    now = clock()
    while desk.sent + len(desk.outbox) < len(desk.plan) and \
            desk.plan[desk.sent + len(desk.outbox)][0] <= now:
        desk.outbox.append(desk.make(desk.plan[desk.sent + len(desk.outbox)][1]))
    if desk.outbox:
        batch = desk.outbox[:500]
        start = time.perf_counter()
        answer = await http.post(f"/events/{EVENT}/events", json={"events": batch})
        tally.uploads.append(time.perf_counter() - start)
        if answer.status_code != 200:
            tally.failures.append(f"POST {answer.status_code} {answer.text[:200]}")
        else:
            results = answer.json()["results"]
            for r in results:
                if r["uuid"] in tally.answers:
                    tally.failures.append(f"{r['uuid']} answered twice")
                tally.answers[r["uuid"]] = r["status"]
            del desk.outbox[:len(results)]
            desk.sent += len(results)
            tally.last_ack = clock()
    start = time.perf_counter()
    page = (await http.get(f"/events/{EVENT}/registrants",
                           params={"after": desk.reg_cursor, "limit": 1000})).json()
    desk.reg_cursor = page["cursor"]
    while True:
        answer = await http.get(f"/events/{EVENT}/events", params={
            "after": desk.event_cursor, "limit": 1000, "exclude_device": desk.device})
        page = answer.json()
        for item in page["items"]:
            seq = item["seq"]
            if seq >= len(desk.received):
                desk.received.extend(bytes(seq + 1000 - len(desk.received)))
            desk.received[seq] += 1
        desk.event_cursor = page["cursor"]
        if not page["more"]:
            break
    tally.gets.append(time.perf_counter() - start)


async def run_desk(desk: Desk, base: str, tally: Tally, interval: float, offset: float,
                   clock, done: asyncio.Event) -> None:
    async with httpx.AsyncClient(base_url=f"{base}/api/v1", timeout=300, headers={
            "Authorization": f"Bearer {desk.token}"}) as http:
        await asyncio.sleep(offset)
        while True:
            started = clock()
            final = done.is_set()  # every check-in was stored before this round began
            try:
                await round_(http, desk, tally, clock)
            except httpx.HTTPError as exc:  # a desk tries again at its next round
                tally.failures.append(f"{type(exc).__name__}: {exc}")
                final = False
            if desk.sent == len(desk.plan) and final:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait() if desk.sent == len(desk.plan)
                                       else asyncio.sleep(3600),
                                       max(0.0, interval - (clock() - started)))


async def probe(base: str, tally: Tally, stop: asyncio.Event) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        while not stop.is_set():
            start = time.perf_counter()
            with contextlib.suppress(httpx.HTTPError):
                await http.get("/health")
                tally.health.append(time.perf_counter() - start)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.1)


def plans(codes: list[str], desks: int, doubles: int, duration: float,
          rng: random.Random) -> list[list[tuple[float, str]]]:
    """Each code at one desk at a random moment; `doubles` of them again at another desk a
    few seconds later (the person went to a second queue)."""
    made: list[list[tuple[float, str]]] = [[] for _ in range(desks)]
    for k, code in enumerate(codes):
        due = rng.uniform(0, duration)
        first = rng.randrange(desks)
        made[first].append((due, code))
        if k < doubles and desks > 1:
            other = (first + rng.randrange(1, desks)) % desks
            made[other].append((min(duration, due + rng.uniform(0, 5)), code))
    for plan in made:
        plan.sort()
    return made


async def load(base: str, enrolled, reg_end: int, codes: list[str], args) -> Tally:
    rng = random.Random(2026)
    doubles = min(len(codes), round(args.events * args.doubled))
    distinct = codes[:args.events - doubles]
    made = plans(distinct, len(enrolled), doubles, args.duration, rng)
    desks = [Desk(device, token, reg_end, plan)
             for (device, token), plan in zip(enrolled, made, strict=True)]
    tally = Tally()
    loop = asyncio.get_running_loop()
    t0 = loop.time()

    def clock() -> float:
        return loop.time() - t0

    done, stop = asyncio.Event(), asyncio.Event()
    prober = asyncio.create_task(probe(base, tally, stop))
    tasks = [asyncio.create_task(run_desk(d, base, tally, args.interval,
                                          rng.uniform(0, args.interval), clock, done))
             for d in desks]
    while sum(d.sent for d in desks) < sum(len(d.plan) for d in desks):
        await asyncio.sleep(0.1)
        if clock() > args.duration + 600:
            tally.failures.append("not every check-in was acknowledged within 10 min")
            break
    done.set()  # each desk does one more round: its event cursor reaches the end
    await asyncio.gather(*tasks)
    stop.set()
    await prober
    tally.desks = desks
    tally.doubles = doubles
    tally.codes = len(distinct)
    return tally


# -- after the load: nothing lost or doubled ----------------------------------------------------
def verify(org: httpx.Client, tally: Tally) -> tuple[dict, list[str]]:
    """Checks against what the service says: the organiser's whole feed, stats, conflicts."""
    items, after = [], 0
    while True:
        page = org.get(f"/events/{EVENT}/events", params={"after": after, "limit": 5000}).json()
        items += page["items"]
        after = page["cursor"]
        if not page["more"]:
            break
    stored = {i["uuid"]: i for i in items}
    sent = tally.answers
    problems = []
    lost = len(set(sent) - set(stored))
    doubled = len(items) - len(stored)
    extra = len(set(stored) - set(sent))
    refused = sum(1 for s in sent.values() if s not in ("stored", "conflict"))
    missing_at_desks = 0
    for desk in tally.desks:
        expected = {i["seq"] for i in items if i["device_id"] != desk.device}
        got = {seq for seq, n in enumerate(desk.received) if n}
        missing_at_desks += len(expected - got) + len(got - expected)
        doubled += sum(1 for n in desk.received if n > 1)
    arrived = org.get(f"/events/{EVENT}/stats").json()["arrived"]
    open_conflicts = [c for c in org.get(f"/events/{EVENT}/conflicts").json()["items"]
                      if c["type"] == "double_admission"]
    if arrived != tally.codes:
        problems.append(f"admissions {arrived} != distinct codes {tally.codes}")
    if len(open_conflicts) != tally.doubles:
        problems.append(f"conflicts {len(open_conflicts)} != codes scanned twice {tally.doubles}")
    if refused:
        problems.append(f"{refused} check-ins answered neither stored nor conflict")
    if extra:
        problems.append(f"{extra} stored events nobody sent")
    return {"lost": lost, "doubled": doubled, "missing_at_desks": missing_at_desks,
            "stored": len(stored), "arrived": arrived, "conflicts": len(open_conflicts)}, problems


def one_backend(backend: str, args, work: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    with database(backend, work, args.pg) as db_url, service(db_url) as base:
        say(f"{backend}: importing {args.events:,} registrants, enrolling {args.desks} desks ...")
        org, enrolled, reg_end, codes = setup(base, db_url, work, args.events, args.desks)
        say(f"{backend}: {args.events:,} check-ins over {args.duration:g} s at {args.desks} "
            f"desks, a round every {args.interval:g} s ...")
        httpx.get(f"{base}{SERVE_TIMINGS}", timeout=30)  # the set-up's requests: dropped
        tally = asyncio.run(load(base, enrolled, reg_end, codes, args))
        tally.server = httpx.get(f"{base}{SERVE_TIMINGS}", timeout=30).json()
        checks, problems = verify(org, tally)
        org.close()
    span = max(tally.last_ack, 1e-9)
    return {"backend": backend, "tally": tally, "checks": checks,
            "problems": problems + tally.failures[:3], "rate": checks["stored"] / span}


def report(results: list[dict], args) -> None:
    label = {"postgres": "PostgreSQL", "sqlite": "SQLite"}
    by = {r["backend"]: r for r in results}
    rows = []
    for r in results:
        t, c = r["tally"], r["checks"]
        up = t.uploads
        others = [o for o in results if o is not r]
        ref = [f"/health p95 {ms(pct(t.health, 95))} under the same load"]
        ref += [f"{label[o['backend']]} same load: p95 {ms(pct(o['tally'].uploads, 95))}"
                for o in others]
        rows.append([f"upload, {args.desks} desks, {label[r['backend']]}",
                     f"p50 {ms(pct(up, 50))}, p95 {ms(pct(up, 95))}, max {ms(max(up))} "
                     f"({len(up):,} uploads)", "p95 <= 250 ms", "; ".join(ref),
                     "within" if pct(up, 95) <= TARGET_P95 else "MISSED"])
        rows.append([f"events stored, {label[r['backend']]}",
                     f"{r['rate']:,.0f} events/s ({c['stored']:,} in {t.last_ack:.1f} s)",
                     "-", f"offered {args.events / args.duration:,.0f} events/s", "info"])
        ok = not (c["lost"] or c["doubled"] or c["missing_at_desks"] or r["problems"])
        rows.append([f"nothing lost or doubled, {label[r['backend']]}",
                     f"lost {c['lost']}, doubled {c['doubled']}, missing at desks "
                     f"{c['missing_at_desks']}; admissions {c['arrived']:,} = codes "
                     f"{t.codes:,}; conflicts {c['conflicts']}", "none lost or doubled",
                     f"{t.doubles} codes scanned at two desks", "within" if ok else "MISSED"])
    backends = " and ".join(label[b] for b in by)
    print(f"central service on {backends}; {args.desks} desks (asyncio + httpx, one process) "
          "and the service (another process) on loopback\n")
    print_table(rows)
    for r in results:
        t = r["tally"]
        print(f"\n{label[r['backend']]}: round GETs (registrants + events) p50 "
              f"{ms(pct(t.gets, 50))}, p95 {ms(pct(t.gets, 95))} over {len(t.gets):,}; "
              f"/health p50 {ms(pct(t.health, 50))} over {len(t.health):,}; the service's "
              "own time (request to last byte) " + server_times(t.server)
              + (f"; problems: {'; '.join(r['problems'])}" if r["problems"] else ""))


def server_times(records: list) -> str:
    kinds: dict[str, list[float]] = {}
    for kind, seconds in records:
        kinds.setdefault(kind, []).append(seconds)
    return ", ".join(f"{kind} p50 {ms(pct(v, 50))} p95 {ms(pct(v, 95))}"
                     for kind, v in sorted(kinds.items()))


QUICK = {"desks": 5, "events": 150, "duration": 3.0, "interval": 0.5}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.service", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=("postgres", "sqlite", "both"), default="both",
                        help="the service's database (both: PostgreSQL, then SQLite as the "
                        "reference)")
    parser.add_argument("--desks", type=int, default=100, help="desks (100)")
    parser.add_argument("--events", type=int, default=10_000, help="check-ins (10000)")
    parser.add_argument("--doubled", type=float, default=0.02,
                        help="share of check-ins that are a second desk's scan (0.02)")
    parser.add_argument("--duration", type=float, default=60.0,
                        help="seconds over which the check-ins arrive (60)")
    parser.add_argument("--interval", type=float, default=2.0,
                        help="seconds between two rounds of a desk (2)")
    parser.add_argument("--pg", default=PG_ADMIN, help=f"PostgreSQL admin URL ({PG_ADMIN})")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: " + ", ".join(f"{k}={v}" for k, v in QUICK.items()))
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        return serve(args.db, args.port)
    if args.quick:
        for key, value in QUICK.items():
            setattr(args, key, value)
    if min(args.desks, args.events) < 1 or not 0 <= args.doubled < 1:
        parser.error("--desks and --events must be at least 1, --doubled in [0, 1)")
    backends = ["postgres", "sqlite"] if args.backend == "both" else [args.backend]
    with tempfile.TemporaryDirectory(prefix="checkin-bench-") as tmp:
        results = [one_backend(b, args, Path(tmp) / b) for b in backends]
    report(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
