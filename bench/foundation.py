"""Foundation benchmark: import, search and check-in with 100,000 registrants.

    .venv/bin/python -m bench.foundation [--people 100000] [--workdir DIR]

Prints one table (metric | measured | target | reference | verdict); every reference is
measured in the same run on the same files and disk. Timings are never asserted: the
exit status is 0 whatever they are. See bench/README.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook

from checkin.demo import demo_event_config, write_export
from checkin.desk import Desk
from checkin.importer import import_file
from checkin.pinyin import syllables
from checkin.search import SearchIndex
from checkin.store import Store

from .table import print_table

KINDS = ("surname", "full name", "pinyin", "initials", "phone tail", "organisation", "code")
SEARCH_PER_KIND = 60  # queries of each kind in the mix
SEARCH_ROUNDS = 3  # the mix is run this many times (the naive reference once)
SCANS = 2000
MEAL = "meal:day1-lunch"
NAIVE_SQL = (
    "SELECT code, name, organisation, category, phone FROM registrants "
    "WHERE name LIKE ?1 OR pinyin LIKE ?1 OR phone LIKE ?1 OR organisation LIKE ?1 "
    "OR code LIKE ?1 LIMIT 20"
)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def timed(fn: Callable, *args):
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def secs(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds * 1e3:.1f} ms"


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1e3:.2f} ms, p95 {p95(values) * 1e3:.2f} ms"


def row(metric: str, measured: str, target: str, reference: str, ok: bool | None) -> list[str]:
    verdict = "info" if ok is None else ("within" if ok else "MISSED")
    return [metric, measured, target, reference, verdict]


def fresh_store(path: Path, start: dt.date) -> Store:
    """An empty store holding the demo event's configuration (as `checkin demo` does)."""
    store = Store(path)
    with store.transaction() as conn:
        store.save_config(conn, demo_event_config(start))
    return store


def read_xlsx_raw(path: Path) -> int:
    """The reader the importer uses (calamine), with no normalisation."""
    book = CalamineWorkbook.from_path(str(path))
    try:
        return sum(1 for _ in book.get_sheet_by_index(0).iter_rows())
    finally:
        book.close()


def read_xlsx_openpyxl(path: Path) -> int:
    """openpyxl read-only (the fallback reader): why the importer does not use it first."""
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def read_csv_raw(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return sum(1 for _ in csv.reader(fh))


def bench_import(kind: str, export: Path, db: Path, start: dt.date, target: float,
                 raw: Callable[[Path], int], factor: float | None = None) -> list[str]:
    """`factor`: the import may also take at most this times the raw read (same run)."""
    say(f"importing {export.name} ...")
    with fresh_store(db, start) as store:
        seconds, report = timed(import_file, store, export)
    ref_seconds, _ = timed(raw, export)
    reference = f"{secs(ref_seconds)} raw read ({seconds / ref_seconds:.1f}x)"
    if kind == "XLSX":
        reference += f"; openpyxl raw read {secs(timed(read_xlsx_openpyxl, export)[0])}"
    goal, ok = f"<= {target:g} s", seconds <= target
    if factor is not None:
        goal += f" and <= {factor:g}x raw read"
        ok = ok and seconds <= factor * ref_seconds
    return row(f"{kind} import, {report.imported:,} rows", secs(seconds), goal, reference, ok)


def search_queries(store: Store, rng: random.Random) -> list[tuple[str, str]]:
    """(kind, query) pairs of the mix a desk types, drawn from the stored registrants."""
    rows = store.reader().execute(
        "SELECT code, name, initials, phone, organisation FROM registrants").fetchall()
    chinese = [r for r in rows if "\u4e00" <= r["name"][:1] <= "\u9fff" and r["initials"]]
    phones = [r["phone"] for r in rows if r["phone"]]
    orgs = sorted({r["organisation"] for r in rows if r["organisation"]})
    queries = []
    for _ in range(SEARCH_PER_KIND):
        person = rng.choice(chinese)
        org = rng.choice(orgs)
        cut = rng.randrange(len(org) - 1)
        texts = (person["name"][0], person["name"], syllables(person["name"])[0],
                 person["initials"], rng.choice(phones)[-4:], org[cut:cut + 2],
                 rng.choice(rows)["code"][-5:])
        queries += zip(KINDS, texts, strict=True)
    return queries


def bench_search(store: Store, rng: random.Random) -> tuple[list[list[str]], str]:
    say("searching ...")
    index = SearchIndex(store)
    build, _ = timed(index.refresh)  # the one warm-up refresh
    queries = search_queries(store, rng)
    by_kind: dict[str, list[float]] = {k: [] for k in KINDS}
    for _ in range(SEARCH_ROUNDS):
        rng.shuffle(queries)
        for kind, q in queries:
            by_kind[kind].append(timed(index.search, q)[0])
    times = [t for values in by_kind.values() for t in values]
    conn = store.reader()
    naive = [timed(lambda q: conn.execute(NAIVE_SQL, (f"%{q}%",)).fetchall(), q)[0]
             for _, q in queries]
    note = "search p95 by kind: " + ", ".join(
        f"{k} {p95(v) * 1e3:.1f} ms" for k, v in by_kind.items())
    return [
        row(f"search, {len(times):,} queries", ms(times), "p95 <= 10 ms",
            f"naive LIKE: {ms(naive)}", p95(times) <= 0.010),
        row("search index build (first refresh)", secs(build), "-", "-", None),
    ], note


def scan_plan(store: Store, rng: random.Random) -> list[tuple[str, str]]:
    """~SCANS scans: first registration scans (ok, or refused if unpaid), meal scans,
    unknown codes, and re-scans of earlier codes (already) placed after their first scan."""
    codes = [r[0] for r in store.reader().execute("SELECT code FROM registrants")]
    picked = rng.sample(codes, min(len(codes), SCANS * 3 // 4))
    first, meal = picked[: len(picked) * 2 // 3], picked[len(picked) * 2 // 3:]
    plan = [(c, "registration") for c in first] + [(c, MEAL) for c in meal]
    plan += [(f"NOPE-{i:06d}", "registration") for i in range(SCANS // 10)]
    rng.shuffle(plan)
    for code in rng.sample(first, min(len(first), SCANS - len(plan))):
        plan.insert(rng.randint(plan.index((code, "registration")) + 1, len(plan)),
                    (code, "registration"))
    return plan


def bench_scan(store: Store, floor_db: Path, start: dt.date,
               rng: random.Random) -> tuple[list[str], str]:
    """Desk.scan timed against a bare durable commit, interleaved so both see the same disk."""
    say("scanning ...")
    noon = dt.datetime.combine(start, dt.time(12, 0))
    desk = Desk(store, "bench", now=lambda: noon)
    floor = sqlite3.connect(floor_db, isolation_level=None)
    floor.execute("PRAGMA journal_mode = WAL")
    floor.execute("PRAGMA synchronous = FULL")
    floor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")

    def floor_commit() -> None:
        floor.execute("BEGIN IMMEDIATE")
        floor.execute("INSERT INTO t (v) VALUES ('x')")
        floor.execute("COMMIT")

    times, floor_times, outcomes = [], [], Counter()
    for code, station in scan_plan(store, rng):
        seconds, decision = timed(desk.scan, code, station)
        times.append(seconds)
        outcomes[f"{decision.outcome}{'@meal' if station == MEAL else ''}"] += 1
        floor_times.append(timed(floor_commit)[0])
    floor.close()
    note = "scan outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
    return row(f"scan + durable commit, {len(times):,} scans", ms(times), "p95 <= 5 ms",
               f"bare commit: {ms(floor_times)}", p95(times) <= 0.005), note


def run(people: int, work: Path) -> None:
    start, rng = dt.date.today(), random.Random(2026)
    xlsx, csv_file = work / "export.xlsx", work / "export.csv"
    say(f"writing {people:,} registrants to {work} ...")
    write_export(xlsx, people, start)
    write_export(csv_file, people, start)
    rows = [
        bench_import("XLSX", xlsx, work / "xlsx.db", start, 15, read_xlsx_raw),
        bench_import("CSV", csv_file, work / "csv.db", start, 5, read_csv_raw, factor=10),
    ]
    with Store(work / "csv.db") as store:
        size = store.reader().execute(
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
        ).fetchone()[0]
        search_rows, search_note = bench_search(store, rng)
        scan_row, scan_note = bench_scan(store, work / "floor.db", start, rng)
    rows += [*search_rows, scan_row]
    rows.append(row("database size after import", f"{size / 2**20:.1f} MB", "-",
                    f"CSV export {csv_file.stat().st_size / 2**20:.1f} MB", None))
    print_table(rows)
    print(f"\n{search_note}\n{scan_note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.foundation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000, help="registrants (100000)")
    parser.add_argument("--workdir", type=Path,
                        help="keep work files here (e.g. bench/out); default: a temp dir")
    args = parser.parse_args(argv)
    if args.people < 100:
        parser.error("--people must be at least 100")
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix="foundation-", dir=args.workdir))
        run(args.people, work)
    else:
        with tempfile.TemporaryDirectory(prefix="checkin-bench-") as tmp:
            run(args.people, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
