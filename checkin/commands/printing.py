"""`checkin badge`, `badges`, `vouchers`, `templates`, `print`, `printers`, `previews`, and the
badge printed on check-in by `checkin scan --print-to/--print-folder`.

Heavy imports (reportlab, the print queue) stay inside the functions, so `checkin --help` and
the desk commands start fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..desk import Desk
from ..history import document_word
from ..i18n import _
from .support import CliError, CommandLine, emit, open_store, table


def register(cli: CommandLine) -> None:
    command = cli.add
    p = command("badge", cmd_badge, _("one person's badge as a PDF"))
    p.add_argument("code", metavar="CODE")
    p.add_argument("-o", "--output", type=Path, required=True, help=_("the PDF file to write"))
    p.add_argument("--template", default="badge-a6", help=_("see `checkin templates`"))
    p.add_argument("--sheet", action="store_true", help=_("place it on an A4 sheet"))
    p = command("badges", cmd_badges, _("badges for everyone (or a category) on A4 sheets"))
    p.add_argument("-o", "--output", type=Path, required=True, help=_("the PDF file to write"))
    p.add_argument("--category", help=_("only this category"))
    p.add_argument("--sort", choices=["pinyin", "org", "code"], default="pinyin",
                   help=_("pinyin: by category then name, as desks hand them out"))
    p.add_argument("--template", default="badge-a6", help=_("see `checkin templates`"))
    p.add_argument("--one-per-page", action="store_true",
                   help=_("label printers: no A4 sheet"))
    p = command("vouchers", cmd_vouchers, _("meal vouchers: one per entitled meal slot"))
    p.add_argument("code", nargs="?", metavar="CODE")
    p.add_argument("--all", action="store_true", help=_("for everyone"))
    p.add_argument("-o", "--output", type=Path, required=True, help=_("the PDF file to write"))
    p.add_argument("--template", default="voucher-80mm", help=_("see `checkin templates`"))
    p.add_argument("--sheet", action="store_true", help=_("on A4 with tear-off lines"))
    command("templates", cmd_templates, _("list badge and voucher templates"))
    p = command("print", cmd_print, _("print a badge or meal vouchers (recorded as an event)"))
    p.add_argument("code", metavar="CODE")
    p.add_argument("--document", choices=["badge", "vouchers"], default="badge")
    p.add_argument("--template", help=_("default: {0} / {1}").format("badge-a6", "voucher-80mm"))
    p.add_argument("--printer", help=_("printer name, as `checkin printers` lists it"))
    p.add_argument("--folder", type=Path, help=_("save the PDF in this folder instead"))
    p.add_argument("--reason", help=_("why a reprint: lost badge, name corrected ..."))
    command("printers", cmd_printers, _("list this computer's printers"))
    p = command("previews", cmd_previews,
                _("PNG previews of every template, for review by eye"))
    p.add_argument("-o", "--output", type=Path, required=True,
                   help=_("folder for the PNG files"))
    p.add_argument("--code", help=_("whose badge to show (default: a long-named sample)"))


def _print_system(args):
    """This computer's printers: CUPS where it is installed, else Qt's (Windows)."""
    from ..printing.printers import print_system

    return print_system(qt=getattr(args, "qt_print_system", None))


def auto_print(args, store, decision) -> list[str]:
    """Badge (and vouchers) right after a first check-in, when --print-to/--print-folder."""
    if not (args.print_to or args.print_folder) or decision.station != "registration":
        return []
    if decision.registrant is None:  # a valid ticket not yet on this desk's list: no badge data
        print("checkin: " + _("no badge for {0} until the list has them (sync or import, then "
                              "`checkin print {0}`)").format(decision.code), file=sys.stderr)
        return []
    from ..printing.documents import voucher_items
    from ..printing.printers import FolderPrinter
    from ..printing.queue import JobState, PrintQueue, PrintRefused
    from ..printing.templates import load_template

    printer = (_print_system(args).printer(args.print_to) if args.print_to
               else FolderPrinter(args.print_folder))
    documents = ["badge"]
    if args.vouchers and voucher_items(store, [decision.registrant], load_template("voucher-80mm")):
        documents.append("vouchers")
    jobs = PrintQueue(store, printer, ledger=Desk(store, operator=args.operator))
    try:
        for document in documents:
            try:
                jobs.submit(decision.code, document)
            except PrintRefused as exc:  # printed before (by another desk, or by hand)
                print("checkin: " + _("{document} not printed: {error}").format(
                    document=document_word(document), error=exc), file=sys.stderr)
        jobs.wait(timeout=300)
    finally:
        jobs.close()
    for job in jobs.jobs:  # the check-in stands whatever the printer did: say what failed
        if job.state != JobState.DONE:
            print("checkin: " + _("{document} not printed: {error} (retry with `checkin print "
                                  "{code} --document {key}`)").format(
                document=document_word(job.document), error=job.error, code=job.code,
                key=job.document), file=sys.stderr)
    return [j.document for j in jobs.jobs if j.state == JobState.DONE]


def _render(args, items, sheet: bool) -> int:
    from ..printing.fonts import MissingGlyphs
    from ..printing.render import render_pdf

    if not items:
        raise CliError(_("nothing to print: no matching registrants (or no meal entitlements)"))
    try:
        report = render_pdf(items, args.output, sheet=sheet)
    except MissingGlyphs as exc:
        raise CliError(_("cannot print: no bundled font has {chars} ({points}); nothing "
                         "written").format(chars=" ".join(exc.chars), points=", ".join(
                             f"U+{ord(c):04X}" for c in exc.chars))) from exc
    for warning in report.warnings:
        print("checkin: " + _("warning: {0}").format(warning), file=sys.stderr)
    emit(args, {"file": str(args.output), "pages": report.pages, "items": report.items,
                "warnings": report.warnings},
         _("wrote {items} item(s) on {pages} page(s) to {file}").format(
             items=report.items, pages=report.pages, file=args.output))
    return 0


def _template(name: str):
    from ..printing.templates import TemplateError, load_template

    try:
        return load_template(name)
    except TemplateError as exc:
        raise CliError(str(exc)) from exc


def cmd_badge(args) -> int:
    from ..printing.documents import badge_items, select

    with open_store(args) as store:
        try:
            people = select(store, codes=[args.code])
        except LookupError as exc:
            raise CliError(str(exc)) from exc
        return _render(args, badge_items(store, people, _template(args.template)), sheet=args.sheet)


def cmd_badges(args) -> int:
    from ..printing.documents import badge_items, select

    with open_store(args) as store:
        people = select(store, category=args.category, sort=args.sort)
        return _render(args, badge_items(store, people, _template(args.template)),
                       sheet=not args.one_per_page)


def cmd_vouchers(args) -> int:
    from ..printing.documents import select, voucher_items

    if not args.code and not args.all:
        raise CliError(_("name a registration code, or --all"))
    with open_store(args) as store:
        try:
            people = select(store, codes=None if args.all else [args.code], sort="pinyin")
        except LookupError as exc:
            raise CliError(str(exc)) from exc
        template = _template(args.template)
        return _render(args, voucher_items(store, people, template), sheet=args.sheet)


def cmd_templates(args) -> int:
    from ..printing.render import sheet_grid
    from ..printing.templates import list_templates

    rows, data = [], []
    for t in list_templates():
        cols, per_rows = sheet_grid(t)
        data.append({"name": t.name, "title": t.title, "document": t.document,
                     "width_mm": t.width_mm, "height_mm": t.height_mm, "per_a4": cols * per_rows})
        rows.append([t.name, document_word(t.document), f"{t.width_mm:g} x {t.height_mm:g} mm",
                     cols * per_rows, t.title])
    emit(args, data, table(rows, [_("template"), _("for"), _("size"), _("per A4"),
                                  _("description")]))
    return 0


def cmd_previews(args) -> int:
    from ..printing.preview import write_previews

    with open_store(args) as store:
        try:
            files = write_previews(store, args.output, code=args.code)
        except LookupError as exc:
            raise CliError(str(exc)) from exc
    emit(args, [str(f) for f in files], "\n".join(str(f) for f in files))
    return 0


def cmd_print(args) -> int:
    """Print through the same queue the desk uses, waiting for the result."""
    from ..printing.printers import FolderPrinter
    from ..printing.queue import JobState, PrintQueue

    if bool(args.printer) == bool(args.folder):
        raise CliError(_("name a printer with --printer NAME (see `checkin printers`), "
                         "or --folder DIR to save the PDFs"))
    printer = _print_system(args).printer(args.printer) if args.printer else FolderPrinter(
        args.folder)
    with open_store(args) as store:
        jobs = PrintQueue(store, printer, ledger=Desk(store, operator=args.operator))
        try:
            job = jobs.submit(args.code, args.document, template=args.template,
                              reason=args.reason or "")
            jobs.wait(timeout=300)
        finally:
            jobs.close()
        job = next(j for j in jobs.jobs if j.id == job.id)
    data = {"job": job.id, "code": job.code, "document": job.document, "state": str(job.state),
            "error": job.error, "warnings": list(job.warnings),
            "printer": args.printer or f"folder {args.folder}"}  # as scripts knew it
    if job.state != JobState.DONE:
        if args.json:
            print(json.dumps(data, ensure_ascii=False))
        raise CliError(_("not printed: {0}").format(job.error))
    for warning in job.warnings:
        print("checkin: " + _("warning: {0}").format(warning), file=sys.stderr)
    emit(args, data, _("printed {document} of {code} on {printer}").format(
        document=document_word(job.document), code=job.code, printer=printer.name))
    return 0


def cmd_printers(args) -> int:
    names = _print_system(args).names()
    emit(args, names, "\n".join(names) if names else _("no printers found"))
    return 0
