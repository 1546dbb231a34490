"""The schema, as named migrations applied in order (sqlite-utils Migrations).

Never edit a migration that has shipped: add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("checkin")


def _run(db: Database, statements: str) -> None:
    # executescript() would commit the migration's transaction half-way: run one by one.
    for statement in statements.split(";\n"):
        if statement.strip():
            db.execute(statement)


@migrations(name="0001_initial")
def initial(db: Database) -> None:
    _run(
        db,
        """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE registrants (
    code TEXT PRIMARY KEY COLLATE NOCASE,
    name TEXT NOT NULL,
    pinyin TEXT NOT NULL DEFAULT '',
    initials TEXT NOT NULL DEFAULT '',
    gender TEXT, phone TEXT, email TEXT, organisation TEXT, title TEXT,
    category TEXT, track TEXT, team TEXT, payment TEXT, amount REAL,
    meals TEXT NOT NULL DEFAULT '[]',
    forums TEXT NOT NULL DEFAULT '[]',
    remarks TEXT,
    extra TEXT NOT NULL DEFAULT '{}',
    source TEXT NOT NULL DEFAULT 'import',
    missing INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    edited_fields TEXT NOT NULL DEFAULT '[]',
    updated_at TEXT
);
CREATE INDEX registrants_team ON registrants(team);
CREATE INDEX registrants_phone ON registrants(phone);
CREATE INDEX registrants_category ON registrants(category);
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    code TEXT COLLATE NOCASE,
    station TEXT,
    device_id TEXT NOT NULL,
    operator TEXT NOT NULL,
    wall_time TEXT NOT NULL,
    hlc TEXT NOT NULL,
    ref TEXT,
    data TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_code_station ON events(code, station);
CREATE INDEX events_ref ON events(ref);
CREATE INDEX events_hlc ON events(hlc);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TABLE admissions (
    code TEXT NOT NULL COLLATE NOCASE,
    station TEXT NOT NULL,
    event_uuid TEXT NOT NULL,
    hlc TEXT NOT NULL,
    wall_time TEXT NOT NULL,
    device_id TEXT NOT NULL,
    operator TEXT NOT NULL,
    PRIMARY KEY (code, station)
) WITHOUT ROWID;
CREATE INDEX admissions_station ON admissions(station, wall_time);
CREATE TABLE outbox (seq INTEGER PRIMARY KEY);
CREATE TABLE imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    file TEXT NOT NULL,
    at TEXT NOT NULL,
    summary TEXT NOT NULL
)
""",
    )
