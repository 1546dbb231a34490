"""Start the desk window (`checkin-desk`, `python main.py`).

Qt is imported only here, lazily, so the core and the CLI never load it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import i18n, paths


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    i18n.speak_argparse()  # the system's language (the window's own setting is read later)
    _ = i18n.gettext
    parser = argparse.ArgumentParser(prog="checkin-desk",
                                     description=_("Checkin Desk: the desk window"))
    parser.add_argument("--db", type=Path,
                        help=_("event database to open (default: $CHECKIN_DB, else the event "
                               "opened last time, else the start screen)"))
    parser.add_argument("--demo", action="store_true",
                        help=_("open the demo event (created on first use)"))
    parser.add_argument("--station", default=None,
                        help=_("registration, meal (the slot being served now), meal:<slot>, "
                               "forum:<id> (default: the station this desk served last)"))
    parser.add_argument("--operator", default=os.environ.get("CHECKIN_OPERATOR"),
                        help=_("who is at the desk (default: $CHECKIN_OPERATOR or the login "
                               "name)"))
    parser.add_argument("--data-dir", type=Path,
                        help=_("folder for settings, the demo event and saved PDFs (default: "
                               "$CHECKIN_HOME, else the user data folder)"))
    parser.add_argument("--kiosk", action="store_true",
                        help=_("open the event as a self check-in kiosk for attendees: full "
                               "screen, touch first; leaving it needs the organiser PIN"))
    parser.add_argument("--wall", action="store_true",
                        help=_("also open the event's welcome wall, full screen on a "
                               "second screen when there is one (Ctrl+Shift+W in the window)"))
    parser.add_argument("--screenshots", type=Path, metavar="DIR",
                        help=_("write PNGs of every screen in Chinese and English (DIR/zh, "
                               "DIR/en) from a demo event in a temporary folder, then exit; "
                               "runs headless (with --kiosk: the kiosk's screens, portrait "
                               "and landscape)"))
    args = parser.parse_args(argv)
    if args.data_dir:
        paths.set_data_dir(args.data_dir)  # before anything reads the data folder
    if args.db is None and os.environ.get("CHECKIN_DB"):
        args.db = Path(os.environ["CHECKIN_DB"])
    return args


def _window_installed() -> bool:
    """Qt is in the `desk` extra: a core or server install has the command but no window."""
    from .ui.installed import qt_missing

    missing = qt_missing()
    if missing is not None:
        print("checkin-desk: " + i18n.gettext(
            "the desk window needs Qt (PySide6), which this installation does not have ({0}); "
            "install it with: {1}").format(missing, "pip install 'checkin-desk[desk]'"),
            file=sys.stderr)
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not _window_installed():
        return 1
    if args.screenshots is not None:
        if args.kiosk:
            from .ui.kiosk_screenshots import main as kiosk_screenshots

            return kiosk_screenshots([str(args.screenshots)])
        from .ui.screenshots import main as screenshots

        return screenshots([str(args.screenshots)])
    from .ui.launcher import run

    return run(db=args.db, demo=args.demo, station=args.station, operator=args.operator,
               kiosk=args.kiosk, wall=args.wall)


if __name__ == "__main__":
    sys.exit(main())
