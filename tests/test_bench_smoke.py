"""The benchmark command keeps working (tiny size; figures are printed, never asserted)."""

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
