"""Backup and restore of the central list: one file, whichever database holds it.

A backup is gzip'd JSON lines: a header (format, schema revision, the server's id), then one
line per row of every table, then an end line with the row counts. It is read in one
snapshot transaction, so it may be taken while desks sync (SQLite's WAL and PostgreSQL's
REPEATABLE READ both give a consistent picture without stopping writers), and written to a
temporary file renamed into place at the end: a full disk or a crash leaves the previous
backup whole.

A restore goes into an empty database (or `replace=True`), SQLite or PostgreSQL either way
(a venue laptop's list can move to a server), in one transaction: all of it or nothing. It
keeps the server's id, so enrolled desks carry on syncing from their cursors with their own
tokens, as if nothing had happened.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select, text

from .db import Database, metadata, server_meta, utcnow

FORMAT = "checkin-central-backup"
VERSION = 1
BATCH = 1_000
BACKUP_PREFIX, BACKUP_SUFFIX = "central-", ".backup.gz"
# The ids a PostgreSQL sequence hands out: after a restore it must continue past the rows.
SERIAL_TABLES = [t for t in metadata.sorted_tables
                 if any(c.autoincrement is True and c.primary_key for c in t.columns)]


class BackupError(ValueError):
    """A backup that cannot be made or restored, said in plain words."""


@dataclass
class BackupSummary:
    file: str
    revision: str
    server_id: str
    created_at: str
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _revision(conn) -> str:
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def _snapshot(db: Database):
    """A connection reading one consistent picture of the whole database."""
    conn = db.engine.connect()
    if not db.is_sqlite:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn


def backup(db: Database, out: str | Path) -> BackupSummary:
    """Write every table of the central list to `out` (gzip'd JSON lines)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with _snapshot(db) as conn, conn.begin():
        summary = BackupSummary(file=str(out), revision=_revision(conn),
                                server_id=db.server_id, created_at=utcnow())
        try:
            with gzip.open(partial, "wt", encoding="utf-8") as f:
                f.write(json.dumps({"format": FORMAT, "version": VERSION,
                                    "revision": summary.revision,
                                    "server_id": summary.server_id,
                                    "created_at": summary.created_at,
                                    "tables": [t.name for t in metadata.sorted_tables]},
                                   ensure_ascii=False) + "\n")
                for table in metadata.sorted_tables:
                    count = 0
                    for row in conn.execute(select(table)):
                        f.write(json.dumps({"t": table.name, "r": list(row)},
                                           ensure_ascii=False) + "\n")
                        count += 1
                    summary.rows[table.name] = count
                f.write(json.dumps({"end": summary.rows}) + "\n")
                f.flush()
                os.fsync(f.fileno())
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise BackupError(f"cannot write the backup {out}: {exc.strerror or exc}") from exc
    os.replace(partial, out)
    return summary


def backup_into(db: Database, folder: str | Path, *, keep: int = 48,
                now: str | None = None) -> tuple[BackupSummary, list[Path]]:
    """A backup named by its time in `folder` (central-20260626T083400Z.backup.gz), then the
    oldest removed beyond the newest `keep`: what a timer runs every half hour. Returns the
    summary and the files removed."""
    if keep < 1:
        raise BackupError("keep at least one backup")
    folder = Path(folder)
    stamp = (now or utcnow()).replace("-", "").replace(":", "").split(".")[0]
    summary = backup(db, folder / f"{BACKUP_PREFIX}{stamp}Z{BACKUP_SUFFIX}")
    ours = sorted(folder.glob(f"{BACKUP_PREFIX}*{BACKUP_SUFFIX}"))  # names sort by time
    removed = ours[:-keep]
    for old in removed:
        old.unlink()
    return summary, removed


def _lines(path: Path) -> Iterator[dict]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise BackupError(f"{path} is damaged at line {number}") from exc
    except (OSError, EOFError) as exc:  # not gzip, cut short, unreadable
        raise BackupError(f"{path} is not a whole Checkin Desk backup ({exc})") from exc


def read_header(path: str | Path) -> dict:
    """The backup's header, checked: the format, and an end line (a file cut short by a
    full disk or an interrupted copy is refused before anything is touched)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no backup file at {path}")
    header, last = None, None
    for item in _lines(path):
        header = header or item
        last = item
    if not header or header.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Checkin Desk central-list backup")
    if header.get("version") != VERSION:
        raise BackupError(f"{path} is a backup of format {header.get('version')}; this "
                          f"version reads format {VERSION}")
    if not last or "end" not in last:
        raise BackupError(f"{path} is incomplete (cut short): it has no end line")
    header["rows"] = last["end"]
    return header


def _is_empty(conn) -> bool:
    return all(conn.execute(select(func.count()).select_from(t)).scalar_one() == 0
               for t in metadata.sorted_tables if t is not server_meta)


def restore(url: str | Path, path: str | Path, *, replace: bool = False) -> BackupSummary:
    """Load a backup into the database at `url` (created and migrated when new)."""
    path = Path(path)
    header = read_header(path)
    db = Database(url)
    try:
        columns = {t.name: [c.name for c in t.columns] for t in metadata.sorted_tables}
        with db.write() as conn:
            here = _revision(conn)
            if header["revision"] != here:
                raise BackupError(
                    f"{path} was made with schema revision {header['revision']}, this version "
                    f"has {here}: restore it with the version that made it, then upgrade")
            if not replace and not _is_empty(conn):
                raise BackupError("the database already holds a central list: restore "
                                  "into an empty one, or replace it (--replace)")
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
            counts = {name: 0 for name in columns}
            batch: dict[str, list[dict]] = {}

            def flush(name: str) -> None:
                if batch.get(name):
                    conn.execute(metadata.tables[name].insert(), batch.pop(name))

            current = None
            for item in _lines(path):
                name = item.get("t")
                if name is None:
                    continue  # header, end
                if name not in columns:
                    raise BackupError(f"{path} names a table this version lacks: {name}")
                if name != current:  # tables come parents first: a parent is whole before
                    if current:
                        flush(current)
                    current = name
                rows = batch.setdefault(name, [])
                rows.append(dict(zip(columns[name], item["r"], strict=True)))
                counts[name] += 1
                if len(rows) >= BATCH:
                    flush(name)
            if current:
                flush(current)
            if counts != {name: header["rows"].get(name, 0) for name in columns}:
                raise BackupError(f"{path} does not hold the rows its end line counts")
            if not db.is_sqlite:
                for table in SERIAL_TABLES:
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table.name}"))
        return BackupSummary(file=str(path), revision=header["revision"],
                             server_id=header["server_id"], created_at=header["created_at"],
                             rows=counts)
    finally:
        db.dispose()
