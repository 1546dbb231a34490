"""The desk's own commands: start an event (init, import, demo), find and list people, decide
scans (scan, team, override, undo), register walk-ins, correct, count and export."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path

from .. import masking, privacy, wipe
from ..clock import shown_in
from ..config import load_config
from ..importer import import_file
from ..model import PAYMENT_METHODS, Outcome
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
    p = command("init", cmd_init, "create or update the event from an event TOML file")
    p.add_argument("event_file", type=Path)
    p.add_argument("--device-name", help="a name for this desk shown to others (e.g. 报到处1)")
    p = command("import", cmd_import, "import a registration export (XLSX or CSV)")
    p.add_argument("file", type=Path)
    p.add_argument("--mapping", type=Path, help="TOML/JSON file: field = \"column header\"")
    p.add_argument("--sheet", help="sheet to read (default: the first with a header row)")
    p.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    missing = p.add_mutually_exclusive_group()
    missing.add_argument("--mark-missing", dest="mark_missing", action="store_true", default=None,
                         help="mark everyone not in this file as gone, however many")
    missing.add_argument("--supplement", dest="mark_missing", action="store_false",
                         help="this file adds to the list: mark nobody as gone")
    p = command("list", cmd_list, "list registrants")
    p.add_argument("--category")
    p.add_argument("--all", action="store_true", help="include those no longer in the export")
    p = command("search", cmd_search, "find people by name, pinyin, initials, phone tail, org, code")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p = command("scan", cmd_scan, "decide a scanned code at a station and record it")
    p.add_argument("code")
    p.add_argument("--station", default="registration",
                   help="registration | meal:<slot> | forum:<id> (default: registration)")
    p.add_argument("--print-to", metavar="PRINTER", help="print the badge on check-in (CUPS)")
    p.add_argument("--print-folder", type=Path, metavar="DIR", help="save the badge PDF on check-in")
    p.add_argument("--vouchers", action="store_true", help="also print meal vouchers on check-in")
    p = command("team", cmd_team, "check a whole team in (give a member's code or the team name)")
    p.add_argument("code")
    p.add_argument("--station", default="registration")
    p = command("override", cmd_override, "supervisor admits against the rules, with a reason")
    p.add_argument("code")
    p.add_argument("--station", default="registration")
    p.add_argument("--reason", required=True)
    p.add_argument("--supervisor", required=True)
    p = command("undo", cmd_undo, "undo this desk's last admission (or --event UUID)")
    p.add_argument("--event")
    p.add_argument("--reason")
    p = command("walkin", cmd_walkin, "register someone on site and check them in")
    p.add_argument("--name", required=True)
    p.add_argument("--payment", help="required: 已缴费 / 现场缴费 (paid, on site too), 未缴费 "
                                     "(unpaid) or 免费 (free)")
    for opt in ("phone", "email", "organisation", "title", "category", "amount", "code"):
        p.add_argument(f"--{opt}")
    p.add_argument("--method", choices=PAYMENT_METHODS, help="how a paid walk-in paid")
    p.add_argument("--meals", help="meal slot ids, e.g. day1-lunch,day2-lunch")
    p.add_argument("--forums", help="forum ids, e.g. F1,F3")
    p.add_argument("--no-checkin", action="store_true", help="register only")
    p = command("edit", cmd_edit, "correct a registrant's fields (audited)")
    p.add_argument("code")
    p.add_argument("changes", nargs="+", metavar="FIELD=VALUE")
    p.add_argument("--reason")
    p = command("history", cmd_history, "every event about one registrant")
    p.add_argument("code")
    command("stats", cmd_stats, "arrived vs expected, by category and day; meals; forums")
    p = command("export", cmd_export, "export data for after the event")
    p.add_argument("what", choices=["attendance"])
    p.add_argument("-o", "--output", type=Path, required=True, help="FILE.xlsx or FILE.csv")
    p = command("demo", cmd_demo, "create a realistic demo event that runs today")
    p.add_argument("--people", type=int, default=1500)
    p.add_argument("--export", help="also keep the generated export file (.xlsx or .csv)")
    command("check", cmd_check, "run SQLite's integrity check on the database")


# -- commands ----------------------------------------------------------------
def cmd_init(args) -> int:
    config = load_config(args.event_file)
    with open_store(args, create=True) as store:
        details = save_config(args, store, config, source=Path(args.event_file).name)
        minimised = details["registrants_minimised"]
        emit(args, {"db": str(args.db), "event": config.name, "device_id": store.device_id,
                    "changed": details["changed"], "registrants_minimised": minimised},
             f"{config.name}: {len(config.meals)} meal slots, {len(config.forums)} forums, "
             f"{len(config.categories)} categories -> {args.db}"
             + (f"\n{minimised} registrants reduced to the [privacy] desk_fields"
                if minimised else ""))
    privacy_commands.warn_if_weak_pin(config)  # an older event file: still unlocks
    return 0


def cmd_import(args) -> int:
    if not Path(args.file).is_file():  # before a new event database is made for nothing
        raise CliError(f"file not found: {args.file}")
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
            "meals": [meal_names.get(m, m) for m in reg.meals], "organisation": reg.organisation,
            "missing": reg.missing}


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
    emit(args, data, table(rows, ["code", "name", "phone", "category", "team", "payment", "meals"])
         + f"\n{len(rows)} registrants")
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
             h.category, h.phone, h.matched] for h in hits]
    emit(args, data, table(rows, ["in", "code", "name", "organisation", "category", "phone",
                                  "matched"]) if hits else "no match")
    return 0


def _decision_text(d) -> str:
    banner = {Outcome.OK: "OK", Outcome.ALREADY: "ALREADY", Outcome.NOT_FOUND: "NOT FOUND",
              Outcome.NOT_ELIGIBLE: "REFUSED", Outcome.INVALID: "INVALID"}[d.outcome]
    who = f" {d.name} ({d.category})" if d.name else ""
    return f"[{banner}]{who} — {d.reason}" + "".join(f"\n  ⚠ {a}" for a in d.alerts)


def cmd_scan(args) -> int:
    with open_store(args) as store:
        decision = make_desk(args, store).scan(args.code, args.station)
        printed = printing_commands.auto_print(args, store, decision) if decision.ok else []
    data = {**decision.to_json(), "printed": printed}
    text = _decision_text(decision) + "".join(f"\n  printed: {p}" for p in printed)
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
    emit(args, {"undo": undo.uuid, "undone": undo.ref, "code": target.code,
                "station": target.station},
         f"undone: {target.kind} of {target.code} at {target.station} ({target.wall_time[:19]})")
    return 0


def cmd_walkin(args) -> int:
    if not args.payment:
        raise CliError("a walk-in needs --payment: 已缴费 or 现场缴费 (paid), 未缴费 (unpaid) or "
                       "免费 (free); nothing was registered")
    fields = {k: v for k, v in vars(args).items()
              if k in ("name", "phone", "email", "organisation", "title", "category", "payment",
                       "amount", "code", "meals", "forums") and v is not None}
    with open_store(args) as store:
        reg, decision = make_desk(args, store).walk_in(fields, check_in=not args.no_checkin,
                                                       payment_method=args.method)
    data = {"code": reg.code, "name": reg.name, "decision": decision.to_json() if decision else None}
    emit(args, data, f"registered {reg.name} as {reg.code}"
         + (f"\n{_decision_text(decision)}" if decision else "")
         + ("\nregistered, but NOT checked in" if decision and not decision.ok else ""))
    return _exit_code([decision]) if decision else 0


def cmd_edit(args) -> int:
    changes = {}
    for item in args.changes:
        key, sep, value = item.partition("=")
        if not sep:
            raise CliError(f"write changes as field=value, not {item!r}")
        changes[key.strip()] = value
    with open_store(args) as store:
        role = command_role(args, store)
        reg = make_desk(args, store).edit(args.code, changes, reason=args.reason or "")
        record_shown(args, store, role, 1 if args.json else 0, reg.code)
    emit(args, _registrant_json(privacy.display_registrant(reg, role), {}),
         f"{reg.code}: saved (version {reg.version})")
    return 0


def cmd_history(args) -> int:
    with open_store(args) as store:
        role = command_role(args, store)
        events = eventlog.history(store.reader(), args.code)
        record_shown(args, store, role, len(events), args.code)
        zone = audit.event_zone(store)
        desks = {d: store.device_label(d) for d in {e.device_id for e in events}}
    if not privacy.can_see_personal(role):
        events = [dataclasses.replace(e, data=masking.mask_data(e.data)) for e in events]
    data = [dict(e.__dict__) for e in events]
    rows = [[shown_in(e.wall_time, zone), e.kind, e.station, desks[e.device_id], e.operator,
             json.dumps(e.data, ensure_ascii=False) if e.data else ""] for e in events]
    emit(args, data, table(rows, ["time", "what", "station", "desk", "operator", "details"])
         if rows else f"no events for {args.code}")
    return 0


def cmd_stats(args) -> int:
    from ..stats import headcounts

    with open_store(args) as store:
        stats = headcounts(store)
        wiped = wipe.wiped_state(store)
        if wiped and not store.counts()["registrants"] and wipe.anonymous_counts(store):
            # Personal data removed (purge, revocation): the counts taken just before.
            stats = {**wipe.anonymous_counts(store), "wiped": wiped}
    parts = [f"{stats['event']}: {stats['arrived']} of {stats['expected']} arrived",
             table([[c["category"], c["expected"], c["arrived"]] for c in stats["by_category"]],
                   ["category", "expected", "arrived"])]
    if stats["by_day"]:
        parts.append(table([[d["day"], d["arrived"]] for d in stats["by_day"]], ["day", "arrived"]))
    if stats["meals"]:
        parts.append(table([[m["name"], m["date"], m["entitled"], m["redeemed"]] for m in stats["meals"]],
                           ["meal", "date", "entitled", "redeemed"]))
    if stats["forums"]:
        parts.append(table([[f["name"], f["room"], f["capacity"], f["signed_up"], f["entered"]]
                            for f in stats["forums"]],
                           ["forum", "room", "capacity", "signed up", "entered"]))
    if stats.get("wiped"):
        parts.insert(0, f"registrant data removed on {stats['wiped']['at'][:16].replace('T', ' ')} "
                        f"({stats['wiped']['reason']}): the counts as they were then")
    emit(args, stats, "\n\n".join(parts))
    return 0


def cmd_export(args) -> int:
    from ..export import export_attendance

    with open_store(args) as store:
        command_role(args, store, need="exporting attendance")
        count = export_attendance(store, args.output, operator=args.operator)
    emit(args, {"file": str(args.output), "rows": count}, f"wrote {count} rows to {args.output}")
    return 0


def cmd_demo(args) -> int:
    from ..demo import demo_event_config, write_export

    if not 1 <= args.people <= 200_000:
        raise CliError("--people must be between 1 and 200000")
    if Path(args.db).exists():
        with open_store(args) as store:
            if store.counts()["registrants"] or store.meta("config"):
                raise CliError(f"{args.db} already holds an event: give the demo its own --db")
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(args.export) if args.export else Path(tmp) / "demo-export.csv"
        write_export(export, args.people)
        with open_store(args, create=True) as store:
            with store.transaction() as conn:
                store.save_config(conn, demo_event_config())
            report = import_file(store, export)
    emit(args, {"db": str(args.db), "registrants": report.imported, "export": args.export},
         f"demo event with {report.imported} registrants -> {args.db}"
         + (f"\nexport written to {args.export}" if args.export else ""))
    return 0


def cmd_check(args) -> int:
    with open_store(args) as store:
        result = store.integrity_check()
        counts = store.counts()
    ok = result == ["ok"]
    emit(args, {"ok": ok, "integrity_check": result, **counts},
         ("integrity_check: ok" if ok else "integrity_check FAILED:\n" + "\n".join(result))
         + f"\n{counts['registrants']} registrants, {counts['events']} events, "
           f"{counts['unsent']} not yet synced")
    return 0 if ok else EXIT_ERROR
