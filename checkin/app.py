"""Start the desk window (`checkin-desk`, `python main.py`).

Qt is imported only here, lazily, so the core and the CLI never load it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import paths


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="checkin-desk", description="Checkin Desk (签到台)")
    parser.add_argument("--db", type=Path,
                        help="event database to open (default: $CHECKIN_DB, else the event "
                             "opened last time, else the start screen)")
    parser.add_argument("--demo", action="store_true",
                        help="open the demo event (created on first use)")
    parser.add_argument("--station", default=None,
                        help="registration, meal (the slot being served now), meal:<slot>, "
                             "forum:<id> (default: the station this desk served last)")
    parser.add_argument("--operator", default=os.environ.get("CHECKIN_OPERATOR"),
                        help="who is at the desk (default: $CHECKIN_OPERATOR or the login name)")
    parser.add_argument("--data-dir", type=Path,
                        help="folder for settings, the demo event and saved PDFs "
                             "(default: $CHECKIN_HOME, else the user data folder)")
    parser.add_argument("--screenshots", type=Path, metavar="DIR",
                        help="write PNGs of every screen in Chinese and English (DIR/zh, "
                             "DIR/en) from a demo event in a temporary folder, then exit; "
                             "runs headless")
    args = parser.parse_args(argv)
    if args.data_dir:
        paths.set_data_dir(args.data_dir)  # before anything reads the data folder
    if args.db is None and os.environ.get("CHECKIN_DB"):
        args.db = Path(os.environ["CHECKIN_DB"])
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.screenshots is not None:
        from .ui.screenshots import main as screenshots

        return screenshots([str(args.screenshots)])
    from .ui.launcher import run

    return run(db=args.db, demo=args.demo, station=args.station, operator=args.operator)


if __name__ == "__main__":
    sys.exit(main())
