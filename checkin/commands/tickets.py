"""`checkin keys ...` and `checkin tickets ...`: signing keys, signed tickets, revocation.

Private keys stay in a folder on the organiser's machine (files readable by the owner only);
public keys go into the event configuration (`[tickets.keys]`), which travels to every desk.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

from .. import tickets
from ..i18n import _
from ..store import audit
from .support import CommandLine, command_role, open_store

EXPORT_COLUMNS = ("code", "name", "phone", "email", "ticket", "ticket_id")


class TicketCommandError(Exception):
    pass


def _write_private_key(path: Path, pem: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)


def cmd_keys_new(args) -> int:
    key_id = args.id or dt.date.today().strftime("k%Y%m%d")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", key_id):
        raise TicketCommandError(_("a key id is 1-32 letters, digits, - or _"))
    path = args.dir / f"{key_id}.pem"
    if path.exists():
        raise TicketCommandError(_("{0} exists: choose another --id (keys are never "
                                   "overwritten)").format(path))
    key = tickets.new_private_key()
    _write_private_key(path, tickets.private_key_pem(key))
    public = tickets.public_key_text(key)
    print(_("private key: {0} (keep it secret; only the organiser's machine needs it)")
          .format(path))
    print(_("add to the event file so desks trust it, then `checkin init` it on desks:"))
    print(f'[tickets.keys]\n{key_id} = "{public}"')
    return 0


def cmd_keys_list(args) -> int:
    for path in sorted(args.dir.glob("*.pem")):
        key = tickets.load_private_key(path.read_bytes())
        print(f"{path.stem}\t{tickets.public_key_text(key)}")
    return 0


def _timestamp(day: str | None, end_of_day: bool, zone) -> int:
    if not day:
        return 0
    date = dt.date.fromisoformat(day)
    moment = dt.datetime.combine(date, dt.time.max if end_of_day else dt.time.min, zone)
    return int(moment.timestamp())


def cmd_tickets_issue(args, store) -> int:
    from ..printing.documents import letter_items, select
    from ..printing.render import render_pdf
    from ..printing.templates import load_template

    config = store.config
    event = config.short_name
    if not event:
        raise TicketCommandError(_("the event needs a short_name (its id in tickets): set it "
                                   "in the event file and run `checkin init` again"))
    key_id = args.key.stem
    if config.ticket_keys.get(key_id) is None:
        raise TicketCommandError(_("the event does not list key {0} under [tickets.keys]: "
                                   "desks would refuse these tickets").format(repr(key_id)))
    key = tickets.load_private_key(args.key.read_bytes())
    if tickets.public_key_text(key) != config.ticket_keys[key_id]:
        raise TicketCommandError(_("{file} is not the key the event lists as {key}").format(
            file=args.key, key=repr(key_id)))
    zone = config.zone()
    valid_from = _timestamp(args.valid_from or config.start, False, zone)
    valid_until = _timestamp(args.valid_until or config.end, True, zone)
    people = select(store, category=args.category, sort="code")
    if not people:
        raise TicketCommandError(
            _("nobody to issue tickets for in category {0}").format(repr(args.category))
            if args.category else _("nobody to issue tickets for: import the list first"))
    issued = [(p, tickets.issue(key, key_id, event, p.code, valid_from=valid_from,
                                valid_until=valid_until)) for p in people]
    if args.output:
        from ..export import write_table

        rows = ((p.code, p.name, p.phone, p.email, text, tickets.decode(text).id)
                for p, text in issued)
        write_table(args.output, EXPORT_COLUMNS, rows, sheet="tickets")
        print(_("{count} tickets written to {file}").format(count=len(issued), file=args.output))
    if args.letters:
        try:
            items = letter_items(store, [p for p, _ in issued], load_template(args.template),
                                 {p.code: text for p, text in issued})
        except ValueError as exc:
            raise TicketCommandError(str(exc)) from exc
        report = render_pdf(items, args.letters)
        print(_("{count} confirmation letters written to {file}").format(
            count=len(issued), file=args.letters))
        for warning in report.warnings[:10]:
            print("  " + _("warning: {0}").format(warning))
    if not args.output and not args.letters:
        raise TicketCommandError(_("say where the tickets go: -o FILE.csv/.xlsx and/or --letters "
                                   "FILE.pdf"))
    return 0


def cmd_tickets_revoke(args) -> int:
    from ..desk import Desk

    with open_store(args) as store:
        event = Desk(store, operator=args.operator).revoke_ticket(args.ticket, args.reason)
    ticket_id = event.data["ticket_id"]
    if args.json:
        print(json.dumps({"ticket_id": ticket_id, "code": event.code, "reason": args.reason,
                          "event_uuid": event.uuid}, ensure_ascii=False, indent=2))
    else:
        print((_("ticket {ticket} (of {code}) revoked: this desk refuses it now, the other desks "
                 "once they sync; a re-issued ticket still admits") if event.code else
               _("ticket {ticket} revoked: this desk refuses it now, the other desks once they "
                 "sync; a re-issued ticket still admits")).format(ticket=ticket_id,
                                                                   code=event.code))
    return 0


def cmd_tickets_issue_audited(args) -> int:
    """`tickets issue` uses the private signing key and writes personal data out: an
    organiser's job (the PIN), and the audit trail records it."""
    with open_store(args) as store:  # the export holds phones and e-mails, as attendance
        command_role(args, store, need=_("issuing tickets (an export with phones and e-mails)"))
    with open_store(args) as store:
        result = cmd_tickets_issue(args, store)
    with open_store(args) as store:
        audit.log(store, audit.TICKET_KEY, operator=args.operator, details={
            "command": "tickets issue", "key": args.key.stem,
            "output": args.output.name if args.output else None,
            "letters": args.letters.name if args.letters else None,
            "category": args.category})
    return result


def register(cli: CommandLine) -> None:
    p = cli.add("keys", None, _("ticket signing keys: `keys new`, `keys list`"))
    action = cli.actions(p, "keys_command")
    new = action("new", cmd_keys_new, _("make a new signing key (rotation: a new id)"))
    new.add_argument("--dir", type=Path, required=True, help=_("folder of private keys"))
    new.add_argument("--id", help=_("key id (default kYYYYMMDD)"))
    listing = action("list", cmd_keys_list, _("keys in a folder with their public halves"))
    listing.add_argument("--dir", type=Path, required=True, help=_("folder of private keys"))

    p = cli.add("tickets", None, _("signed tickets: `tickets issue`, `tickets revoke`"))
    action = cli.actions(p, "tickets_command")
    issue = action("issue", cmd_tickets_issue_audited,
                   _("sign a ticket for everyone: an export column, letters"))
    issue.add_argument("--key", type=Path, required=True,
                       help=_("private key file (keys/ID.pem)"))
    issue.add_argument("-o", "--output", type=Path,
                       help=_("FILE.csv or FILE.xlsx with a ticket column"))
    issue.add_argument("--letters", type=Path,
                       help=_("confirmation letters with the QR (PDF)"))
    issue.add_argument("--template", default="letter-a4", help=_("see `checkin templates`"))
    issue.add_argument("--category", help=_("only this category"))
    issue.add_argument("--valid-from", help=_("YYYY-MM-DD (default: the event's start)"))
    issue.add_argument("--valid-until", help=_("YYYY-MM-DD (default: the event's end)"))
    revoke = action("revoke", cmd_tickets_revoke,
                    _("withdraw one ticket (lost, resold): desks refuse it from now on"))
    revoke.add_argument("ticket", metavar="TICKET_ID",
                        help=_("the ticket id (ticket_id column of `tickets issue -o`) or the "
                               "ticket"))
    revoke.add_argument("--reason", required=True, help=_("why (lost, resold, reissued ...)"))
