"""Registrant rows: read, write, upsert. Master data (not events)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from functools import lru_cache

from ..clock import now_iso
from ..jsonutil import dumps
from ..model import Registrant
from ..pinyin import name_keys

_COLUMNS = (
    "code", "name", "gender", "phone", "email", "organisation", "title",
    "category", "track", "team", "payment", "amount", "meals", "forums", "remarks", "extra",
    "source", "missing", "version", "id_number", "cme_card", "wall_hidden",
)


_WRITTEN = (*_COLUMNS, "pinyin", "initials", "updated_at")


def row_columns() -> tuple[str, ...]:
    """The columns of `to_row`, in its order: for other writers of registrant rows (the
    central list's data applied at a desk, checkin/store/central.py)."""
    return _COLUMNS


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


def to_row(reg: Registrant) -> tuple:
    """The registrant as a row in _COLUMNS order (positional: fastest for executemany)."""
    return (reg.code, reg.name, reg.gender, reg.phone, reg.email, reg.organisation, reg.title,
            reg.category, reg.track, reg.team, reg.payment, reg.amount,
            _list_json(tuple(reg.meals)), _list_json(tuple(reg.forums)), reg.remarks,
            _extra_json(reg.extra), reg.source, int(reg.missing), reg.version, reg.id_number,
            reg.cme_card, int(bool(reg.wall_hidden)))


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


_INSERT = (f"INSERT INTO registrants ({', '.join(_WRITTEN)}) "
           f"VALUES ({', '.join('?' * len(_WRITTEN))})")
_UPSERT = (
    f"{_INSERT} ON CONFLICT(code) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _WRITTEN if c not in ("code", "version"))
    + ", version = registrants.version + 1"
)


def upsert(conn: sqlite3.Connection, registrants: Iterable[Registrant]) -> int:
    """Insert, or replace by code (bumping the version): callers pass only what changed.
    The search keys (pinyin, initials) are worked out here from the name."""
    now = now_iso()
    rows = [(*to_row(reg), *name_keys(reg.name), now) for reg in registrants]
    if len(rows) >= BULK and conn.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM registrants)").fetchone()[0]:
        with _indexes_built_after(conn):
            conn.executemany(_INSERT, rows)  # nothing to conflict with
    else:
        conn.executemany(_UPSERT, rows)
    return len(rows)


BULK = 5000  # a first import of this many or more builds the secondary indexes after


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
