"""Where the test data lives: tests/data/ in this repository (see tests/data/README.md).

The one place tests, benches and fuzzers find their data files; nothing reads outside the clone.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository
DATA = ROOT / "tests" / "data"
FIXTURES = DATA / "fixtures"  # the registration exports and their answer key
XLSX = FIXTURES / "shic2026-registrations.xlsx"
CSV_BOM = FIXTURES / "shic2026-registrations-utf8bom.csv"
CSV_GBK = FIXTURES / "shic2026-registrations-gbk.csv"
ANSWERS = FIXTURES / "shic2026-registrations.answers.json"
QR_SAMPLES = DATA / "qr-samples"
BLACKBOX = QR_SAMPLES / "zxing-blackbox"  # qrcode-1..4: N.png with the expected text in N.txt
JSONLOGIC_TESTS = DATA / "jsonlogic" / "tests.json"  # pretix's JSON Logic vectors
