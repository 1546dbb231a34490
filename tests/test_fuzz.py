"""The atheris fuzzers (fuzz/) run for a bounded time: any input that raises something other
than the documented refusal, hangs, or eats memory fails the test with the fuzzer's report."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris", reason="atheris has no wheel for this platform (setup.sh says so)")

FUZZ = Path(__file__).resolve().parent.parent / "fuzz"
SECONDS = int(os.environ.get("CHECKIN_FUZZ_SECONDS", "20"))


@pytest.mark.parametrize("fuzzer", sorted(p.name for p in FUZZ.glob("fuzz_*.py")))
def test_fuzzer_finds_nothing(fuzzer, tmp_path):
    result = subprocess.run(
        [sys.executable, str(FUZZ / fuzzer), f"-max_total_time={SECONDS}", "-timeout=10",
         "-rss_limit_mb=3072", f"-artifact_prefix={tmp_path}/"],
        capture_output=True, text=True, timeout=SECONDS + 120, cwd=tmp_path)
    found = [p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-"))]
    assert result.returncode == 0 and not found, (
        f"{fuzzer} found {found}:\n{result.stderr[-4000:]}")
    assert "Done" in result.stderr  # it really ran its rounds
