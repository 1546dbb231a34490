"""`checkin privacy pin`, `checkin audit`, `checkin purge`, and the audit record of
`checkin tickets issue`: personal data and who handled it (the rules: checkin/privacy.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import json
import os
import sys
from pathlib import Path

from .. import masking, paths, privacy, wipe
from .. import pin as pin_rule
from ..store import audit, outbox
from .support import (
    CliError,
    CommandLine,
    command_role,
    emit,
    open_store,
    record_shown,
    save_config,
    table,
)


def register(cli: CommandLine) -> None:
    command = cli.add
    p = command("audit", cmd_audit, "who did what, on which desk, when (audit trail and events)")
    p.add_argument("--since", help="from this date or time (event time zone), e.g. 2026-06-26")
    p = command("purge", cmd_purge, "after the event: delete registrants' personal data and "
                "PDFs, keep anonymous counts (organiser)")
    p.add_argument("--yes", action="store_true", help="yes, delete it")
    p.add_argument("--pdf-folder", type=Path, action="append",
                   help="another folder of saved badge/voucher PDFs (the settings' one is known)")
    p.add_argument("--before-end", action="store_true", help="purge although the event runs")
    p.add_argument("--force", action="store_true",
                   help="purge although walk-ins or edits were not sent to the central list")
    p = command("privacy", None, "personal data: `privacy pin` makes the organiser PIN")
    pin = cli.actions(p, "privacy_command")(
        "pin", cmd_privacy_pin, "a new organiser PIN: the line for the event file",
        description="Make a new organiser PIN: asked twice, or --pin PIN (the new one) for "
                    f"scripts; {pin_rule.RULE}. Prints the [privacy] line to paste in the "
                    "event file.")
    pin.add_argument("--save", action="store_true",
                     help="also store it in this desk's event configuration (audited)")
    pin.add_argument("--current-pin", help="to change the PIN this desk has (--save)")


def cmd_privacy_pin(args) -> int:
    """A new organiser PIN: its salted hash, to paste in the event file (or --save)."""
    pin = args.pin
    if not pin:
        if not sys.stdin.isatty():
            raise CliError("give the new PIN with --pin PIN (there is no terminal to ask on)")
        pin = getpass.getpass("new organiser PIN: ")
        if problem := pin_rule.pin_problem(pin):  # said before it is typed a second time
            raise CliError(problem)
        if getpass.getpass("the same PIN again: ") != pin:
            raise CliError("the two PINs differ: nothing was made")
    line = f'organiser_pin_hash = "{privacy.hash_pin(pin)}"'
    data = {"organiser_pin_hash": line.split('"')[1], "saved": False}
    text = ("add to the event file under [privacy] (desks get it with `checkin init`, enrolled "
            f"desks when they enrol):\n[privacy]\n{line}")
    if args.save:
        with open_store(args, create=True) as store:
            current = store.config
            if current.privacy.organiser_pin_hash:  # changing it takes the current one
                args.pin = args.current_pin or os.environ.get("CHECKIN_ORGANISER_PIN")
                if not args.pin:
                    raise CliError("this desk has an organiser PIN already: give it with "
                                   "--current-pin PIN (or CHECKIN_ORGANISER_PIN) to change it")
            new = dataclasses.replace(current, privacy=dataclasses.replace(
                current.privacy, organiser_pin_hash=data["organiser_pin_hash"]))
            save_config(args, store, new, source="privacy pin --save")
        data["saved"] = True
        text = f"organiser PIN saved in {args.db} (audited)\n" + text
    emit(args, data, text)
    return 0


def warn_if_weak_pin(config) -> None:
    """A warning on stderr, never a refusal, when the event's organiser PIN hash is cheaper
    to attack offline than today's standard (an event file made before it; checkin/pin.py)."""
    weak = pin_rule.weak_pin_hash(config.privacy.organiser_pin_hash)
    if weak:
        print(f"checkin: warning: {weak}", file=sys.stderr)


def _since(text: str | None, zone) -> dt.datetime | None:
    if not text:
        return None
    try:
        return audit.parse_time(text.strip().replace(" ", "T"), zone)
    except ValueError as exc:
        raise CliError(f"--since takes a date or time like 2026-06-26 or 2026-06-26T08:00, "
                       f"not {text!r}") from exc


def cmd_audit(args) -> int:
    """The audit trail and the event log together, in time order."""
    with open_store(args) as store:
        role = command_role(args, store)
        zone = store.config.zone()
        items = audit.timeline(store.reader(), _since(args.since, zone))
        labels = {d: store.device_label(d) for d in {i.device_id for i in items}}
        record_shown(args, store, role, len(items))
    see = privacy.can_see_personal(role)
    data = [{"source": i.source, "at": i.moment().astimezone(zone).isoformat(),
             "operator": i.operator, "device_id": i.device_id, "device": labels[i.device_id],
             "action": i.action, "code": i.code, "station": i.station,
             "details": i.details if see else masking.mask_data(i.details)} for i in items]
    rows = [[d["at"][:19].replace("T", " "), d["operator"], d["device"], d["action"],
             d["code"], d["station"],
             json.dumps(d["details"], ensure_ascii=False) if d["details"] else ""] for d in data]
    emit(args, data, table(rows, ["time", "who", "desk", "what", "code", "station", "details"])
         if rows else "nothing recorded" + (f" since {args.since}" if args.since else ""))
    return 0


def cmd_purge(args) -> int:
    """After the event: delete the registrants, the personal data in walk-in and edit events
    and the PDFs saved for them; anonymous counts stay (`checkin stats`)."""
    if not args.yes:
        raise CliError("purge deletes every registrant, the personal data of walk-ins and edits "
                       "and the saved PDFs from this desk: add --yes")
    with open_store(args) as store:
        command_role(args, store, need="purging personal data")
        if wipe.event_ended(store) is False and not args.before_end:
            raise CliError(f"the event runs until {store.config.end}: purge after it "
                           "(or add --before-end)")
        enrolled = bool(store.meta("sync.token"))  # a desk on its own has nobody to send to
        unsent = enrolled and outbox.unsent_personal_data(store.reader())
        if unsent and not args.force:
            raise CliError(f"{unsent} walk-in(s)/edit(s) not yet sent to the central list would "
                           "be lost: run `checkin sync` first (or add --force)")
        folders = [*_settings_pdf_folder(), *(args.pdf_folder or [])]
        summary = wipe.wipe(store, reason="purge", operator=args.operator,
                               pdf_folders=folders, action=audit.PURGE)
    emit(args, summary,
         f"purged: {summary['registrants']} registrants, {summary['events_scrubbed']} "
         f"event(s) scrubbed, {summary['pdfs']} PDF(s) deleted; anonymous counts kept "
         "(`checkin stats`), the audit trail too (`checkin audit`)"
         + compaction_note(summary))
    return 0


def compaction_note(summary: dict) -> str:
    if summary["file_compacted"]:
        return ""
    if summary.get("compact_error"):
        return (f"\nnote: the file could not be compacted ({summary['compact_error']}), so "
                "deleted data may remain in its free pages: free some disk space and run "
                "`checkin purge --yes` again")
    return ("\nnote: another program had the database open, so its WAL file could not be "
            "emptied yet: close it and run `checkin check`")


def _settings_pdf_folder() -> list[Path]:
    """Where the desk window saves badges and vouchers as PDFs (its settings' PDF folder),
    besides the folders the print queue recorded."""
    from ..settings import load_settings

    try:
        return [load_settings().printed_folder()]
    except Exception:  # unreadable settings: the default folder  # noqa: BLE001
        return [paths.data_dir() / "printed"]
