"""The `checkin` command: the whole desk from a terminal. Every command takes --db and --json.

Errors are one plain line on stderr and a non-zero exit code; a traceback goes to the
log file, never to the person at the desk.

This module is the parser and main. The commands live in checkin/commands/, one module per
subject, each adding its own through `register(cli)` (checkin/commands/__init__.py lists them).
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
from pathlib import Path

from . import __version__, i18n, paths
from .commands import COMMAND_MODULES
from .commands.support import EXIT_ERROR, CliError, CommandLine
from .commands.tickets import TicketCommandError
from .config import ConfigError
from .desk import DeskError
from .importer import ImportFileError
from .policy import StationError
from .privacy import PrivacyError, Role
from .store import StoreError, explain_sqlite_error

log = logging.getLogger("checkin")


def build_parser() -> argparse.ArgumentParser:
    i18n.speak_argparse()  # "usage:", "options", argparse's errors: in the CLI's language
    _ = i18n.gettext
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=argparse.SUPPRESS,
                        help=_("event database (default: $CHECKIN_DB or the user data folder)"))
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help=_("print JSON for scripts"))
    common.add_argument("--operator", default=argparse.SUPPRESS,
                        help=_("who is at the desk (default: $CHECKIN_OPERATOR or the login name)"))
    common.add_argument("--role", choices=[str(r) for r in Role], default=argparse.SUPPRESS,
                        help=_("desk (default: phone numbers and e-mails masked) or organiser"))
    common.add_argument("--pin", default=argparse.SUPPRESS,
                        help=_("the organiser PIN (default: $CHECKIN_ORGANISER_PIN)"))
    parser = argparse.ArgumentParser(prog="checkin", parents=[common],
                                     description=_("Checkin Desk: conference registration desk"))
    parser.add_argument("--version", action="version", version=f"checkin {__version__}",
                        help=_("show the version and exit"))
    cli = CommandLine(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"),
                      common)
    for module in COMMAND_MODULES:
        module.register(cli)
    return parser


def _setup_logging() -> None:
    try:
        path = paths.log_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def _qt_print_system():
    """Qt's printers, for a computer without CUPS (Windows): imported only when asked for,
    so the command line starts without Qt and runs where PySide6 is not installed."""
    from .ui.qt_printer import command_line_print_system

    return command_line_print_system()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.qt_print_system = _qt_print_system
    args.db = getattr(args, "db", None) or paths.default_db()
    args.json = getattr(args, "json", False)
    args.operator = getattr(args, "operator", None) or os.environ.get("CHECKIN_OPERATOR")
    args.role = getattr(args, "role", None)
    args.pin = getattr(args, "pin", None)  # $CHECKIN_ORGANISER_PIN is read where a PIN is due
    _setup_logging()
    try:
        return args.func(args)
    except (CliError, ConfigError, ImportFileError, StoreError, DeskError, StationError,
            PrivacyError, TicketCommandError) as exc:
        print(f"checkin: {exc}", file=sys.stderr)
    except (ValueError, KeyError) as exc:  # bad templates, fields, sizes: said in plain words
        log.info("refused: %s", exc)
        print(f"checkin: {exc.args[0] if exc.args else exc}", file=sys.stderr)
    except sqlite3.Error as exc:
        print(f"checkin: {explain_sqlite_error(exc, args.db)}", file=sys.stderr)
    except BrokenPipeError:  # `checkin list | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(f"checkin: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
    except KeyboardInterrupt:
        print("checkin: " + i18n.gettext("interrupted"), file=sys.stderr)
    except ModuleNotFoundError as exc:  # a wheel installed without the extra this command needs
        log.info("missing module: %s", exc)
        print("checkin: " + i18n.gettext(
            "{0} is not installed: pip install 'checkin-desk[desk]' (or [server])").format(
                exc.name or exc), file=sys.stderr)
    except Exception as exc:  # a bug: say so plainly, keep the details in the log
        log.exception("unexpected error in %s", args.command)
        print("checkin: " + i18n.gettext("unexpected error ({0}: {1}); details in {2}").format(
            type(exc).__name__, exc, paths.log_file()), file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
