"""Desk window benchmark: cold start to ready-to-scan, and the longest GUI-thread stall.

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.desk [--people 100000]

Cold start is measured in a fresh process (imports included) from launch until the window
is shown and a code scanned at once has been answered; the search index builds meanwhile on
its own thread and the time until it is ready is shown too. The stall is the
longest gap between ticks of a 5 ms GUI timer while the camera worker decodes a recorded
video of a code and the desk answers scans. Reference: the same start-up with an empty
event. With `--memory-people` (200,000) a third start measures the desk's peak RSS and one
full gc.collect() once the window has settled (it freezes what it keeps after building the
search index, so a collection no longer walks it). Timings are never asserted; the exit
status is 0.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .table import print_table

PROBE = r"""
import gc, resource, sys, time
start = time.perf_counter()
from PySide6.QtWidgets import QApplication
from checkin.scanner.sources import ImageFolderSource
from checkin.store import Store
from checkin.ui.main_window import DeskWindow
from checkin.printing.printers import FolderPrinter
app = QApplication([])
store = Store(sys.argv[1])
window = DeskWindow(store, operator="bench", open_source=lambda: ImageFolderSource([]),
                    printer=FolderPrinter(sys.argv[2]))
window.show()
window.scan.submit(sys.argv[3])  # a code scanned the moment the window is up
while window.scan.banner.outcome is None:
    app.processEvents()
scanned = time.perf_counter() - start
while window.search.index.generation < 0:  # the Find tab's index, built in the background
    app.processEvents()
searchable = time.perf_counter() - start
while gc.get_freeze_count() == 0:  # the window froze what it keeps (SearchPanel._index_built)
    app.processEvents()
collect = time.perf_counter()
gc.collect()  # what a full collection costs the GUI thread from now on
collect = time.perf_counter() - collect
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
print(f"{scanned:.3f} {searchable:.3f} {peak_mb:.0f} {collect:.4f}")
window.close()
"""


def cold_start(db: Path, code: str, work: Path) -> tuple[float, float, float, float]:
    """Seconds from launch to the first scan answered and to the search index built; the
    process's peak RSS (MB) by then; one full gc.collect() (s) once the window settled."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", PROBE, str(db), str(work / "printed"), code],
                            capture_output=True, text=True, env=env, timeout=600)
    if result.returncode != 0 and not result.stdout.strip():
        raise RuntimeError(result.stderr[-2000:])
    scanned, searchable, peak, collect = result.stdout.strip().splitlines()[-1].split()
    return float(scanned), float(searchable), float(peak), float(collect)


def gui_stall(db: Path, work: Path) -> tuple[float, int]:
    """Longest gap between 5 ms timer ticks while a 10 s video with codes is decoded."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from checkin.printing.printers import FolderPrinter
    from checkin.scanner.sources import VideoFileSource
    from checkin.store import Store
    from checkin.ui.main_window import DeskWindow
    from testkit.frames import frame_with, write_video

    store = Store(db)
    codes = [r[0] for r in store.reader().execute("SELECT code FROM registrants LIMIT 10")]
    frames = []
    for code in codes:  # each code held up for a second, then an empty desk for a second
        frames += [frame_with([code])] * 30 + [frame_with([])] * 30
    video = write_video(work / "session.avi", frames)
    app = QApplication.instance() or QApplication([])
    window = DeskWindow(store, operator="bench", open_source=lambda: VideoFileSource(video),
                        printer=FolderPrinter(work / "printed"))
    window.show()
    while window.search.index.generation < 0:  # the window is up and ready to scan
        app.processEvents()
    for _ in range(50):  # first paints of every widget are start-up, not scanning
        app.processEvents()
        time.sleep(0.002)
    clock, longest, gaps = QElapsedTimer(), [0], []
    clock.start()

    def tick() -> None:
        gap = clock.restart()
        gaps.append(gap)
        longest[0] = max(longest[0], gap)

    timer = QTimer(interval=5, timeout=tick)
    timer.start()
    deadline = time.monotonic() + 120
    while window.camera != "finished" and time.monotonic() < deadline:  # the video ended
        app.processEvents()
        time.sleep(0.001)
    timer.stop()
    print("longest gaps (ms):", sorted(gaps)[-5:], file=sys.stderr)
    answered = window.scan.recent.count()
    window.close()
    return longest[0] / 1000, answered


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.desk", description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--memory-people", type=int, default=200_000,
                        help="registrants for the memory and gc rows (0: skip them)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db, empty, big = work / "event.db", work / "empty.db", work / "big.db"
        sizes = [(db, args.people), (empty, 1)]
        if args.memory_people:
            sizes.append((big, args.memory_people))
        for path, people in sizes:
            print(f"building a {people:,}-person demo event ...", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "checkin.cli", "--db", str(path), "demo",
                            "--people", str(people)], check=True, capture_output=True)
        print("cold starts ...", file=sys.stderr)
        start, searchable, _, _ = cold_start(db, "DEMO-000002", work)
        reference, _, empty_peak, empty_gc = cold_start(empty, "DEMO-000001", work)
        memory = cold_start(big, "DEMO-000002", work) if args.memory_people else None
        print("scanning session ...", file=sys.stderr)
        stall, answered = gui_stall(db, work)
    rows = [
        [f"cold start to ready-to-scan, {args.people:,} people", f"{start:.2f} s", "<= 3 s",
         f"same with 1 person: {reference:.2f} s", "within" if start <= 3 else "MISSED"],
        [f"... and until search is ready, {args.people:,} people", f"{searchable:.2f} s", "-",
         "index built on its own thread", ""],
        ["longest GUI-thread stall while scanning", f"{stall * 1000:.0f} ms", "<= 50 ms",
         f"{answered} scans answered in the session", "within" if stall <= 0.05 else "MISSED"],
    ]
    if memory is not None:
        _, _, peak, collect = memory
        people = f"{args.memory_people:,} people"
        rows += [
            [f"desk peak memory (RSS), {people}", f"{peak:.0f} MB", "<= 500 MB",
             f"same with 1 person: {empty_peak:.0f} MB", "within" if peak <= 500 else "MISSED"],
            [f"full gc.collect() in the desk, {people}", f"{collect * 1000:.1f} ms", "<= 50 ms",
             f"same with 1 person: {empty_gc * 1000:.1f} ms",
             "within" if collect <= 0.05 else "MISSED"],
        ]
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
