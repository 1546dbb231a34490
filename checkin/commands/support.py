"""What the `checkin` command modules share: the one-line error, exit codes, output (JSON or
text and tables), opening the database, the desk, the role a command runs with (organiser PIN),
and saving an event configuration.

Every command module registers its commands the same way, `register(cli)` with the
CommandLine below.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
from pathlib import Path

from .. import privacy
from ..clock import now_iso
from ..desk import Desk
from ..i18n import _, current
from ..privacy import Role
from ..store import Store, audit, personal

# A scan's exit code says what happened: 0 admitted now, 1 refused, 3 already admitted (at
# registration they are in; at a meal station it is a refused second meal), 2 an error.
EXIT_ERROR, EXIT_REFUSED, EXIT_ALREADY = 2, 1, 3


class CliError(Exception):
    pass


@dataclasses.dataclass
class CommandLine:
    """What a command module gets to add its commands: `add(name, func, help)` for a command,
    `actions(parser, dest)` for one with actions (`keys new`, `server revoke`); both take the
    options every command takes (`common`: --db, --json, --operator, --role, --pin)."""

    subparsers: argparse._SubParsersAction
    common: argparse.ArgumentParser

    def add(self, name: str, func, help_text: str) -> argparse.ArgumentParser:
        parser = self.subparsers.add_parser(name, parents=[self.common], help=help_text,
                                            description=help_text)
        parser.set_defaults(func=func)
        return parser

    def actions(self, parser: argparse.ArgumentParser, dest: str):
        """`add(name, func, help)` for the actions under `parser`."""
        sub = parser.add_subparsers(dest=dest, required=True, metavar="ACTION")

        def add(name: str, func, help_text: str, **options) -> argparse.ArgumentParser:
            action = sub.add_parser(name, parents=[self.common], help=help_text, **options)
            action.set_defaults(func=func)
            return action
        return add


# -- output helpers ---------------------------------------------------------
def emit(args, data, text: str) -> None:
    """`text` for a person, or `data` as JSON with --json (one line for a list of rows)."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=None if isinstance(data, list) else 2))
    else:
        print(text)


def table(rows: list[list], headers: list[str]) -> str:
    from unicodedata import east_asian_width

    def width(s: str) -> int:
        return sum(2 if east_asian_width(c) in "WF" else 1 for c in s)

    cells = [[("" if v is None else str(v)) for v in row] for row in [headers, *rows]]
    widths = [max(width(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c + " " * (w - width(c)) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def open_store(args, *, create: bool = False) -> Store:
    """The event database at --db. Only the commands that start an event (`create`) may
    make a new file: a mistyped --db would otherwise answer "not found" for everyone."""
    if not create and str(args.db) != ":memory:" and not Path(args.db).exists():
        raise CliError(_(
            "no event database at {0}: check --db (or $CHECKIN_DB), or start one with "
            "`checkin demo`, `checkin import FILE`, `checkin init EVENT.toml` or "
            "`checkin enroll URL CODE`").format(args.db))
    return Store(args.db)


def make_desk(args, store: Store) -> Desk:
    return Desk(store, operator=args.operator, chinese=current().chinese)


# -- roles and personal data (issue 7, checkin/privacy.py) -------------------------
def command_role(args, store: Store, *, need: str | None = None) -> Role:
    """The role this command runs with: the desk's (personal data masked) unless
    `--role organiser` with the right organiser PIN (--pin or $CHECKIN_ORGANISER_PIN). `need`:
    the command is an organiser's job (refused without the PIN), a phrase in the CLI's
    language ("exporting attendance"). Attempts are audited."""
    if args.role == Role.DESK and need:
        raise CliError(_("{0} is an organiser's job: run it with --role organiser --pin PIN")
                       .format(need))
    if args.role != Role.ORGANISER and not need:
        return Role.DESK
    pin = args.pin or os.environ.get("CHECKIN_ORGANISER_PIN")
    if need and not pin and privacy.has_organiser_pin(store):
        raise CliError(_("{0} is an organiser's job: give the organiser PIN "
                         "(--pin PIN, or set CHECKIN_ORGANISER_PIN)").format(need))
    return privacy.unlock(store, pin, operator=args.operator, purpose=args.command)


def record_shown(args, store: Store, role: Role, rows: int, code: str | None = None) -> None:
    """Personal data went out unmasked (to an organiser): the audit trail says so."""
    if privacy.can_see_personal(role) and rows:
        audit.log(store, audit.SHOWN, operator=args.operator, code=code,
                  details={"command": args.command, "rows": rows, "json": bool(args.json)})


# -- event configuration (`checkin init`, `checkin privacy pin --save`) ------------
def _config_changes(old, new) -> list[str]:
    """Which parts of the event configuration differ (names only: never a PIN hash)."""
    if old is None:
        return ["new"]
    a, b = dataclasses.asdict(old), dataclasses.asdict(new)
    changed = [k for k in b if k != "privacy" and a.get(k) != b[k]]
    changed += [f"privacy.{k}" for k in b["privacy"] if a["privacy"].get(k) != b["privacy"][k]]
    return changed


def save_config(args, store: Store, config, *, source: str) -> dict:
    """Store a new event configuration on this desk, audited. Changing the [privacy] settings
    of a desk that has an organiser PIN takes that PIN; new desk_fields are applied to the
    registrants already stored (the fields left out are zeroed on disk)."""
    old = store.config if store.meta("config") else None
    old_privacy = store.config.privacy
    if config.privacy != old_privacy and old_privacy.organiser_pin_hash:
        command_role(args, store, need=_("changing the [privacy] settings of this desk"))
    changed = _config_changes(old, config)
    fields_changed = config.privacy.desk_fields != old_privacy.desk_fields
    at = now_iso(config.zone())
    with store.secure_transaction() if fields_changed else store.transaction() as conn:
        store.save_config(conn, config)
        if getattr(args, "device_name", None):
            store.set_meta(conn, "device_name", args.device_name)
        minimised = (personal.apply_desk_fields(conn, config.privacy.desk_fields)
                     if fields_changed else 0)
        if minimised:
            store.bump_registrant_generation(conn)
        details = {"source": source, "event": config.name, "changed": changed,
                   "registrants_minimised": minimised}
        audit.record(store, conn, audit.CONFIG, operator=args.operator, at=at, details=details)
    if minimised:
        store.compact()
    return details
