"""Import an export into the store: read, map, normalise, report, upsert by code."""

from __future__ import annotations

import contextlib
import gc
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import itemgetter, mod, not_
from pathlib import Path

from .. import masking
from ..clock import now_iso
from ..model import EventConfig, Registrant, RegistrantColumns
from ..store import Store, audit
from ..store import registrants as reg_store
from .columns import ColumnMap, build_map, find_header, guess_map, load_mapping, missing_columns
from .reader import ImportFileError, Table, open_tables
from .report import ImportReport, Problem
from .rows import RowParser

HEADER_SEARCH_ROWS = 30
# A totals row starts with one of these words; English ones must be the whole cell, so
# that "Sumner Li" or a code "SUM-001" stays a person.
_TOTAL_WORDS = re.compile(r"^(合计|总计|小计|汇总|共计)|^(grand\s+)?(total|sum)\s*[:：]?\s*$", re.I)
# A first cell starting otherwise is a data row's, without asking _is_blank and _is_total.
_TOTAL_STARTS = frozenset("合总小汇共gGtTsSſ")  # ſ: re.I takes it for s
# An import that would mark more than this share of the list as gone is probably a
# partial export (one day's registrations): then nobody is marked unless asked.
MAX_MISSING_SHARE = 0.2
PROGRESS_EVERY = 500  # rows between two calls of an import's progress(done, total)
BATCH_ROWS = 1000  # rows normalised together, column by column (RowParser.parse_many)
# A column mapping: a mapping file (TOML/JSON) or {field: header} ("" leaves a field out).
Mapping = str | Path | dict[str, str] | None
Progress = Callable[[int, int], None]


def _peek(table: Table, overrides) -> tuple[list[tuple[int, list]], int | None]:
    head = []
    for item in table.rows:
        head.append(item)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    return head, find_header(head, overrides)


def _locate(tables: list[Table], sheet: str | None, overrides: dict | None):
    """The table to import and its rows split at the header."""
    if sheet is not None:
        tables = [t for t in tables if t.name == sheet]
        if not tables:
            raise ImportFileError(f"no sheet named {sheet!r} in the workbook")
    first_rows = None
    for table in tables:
        head, idx = _peek(table, overrides)
        if idx is not None:
            return table, head, idx
        first_rows = first_rows or head
    sample = next((r for _, r in first_rows or [] if any(c not in (None, "") for c in r)), [])
    raise ImportFileError(
        "found no header row naming a code or a name column in the first "
        f"{HEADER_SEARCH_ROWS} rows; first row read: {[c for c in sample if c not in (None, '')]}. "
        "Give the columns with --mapping."
    )


def gone_from_list(existing: dict, codes: Iterable[str], mark_missing: bool | None,
                   report: ImportReport, how_to_insist: str) -> list:
    """Those of `existing` (key: upper-case code -> a row with .missing and .source) that
    this export (its registrants' `codes`) no longer lists and that should be marked as
    gone. With mark_missing None, nobody when more than MAX_MISSING_SHARE of the list would
    go: that looks like a partial export (said in the report, with `how_to_insist`)."""
    if not existing:
        return []  # a first import
    in_file = set(map(str.upper, codes))
    vanished = [row for key, row in existing.items()
                if key not in in_file and not row.missing and row.source == "import"]
    listed = sum(1 for row in existing.values() if not row.missing and row.source == "import")
    if mark_missing is None:
        mark_missing = len(vanished) <= MAX_MISSING_SHARE * listed
        if not mark_missing:
            report.problem(0, "", f"{len(vanished)} of {listed} registrants are not in this "
                           "file: it looks like a partial export, so none was marked as gone "
                           f"({how_to_insist} if they really left the list)")
    return vanished if mark_missing else []


# A first cell starting with anything else makes a data row (neither blank nor totals).
_USUAL_START = re.compile(r"[^\s" + "".join(sorted(_TOTAL_STARTS)) + "]")


def _data_rows(batch: list[tuple[int, list]], report: ImportReport) -> list[tuple[int, list]]:
    """The rows of `batch` that are neither blank nor totals (counted in the report)."""
    firsts = [row[0] if row else None for _number, row in batch]
    with contextlib.suppress(TypeError):  # (a first cell that is no text: looked at below)
        if all(map(_USUAL_START.match, firsts)):
            return batch  # the usual batch: told in one C call
    kept = []
    for (number, row), first in zip(batch, firsts, strict=True):
        if type(first) is str and first and first[0] not in _TOTAL_STARTS \
                and not first[0].isspace():
            kept.append((number, row))  # the usual row
        elif _is_blank(row):
            report.skipped_blank += 1
        elif _is_total(row):
            report.skipped_total += 1
        else:
            kept.append((number, row))
    return kept


def _is_blank(row: list) -> bool:
    if row and row[0] not in (None, "") and not (type(row[0]) is str and row[0].isspace()):
        return False  # the usual data row: decided by its first cell
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def _is_total(row: list) -> bool:
    first = row[0] if row and row[0] not in (None, "") else next(
        (c for c in row if c not in (None, "")), None)
    return isinstance(first, str) and bool(_TOTAL_WORDS.match(first.strip()))


def _find_duplicates(people: RegistrantColumns) -> list[list[str]]:
    """Codes that look like one person registered twice: same name and phone (or e-mail).
    (The codes of `people` are distinct.) Only the rows whose contact is repeated are
    looked at one by one: most contacts are there once, told in C calls."""
    names, codes, count = people.column("name"), people.column("code"), len(people)
    contacts = [*people.column("phone"), *people.column("email")]
    times = Counter(contacts)
    repeated = set(compress(times, map((1).__lt__, times.values()))) - {None, ""}
    first_code: dict[tuple, str] = {}
    groups: dict[tuple, set[str]] = {}
    for i in compress(range(len(contacts)), map(repeated.__contains__, contacts)):
        key, code = (names[i % count], contacts[i]), codes[i % count]
        first = first_code.setdefault(key, code)
        if key[0] and first != code:
            groups.setdefault(key, {first}).add(code)
    return [list(codes) for codes in sorted({tuple(sorted(g)) for g in groups.values()})]


def _overrides(mapping: Mapping) -> dict[str, str] | None:
    if isinstance(mapping, dict):
        return dict(mapping)
    return load_mapping(mapping) if mapping else None


def read_export(path: str | Path, config: EventConfig, *, mapping: Mapping = None,
                sheet: str | None = None, progress: Progress | None = None,
                ) -> tuple[list[Registrant], ImportReport, RowParser]:
    """Parse an export without touching the store. `progress(row, rows in the file)` is
    called every PROGRESS_EVERY rows (rows: 0 when not known)."""
    people, report, parser = read_export_columns(path, config, mapping=mapping, sheet=sheet,
                                                 progress=progress)
    return people.registrants(), report, parser


def read_export_columns(path: str | Path, config: EventConfig, *, mapping: Mapping = None,
                        sheet: str | None = None, progress: Progress | None = None,
                        ) -> tuple[RegistrantColumns, ImportReport, RowParser]:
    """read_export(), the registrants a field at a time."""
    overrides = _overrides(mapping)
    tables, handle = open_tables(path)
    try:
        table, head, header_idx = _locate(tables, sheet, overrides)
        header_number, headers = head[header_idx]
        cmap = build_map(headers, overrides)
        report = ImportReport(file=Path(path).name, table=table.name, header_row=header_number,
                              mapping=cmap.describe())
        parser = RowParser(cmap, config, report)
        people = RegistrantColumns()
        first_row_of: dict[str, int] = {}
        rows = itertools.chain(head[header_idx + 1:], table.rows)
        while batch := list(itertools.islice(rows, BATCH_ROWS)):
            if progress is not None:
                numbers = list(map(itemgetter(0), batch))
                for number in compress(numbers, map(not_, map(mod, numbers, repeat(
                        PROGRESS_EVERY)))):
                    progress(number, table.total)
            kept = _data_rows(batch, report)
            report.rows_read += len(kept)
            pieces = list(parser.parse_many(kept))
            if None not in pieces:  # no row refused
                found = _joined(pieces)
                keys = list(map(str.upper, found.column("code")))
                if len(set(keys)) == len(keys) and first_row_of.keys().isdisjoint(keys):
                    first_row_of.update(zip(keys, map(itemgetter(0), kept), strict=True))
                    people.extend(found)  # the usual batch: all new
                    continue
            taken = []
            for (number, _row), person in zip(kept, _one_by_one(pieces), strict=True):
                if person is None:
                    report.skipped_error += 1
                    continue
                key = person.code.upper()
                if key in first_row_of:
                    report.problem(number, headers[cmap.fields["code"]],
                                   f"code {person.code} already used on row "
                                   f"{first_row_of[key]}: row not imported", "error")
                    report.skipped_error += 1
                    continue
                first_row_of[key] = number
                taken.append(person)
            people.extend(RegistrantColumns.of(taken))
    finally:
        if handle is not None:
            handle.close()
    report.duplicates = _find_duplicates(people)
    return people, report, parser


Piece = RegistrantColumns | Registrant | None  # what RowParser.parse_many gives


def _joined(pieces: list[Piece]) -> RegistrantColumns:
    """The registrants of `pieces` (none of them None) in one RegistrantColumns."""
    if len(pieces) == 1 and isinstance(pieces[0], RegistrantColumns):
        return pieces[0]  # the usual batch: one run of rows
    joined = RegistrantColumns()
    for piece in pieces:
        joined.extend(piece if isinstance(piece, RegistrantColumns)
                      else RegistrantColumns.of([piece]))
    return joined


def _one_by_one(pieces: list[Piece]) -> Iterator[Registrant | None]:
    for piece in pieces:
        if isinstance(piece, RegistrantColumns):
            yield from piece.registrants()
        else:
            yield piece


@dataclass
class ExportPreview:
    """What an import would do with the top of a file, before anything is written."""

    table: str  # sheet name or detected encoding
    header_row: int
    columns: ColumnMap  # the headers and which field each one fills
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number, cells) as read
    people: list[Registrant] = field(default_factory=list)  # those rows, as imported
    problems: list[Problem] = field(default_factory=list)
    error: str = ""  # why the file cannot be imported as mapped (no code column ...)


def _first_filled_row(path, sheet: str | None):
    """Without a recognisable header, the first non-blank row is offered as the header:
    (table, [row], 0, handle to close), or None."""
    tables, handle = open_tables(path)
    first = None
    try:
        table = next((t for t in tables if sheet in (None, t.name)), None)
        if table is not None:
            rows = itertools.islice(table.rows, HEADER_SEARCH_ROWS)
            first = next((item for item in rows if not _is_blank(item[1])), None)
    finally:
        if first is None and handle is not None:
            handle.close()
    return (table, [first], 0, handle) if first else None


def preview_export(path: str | Path, config: EventConfig, *, mapping: Mapping = None,
                   sheet: str | None = None, rows: int = 20) -> ExportPreview:
    """The column map and the first `rows` registrants, reading only the top of the file.
    A header without a code (or name) column still shows its columns, with `error` saying
    what is missing, so that a person can pick them; an unreadable file raises
    ImportFileError."""
    overrides = _overrides(mapping)
    tables, handle = open_tables(path)
    error = ""
    try:
        try:
            table, head, header_idx = _locate(tables, sheet, overrides)
        except ImportFileError as exc:
            found = _first_filled_row(path, sheet)
            if found is None:
                raise
            if handle is not None:
                handle.close()
            table, head, header_idx, handle = found
            error = str(exc)
        header_number, headers = head[header_idx]
        cmap = guess_map(headers, overrides)
        error = error or missing_columns(cmap) or ""
        report = ImportReport(file=Path(path).name, table=table.name, header_row=header_number)
        raw: list[tuple[int, list]] = []
        for number, row in itertools.chain(head[header_idx + 1:], table.rows):
            if len(raw) >= rows:
                break
            if not (_is_blank(row) or _is_total(row)):
                raw.append((number, row))
        people: list[Registrant] = []
        if not error:
            parser = RowParser(cmap, config, report)
            people = [p for p in (parser.parse(n, row) for n, row in raw) if p is not None]
    finally:
        if handle is not None:
            handle.close()
    return ExportPreview(table=table.name, header_row=header_number, columns=cmap,
                         rows=raw, people=people, problems=report.problems, error=error)


def _changed_fields(old: Registrant, new: Registrant) -> dict:
    diff = {}
    for key, value in new.master_fields().items():
        if getattr(old, key) != value:
            diff[key] = (getattr(old, key), value)
    if old.extra != new.extra:
        diff["extra"] = (old.extra, new.extra)
    return diff


def _to_write(people: list[Registrant], existing: dict[str, Registrant],
              desk_edits: dict[str, set[str]], report: ImportReport) -> list[Registrant]:
    """Those of `people` that are new or changed (`existing`: the stored registrants by
    upper-case code), counted in the report; a field a desk corrected keeps the desk's
    value (`desk_edits`: the fields, by upper-case code)."""
    to_write: list[Registrant] = []
    for person in people:
        key = person.code.upper()
        old = existing.get(key)
        if old is None:
            report.added += 1
            to_write.append(person)
            continue
        person.code = old.code  # keep the stored spelling of the code
        person.source = old.source
        for fld in desk_edits.get(key, ()):
            if getattr(person, fld) != getattr(old, fld):
                setattr(person, fld, getattr(old, fld))
                report.kept_desk_edits.append(f"{old.code} ({fld})")
        diff = _changed_fields(old, person)
        if old.missing:
            report.returned += 1
            diff["missing"] = (True, False)
        if diff:
            report.updated += 1
            to_write.append(person)
            if len(report.changes) < 200:
                report.changes.append({"code": old.code, "fields": diff})
        else:
            report.unchanged += 1
    return to_write


def import_file(store: Store, path: str | Path, *, mapping: Mapping = None,
                sheet: str | None = None, dry_run: bool = False,
                mark_missing: bool | None = None,
                progress: Progress | None = None, operator: str | None = None) -> ImportReport:
    """Import an export. `mark_missing`: mark registrants absent from the file as gone
    (True), never (False: a supplement), or None: only when that is at most
    MAX_MISSING_SHARE of the list (a larger share looks like a partial export).
    `progress(done, total)`: rows read so far while reading, then (total, total) once
    everything is written. `operator`: who imports (the audit trail; default
    $CHECKIN_OPERATOR or the login name)."""
    # An import allocates millions of small objects that all live until the end: the
    # cyclic garbage collector would re-scan them again and again (~15% of the time).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _import(store, path, mapping=mapping, sheet=sheet, dry_run=dry_run,
                       mark_missing=mark_missing, progress=progress, operator=operator)
    finally:
        if gc_was_enabled:
            gc.enable()


def _import(store: Store, path, *, mapping, sheet, dry_run: bool,
            mark_missing: bool | None, progress: Progress | None,
            operator: str | None = None) -> ImportReport:
    rows_in_file = 0

    def reading(done: int, total: int) -> None:
        nonlocal rows_in_file
        rows_in_file = total
        progress(done, total)

    people, report, parser = read_export_columns(path, store.config, mapping=mapping,
                                                 sheet=sheet,
                                                 progress=reading if progress else None)
    desk_fields = store.config.privacy.desk_fields  # (store.config reads the database)
    if desk_fields is not None:  # [privacy] desk_fields: what this desk may keep (issue 7)
        people = RegistrantColumns.of([masking.minimise(person, desk_fields)
                                       for person in people.registrants()])
    report.dry_run = dry_run
    report.created = {
        "meal slots": list(parser.new_meals), "forums": list(parser.new_forums),
        "categories": list(parser.new_categories),
    }
    # A dry run only reads, so it never holds the write lock that desks are waiting on.
    with nullcontext(store.reader()) if dry_run else store.transaction() as conn:
        existing = {r.code.upper(): r for r in reg_store.all_registrants(conn)}
        desk_edits = {c.upper(): f for c, f in reg_store.edited_fields(conn).items()}
        if existing:
            to_write = _to_write(people.registrants(), existing, desk_edits, report)
        else:  # a first import: everyone is new, written as read
            to_write, report.added = people, len(people)
        vanished = [r.code for r in gone_from_list(existing, people.column("code"),
                                                   mark_missing, report,
                                                   "import with --mark-missing")]
        report.missing = len(vanished)
        report.imported = len(people)
        if not dry_run:
            reg_store.upsert(conn, to_write)
            if vanished:
                reg_store.set_missing(conn, vanished, True)
            if any(report.created.values()):
                store.save_config(conn, parser.extended_config())
            store.bump_registrant_generation(conn)
            summary = {k: getattr(report, k) for k in ("rows_read", "imported", "added",
                                                       "updated", "unchanged", "missing",
                                                       "skipped_error")}
            reg_store.record_import(conn, str(path), now_iso(), summary)
            audit.record(store, conn, audit.IMPORT, operator=operator,
                         details={"file": Path(path).name, **summary})
    if progress is not None:
        total = max(rows_in_file, report.rows_read, 1)
        progress(total, total)
    return report
