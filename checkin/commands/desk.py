"""The desk's own commands: start an event (init, import, demo), find and list people, decide
scans (scan, team, override, undo), register walk-ins, correct, count and export."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import tempfile
from pathlib import Path

from .. import masking, privacy, wipe
from ..clock import shown_in
from ..config import load_config
from ..history import document_word, kind_word
from ..i18n import _, pgettext
from ..importer import import_file
from ..model import FREE, PAID, PAYMENT_METHODS, UNPAID, Outcome
from ..presentation import station_label
from ..store import audit, eventlog
from ..store import registrants as reg_store
from . import printing as printing_commands
from . import privacy as privacy_commands
from .support import (
    EXIT_ALREADY,
    EXIT_ERROR,
    EXIT_REFUSED,
    CliError,
    CommandLine,
    command_role,
    emit,
    make_desk,
    open_store,
    record_shown,
    save_config,
    table,
)


def register(cli: CommandLine) -> None:
    command = cli.add
    p = command("init", cmd_init, _("create or update the event from an event TOML file"))
    p.add_argument("event_file", type=Path, metavar="EVENT_TOML")
    p.add_argument("--device-name",
                   help=_("a name for this desk shown to others (e.g. {0})").format("报到处1"))
    p = command("import", cmd_import, _("import a registration export (XLSX or CSV)"))
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--mapping", type=Path,
                   help=_("TOML/JSON file: field = \"column header\""))
    p.add_argument("--sheet", help=_("sheet to read (default: the first with a header row)"))
    p.add_argument("--dry-run", action="store_true",
                   help=_("show what would change, write nothing"))
    missing = p.add_mutually_exclusive_group()
    missing.add_argument("--mark-missing", dest="mark_missing", action="store_true", default=None,
                         help=_("mark everyone not in this file as gone, however many"))
    missing.add_argument("--supplement", dest="mark_missing", action="store_false",
                         help=_("this file adds to the list: mark nobody as gone"))
    p = command("list", cmd_list, _("list registrants"))
    p.add_argument("--category", help=_("only this category"))
    p.add_argument("--all", action="store_true", help=_("include those no longer in the export"))
    p = command("search", cmd_search,
                _("find people by name, pinyin, initials, phone tail, org, code"))
    p.add_argument("query", metavar="QUERY")
    p.add_argument("--limit", type=int, default=20, help=_("at most this many (default 20)"))
    p = command("scan", cmd_scan, _("decide a scanned code at a station and record it"))
    p.add_argument("code", metavar="CODE")
    p.add_argument("--station", default="registration",
                   help=_("registration | meal:<slot> | forum:<id> (default: registration)"))
    p.add_argument("--exit", action="store_true",
                   help=_("someone leaving through a forum door (its occupancy, attendance "
                          "minutes)"))
    p.add_argument("--at", type=_event_time, metavar="YYYY-MM-DDTHH:MM",
                   help=_("enter a paper sign-in sheet afterwards: the scan as of this time "
                          "(organiser role, with --reason)"))
    p.add_argument("--reason", help=_("why a paper sheet is entered (with --at)"))
    p.add_argument("--print-to", metavar="PRINTER",
                   help=_("print the badge on check-in to this printer (see `checkin printers`)"))
    p.add_argument("--print-folder", type=Path, metavar="DIR",
                   help=_("save the badge PDF on check-in"))
    p.add_argument("--vouchers", action="store_true",
                   help=_("also print meal vouchers on check-in"))
    p = command("team", cmd_team,
                _("check a whole team in (give a member's code or the team name)"))
    p.add_argument("code", metavar="CODE")
    p.add_argument("--station", default="registration", help=_("default: registration"))
    p = command("override", cmd_override,
                _("supervisor admits against the rules, with a reason"))
    p.add_argument("code", metavar="CODE")
    p.add_argument("--station", default="registration", help=_("default: registration"))
    p.add_argument("--reason", required=True, help=_("why, for the audit trail"))
    p.add_argument("--supervisor", required=True, help=_("the supervisor's name"))
    p = command("undo", cmd_undo, _("undo this desk's last admission (or --event UUID)"))
    p.add_argument("--event", metavar="UUID", help=_("the admission to undo (its event id)"))
    p.add_argument("--reason", help=_("why, for the audit trail"))
    p = command("walkin", cmd_walkin, _("register someone on site and check them in"))
    p.add_argument("--name", required=True, help=_("the person's name"))
    p.add_argument("--payment", help=_("required: {paid} / {on_site} (paid, on site too), "
                                       "{unpaid} (unpaid) or {free} (free)").format(
        paid=PAID, on_site="现场缴费", unpaid=UNPAID, free=FREE))
    for opt in ("phone", "email", "organisation", "title", "category", "amount", "code"):
        p.add_argument(f"--{opt}")
    p.add_argument("--method", choices=PAYMENT_METHODS, help=_("how a paid walk-in paid"))
    p.add_argument("--meals", help=_("meal slot ids, e.g. {0}").format("day1-lunch,day2-lunch"))
    p.add_argument("--forums", help=_("forum ids, e.g. {0}").format("F1,F3"))
    p.add_argument("--no-checkin", action="store_true", help=_("register only"))
    p = command("edit", cmd_edit, _("correct a registrant's fields (audited)"))
    p.add_argument("code", metavar="CODE")
    p.add_argument("changes", nargs="+", metavar="FIELD=VALUE")
    p.add_argument("--reason", help=_("why, for the audit trail"))
    p = command("history", cmd_history, _("every event about one registrant"))
    p.add_argument("code", metavar="CODE")
    command("stats", cmd_stats, _("arrived vs expected, by category and day; meals; forums"))
    p = command("export", cmd_export, _("export data for after the event"))
    p.add_argument("what", choices=["attendance", "cme"],
                   help=_("attendance: every person's arrival, meals and forums; cme: the "
                          "credit sheet for the CME office"))
    p.add_argument("-o", "--output", type=Path, required=True, help=_("FILE.xlsx or FILE.csv"))
    p = command("demo", cmd_demo, _("create a realistic demo event that runs today"))
    p.add_argument("--people", type=int, default=1500,
                   help=_("how many registrants (default 1500)"))
    p.add_argument("--export", help=_("also keep the generated export file (.xlsx or .csv)"))
    command("check", cmd_check, _("run SQLite's integrity check on the database"))


# -- commands ----------------------------------------------------------------
def cmd_init(args) -> int:
    config = load_config(args.event_file)
    with open_store(args, create=True) as store:
        details = save_config(args, store, config, source=Path(args.event_file).name)
        minimised = details["registrants_minimised"]
        emit(args, {"db": str(args.db), "event": config.name, "device_id": store.device_id,
                    "changed": details["changed"], "registrants_minimised": minimised},
             _("{name}: {meals} meal slots, {forums} forums, {categories} categories -> {db}")
             .format(name=config.name, meals=len(config.meals), forums=len(config.forums),
                     categories=len(config.categories), db=args.db)
             + ("\n" + _("{0} registrants reduced to the [privacy] desk_fields").format(minimised)
                if minimised else ""))
    privacy_commands.warn_if_weak_pin(config)  # an older event file: still unlocks
    return 0


def cmd_import(args) -> int:
    if not Path(args.file).is_file():  # before a new event database is made for nothing
        raise CliError(_("file not found: {0}").format(args.file))
    with open_store(args, create=True) as store:
        role = command_role(args, store)
        report = import_file(store, args.file, mapping=args.mapping, sheet=args.sheet,
                             dry_run=args.dry_run, mark_missing=args.mark_missing,
                             operator=args.operator)
        if args.dry_run:  # a real import is audited by import_file itself
            audit.log(store, audit.IMPORT, operator=args.operator, details={
                "file": Path(args.file).name, "dry_run": True, "rows_read": report.rows_read})
        if not privacy.can_see_personal(role):  # the changes and problems quote values
            report.changes = masking.mask_data(report.changes)
            for problem in report.problems:
                problem.message = masking.mask_text(problem.message)
        elif report.changes:
            record_shown(args, store, role, len(report.changes))
    emit(args, report.to_json(), report.to_text())
    return 0


def _registrant_json(reg, meal_names: dict[str, str]) -> dict:
    return {"code": reg.code, "name": reg.name, "phone": reg.phone, "email": reg.email,
            "category": reg.category, "team": reg.team, "payment": reg.payment,
            "meals": [meal_names.get(m, m) for m in reg.meals], "forums": reg.forums,
            "organisation": reg.organisation, "missing": reg.missing,
            "id_number": reg.id_number, "cme_card": reg.cme_card}  # masked for the desk role


def cmd_list(args) -> int:
    with open_store(args) as store:
        role = command_role(args, store)
        people = reg_store.all_registrants(store.reader(), include_missing=args.all)
        names = {m.id: m.name for m in store.config.meals}
        if args.category:
            people = [p for p in people if p.category == args.category]
        record_shown(args, store, role, len(people))
    data = [_registrant_json(privacy.display_registrant(p, role), names) for p in people]
    rows = [[d["code"], d["name"], d["phone"], d["category"], d["team"], d["payment"],
             "、".join(d["meals"])] for d in data]
    emit(args, data, table(rows, [_("code"), _("name"), _("phone"), _("category"), _("team"),
                                  _("payment"), _("meals")])
         + "\n" + _("{0} registrants").format(len(rows)))
    return 0


def cmd_search(args) -> int:
    from ..search import SearchIndex

    with open_store(args) as store:
        role = command_role(args, store)
        hits = SearchIndex(store).search(args.query, limit=args.limit)
        record_shown(args, store, role, len(hits))
    if not privacy.can_see_personal(role):
        hits = [dataclasses.replace(h, phone=masking.mask_phone(h.phone)) for h in hits]
    data = [dict(h.__dict__) for h in hits]
    rows = [["✓" if h.arrived else ("✗" if h.missing else ""), h.code, h.name, h.organisation,
             h.category, h.phone, _matched_word(h.matched)] for h in hits]
    emit(args, data, table(rows, [_("in"), _("code"), _("name"), _("organisation"),
                                  _("category"), _("phone"), _("matched")])
         if hits else _("no match"))


def _matched_word(field: str) -> str:
    """Which field of the person the search matched, in words."""
    return {"code": _("code"), "name": _("name"), "organisation": _("organisation"),
            "phone": _("phone"), "pinyin": _("pinyin"), "initials": _("initials")}.get(field, field)
    return 0


def _decision_text(d) -> str:
    # the words of the window's result banner (msgctxt ResultBanner: "OK" is 通过, not 确定)
    banner = {Outcome.OK: pgettext("ResultBanner", "OK"), Outcome.ALREADY: _("ALREADY"),
              Outcome.NOT_FOUND: _("NOT FOUND"), Outcome.NOT_ELIGIBLE: _("REFUSED"),
              Outcome.INVALID: _("INVALID")}[d.outcome]
    who = f" {d.name} ({d.category})" if d.name else ""
    return f"[{banner}]{who} — {d.reason}" + "".join(f"\n  ⚠ {a}" for a in d.alerts)


def _event_time(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text.strip().replace(" ", "T"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("{0} is not a time such as 2026-06-26T09:05").format(repr(text))) from None


def cmd_scan(args) -> int:
    with open_store(args) as store:
        if args.at is not None:
            command_role(args, store, need=_("entering a paper sign-in sheet"))
            decision = make_desk(args, store).backfill(args.code, args.station, args.at,
                                                       args.reason or "", exit=args.exit)
            emit(args, decision.to_json(), _decision_text(decision))
            return _exit_code([decision])
        if args.reason:
            raise CliError(_("--reason goes with --at (a paper sheet entered afterwards)"))
        decision = make_desk(args, store).scan(args.code, args.station, exit=args.exit)
        printed = printing_commands.auto_print(args, store, decision) if decision.ok else []
    data = {**decision.to_json(), "printed": printed}
    text = _decision_text(decision) + "".join(
        "\n  " + _("printed: {0}").format(document_word(p)) for p in printed)
    emit(args, data, text)
    return _exit_code([decision])


def _exit_code(decisions) -> int:
    """0 when someone was admitted now, 3 when all were in already, 1 otherwise."""
    outcomes = {d.outcome for d in decisions}
    if Outcome.OK in outcomes:
        return 0
    return EXIT_ALREADY if Outcome.ALREADY in outcomes else EXIT_REFUSED


def cmd_team(args) -> int:
    with open_store(args) as store:
        decisions = make_desk(args, store).check_in_team(args.code, args.station)
    emit(args, [d.to_json() for d in decisions], "\n".join(_decision_text(d) for d in decisions))
    return _exit_code(decisions)


def cmd_override(args) -> int:
    with open_store(args) as store:
        decision = make_desk(args, store).override(args.code, args.station, args.reason, args.supervisor)
    emit(args, decision.to_json(), _decision_text(decision))
    return 0


def cmd_undo(args) -> int:
    with open_store(args) as store:
        undo = make_desk(args, store).undo(args.event, reason=args.reason or "")
        target = eventlog.get(store.reader(), undo.ref)
        station = station_label(target.station, store.config)
    emit(args, {"undo": undo.uuid, "undone": undo.ref, "code": target.code,
                "station": target.station},
         _("undone: {what} of {code} at {station} ({time})").format(
             what=kind_word(target.kind), code=target.code, station=station,
             time=target.wall_time[:19]))
    return 0


def cmd_walkin(args) -> int:
    if not args.payment:
        raise CliError(_("a walk-in needs --payment: {paid} or {on_site} (paid), {unpaid} "
                         "(unpaid) or {free} (free); nothing was registered").format(
            paid=PAID, on_site="现场缴费", unpaid=UNPAID, free=FREE))
    fields = {k: v for k, v in vars(args).items()
              if k in ("name", "phone", "email", "organisation", "title", "category", "payment",
                       "amount", "code", "meals", "forums") and v is not None}
    with open_store(args) as store:
        reg, decision = make_desk(args, store).walk_in(fields, check_in=not args.no_checkin,
                                                       payment_method=args.method)
    data = {"code": reg.code, "name": reg.name, "decision": decision.to_json() if decision else None}
    emit(args, data, _("registered {name} as {code}").format(name=reg.name, code=reg.code)
         + (f"\n{_decision_text(decision)}" if decision else "")
         + ("\n" + _("registered, but NOT checked in") if decision and not decision.ok else ""))
    return _exit_code([decision]) if decision else 0


def cmd_edit(args) -> int:
    changes = {}
    for item in args.changes:
        key, sep, value = item.partition("=")
        if not sep:
            raise CliError(_("write changes as field=value, not {0}").format(repr(item)))
        changes[key.strip()] = value
    with open_store(args) as store:
        role = command_role(args, store)
        reg = make_desk(args, store).edit(args.code, changes, reason=args.reason or "")
        record_shown(args, store, role, 1 if args.json else 0, reg.code)
    emit(args, _registrant_json(privacy.display_registrant(reg, role), {}),
         _("{code}: saved (version {version})").format(code=reg.code, version=reg.version))
    return 0


def cmd_history(args) -> int:
    with open_store(args) as store:
        role = command_role(args, store)
        events = eventlog.history(store.reader(), args.code)
        record_shown(args, store, role, len(events), args.code)
        zone = audit.event_zone(store)
        desks = {d: store.device_label(d) for d in {e.device_id for e in events}}
        config = store.config
    if not privacy.can_see_personal(role):
        events = [dataclasses.replace(e, data=masking.mask_data(e.data)) for e in events]
    data = [dict(e.__dict__) for e in events]
    rows = [[shown_in(e.wall_time, zone), kind_word(e.kind), station_label(e.station, config),
             desks[e.device_id],
             e.operator, json.dumps(e.data, ensure_ascii=False) if e.data else ""]
            for e in events]
    emit(args, data, table(rows, [_("time"), _("what"), _("station"), _("desk"), _("operator"),
                                  _("details")])
         if rows else _("no events for {0}").format(args.code))
    return 0


def cmd_stats(args) -> int:
    from ..stats import headcounts

    with open_store(args) as store:
        stats = headcounts(store)
        wiped = wipe.wiped_state(store)
        if wiped and not store.counts()["registrants"] and wipe.anonymous_counts(store):
            # Personal data removed (purge, revocation): the counts taken just before.
            stats = {**wipe.anonymous_counts(store), "wiped": wiped}
    parts = [_("{event}: {arrived} of {expected} arrived").format(
                 event=stats["event"], arrived=stats["arrived"], expected=stats["expected"]),
             table([[c["category"], c["expected"], c["arrived"]] for c in stats["by_category"]],
                   [_("category"), _("expected"), _("arrived")])]
    if stats["by_day"]:
        parts.append(table([[d["day"], d["arrived"]] for d in stats["by_day"]],
                           [_("day"), _("arrived")]))
    if stats["meals"]:
        parts.append(table([[m["name"], m["date"], m["entitled"], m["redeemed"]]
                            for m in stats["meals"]],
                           [_("meal"), _("date"), _("entitled"), _("redeemed")]))
    if stats["forums"]:
        parts.append(table([[f["name"], f["room"], f["capacity"], f["signed_up"], f["entered"]]
                            for f in stats["forums"]],
                           [_("forum"), _("room"), _("capacity"), _("signed up"), _("entered")]))
    if stats.get("wiped"):
        parts.insert(0, _("registrant data removed on {at} ({reason}): the counts as they were "
                          "then").format(at=stats["wiped"]["at"][:16].replace("T", " "),
                                         reason=_wipe_reason(stats["wiped"]["reason"])))
    emit(args, stats, "\n\n".join(parts))
    return 0


def _wipe_reason(reason: str) -> str:
    """Why the registrant data went (wipe.wipe's reason), in words."""
    return {"purge": _("purged after the event"),
            "revoked": _("this desk was revoked")}.get(reason, reason)


def cmd_export(args) -> int:
    from ..export import export_attendance, export_cme

    with open_store(args) as store:
        if args.what == "cme":
            command_role(args, store, need=_("exporting CME credits"))
            count = export_cme(store, args.output, operator=args.operator)
        else:
            command_role(args, store, need=_("exporting attendance"))
            count = export_attendance(store, args.output, operator=args.operator)
    emit(args, {"file": str(args.output), "rows": count},
         _("wrote {count} rows to {file}").format(count=count, file=args.output))
    return 0


def cmd_demo(args) -> int:
    from ..demo import demo_event_config, write_export

    if not 1 <= args.people <= 200_000:
        raise CliError(_("--people must be between 1 and 200000"))
    if Path(args.db).exists():
        with open_store(args) as store:
            if store.counts()["registrants"] or store.meta("config"):
                raise CliError(_("{0} already holds an event: give the demo its own --db")
                               .format(args.db))
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(args.export) if args.export else Path(tmp) / "demo-export.csv"
        write_export(export, args.people)
        with open_store(args, create=True) as store:
            with store.transaction() as conn:
                store.save_config(conn, demo_event_config())
            report = import_file(store, export)
    emit(args, {"db": str(args.db), "registrants": report.imported, "export": args.export},
         _("demo event with {count} registrants -> {db}").format(count=report.imported,
                                                                  db=args.db)
         + ("\n" + _("export written to {0}").format(args.export) if args.export else ""))
    return 0


def cmd_check(args) -> int:
    with open_store(args) as store:
        result = store.integrity_check()
        counts = store.counts()
    ok = result == ["ok"]
    emit(args, {"ok": ok, "integrity_check": result, **counts},
         (_("integrity check: ok") if ok
          else _("integrity check FAILED:") + "\n" + "\n".join(result))
         + "\n" + _("{registrants} registrants, {events} events, {unsent} not yet synced").format(
             registrants=counts["registrants"], events=counts["events"],
             unsent=counts["unsent"]))
    return 0 if ok else EXIT_ERROR
