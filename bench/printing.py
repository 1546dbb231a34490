"""Printing benchmark: one badge PDF, and 1,000 badges on A4 sheets.

    .venv/bin/python -m bench.printing [--badges 1000]

Prints one table (metric | measured | target | reference | verdict). The reference is a
plain reportlab page (Helvetica, no CJK font to subset, no QR) timed in the same run: the
floor of any PDF. Timings are never asserted; the exit status is 0.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from checkin.demo import demo_event_config, demo_rows
from checkin.model import Registrant
from checkin.printing.fields import badge_fields
from checkin.printing.render import render_pdf
from checkin.printing.templates import load_template

from .table import print_table


def people(n: int) -> list[Registrant]:
    """Demo registrants (the realistic mix: long organisations, teams, rare characters)."""
    return [Registrant(code=r[1], name=r[2].strip(), organisation=r[6], title=r[7], category=r[8],
                       team=r[10] or None) for r in demo_rows(n)]


def plain_page() -> None:
    canvas = Canvas(io.BytesIO())
    canvas.drawString(100, 100, "SHIC2026-000001 Zhang San")
    canvas.showPage()
    canvas.save()


def timed(fn, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.printing", description=__doc__.splitlines()[0])
    parser.add_argument("--badges", type=int, default=1000)
    parser.add_argument("--singles", type=int, default=50, help="single badges timed one by one")
    args = parser.parse_args(argv)
    config = demo_event_config()
    template = load_template("badge-a6")
    crowd = people(max(args.badges, args.singles))
    items = [(template, badge_fields(p, config)) for p in crowd]
    print("rendering ...", file=sys.stderr)
    render_pdf(items[:1], io.BytesIO())  # fonts registered, caches warm: as on a desk
    singles = [timed(render_pdf, [item], io.BytesIO()) for item in items[:args.singles]]
    plain = [timed(plain_page) for _ in range(args.singles)]
    with tempfile.TemporaryDirectory() as tmp:
        sheet_path = Path(tmp) / "sheets.pdf"
        batch = timed(render_pdf, items[:args.badges], sheet_path, sheet=True)
        size_mb = sheet_path.stat().st_size / 1e6
    median = statistics.median(singles)
    rows = [
        ["one A6 badge PDF (median)", f"{median * 1e3:.1f} ms", "<= 50 ms",
         f"plain reportlab page {statistics.median(plain) * 1e3:.2f} ms",
         "within" if median <= 0.050 else "MISSED"],
        [f"{args.badges:,} badges on A4 sheets", f"{batch:.2f} s", "<= 30 s",
         f"{batch / args.badges * 1e3:.1f} ms per badge; {size_mb:.1f} MB PDF",
         "within" if batch <= 30 else "MISSED"],
    ]
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
