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
from ..i18n import _
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
    p = command("audit", cmd_audit,
                _("who did what, on which desk, when (audit trail and events)"))
    p.add_argument("--since", help=_("from this date or time (event time zone), e.g. {0}")
                   .format("2026-06-26"))
    p = command("purge", cmd_purge, _("after the event: delete registrants' personal data and "
                                      "PDFs, keep anonymous counts (organiser)"))
    p.add_argument("--yes", action="store_true", help=_("yes, delete it"))
    p.add_argument("--pdf-folder", type=Path, action="append",
                   help=_("another folder of saved badge/voucher PDFs (the settings' one is "
                          "known)"))
    p.add_argument("--before-end", action="store_true",
                   help=_("purge although the event runs"))
    p.add_argument("--force", action="store_true",
                   help=_("purge although walk-ins or edits were not sent to the central list"))
    p = command("privacy", None, _("personal data: `privacy pin` makes the organiser PIN"))
    pin = cli.actions(p, "privacy_command")(
        "pin", cmd_privacy_pin, _("a new organiser PIN: the line for the event file"),
        description=_("Make a new organiser PIN: asked twice, or --pin PIN (the new one) for "
                      "scripts; {0}. Prints the [privacy] line to paste in the event file.")
        .format(pin_rule.rule()))
    pin.add_argument("--save", action="store_true",
                     help=_("also store it in this desk's event configuration (audited)"))
    pin.add_argument("--current-pin", help=_("to change the PIN this desk has (--save)"))


def cmd_privacy_pin(args) -> int:
    """A new organiser PIN: its salted hash, to paste in the event file (or --save)."""
    pin = args.pin
    if not pin:
        if not sys.stdin.isatty():
            raise CliError(_("give the new PIN with --pin PIN (there is no terminal to ask on)"))
        pin = getpass.getpass(_("new organiser PIN: "))
        if problem := pin_rule.pin_problem(pin):  # said before it is typed a second time
            raise CliError(problem)
        if getpass.getpass(_("the same PIN again: ")) != pin:
            raise CliError(_("the two PINs differ: nothing was made"))
    line = f'organiser_pin_hash = "{privacy.hash_pin(pin)}"'
    data = {"organiser_pin_hash": line.split('"')[1], "saved": False}
    text = (_("add to the event file under [privacy] (desks get it with `checkin init`, "
              "enrolled desks when they enrol):") + f"\n[privacy]\n{line}")
    if args.save:
        with open_store(args, create=True) as store:
            current = store.config
            if current.privacy.organiser_pin_hash:  # changing it takes the current one
                args.pin = args.current_pin or os.environ.get("CHECKIN_ORGANISER_PIN")
                if not args.pin:
                    raise CliError(_("this desk has an organiser PIN already: give it with "
                                     "--current-pin PIN (or CHECKIN_ORGANISER_PIN) to change "
                                     "it"))
            new = dataclasses.replace(current, privacy=dataclasses.replace(
                current.privacy, organiser_pin_hash=data["organiser_pin_hash"]))
            save_config(args, store, new, source="privacy pin --save")
        data["saved"] = True
        text = _("organiser PIN saved in {0} (audited)").format(args.db) + "\n" + text
    emit(args, data, text)
    return 0


def warn_if_weak_pin(config) -> None:
    """A warning on stderr, never a refusal, when the event's organiser PIN hash is cheaper
    to attack offline than today's standard (an event file made before it; checkin/pin.py)."""
    weak = pin_rule.weak_pin_hash(config.privacy.organiser_pin_hash)
    if weak:
        print("checkin: " + _("warning: {0}").format(weak), file=sys.stderr)


def _since(text: str | None, zone) -> dt.datetime | None:
    if not text:
        return None
    try:
        return audit.parse_time(text.strip().replace(" ", "T"), zone)
    except ValueError as exc:
        raise CliError(_("--since takes a date or time like {0} or {1}, not {2}").format(
            "2026-06-26", "2026-06-26T08:00", repr(text))) from exc


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
    emit(args, data, table(rows, [_("time"), _("who"), _("desk"), _("what"), _("code"),
                                  _("station"), _("details")])
         if rows else _("nothing recorded since {0}").format(args.since) if args.since
         else _("nothing recorded"))
    return 0


def cmd_purge(args) -> int:
    """After the event: delete the registrants, the personal data in walk-in and edit events
    and the PDFs saved for them; anonymous counts stay (`checkin stats`)."""
    if not args.yes:
        raise CliError(_("purge deletes every registrant, the personal data of walk-ins and "
                         "edits and the saved PDFs from this desk: add --yes"))
    with open_store(args) as store:
        command_role(args, store, need=_("purging personal data"))
        if wipe.event_ended(store) is False and not args.before_end:
            raise CliError(_("the event runs until {0}: purge after it (or add --before-end)")
                           .format(store.config.end))
        enrolled = bool(store.meta("sync.token"))  # a desk on its own has nobody to send to
        unsent = enrolled and outbox.unsent_personal_data(store.reader())
        if unsent and not args.force:
            raise CliError(_("{0} walk-in(s)/edit(s) not yet sent to the central list would "
                             "be lost: run `checkin sync` first (or add --force)").format(unsent))
        folders = [*_settings_pdf_folder(), *(args.pdf_folder or [])]
        summary = wipe.wipe(store, reason="purge", operator=args.operator,
                               pdf_folders=folders, action=audit.PURGE)
    emit(args, summary,
         _("purged: {registrants} registrants, {events} event(s) scrubbed, {pdfs} PDF(s) "
           "deleted; anonymous counts kept (`checkin stats`), the audit trail too "
           "(`checkin audit`)").format(registrants=summary["registrants"],
                                       events=summary["events_scrubbed"], pdfs=summary["pdfs"])
         + compaction_note(summary))
    return 0


def compaction_note(summary: dict) -> str:
    if summary["file_compacted"]:
        return ""
    if summary.get("compact_error"):
        return "\n" + _("note: the file could not be compacted ({0}), so deleted data may "
                        "remain in its free pages: free some disk space and run `checkin purge "
                        "--yes` again").format(summary["compact_error"])
    return "\n" + _("note: another program had the database open, so its WAL file could not "
                    "be emptied yet: close it and run `checkin check`")


def _settings_pdf_folder() -> list[Path]:
    """Where the desk window saves badges and vouchers as PDFs (its settings' PDF folder),
    besides the folders the print queue recorded."""
    from ..settings import load_settings

    try:
        return [load_settings().printed_folder()]
    except Exception:  # unreadable settings: the default folder  # noqa: BLE001
        return [paths.data_dir() / "printed"]
