"""One export row becomes one Registrant, every problem noted in the import report; rows
with nothing to report are turned into registrants a thousand at a time, a column at a time
(issue 17: the row-by-row path was most of a 100,000-row import)."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Sequence
from itertools import compress, repeat
from operator import itemgetter, not_

from .. import masking
from .. import normalize as norm
from ..i18n import _
from ..model import Category, EventConfig, Forum, MealSlot, Registrant, RegistrantColumns
from .columns import ColumnMap
from .report import ImportReport

MAX_CELL_CHARS = 1000  # longer cells are cut (a name that long refuses its row)
# A column whose cells are at most this share distinct (category, payment, organisation ...)
# is not checked for clean cells: each distinct cell is normalised once instead.
REPEATING_SHARE = 0.5

# Badge colours for the categories of Chinese medical-IT events (an event file overrides them).
DEFAULT_COLOURS = {
    "嘉宾/专家": "#c62828", "评委": "#6a1b9a", "参赛团队": "#1565c0", "参会代表": "#2e7d32",
    "学生": "#00838f", "媒体": "#ef6c00", "展商": "#795548", "工作人员": "#37474f",
}

# Registrant's fields in the order its constructor takes them, with their defaults (the
# list fields always come from the row; the others are immutable, so rows may share them).
_FIELD_DEFAULTS = [(f.name, f.default) for f in dataclasses.fields(Registrant)]


class RowParser:
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

    def parse_many(self, rows: list[tuple[int, list]],
                   ) -> Iterator[RegistrantColumns | Registrant | None]:
        """parse() of each (row number, row), in order: runs of rows with nothing to report
        come as RegistrantColumns, normalised column by column (each normaliser mapped over
        a column runs in C, ~3x faster than cell by cell); a row with anything to report (a
        problem, a long cell) goes through parse() itself, in its place, so that the report
        and what the rows add to the event come in file order."""
        if not rows:
            return
        try:
            normalised = self._normalise_columns([row for _, row in rows])
        except Exception:  # noqa: BLE001 - a cell no normaliser expected: parse() says how
            normalised = None
        if normalised is None:
            yield from (self.parse(number, row) for number, row in rows)
            return
        columns, values, flagged = normalised
        start = 0
        for stop in (*flagged, len(rows)):
            if stop > start:
                yield self._columns(columns, values, slice(start, stop))
            if stop < len(rows):
                yield self.parse(*rows[stop])
            start = stop + 1

    def _normalise_columns(self, rows: list[list]) -> tuple | None:
        """(the rows' cells by column, each field's normalised values by field, the
        positions of the rows with something to report), or None: parse() every row."""
        if "name" not in self.cmap.fields:
            return None  # parse() reports it on every row
        width = self.width
        rows = [r if len(r) >= width else r + [None] * (width - len(r)) for r in rows]
        columns = list(zip(*rows, strict=False))  # rows may run past the headers
        values, flagged = {}, set()
        for fld, col, normalise, _header in [("code", self.code_col, norm.code, ""),
                                             *self.plan]:
            values[fld], problems = _normalised(normalise, columns[col])
            flagged.update(problems)
            if fld != "code":  # (parse() does not cut codes: norm.code judges their length)
                flagged.update(_long_cells(columns[col]))
        return columns, values, sorted(flagged)

    def _finish(self, code: str, row: list, values: dict, extra: dict) -> Registrant:
        """The registrant of one row whose normalised fields are `values`."""
        columns = [(cell,) for cell in row]
        values = {"code": [code], **{fld: [value] for fld, value in values.items()}}
        return self._columns(columns, values, slice(0, 1), [extra]).registrants()[0]

    def _columns(self, columns: list[tuple], values: dict[str, list], rows: slice,
                 extras: list[dict] | None = None) -> RegistrantColumns:
        """The registrants of `rows`, built a column at a time: `values` holds their
        normalised fields; category, meals, forums and extra columns are added here from
        the cells `columns`; `extras`: extra data each row already has."""
        def cells(col: int) -> tuple:
            return columns[col][rows]

        count = rows.stop - rows.start
        fields = {fld: found[rows] for fld, found in values.items()}
        if self.category_col is not None:
            fields["category"] = self._memoised(cells(self.category_col), self.categories_seen,
                                                self._category)
        fields["meals"] = self._meals(cells, count)
        fields["forums"] = [[] for _ in range(count)] if self.forums_col is None else list(
            map(list, self._memoised(cells(self.forums_col), self.forums_seen,
                                     self._forum_ids)))
        fields["extra"] = self._extras(cells, count, extras)
        return RegistrantColumns({name: fields[name] if name in fields else [default] * count
                                  for name, default in _FIELD_DEFAULTS})

    def _extras(self, cells: Callable[[int], tuple], count: int,
                extras: list[dict] | None) -> list[dict]:
        """Each row's extra data: `extras` (or nothing) plus its filled extra columns."""
        extras = extras if extras is not None else [{} for _ in range(count)]
        for col, header in self.cmap.extra.items():
            column = cells(col)
            texts = _texts(column)
            for i in compress(range(count), map(not_, map((None, "").__contains__, column))):
                extras[i][header] = texts[i][:MAX_CELL_CHARS]
        return extras

    def _meals(self, cells: Callable[[int], tuple], count: int) -> list[list[str]]:
        """Each row's meals: those its meals cell lists, then those of the meal columns it
        marks (one column per meal), each once."""
        if not self.cmap.meal_columns:
            if self.meals_col is None:
                return [[] for _ in range(count)]
            listed = self._memoised(cells(self.meals_col), self.meals_seen, self._meal_ids)
            return list(map(list, map(dict.fromkeys, listed)))
        # (row by row, so that new meal names are noted in the order the rows give them)
        listed = repeat(()) if self.meals_col is None else map(
            self._memoised_one, cells(self.meals_col), repeat(self.meals_seen),
            repeat(self._meal_ids))
        marked = list(zip(*(cells(col) for col in self.cmap.meal_columns), strict=True))
        slots = list(self.cmap.meal_columns.values())
        return [list(dict.fromkeys([*ids, *(self._meal_id(slot) for slot, cell
                                          in zip(slots, marks, strict=True)
                                          if norm.truthy(cell))]))
                for ids, marks in zip(listed, marked, strict=False)]

    @staticmethod
    def _memoised_one(cell, seen: dict, work: Callable):
        """work(cell), done once per distinct cell (categories, meal and forum lists repeat
        from row to row; a first sight may note a new name)."""
        key = (type(cell), cell)  # typed: 1 and 1.0 are one dict key but not one text
        if key not in seen:
            seen[key] = work(cell)
        return seen[key]

    def _memoised(self, column: tuple, seen: dict, work: Callable) -> list:
        """_memoised_one() of each cell: the distinct cells in the order of first sight,
        then one lookup per cell in C."""
        keys = list(zip(map(type, column), column, strict=True))
        for _type, cell in dict.fromkeys(keys):
            self._memoised_one(cell, seen, work)
        return list(map(seen.__getitem__, keys))

    def _meal_ids(self, cell) -> tuple[str, ...]:
        return tuple(map(self._meal_id, norm.items(cell)))

    def _forum_ids(self, cell) -> tuple[str, ...]:
        return tuple(map(self._forum_id, norm.items(cell)))

    def _category(self, cell) -> str | None:
        category, _problem = norm.category(cell, self.category_words)
        if category and category not in self.known_categories:
            self.new_categories.setdefault(category)
        return category

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


def _normalised(normalise: Callable, column: tuple) -> tuple[list, list[int]]:
    """(normalise() of each cell, the positions of the cells it has a problem with), with
    as few calls of it as can be: a column of few distinct cells (category, payment ...)
    runs it once per distinct cell; otherwise cells already clean (norm.ALREADY_CLEAN) are
    kept as they are and the others normalised once per distinct cell (most of them are
    empty ones)."""
    distinct = set(column)
    if len(distinct) <= REPEATING_SHARE * len(column):
        results = _once_each(normalise, column, distinct)
        return list(map(itemgetter(0), results)), list(
            compress(range(len(column)), map(itemgetter(1), results)))
    values, todo = list(column), range(len(column))
    already_clean = norm.ALREADY_CLEAN.get(normalise)
    if already_clean is not None:
        # (TypeError: an empty cell (None), numbers or dates of a workbook)
        with contextlib.suppress(TypeError):
            todo = list(compress(todo, map(not_, already_clean(column))))
    cells = list(map(column.__getitem__, todo))
    results = _once_each(normalise, cells, set(cells))
    for i, (value, _problem) in zip(todo, results, strict=True):
        values[i] = value
    return values, list(compress(todo, map(itemgetter(1), results)))


def _once_each(normalise: Callable, cells: Sequence, distinct: set) -> list:
    """normalise() of each of `cells` (`distinct`: the set of them), run once per distinct
    text: normalisers are pure and give immutable values, so cells may share them."""
    if not set(map(type, distinct)) <= _TEXT_OR_EMPTY:
        return list(map(normalise, cells))  # 1, 1.0 and True are one set member, not one text
    once = {cell: normalise(cell) for cell in distinct}
    return list(map(once.__getitem__, cells))


_TEXT_OR_EMPTY = {str, type(None)}


def _texts(column: tuple) -> list[str]:
    """norm.text() of each cell, in C calls for a column of texts."""
    try:
        return list(map(str.strip, map(str.replace, column, repeat("\u3000"), repeat(" "))))
    except TypeError:  # numbers, dates, empty cells of a workbook
        return list(map(norm.text, column))


def _long_cells(column: tuple) -> Iterator[int]:
    """The positions of the cells longer than MAX_CELL_CHARS."""
    try:  # a CSV column is all text: its longest cell in one C call
        if max(map(len, column), default=0) <= MAX_CELL_CHARS:
            return iter(())
        return compress(range(len(column)), map(MAX_CELL_CHARS.__lt__, map(len, column)))
    except TypeError:  # numbers, dates, empty cells of a workbook
        return (i for i, cell in enumerate(column)
                if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS)


def _has_long_cell(row: list) -> bool:
    try:  # a CSV row is all text: its longest cell in one C call
        return max(map(len, row), default=0) > MAX_CELL_CHARS
    except TypeError:  # numbers, dates, empty cells of a workbook
        return any(isinstance(c, str) and len(c) > MAX_CELL_CHARS for c in row)
