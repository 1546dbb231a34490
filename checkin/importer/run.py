"""Import an export into the store: read, map, normalise, report, upsert by code."""

from __future__ import annotations

import dataclasses
import gc
import itertools
import re
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import compress
from operator import itemgetter
from pathlib import Path

from .. import masking
from .. import normalize as norm
from ..clock import now_iso
from ..i18n import _
from ..model import Category, EventConfig, Forum, MealSlot, Registrant
from ..store import Store, audit
from ..store import registrants as reg_store
from .columns import ColumnMap, build_map, find_header, guess_map, load_mapping, missing_columns
from .reader import ImportFileError, Table, open_tables
from .report import ImportReport, Problem

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
BATCH_ROWS = 1000  # rows normalised together, column by column (_RowParser.parse_many)
# A column mapping: a mapping file (TOML/JSON) or {field: header} ("" leaves a field out).
Mapping = str | Path | dict[str, str] | None
Progress = Callable[[int, int], None]

# Badge colours for the categories of Chinese medical-IT events (an event file overrides them).
DEFAULT_COLOURS = {
    "嘉宾/专家": "#c62828", "评委": "#6a1b9a", "参赛团队": "#1565c0", "参会代表": "#2e7d32",
    "学生": "#00838f", "媒体": "#ef6c00", "展商": "#795548", "工作人员": "#37474f",
}


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


MAX_CELL_CHARS = 1000  # longer cells are cut (a name that long refuses its row)


def gone_from_list(existing: dict, people: list[Registrant], mark_missing: bool | None,
                   report: ImportReport, how_to_insist: str) -> list:
    """Those of `existing` (key: upper-case code -> a row with .missing and .source) that
    this export no longer lists and that should be marked as gone. With mark_missing None,
    nobody when more than MAX_MISSING_SHARE of the list would go: that looks like a partial
    export (said in the report, with `how_to_insist`)."""
    in_file = {p.code.upper() for p in people}
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


class _RowParser:
    """Turns one data row into a Registrant, noting every problem in the report."""

    def __init__(self, cmap: ColumnMap, config: EventConfig, report: ImportReport):
        self.cmap = cmap
        self.config = config
        self.report = report
        self.category_words = norm.event_category_words(config)
        self.meal_ids = {k: m.id for m in config.meals for k in (m.id, m.name)}
        self.forum_ids = {k: f.id for f in config.forums for k in (f.id, f.name)}
        self.known_categories = {c.name for c in config.categories}
        self.new_meals: dict[str, None] = {}
        self.new_forums: dict[str, None] = {}
        self.new_categories: dict[str, None] = {}

        # Which normaliser reads which column, worked out once for the whole file.
        self.width = len(cmap.headers)
        self.plan = [(fld, col, norm.FIELD_NORMALISERS[fld], cmap.headers[col])
                     for fld, col in cmap.fields.items() if fld in norm.FIELD_NORMALISERS]
        self.code_col, self.category_col, self.meals_col, self.forums_col = (
            cmap.fields.get(fld) for fld in ("code", "category", "meals", "forums"))
        self.categories_seen: dict[tuple, str | None] = {}
        self.meals_seen: dict[tuple, tuple[str, ...]] = {}
        self.forums_seen: dict[tuple, tuple[str, ...]] = {}

    def parse(self, number: int, row: list) -> Registrant | None:
        if len(row) < self.width:
            row = row + [None] * (self.width - len(row))
        code, problem = norm.code(row[self.code_col])
        if problem:
            self.report.problem(number, self.cmap.headers[self.code_col],
                                f"{problem}: row not imported", "error")
            return None
        extra: dict[str, str] = {}
        values: dict = {}
        long = _has_long_cell(row)
        for fld, col, normalise, header in self.plan:
            cell = row[col]
            if long and isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
                if fld == "name":  # a 200,000-character "name" is damage or an attack
                    self.report.problem(number, header, f"{len(cell)} characters is not a name: "
                                        "row not imported", "error")
                    return None
                self.report.problem(number, header, f"{len(cell)} characters: cut to "
                                    f"{MAX_CELL_CHARS}")
                cell = cell[:MAX_CELL_CHARS]
            value, problem = normalise(cell)
            if problem:
                if fld == "name":
                    self.report.problem(number, header, f"{problem}: row not imported", "error")
                    return None
                if fld in masking.NEVER_UNMASKED:
                    # An ID number that is not one is left out, never kept aside in extra
                    # data (extra columns are not masked as ID numbers are).
                    self.report.problem(number, header, _(
                        "{problem} (the person is imported without it)").format(problem=problem))
                else:
                    self.report.problem(number, header, problem)
                    extra[header] = norm.text(cell)
            values[fld] = value
        if "name" not in values:
            self.report.problem(number, "", "no name column: row not imported", "error")
            return None
        return self._finish(code, row, values, extra)

    def parse_many(self, rows: list[tuple[int, list]]) -> Iterator[Registrant | None]:
        """parse() of each row, in order. The rows are normalised column by column (each
        normaliser mapped over a column runs in C: ~3x faster than cell by cell); a row
        with anything to report (a problem, a long cell) goes through parse() itself."""
        if not rows:
            return
        try:
            clean = self._by_columns([row for _, row in rows])
        except Exception:  # noqa: BLE001 - a cell no normaliser expected: parse() says how
            clean = [None] * len(rows)
        for (number, row), fast in zip(rows, clean, strict=True):
            yield self.parse(number, row) if fast is None else self._finish(*fast, {})

    def _by_columns(self, rows: list[list]) -> list[tuple | None]:
        """(code, padded row, values) of each row with nothing to report, else None."""
        fields = [fld for fld, _c, _n, _h in self.plan]
        if "name" not in fields:
            return [None] * len(rows)  # parse() reports it on every row
        width, count = self.width, len(rows)
        rows = [r if len(r) >= width else r + [None] * (width - len(r)) for r in rows]
        columns = list(zip(*rows, strict=False))  # rows may run past the headers
        codes = list(map(norm.code, columns[self.code_col]))
        results = [list(map(normalise, columns[col])) for _f, col, normalise, _h in self.plan]
        flagged = set(compress(range(count), map(_has_long_cell, rows)))
        for found in (codes, *results):
            flagged.update(compress(range(count), map(itemgetter(1), found)))
        values = zip(*[map(itemgetter(0), found) for found in results], strict=True)
        return [None if i in flagged else
                (codes[i][0], rows[i], dict(zip(fields, row_values, strict=True)))
                for i, row_values in enumerate(values)]

    def _finish(self, code: str, row: list, values: dict, extra: dict) -> Registrant:
        """The registrant of a row whose normalised fields are `values`: its category,
        meals, forums and extra columns added."""
        category = None
        if self.category_col is not None:
            category = self._category(row[self.category_col])
        meals = []
        if self.meals_col is not None:
            meals = [*self._listed(row[self.meals_col], self.meals_seen, self._meal_id)]
        for col, slot_name in self.cmap.meal_columns.items():
            if norm.truthy(row[col]):
                meals.append(self._meal_id(slot_name))
        forums = []
        if self.forums_col is not None:
            forums = [*self._listed(row[self.forums_col], self.forums_seen, self._forum_id)]
        for col, header in self.cmap.extra.items():
            if row[col] not in (None, ""):
                extra[header] = norm.text(row[col])[:MAX_CELL_CHARS]
        return Registrant(code=code, category=category, meals=list(dict.fromkeys(meals)),
                          forums=forums, extra=extra, **values)

    @staticmethod
    def _listed(cell, seen: dict, to_id: Callable[[str], str]) -> tuple[str, ...]:
        """The ids a meals or forums cell names; lists repeat from row to row: each
        distinct cell is split and looked up once (new names noted on first sight)."""
        key = (type(cell), cell)  # typed: 1 and 1.0 are one dict key but not one text
        if key not in seen:
            seen[key] = tuple(to_id(name) for name in norm.items(cell))
        return seen[key]

    def _category(self, cell) -> str | None:
        """Categories repeat from row to row: each distinct cell is looked up once."""
        key = (type(cell), cell)  # typed: 1 and 1.0 are one dict key but not one text
        if key not in self.categories_seen:
            category, _problem = norm.category(cell, self.category_words)
            if category and category not in self.known_categories:
                self.new_categories.setdefault(category)
            self.categories_seen[key] = category
        return self.categories_seen[key]

    def _meal_id(self, name: str) -> str:
        if name not in self.meal_ids:
            self.meal_ids[name] = name
            self.new_meals.setdefault(name)
        return self.meal_ids[name]

    def _forum_id(self, name: str) -> str:
        if name not in self.forum_ids:
            self.forum_ids[name] = name
            self.new_forums.setdefault(name)
        return self.forum_ids[name]

    def extended_config(self) -> EventConfig:
        """The event configuration plus what this export named that it did not know."""
        cfg = self.config
        return dataclasses.replace(
            cfg,
            meals=cfg.meals + [MealSlot(id=n, name=n) for n in self.new_meals],
            forums=cfg.forums + [Forum(id=n, name=n) for n in self.new_forums],
            categories=cfg.categories + [
                Category(name=n, colour=DEFAULT_COLOURS.get(n, "#607d8b")) for n in self.new_categories
            ],
        )


def _has_long_cell(row: list) -> bool:
    try:  # a CSV row is all text: its longest cell in one C call
        return max(map(len, row), default=0) > MAX_CELL_CHARS
    except TypeError:  # numbers, dates, empty cells of a workbook
        return any(isinstance(c, str) and len(c) > MAX_CELL_CHARS for c in row)


def _is_blank(row: list) -> bool:
    if row and row[0] not in (None, "") and not (type(row[0]) is str and row[0].isspace()):
        return False  # the usual data row: decided by its first cell
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def _is_total(row: list) -> bool:
    first = row[0] if row and row[0] not in (None, "") else next(
        (c for c in row if c not in (None, "")), None)
    return isinstance(first, str) and bool(_TOTAL_WORDS.match(first.strip()))


def _find_duplicates(people: list[Registrant]) -> list[list[str]]:
    """Codes that look like one person registered twice: same name and phone (or e-mail)."""
    first_code: dict[tuple, str] = {}
    groups: dict[tuple, set[str]] = {}
    for p in people:
        for contact in (p.phone, p.email):
            if contact and p.name:
                key = (p.name, contact)
                code = first_code.setdefault(key, p.code)
                if code != p.code:
                    groups.setdefault(key, {code}).add(p.code)
    return [list(codes) for codes in sorted({tuple(sorted(g)) for g in groups.values()})]


def _overrides(mapping: Mapping) -> dict[str, str] | None:
    if isinstance(mapping, dict):
        return dict(mapping)
    return load_mapping(mapping) if mapping else None


def read_export(path: str | Path, config: EventConfig, *, mapping: Mapping = None,
                sheet: str | None = None, progress: Progress | None = None,
                ) -> tuple[list[Registrant], ImportReport, _RowParser]:
    """Parse an export without touching the store. `progress(row, rows in the file)` is
    called every PROGRESS_EVERY rows (rows: 0 when not known)."""
    overrides = _overrides(mapping)
    tables, handle = open_tables(path)
    try:
        table, head, header_idx = _locate(tables, sheet, overrides)
        header_number, headers = head[header_idx]
        cmap = build_map(headers, overrides)
        report = ImportReport(file=Path(path).name, table=table.name, header_row=header_number,
                              mapping=cmap.describe())
        parser = _RowParser(cmap, config, report)
        people: list[Registrant] = []
        first_row_of: dict[str, int] = {}
        rows = itertools.chain(head[header_idx + 1:], table.rows)
        while batch := list(itertools.islice(rows, BATCH_ROWS)):
            kept = []
            for number, row in batch:
                if progress is not None and number % PROGRESS_EVERY == 0:
                    progress(number, table.total)
                first = row[0] if row else None
                if type(first) is str and first and first[0] not in _TOTAL_STARTS \
                        and not first[0].isspace():
                    kept.append((number, row))  # the usual row: neither blank nor totals
                elif _is_blank(row):
                    report.skipped_blank += 1
                elif _is_total(row):
                    report.skipped_total += 1
                else:
                    kept.append((number, row))
            report.rows_read += len(kept)
            for (number, _row), person in zip(kept, parser.parse_many(kept), strict=True):
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
                people.append(person)
    finally:
        if handle is not None:
            handle.close()
    report.duplicates = _find_duplicates(people)
    return people, report, parser


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
            parser = _RowParser(cmap, config, report)
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

    people, report, parser = read_export(path, store.config, mapping=mapping, sheet=sheet,
                                         progress=reading if progress else None)
    desk_fields = store.config.privacy.desk_fields  # (store.config reads the database)
    for person in people:  # [privacy] desk_fields: what this desk may keep (issue 7)
        masking.minimise(person, desk_fields)
    report.dry_run = dry_run
    report.created = {
        "meal slots": list(parser.new_meals), "forums": list(parser.new_forums),
        "categories": list(parser.new_categories),
    }
    # A dry run only reads, so it never holds the write lock that desks are waiting on.
    with nullcontext(store.reader()) if dry_run else store.transaction() as conn:
        existing = {r.code.upper(): r for r in reg_store.all_registrants(conn)}
        desk_edits = {c.upper(): f for c, f in reg_store.edited_fields(conn).items()}
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
        vanished = [r.code for r in gone_from_list(existing, people, mark_missing, report,
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
