"""`checkin cme`: CME credit per person, from the forum doors' entry and exit scans and the
event file's [cme] sessions (checkin/cme.py). The office's sheet is `checkin export cme`."""

from __future__ import annotations

from ..i18n import _
from ..store import registrants as reg_store
from .support import CliError, CommandLine, emit, open_store, table


def register(cli: CommandLine) -> None:
    cli.add("cme", cmd_cme, _("CME credit per person: minutes present in each session, "
                              "credits, and why any fell short"))


def cmd_cme(args) -> int:
    from ..export import cme_credits

    with open_store(args) as store:
        credits = cme_credits(store)
        if credits is None:
            raise CliError(_("the event file has no [cme] section: name the CME project and "
                             "its sessions there first (docs/cme.md)"))
        sessions = store.config.cme.sessions
        conn = store.reader()
        names = {p.code: (reg.name if (reg := reg_store.get(conn, p.code)) else None)
                 for p in credits}
    data = [{"code": p.code, "name": names[p.code],
             "minutes": {s.session: s.minutes for s in p.sessions},
             "credits": p.credits, "shortfall": p.notes, "backfilled": p.backfilled}
            for p in credits]
    rows = [[p.code, names[p.code] or "", *(s.minutes for s in p.sessions), f"{p.credits:g}",
             "；".join(p.notes)] for p in credits]
    headers = [_("code"), _("name"), *(s.name for s in sessions), _("credits"), _("notes")]
    emit(args, data, table(rows, headers) if rows else _("nobody was scanned at a CME session "
                                                         "door yet"))
    return 0
