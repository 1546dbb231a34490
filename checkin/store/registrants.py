"""Registrant rows: read, write, upsert. Master data (not events)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from ..clock import now_iso
from ..model import Registrant
from ..pinyin import name_keys
from .database import dumps

_COLUMNS = (
    "code", "name", "pinyin", "initials", "gender", "phone", "email", "organisation", "title",
    "category", "track", "team", "payment", "amount", "meals", "forums", "remarks", "extra",
    "source", "missing", "version",
)


def from_row(row: sqlite3.Row) -> Registrant:
    data = {k: row[k] for k in _COLUMNS}
    data["meals"] = json.loads(data["meals"])
    data["forums"] = json.loads(data["forums"])
    data["extra"] = json.loads(data["extra"])
    data["missing"] = bool(data["missing"])
    return Registrant(**data)


def to_row(reg: Registrant) -> dict:
    pinyin, initials = name_keys(reg.name)
    row = {k: getattr(reg, k) for k in _COLUMNS}
    row.update(
        pinyin=pinyin,
        initials=initials,
        meals=dumps(reg.meals),
        forums=dumps(reg.forums),
        extra=dumps(reg.extra),
        missing=int(reg.missing),
    )
    return row


def get(conn: sqlite3.Connection, code: str) -> Registrant | None:
    row = conn.execute("SELECT * FROM registrants WHERE code = ?", (code,)).fetchone()
    return from_row(row) if row else None


def get_many(conn: sqlite3.Connection, codes: Iterable[str]) -> dict[str, Registrant]:
    codes = list(codes)
    found: dict[str, Registrant] = {}
    for i in range(0, len(codes), 500):
        chunk = codes[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT * FROM registrants WHERE code IN ({marks})", chunk):
            found[row["code"]] = from_row(row)
    return found


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


def upsert(conn: sqlite3.Connection, registrants: Iterable[Registrant]) -> int:
    """Insert or replace master data by code; bumps the version of changed rows."""
    now = now_iso()
    rows = []
    for reg in registrants:
        row = to_row(reg)
        row["updated_at"] = now
        rows.append(row)
    if not rows:
        return 0
    cols = list(rows[0])
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c not in ("code", "version"))
    conn.executemany(
        f"INSERT INTO registrants ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)}) "
        f"ON CONFLICT(code) DO UPDATE SET {updates}, version = registrants.version + 1",
        rows,
    )
    return len(rows)


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
