"""Start the desk window (`checkin-desk`, `python main.py`).

Qt is imported only here, lazily, so the core and the CLI never load it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="checkin-desk", description="Checkin Desk (签到台)")
    parser.add_argument("--db", type=Path, help="event database (default: $CHECKIN_DB)")
    parser.add_argument("--demo", action="store_true",
                        help="open the demo event (created on first use)")
    parser.add_argument("--station", default="registration",
                        help="registration, meal (the slot being served now), meal:<slot>, "
                             "forum:<id>")
    args = parser.parse_args(argv)
    db = args.db or (paths.data_dir() / "demo.db" if args.demo else paths.default_db())
    if args.demo and not db.exists():
        from .cli import main as cli_main

        cli_main(["demo", "--db", str(db)])
    from .ui.main_window import run

    return run(db, station=args.station)


if __name__ == "__main__":
    sys.exit(main())
