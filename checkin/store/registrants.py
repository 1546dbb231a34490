"""Registrant rows: read, write, upsert. Master data (not events)."""

from __future__ import annotations

import contextlib
import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import repeat
from operator import attrgetter, itemgetter

from ..clock import now_iso
from ..jsonutil import dumps
from ..model import Registrant, RegistrantColumns
from ..pinyin import name_keys

_COLUMNS = (
    "code", "name", "gender", "phone", "email", "organisation", "title",
    "category", "track", "team", "payment", "amount", "meals", "forums", "remarks", "extra",
    "source", "missing", "version", "id_number", "cme_card", "wall_hidden",
)


# What a row written here holds: the registrant, its search keys, when it was written.
WRITTEN_COLUMNS = (*_COLUMNS, "pinyin", "initials", "updated_at")


def from_row(row: sqlite3.Row) -> Registrant:
    data = {k: row[k] for k in _COLUMNS}
    data["meals"] = json.loads(data["meals"])
    data["forums"] = json.loads(data["forums"])
    data["extra"] = json.loads(data["extra"])
    data["missing"] = bool(data["missing"])
    data["wall_hidden"] = bool(data["wall_hidden"])
    return Registrant(**data)


@lru_cache(maxsize=4096)
def _list_json(items: tuple) -> str:
    """Meal and forum lists repeat from person to person: encode each once."""
    return dumps(list(items))


_text_json = json.encoder.encode_basestring  # a str as JSON text, non-ASCII kept (C)


def _extra_json(extra: dict) -> str:
    """dumps(extra), written out for the usual one text column (序号 ...): dumps sets up an
    encoder per call, three times the work."""
    if type(extra) is dict and len(extra) == 1:
        ((key, value),) = extra.items()
        if type(key) is str and type(value) is str:
            return f"{{{_text_json(key)}:{_text_json(value)}}}"
    return dumps(extra)


def _extra_jsons(extras: Iterable[dict]) -> list[str]:
    """_extra_json() of each. The usual export gives every row the same extra columns as
    texts (序号 ...): those are written through one %-template in C calls (~1.5 us a row
    otherwise)."""
    extras = list(extras)
    keys = tuple(extras[0]) if extras and type(extras[0]) is dict else None
    if keys is not None and all(type(key) is str for key in keys) \
            and set(map(type, extras)) == {dict} \
            and list(map(tuple, extras)).count(keys) == len(extras):
        values = [list(map(itemgetter(key), extras)) for key in keys]
        if all(set(map(type, column)) == {str} for column in values):
            if not keys:
                return ["{}"] * len(extras)
            template = "{" + ",".join(_text_json(key).replace("%", "%%") + ":%s"
                                      for key in keys) + "}"
            return list(map(template.__mod__, zip(*(map(_text_json, column)
                                                     for column in values), strict=True)))
    return list(map(_extra_json, extras))


def written_rows(registrants: Sequence[Registrant] | RegistrantColumns, updated_at: str,
                 *more: Iterable) -> Iterator[tuple]:
    """The registrants as rows in WRITTEN_COLUMNS order, followed by the `more` columns."""
    return zip(*written_columns(registrants, updated_at), *more, strict=False)


def written_columns(registrants: Sequence[Registrant] | RegistrantColumns,
                    updated_at: str) -> list[Iterable]:
    """The registrants' rows as columns (WRITTEN_COLUMNS), `updated_at` repeating without
    end. Built a column at a time: attribute reads, JSON of the repeating lists and the
    tuples themselves run in C (a row-by-row function was a fifth of a 100,000-row import)."""
    def column(name: str) -> Iterable:
        if isinstance(registrants, RegistrantColumns):
            return registrants.column(name)
        return map(attrgetter(name), registrants)

    keys = list(map(name_keys, column("name")))
    made = {
        "meals": map(_list_json, map(tuple, column("meals"))),
        "forums": map(_list_json, map(tuple, column("forums"))),
        "extra": _extra_jsons(column("extra")),
        "missing": map(int, column("missing")),
        "wall_hidden": map(int, map(bool, column("wall_hidden"))),
        "pinyin": map(itemgetter(0), keys),
        "initials": map(itemgetter(1), keys),
        "updated_at": repeat(updated_at),
    }
    return [made.get(name) or column(name) for name in WRITTEN_COLUMNS]


def get(conn: sqlite3.Connection, code: str) -> Registrant | None:
    row = conn.execute("SELECT * FROM registrants WHERE code = ?", (code,)).fetchone()
    return from_row(row) if row else None


def server_version(conn: sqlite3.Connection, code: str) -> int | None:
    """The central list's version of this registrant as this desk last saw it (None: never
    came from the central list); its own `version` also counts the desk's edits."""
    row = conn.execute("SELECT server_version FROM registrants WHERE code = ?", (code,)).fetchone()
    return row[0] if row else None


def search_rows(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """What the name search shows, every registrant, in pinyin order."""
    return conn.execute(
        "SELECT code, name, organisation, category, phone, missing, pinyin, initials "
        "FROM registrants ORDER BY pinyin, code").fetchall()


def index_rows(conn: sqlite3.Connection) -> Iterator[tuple]:
    """What the name search indexes, every registrant, in pinyin order: (code, name,
    organisation, phone, pinyin, initials), streamed (the index keeps only its own form)."""
    return conn.execute(
        "SELECT code, name, organisation, phone, pinyin, initials "
        "FROM registrants ORDER BY pinyin, code")


def search_hits(conn: sqlite3.Connection, codes: list[str]) -> dict[str, sqlite3.Row]:
    """What a search shows of these registrants (code, name, organisation, category, phone,
    missing), by upper-case code."""
    marks = ",".join("?" * len(codes))
    rows = conn.execute(
        "SELECT code, name, organisation, category, phone, missing FROM registrants "
        f"WHERE code IN ({marks})", codes)
    return {r["code"].upper(): r for r in rows}


def rows_by_code(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every registrant as a row (the attendance export reads them), by code."""
    return conn.execute("SELECT * FROM registrants ORDER BY code").fetchall()


def record_import(conn: sqlite3.Connection, file: str, at: str, summary: dict) -> None:
    """The import history: which file, when, and its counts."""
    conn.execute("INSERT INTO imports(file, at, summary) VALUES (?, ?, ?)",
                 (file, at, dumps(summary)))


def team_members(conn: sqlite3.Connection, team: str) -> list[Registrant]:
    rows = conn.execute(
        "SELECT * FROM registrants WHERE team = ? AND missing = 0 ORDER BY code", (team,)
    )
    return [from_row(r) for r in rows]


def all_registrants(conn: sqlite3.Connection, include_missing: bool = True) -> list[Registrant]:
    where = "" if include_missing else "WHERE missing = 0"
    return [from_row(r) for r in conn.execute(f"SELECT * FROM registrants {where} ORDER BY code")]


def edited_fields(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """Fields changed at a desk, per code: a re-import must not undo a desk's correction."""
    rows = conn.execute("SELECT code, edited_fields FROM registrants WHERE edited_fields != '[]'")
    return {r[0]: set(json.loads(r[1])) for r in rows}


_INSERT_INTO = f"INSERT INTO registrants ({', '.join(WRITTEN_COLUMNS)})"
_INSERT = f"{_INSERT_INTO} VALUES ({', '.join('?' * len(WRITTEN_COLUMNS))})"
_UPSERT = (
    f"{_INSERT} ON CONFLICT(code) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in WRITTEN_COLUMNS if c not in ("code", "version"))
    + ", version = registrants.version + 1"
)


def upsert(conn: sqlite3.Connection,
           registrants: Sequence[Registrant] | RegistrantColumns) -> int:
    """Insert, or replace by code (bumping the version): callers pass only what changed.
    The search keys (pinyin, initials) are worked out here from the name."""
    columns = written_columns(registrants, now_iso())
    if len(registrants) >= BULK and conn.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM registrants)").fetchone()[0]:
        with _indexes_built_after(conn), _page_cache(conn, BULK_CACHE_KIB):
            _insert_many(conn, columns, len(registrants))  # nothing to conflict with
    else:
        conn.executemany(_UPSERT, zip(*columns, strict=False))
    return len(registrants)


BULK = 5000  # a first import of this many or more builds the secondary indexes after
# The page cache of a first import: SQLite's default 2 MB spills the pages of the table and
# of the code index to the WAL again and again while 100,000 rows (~30 MB) go in.
BULK_CACHE_KIB = 64 * 1024
ROWS_PER_INSERT = 100  # rows one INSERT of a first import writes (_insert_many)


def _insert_many(conn: sqlite3.Connection, columns: list[Iterable], count: int) -> None:
    """Plain INSERTs of ROWS_PER_INSERT rows each: what sqlite3 does once per statement
    (setting up the binding, a step, releasing and taking back the GIL) is then done once
    per hundred rows (a quarter of the time of one row per statement). The values are laid
    out row after row by one slice assignment per column (no tuple per row)."""
    width = len(columns)
    flat: list = [None] * (count * width)
    for i, column in enumerate(columns):
        flat[i::width] = itertools.islice(column, count)
    per = min(ROWS_PER_INSERT, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width)
    step = per * width
    whole = count - count % per
    values = ", ".join(["(" + ", ".join("?" * width) + ")"] * per)
    conn.executemany(f"{_INSERT_INTO} VALUES {values}",
                     (flat[i:i + step] for i in range(0, whole * width, step)))
    conn.executemany(_INSERT, (flat[i:i + width] for i in range(whole * width, len(flat), width)))


@contextlib.contextmanager
def _page_cache(conn: sqlite3.Connection, kib: int) -> Iterator[None]:
    """A page cache of `kib` KiB for the time of the block (the connection's own after)."""
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(before)}")


@contextlib.contextmanager
def _indexes_built_after(conn: sqlite3.Connection) -> Iterator[None]:
    """A first import into an empty table: the secondary indexes (team, phone ...) are
    dropped and made again afterwards, each in one sort, instead of kept up row by row
    (~20% of the inserts' time). On an error the caller's rollback brings them back."""
    made = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                        "tbl_name = 'registrants' AND sql IS NOT NULL").fetchall()
    for name, _sql in made:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _name, sql in made:
        conn.execute(sql)


def set_missing(conn: sqlite3.Connection, codes: Iterable[str], missing: bool) -> None:
    conn.executemany(
        "UPDATE registrants SET missing = ?, version = version + 1 WHERE code = ?",
        [(int(missing), c) for c in codes],
    )


def apply_edit(conn: sqlite3.Connection, code: str, changes: dict) -> None:
    """A desk's edit: the changed fields are remembered so an import keeps them."""
    reg = get(conn, code)
    if reg is None:
        raise KeyError(code)
    for key, value in changes.items():
        setattr(reg, key, value)
    upsert(conn, [reg])
    previous = set(json.loads(conn.execute(
        "SELECT edited_fields FROM registrants WHERE code = ?", (code,)).fetchone()[0]))
    conn.execute(
        "UPDATE registrants SET edited_fields = ? WHERE code = ?",
        (dumps(sorted(previous | set(changes))), code),
    )
