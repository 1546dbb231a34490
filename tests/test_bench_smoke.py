"""The benchmark command keeps working (tiny size; figures are printed, never asserted)."""

import os
import subprocess
import sys

from conftest import ROOT


def test_foundation_bench_prints_every_row():
    result = subprocess.run([sys.executable, "-m", "bench.foundation", "--people", "400"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for metric in ("XLSX import", "CSV import", "search", "scan + durable commit"):
        assert metric in result.stdout
    assert "reference" in result.stdout.splitlines()[0]


def test_printing_bench_prints_both_rows():
    result = subprocess.run([sys.executable, "-m", "bench.printing", "--badges", "20",
                             "--singles", "5"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "one A6 badge PDF" in result.stdout and "20 badges on A4 sheets" in result.stdout


def test_sync_bench_prints_every_row():
    result = subprocess.run([sys.executable, "-m", "bench.sync", "--quick"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("| metric") and "reference" in line for line in lines)
    for metric in ("first download", "upload of 500 queued events", "idle round",
                   "3 desks syncing every"):
        assert metric in result.stdout
    assert "lost 0 (missing at desks 0), doubled 0" in result.stdout


def test_kiosk_bench_prints_every_row():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "bench.kiosk", "--attendees", "6",
                             "--people", "300"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("| metric")
    for metric in ("scan -> badge spooled", "phone path", "whole self check-in"):
        assert metric in result.stdout


def test_desk_and_search_benches_print_every_row():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    desk = subprocess.run([sys.executable, "-m", "bench.desk", "--people", "300",
                           "--memory-people", "300"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=env)
    assert desk.returncode == 0, desk.stderr
    for metric in ("cold start to ready-to-scan", "longest GUI-thread stall",
                   "desk peak memory (RSS)", "full gc.collect() in the desk"):
        assert metric in desk.stdout
    search = subprocess.run([sys.executable, "-m", "bench.search", "--people", "500", "--idle"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert search.returncode == 0, search.stderr
    for metric in ("search, ", "slowest kind", "memory per registrant", "full gc.collect()"):
        assert metric in search.stdout


def test_service_bench_prints_every_row():
    result = subprocess.run([sys.executable, "-m", "bench.service", "--quick"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[2].startswith("| metric")
    for metric in ("upload, 5 desks", "events stored", "nothing lost or doubled"):
        assert metric in result.stdout
    assert "lost 0, doubled 0, missing at desks 0" in result.stdout
