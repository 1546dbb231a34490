"""The `checkin` command: the whole desk from a terminal. Every command takes --db and --json.

Errors are one plain line on stderr and a non-zero exit code; a traceback goes to the
log file, never to the person at the desk.
"""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from . import __version__, paths
from .config import ConfigError, load_config
from .desk import Desk, DeskError
from .importer import ImportFileError, import_file
from .messages import prefers_chinese
from .model import Outcome
from .policy import StationError
from .store import Store, StoreError, eventlog, explain_sqlite_error
from .store import registrants as reg_store

log = logging.getLogger("checkin")
EXIT_ERROR, EXIT_REFUSED = 2, 1


class CliError(Exception):
    pass


# -- output helpers ---------------------------------------------------------
def _emit(args, data, text: str) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=None if isinstance(data, list) else 2))
    else:
        print(text)


def _table(rows: list[list], headers: list[str]) -> str:
    from unicodedata import east_asian_width

    def width(s: str) -> int:
        return sum(2 if east_asian_width(c) in "WF" else 1 for c in s)

    cells = [[("" if v is None else str(v)) for v in row] for row in [headers, *rows]]
    widths = [max(width(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c + " " * (w - width(c)) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _open(args) -> Store:
    return Store(args.db)


def _desk(args, store: Store) -> Desk:
    return Desk(store, operator=args.operator, chinese=prefers_chinese())


# -- commands ----------------------------------------------------------------
def cmd_init(args) -> int:
    config = load_config(args.event_file)
    with _open(args) as store:
        with store.transaction() as conn:
            store.save_config(conn, config)
            if args.device_name:
                store.set_meta(conn, "device_name", args.device_name)
        _emit(args, {"db": str(args.db), "event": config.name, "device_id": store.device_id},
              f"{config.name}: {len(config.meals)} meal slots, {len(config.forums)} forums, "
              f"{len(config.categories)} categories -> {args.db}")
    return 0


def cmd_import(args) -> int:
    with _open(args) as store:
        report = import_file(store, args.file, mapping=args.mapping, sheet=args.sheet,
                             dry_run=args.dry_run, mark_missing=args.mark_missing)
    _emit(args, report.to_json(), report.to_text())
    return 0


def _registrant_json(reg, meal_names: dict[str, str]) -> dict:
    return {"code": reg.code, "name": reg.name, "phone": reg.phone, "email": reg.email,
            "category": reg.category, "team": reg.team, "payment": reg.payment,
            "meals": [meal_names.get(m, m) for m in reg.meals], "organisation": reg.organisation,
            "missing": reg.missing}


def cmd_list(args) -> int:
    with _open(args) as store:
        people = reg_store.all_registrants(store.reader(), include_missing=args.all)
        names = {m.id: m.name for m in store.config.meals}
    if args.category:
        people = [p for p in people if p.category == args.category]
    data = [_registrant_json(p, names) for p in people]
    rows = [[d["code"], d["name"], d["phone"], d["category"], d["team"], d["payment"],
             "、".join(d["meals"])] for d in data]
    _emit(args, data, _table(rows, ["code", "name", "phone", "category", "team", "payment", "meals"])
          + f"\n{len(rows)} registrants")
    return 0


def cmd_search(args) -> int:
    from .search import SearchIndex

    with _open(args) as store:
        hits = SearchIndex(store).search(args.query, limit=args.limit)
    data = [h.__dict__ for h in hits]
    rows = [["✓" if h.arrived else ("✗" if h.missing else ""), h.code, h.name, h.organisation,
             h.category, h.phone, h.matched] for h in hits]
    _emit(args, data, _table(rows, ["in", "code", "name", "organisation", "category", "phone",
                                    "matched"]) if hits else "no match")
    return 0


def _decision_text(d) -> str:
    banner = {Outcome.OK: "OK", Outcome.ALREADY: "ALREADY", Outcome.NOT_FOUND: "NOT FOUND",
              Outcome.NOT_ELIGIBLE: "REFUSED", Outcome.INVALID: "INVALID"}[d.outcome]
    who = f" {d.name} ({d.category})" if d.name else ""
    return f"[{banner}]{who} — {d.reason}"


def cmd_scan(args) -> int:
    with _open(args) as store:
        decision = _desk(args, store).scan(args.code, args.station)
        printed = _auto_print(args, store, decision) if decision.ok else []
    data = {**decision.to_json(), "printed": printed}
    text = _decision_text(decision) + "".join(f"\n  printed: {p}" for p in printed)
    _emit(args, data, text)
    return 0 if decision.outcome in (Outcome.OK, Outcome.ALREADY) else EXIT_REFUSED


def _auto_print(args, store, decision) -> list[str]:
    """Badge (and vouchers) right after a first check-in, when --print-to/--print-folder."""
    if not (args.print_to or args.print_folder) or decision.station != "registration":
        return []
    from .printing.documents import voucher_items
    from .printing.printers import CupsPrinter, FolderPrinter
    from .printing.queue import JobState, PrintQueue
    from .printing.templates import load_template

    printer = CupsPrinter(args.print_to) if args.print_to else FolderPrinter(args.print_folder)
    documents = ["badge"]
    if args.vouchers and voucher_items(store, [decision.registrant], load_template("voucher-80mm")):
        documents.append("vouchers")
    jobs = PrintQueue(store, printer, operator=args.operator)
    try:
        for document in documents:
            try:
                jobs.submit(decision.code, document)
            except DeskError as exc:  # printed before (by another desk, or by hand)
                print(f"checkin: {document} not printed: {exc}", file=sys.stderr)
        jobs.wait(timeout=300)
    finally:
        jobs.close()
    for job in jobs.jobs:  # the check-in stands whatever the printer did: say what failed
        if job.state != JobState.DONE:
            print(f"checkin: {job.document} not printed: {job.error} (retry with `checkin "
                  f"print {job.code} --document {job.document}`)", file=sys.stderr)
    return [j.document for j in jobs.jobs if j.state == JobState.DONE]


def cmd_team(args) -> int:
    with _open(args) as store:
        decisions = _desk(args, store).check_in_team(args.code, args.station)
    _emit(args, [d.to_json() for d in decisions], "\n".join(_decision_text(d) for d in decisions))
    return 0 if any(d.outcome in (Outcome.OK, Outcome.ALREADY) for d in decisions) else EXIT_REFUSED


def cmd_override(args) -> int:
    with _open(args) as store:
        decision = _desk(args, store).override(args.code, args.station, args.reason, args.supervisor)
    _emit(args, decision.to_json(), _decision_text(decision))
    return 0


def cmd_undo(args) -> int:
    with _open(args) as store:
        undo = _desk(args, store).undo(args.event, reason=args.reason or "")
        target = eventlog.get(store.reader(), undo.ref)
    _emit(args, {"undo": undo.uuid, "undone": undo.ref, "code": target.code,
                 "station": target.station},
          f"undone: {target.kind} of {target.code} at {target.station} ({target.wall_time[:19]})")
    return 0


def cmd_walkin(args) -> int:
    fields = {k: v for k, v in (("name", args.name), ("phone", args.phone), ("email", args.email),
                                ("organisation", args.organisation), ("title", args.title),
                                ("category", args.category), ("payment", args.payment))
              if v is not None}
    with _open(args) as store:
        reg, decision = _desk(args, store).walk_in(fields, check_in=not args.no_checkin)
    data = {"code": reg.code, "name": reg.name, "decision": decision.to_json() if decision else None}
    _emit(args, data, f"registered {reg.name} as {reg.code}"
          + (f"\n{_decision_text(decision)}" if decision else ""))
    return 0


def cmd_edit(args) -> int:
    changes = {}
    for item in args.changes:
        key, sep, value = item.partition("=")
        if not sep:
            raise CliError(f"write changes as field=value, not {item!r}")
        changes[key.strip()] = value
    with _open(args) as store:
        reg = _desk(args, store).edit(args.code, changes, reason=args.reason or "")
    _emit(args, _registrant_json(reg, {}), f"{reg.code}: saved (version {reg.version})")
    return 0


def cmd_history(args) -> int:
    with _open(args) as store:
        events = eventlog.history(store.reader(), args.code)
    data = [e.__dict__ for e in events]
    rows = [[e.wall_time[:19].replace("T", " "), e.kind, e.station, e.device_id, e.operator,
             json.dumps(e.data, ensure_ascii=False) if e.data else ""] for e in events]
    _emit(args, data, _table(rows, ["time", "what", "station", "desk", "operator", "details"])
          if rows else f"no events for {args.code}")
    return 0


def cmd_stats(args) -> int:
    from .stats import headcounts

    with _open(args) as store:
        stats = headcounts(store)
    parts = [f"{stats['event']}: {stats['arrived']} of {stats['expected']} arrived",
             _table([[c["category"], c["expected"], c["arrived"]] for c in stats["by_category"]],
                    ["category", "expected", "arrived"])]
    if stats["by_day"]:
        parts.append(_table([[d["day"], d["arrived"]] for d in stats["by_day"]], ["day", "arrived"]))
    if stats["meals"]:
        parts.append(_table([[m["name"], m["date"], m["entitled"], m["redeemed"]] for m in stats["meals"]],
                            ["meal", "date", "entitled", "redeemed"]))
    if stats["forums"]:
        parts.append(_table([[f["name"], f["room"], f["capacity"], f["signed_up"], f["entered"]]
                             for f in stats["forums"]],
                            ["forum", "room", "capacity", "signed up", "entered"]))
    _emit(args, stats, "\n\n".join(parts))
    return 0


def cmd_export(args) -> int:
    from .export import export_attendance

    with _open(args) as store:
        count = export_attendance(store, args.output)
    _emit(args, {"file": str(args.output), "rows": count}, f"wrote {count} rows to {args.output}")
    return 0


def cmd_demo(args) -> int:
    from .demo import demo_event_config, write_export

    if not 1 <= args.people <= 200_000:
        raise CliError("--people must be between 1 and 200000")
    if Path(args.db).exists():
        with _open(args) as store:
            if store.counts()["registrants"] or store.meta("config"):
                raise CliError(f"{args.db} already holds an event: give the demo its own --db")
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(args.export) if args.export else Path(tmp) / "demo-export.csv"
        write_export(export, args.people)
        with _open(args) as store:
            with store.transaction() as conn:
                store.save_config(conn, demo_event_config())
            report = import_file(store, export)
    _emit(args, {"db": str(args.db), "registrants": report.imported, "export": args.export},
          f"demo event with {report.imported} registrants -> {args.db}"
          + (f"\nexport written to {args.export}" if args.export else ""))
    return 0


def cmd_decode(args) -> int:
    """Read QR codes from images/folders (one JSON object per image), a video or a camera."""
    from .scanner.pipeline import DecodePipeline
    from .scanner.sources import SourceError, image_files, load_image

    pipeline = DecodePipeline()
    for name, reason in pipeline.missing.items():
        print(f"checkin: decoder {name} unavailable: {reason}", file=sys.stderr)
    if args.camera is not None or args.video:
        return _decode_stream(args, pipeline)
    if not args.images:
        raise CliError("name images or folders to decode, or use --camera N / --video FILE")
    try:
        files = image_files(args.images)
    except SourceError as exc:
        raise CliError(str(exc)) from exc
    failed = 0
    for path in files:
        result = {"file": str(path), "codes": [], "ms": None}
        try:
            frame = load_image(path)
        except SourceError as exc:
            failed += 1
            result["error"] = str(exc)
            print(f"checkin: {exc}", file=sys.stderr)
        else:
            start = time.perf_counter()
            result["codes"] = [c.text for c in pipeline.decode(frame)]
            result["ms"] = round((time.perf_counter() - start) * 1000, 2)
        if args.json:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        elif "error" not in result:
            codes = " | ".join(result["codes"]) or "(no code)"
            print(f"{path}: {codes}  [{result['ms']} ms]", flush=True)
    return EXIT_ERROR if failed else 0


def _decode_stream(args, pipeline) -> int:
    """Print each code once as it comes into view, until the video ends or Ctrl-C."""
    from .scanner.debounce import Debouncer
    from .scanner.sources import CameraSource, SourceError, VideoFileSource

    try:
        if args.video:
            source = VideoFileSource(args.video)
        else:
            width, _, height = args.resolution.partition("x")
            if not (width.isdigit() and height.isdigit()):
                raise CliError(f"--resolution takes WIDTHxHEIGHT, e.g. 1280x720, not {args.resolution!r}")
            source = CameraSource(args.camera, width=int(width), height=int(height))
    except SourceError as exc:
        raise CliError(str(exc)) from exc
    debouncer = Debouncer()
    state = ""
    try:
        while not source.finished:
            frame = source.read()
            if getattr(source, "state", "") != state:
                state = source.state
                if source.message:
                    print(f"checkin: {source.message}", file=sys.stderr)
            if frame is None:
                time.sleep(0.02)
                continue
            for text in debouncer.feed(c.text for c in pipeline.decode(frame)):
                stamp = time.strftime("%H:%M:%S")
                print(json.dumps({"time": stamp, "code": text}, ensure_ascii=False) if args.json
                      else f"{stamp}  {text}", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        source.close()
    return 0


def _render(args, items, sheet: bool) -> int:
    from .printing.fonts import MissingGlyphs
    from .printing.render import render_pdf

    if not items:
        raise CliError("nothing to print: no matching registrants (or no meal entitlements)")
    try:
        report = render_pdf(items, args.output, sheet=sheet)
    except MissingGlyphs as exc:
        raise CliError(f"cannot print: no bundled font has {' '.join(exc.chars)} "
                       f"(U+{', U+'.join(f'{ord(c):04X}' for c in exc.chars)}); nothing written") from exc
    for warning in report.warnings:
        print(f"checkin: warning: {warning}", file=sys.stderr)
    _emit(args, {"file": str(args.output), "pages": report.pages, "items": report.items,
                 "warnings": report.warnings},
          f"wrote {report.items} item(s) on {report.pages} page(s) to {args.output}")
    return 0


def _template(name: str):
    from .printing.templates import TemplateError, load_template

    try:
        return load_template(name)
    except TemplateError as exc:
        raise CliError(str(exc)) from exc


def cmd_badge(args) -> int:
    from .printing.documents import badge_items, select

    with _open(args) as store:
        try:
            people = select(store, codes=[args.code])
        except LookupError as exc:
            raise CliError(str(exc)) from exc
        return _render(args, badge_items(store, people, _template(args.template)), sheet=args.sheet)


def cmd_badges(args) -> int:
    from .printing.documents import badge_items, select

    with _open(args) as store:
        people = select(store, category=args.category, sort=args.sort)
        return _render(args, badge_items(store, people, _template(args.template)),
                       sheet=not args.one_per_page)


def cmd_vouchers(args) -> int:
    from .printing.documents import select, voucher_items

    if not args.code and not args.all:
        raise CliError("name a registration code, or --all")
    with _open(args) as store:
        try:
            people = select(store, codes=None if args.all else [args.code], sort="pinyin")
        except LookupError as exc:
            raise CliError(str(exc)) from exc
        template = _template(args.template)
        return _render(args, voucher_items(store, people, template), sheet=args.sheet)


def cmd_templates(args) -> int:
    from .printing.render import sheet_grid
    from .printing.templates import list_templates

    rows, data = [], []
    for t in list_templates():
        cols, per_rows = sheet_grid(t)
        data.append({"name": t.name, "title": t.title, "document": t.document,
                     "width_mm": t.width_mm, "height_mm": t.height_mm, "per_a4": cols * per_rows})
        rows.append([t.name, t.document, f"{t.width_mm:g} x {t.height_mm:g} mm", cols * per_rows,
                     t.title])
    _emit(args, data, _table(rows, ["template", "for", "size", "per A4", "description"]))
    return 0


def cmd_previews(args) -> int:
    from .printing.preview import write_previews

    with _open(args) as store:
        try:
            files = write_previews(store, args.output, code=args.code)
        except LookupError as exc:
            raise CliError(str(exc)) from exc
    _emit(args, [str(f) for f in files], "\n".join(str(f) for f in files))
    return 0


def cmd_print(args) -> int:
    """Print through the same queue the desk uses, waiting for the result."""
    from .printing.printers import CupsPrinter, FolderPrinter
    from .printing.queue import JobState, PrintQueue

    if bool(args.printer) == bool(args.folder):
        raise CliError("name a CUPS printer with --printer NAME (see `checkin printers`), "
                       "or --folder DIR to save the PDFs")
    printer = CupsPrinter(args.printer) if args.printer else FolderPrinter(args.folder)
    with _open(args) as store:
        jobs = PrintQueue(store, printer, operator=args.operator)
        try:
            job = jobs.submit(args.code, args.document, template=args.template,
                              reason=args.reason or "")
            jobs.wait(timeout=300)
        finally:
            jobs.close()
        job = next(j for j in jobs.jobs if j.id == job.id)
    data = {"job": job.id, "code": job.code, "document": job.document, "state": str(job.state),
            "error": job.error, "printer": printer.name}
    if job.state != JobState.DONE:
        if args.json:
            print(json.dumps(data, ensure_ascii=False))
        raise CliError(f"not printed: {job.error}")
    _emit(args, data, f"printed {job.document} of {job.code} on {printer.name}")
    return 0


def cmd_printers(args) -> int:
    from .printing.printers import list_cups_printers

    names = list_cups_printers()
    _emit(args, names, "\n".join(names) if names else
          "no CUPS printers found (the desk window also lists Windows and macOS printers)")
    return 0


def cmd_check(args) -> int:
    with _open(args) as store:
        result = store.integrity_check()
        counts = store.counts()
    ok = result == ["ok"]
    _emit(args, {"ok": ok, "integrity_check": result, **counts},
          ("integrity_check: ok" if ok else "integrity_check FAILED:\n" + "\n".join(result))
          + f"\n{counts['registrants']} registrants, {counts['events']} events, "
            f"{counts['unsent']} not yet synced")
    return 0 if ok else EXIT_ERROR


# -- parser ------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=argparse.SUPPRESS,
                        help="event database (default: $CHECKIN_DB or the user data folder)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="print JSON for scripts")
    common.add_argument("--operator", default=argparse.SUPPRESS,
                        help="who is at the desk (default: $CHECKIN_OPERATOR or the login name)")
    parser = argparse.ArgumentParser(prog="checkin", parents=[common],
                                     description="Checkin Desk (签到台): conference registration desk")
    parser.add_argument("--version", action="version", version=f"checkin {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, func, help_text):
        p = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

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
    for opt in ("phone", "email", "organisation", "title", "category", "payment"):
        p.add_argument(f"--{opt}")
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
    p = command("badge", cmd_badge, "one person's badge as a PDF")
    p.add_argument("code")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--template", default="badge-a6", help="see `checkin templates`")
    p.add_argument("--sheet", action="store_true", help="place it on an A4 sheet")
    p = command("badges", cmd_badges, "badges for everyone (or a category) on A4 sheets")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--category")
    p.add_argument("--sort", choices=["pinyin", "org", "code"], default="pinyin",
                   help="pinyin: by category then name, as desks hand them out")
    p.add_argument("--template", default="badge-a6")
    p.add_argument("--one-per-page", action="store_true", help="label printers: no A4 sheet")
    p = command("vouchers", cmd_vouchers, "meal vouchers: one per entitled meal slot")
    p.add_argument("code", nargs="?")
    p.add_argument("--all", action="store_true")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--template", default="voucher-80mm")
    p.add_argument("--sheet", action="store_true", help="on A4 with tear-off lines")
    command("templates", cmd_templates, "list badge and voucher templates")
    p = command("print", cmd_print, "print a badge or meal vouchers (recorded as an event)")
    p.add_argument("code")
    p.add_argument("--document", choices=["badge", "vouchers"], default="badge")
    p.add_argument("--template", help="default: badge-a6 / voucher-80mm")
    p.add_argument("--printer", help="CUPS printer name (lp)")
    p.add_argument("--folder", type=Path, help="save the PDF in this folder instead")
    p.add_argument("--reason", help="why a reprint: lost badge, name corrected ...")
    command("printers", cmd_printers, "list CUPS printers")
    p = command("previews", cmd_previews, "PNG previews of every template, for review by eye")
    p.add_argument("-o", "--output", type=Path, required=True, help="folder for the PNG files")
    p.add_argument("--code", help="whose badge to show (default: a long-named sample)")
    p = command("decode", cmd_decode, "read QR codes from photos, folders, a video or a camera")
    p.add_argument("images", nargs="*", metavar="IMAGE_OR_DIR")
    p.add_argument("--camera", type=int, metavar="N", help="read camera N and print codes as read")
    p.add_argument("--video", type=Path, help="read a recorded video and print codes as read")
    p.add_argument("--resolution", default="1280x720", help="camera resolution (default 1280x720)")
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


def main(argv: list[str] | None = None) -> int:
    import os

    parser = build_parser()
    args = parser.parse_args(argv)
    args.db = getattr(args, "db", None) or paths.default_db()
    args.json = getattr(args, "json", False)
    args.operator = getattr(args, "operator", None) or os.environ.get("CHECKIN_OPERATOR")
    _setup_logging()
    try:
        return args.func(args)
    except (CliError, ConfigError, ImportFileError, StoreError, DeskError, StationError) as exc:
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
        print("checkin: interrupted", file=sys.stderr)
    except Exception as exc:  # a bug: say so plainly, keep the details in the log
        log.exception("unexpected error in %s", args.command)
        print(f"checkin: unexpected error ({type(exc).__name__}: {exc}); details in {paths.log_file()}",
              file=sys.stderr)
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
