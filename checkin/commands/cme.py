"""`checkin cme`: CME credit per person, from the forum doors' entry and exit scans and the
event file's [cme] sessions (checkin/cme.py). The office's sheet is `checkin export cme`;
`checkin server cme` asks the central service for the same over every desk's scans."""

from __future__ import annotations

from ..i18n import _
from .support import CliError, CommandLine, emit, open_store, table


def register(cli: CommandLine) -> None:
    cli.add("cme", cmd_cme, _("CME credit per person: minutes present in each session, "
                              "credits, and why any fell short"))


def cmd_cme(args) -> int:
    from ..export import cme_credits, cme_items, desk_lookup

    with open_store(args) as store:
        credits = cme_credits(store)
        if credits is None:
            raise CliError(_("the event file has no [cme] section: name the CME project and "
                             "its sessions there first (docs/cme.md)"))
        sessions = [s.name for s in store.config.cme.sessions]
        items = cme_items(credits, desk_lookup(store))
    emit(args, items, credit_table(sessions, items))
    return 0


def credit_table(sessions: list[str], items: list[dict]) -> str:
    """The report for a person to read: minutes per session (in the event file's order),
    credits, and why any fell short. Shared with `checkin server cme`."""
    if not items:
        return _("nobody was scanned at a CME session door yet")
    rows = [[p["code"], p["name"] or "", *p["minutes"].values(), f"{p['credits']:g}",
             "；".join(p["shortfall"])] for p in items]
    headers = [_("code"), _("name"), *sessions, _("credits"), _("notes")]
    return table(rows, headers)
