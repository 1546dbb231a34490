"""Import an export into the store: read, map, normalise, report, upsert by code."""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from pathlib import Path

from .. import normalize as norm
from ..clock import now_iso
from ..model import Category, EventConfig, Forum, MealSlot, Registrant
from ..store import Store
from ..store import registrants as reg_store
from ..store.database import dumps
from .columns import ColumnMap, build_map, find_header, load_mapping
from .reader import ImportFileError, Table, open_tables
from .report import ImportReport

HEADER_SEARCH_ROWS = 30
_TOTAL_WORDS = re.compile(r"^(合计|总计|小计|汇总|共计|total|sum|grand total)", re.I)

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


class _RowParser:
    """Turns one data row into a Registrant, noting every problem in the report."""

    def __init__(self, cmap: ColumnMap, config: EventConfig, report: ImportReport):
        self.cmap = cmap
        self.config = config
        self.report = report
        self.category_aliases = {
            re.sub(r"[\s/_-]", "", a.lower()): c.name for c in config.categories for a in c.aliases
        }
        self.meal_ids = {k: m.id for m in config.meals for k in (m.id, m.name)}
        self.forum_ids = {k: f.id for f in config.forums for k in (f.id, f.name)}
        self.known_categories = {c.name for c in config.categories}
        self.new_meals: dict[str, None] = {}
        self.new_forums: dict[str, None] = {}
        self.new_categories: dict[str, None] = {}

    def cell(self, row: list, fld: str):
        col = self.cmap.fields.get(fld)
        return row[col] if col is not None and col < len(row) else None

    def parse(self, number: int, row: list) -> Registrant | None:
        report = self.report
        code, problem = norm.code(self.cell(row, "code"))
        if problem:
            report.problem(number, self.cmap.headers[self.cmap.fields["code"]],
                           f"{problem}: row not imported", "error")
            return None
        extra: dict[str, str] = {}
        values: dict = {}
        for fld, fn in (("name", norm.name), ("phone", norm.phone), ("email", norm.email),
                        ("payment", norm.payment), ("amount", norm.amount),
                        ("gender", norm.gender), ("organisation", norm.optional),
                        ("title", norm.optional), ("track", norm.optional),
                        ("team", norm.optional), ("remarks", norm.optional)):
            raw = self.cell(row, fld)
            value, problem = fn(raw)
            if problem:
                header = self.cmap.headers[self.cmap.fields[fld]]
                report.problem(number, header, problem)
                extra[header] = norm.text(raw)
            values[fld] = value
        category, _ = norm.category(self.cell(row, "category"), self.category_aliases)
        if category and category not in self.known_categories:
            self.new_categories.setdefault(category)
        meals = [self._meal_id(m) for m in norm.items(self.cell(row, "meals"))]
        for col, slot_name in self.cmap.meal_columns.items():
            if col < len(row) and norm.truthy(row[col]):
                meals.append(self._meal_id(slot_name))
        forums = [self._forum_id(f) for f in norm.items(self.cell(row, "forums"))]
        for col, header in self.cmap.extra.items():
            if col < len(row) and row[col] not in (None, ""):
                extra[header] = norm.text(row[col])
        return Registrant(code=code, category=category, meals=list(dict.fromkeys(meals)),
                          forums=forums, extra=extra, **values)

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


def _is_blank(row: list) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def _is_total(row: list) -> bool:
    first = next((c for c in row if c not in (None, "")), None)
    return isinstance(first, str) and bool(_TOTAL_WORDS.match(first.strip()))


def _find_duplicates(people: list[Registrant]) -> list[list[str]]:
    """Codes that look like one person registered twice: same name and phone (or e-mail)."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for p in people:
        if not p.name:
            continue
        for contact in (p.phone, p.email):
            if contact:
                groups[(p.name, contact)].append(p.code)
    seen, result = set(), []
    for codes in groups.values():
        key = tuple(sorted(set(codes)))
        if len(key) > 1 and key not in seen:
            seen.add(key)
            result.append(list(key))
    return result


def read_export(path: str | Path, config: EventConfig, *, mapping: str | Path | None = None,
                sheet: str | None = None) -> tuple[list[Registrant], ImportReport, _RowParser]:
    """Parse an export without touching the store."""
    overrides = load_mapping(mapping) if mapping else None
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
        rows = [*head[header_idx + 1:]]
        for number, row in _chain(rows, table.rows):
            if _is_blank(row):
                report.skipped_blank += 1
                continue
            if _is_total(row):
                report.skipped_total += 1
                continue
            report.rows_read += 1
            person = parser.parse(number, row)
            if person is None:
                report.skipped_error += 1
                continue
            key = person.code.upper()
            if key in first_row_of:
                report.problem(number, headers[cmap.fields["code"]],
                               f"code {person.code} already used on row {first_row_of[key]}: "
                               "row not imported", "error")
                report.skipped_error += 1
                continue
            first_row_of[key] = number
            people.append(person)
    finally:
        if handle is not None:
            handle.close()
    report.duplicates = _find_duplicates(people)
    return people, report, parser


def _chain(first, rest):
    yield from first
    yield from rest


def _changed_fields(old: Registrant, new: Registrant) -> dict:
    diff = {}
    for key, value in new.master_fields().items():
        if getattr(old, key) != value:
            diff[key] = (getattr(old, key), value)
    if old.extra != new.extra:
        diff["extra"] = (old.extra, new.extra)
    return diff


def import_file(store: Store, path: str | Path, *, mapping: str | Path | None = None,
                sheet: str | None = None, dry_run: bool = False) -> ImportReport:
    people, report, parser = read_export(path, store.config, mapping=mapping, sheet=sheet)
    report.dry_run = dry_run
    report.created = {
        "meal slots": list(parser.new_meals), "forums": list(parser.new_forums),
        "categories": list(parser.new_categories),
    }
    with store.transaction() as conn:
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
        in_file = {p.code.upper() for p in people}
        vanished = [r.code for k, r in existing.items()
                    if k not in in_file and not r.missing and r.source == "import"]
        report.missing = len(vanished)
        report.imported = len(people)
        if not dry_run:
            reg_store.upsert(conn, to_write)
            reg_store.set_missing(conn, vanished, True)
            if any(report.created.values()):
                store.save_config(conn, parser.extended_config())
            store.bump_registrant_generation(conn)
            conn.execute(
                "INSERT INTO imports(file, at, summary) VALUES (?, ?, ?)",
                (str(path), now_iso(), dumps({
                    k: getattr(report, k) for k in ("rows_read", "imported", "added", "updated",
                                                    "unchanged", "missing", "skipped_error")
                })),
            )
    return report
