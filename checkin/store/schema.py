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


@migrations(name="0002_sync")
def sync_state(db: Database) -> None:
    """The desk side of sync (docs/sync-protocol.md): desk names, the central version of each
    registrant, and what the server answered about this desk's uploads.

    Sync state (server, event, token, cursors, status) lives in `meta` under `sync.*` keys."""
    _run(
        db,
        """
CREATE TABLE devices (
    device_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    updated_at TEXT
);
ALTER TABLE registrants ADD COLUMN server_version INTEGER;
CREATE TABLE sync_conflicts (
    event_uuid TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    code TEXT COLLATE NOCASE,
    station TEXT,
    detail TEXT NOT NULL DEFAULT '{}',
    reported_at TEXT NOT NULL
)
""",
    )


@migrations(name="0003_privacy")
def privacy(db: Database) -> None:
    """Issue 7, personal data (docs/personal-data.md):

    - `audit`: who did what, on which desk, when, for actions that are not events (imports,
      exports, organiser unlocks, data shown unmasked, configuration, enrolment, revocation,
      wipes, purges, ticket key use). Append-only like `events`.
    - `wipe_permit` and a narrower `events_no_update`: the event log still refuses every
      UPDATE, except one: while the wipe (checkin/privacy.py `wipe`) holds its permit row inside
      its own transaction, the `data` of a walk_in or edit event may be replaced by a scrubbed
      form (`{"wiped": ...}` without `fields` or `changes`). Nothing else of an event can change,
      and no event can be deleted.
    """
    _run(
        db,
        """
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    operator TEXT NOT NULL,
    device_id TEXT NOT NULL,
    action TEXT NOT NULL,
    code TEXT COLLATE NOCASE,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_action ON audit(action, seq);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TABLE wipe_permit (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
DROP TRIGGER events_no_update;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    WHEN NOT (
        EXISTS (SELECT 1 FROM wipe_permit)
        AND OLD.kind IN ('walk_in', 'edit')
        AND NEW.seq IS OLD.seq AND NEW.uuid IS OLD.uuid AND NEW.kind IS OLD.kind
        AND NEW.code IS OLD.code AND NEW.station IS OLD.station
        AND NEW.device_id IS OLD.device_id AND NEW.operator IS OLD.operator
        AND NEW.wall_time IS OLD.wall_time AND NEW.hlc IS OLD.hlc AND NEW.ref IS OLD.ref
        AND json_valid(NEW.data)
        AND json_type(NEW.data, '$.wiped') IS NOT NULL
        AND json_type(NEW.data, '$.fields') IS NULL
        AND json_type(NEW.data, '$.changes') IS NULL
    )
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END
""",
    )


@migrations(name="0004_wipe_reasons")
def wipe_reasons(db: Database) -> None:
    """The wipe also scrubs free-text reasons (override, undo, reprint, resolve, revoke): staff
    type what they are told there ("new number 138...", "her sister 王芳 collected it").

    Under the wipe permit an event's data may now also lose its `reason` and gain `wiped`,
    every other key kept as it was (compared as normalised JSON); walk_in and edit events keep
    their rule from 0003_privacy. Nothing else changes, and no event can be deleted."""
    _run(
        db,
        """
DROP TRIGGER events_no_update;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    WHEN NOT (
        EXISTS (SELECT 1 FROM wipe_permit)
        AND NEW.seq IS OLD.seq AND NEW.uuid IS OLD.uuid AND NEW.kind IS OLD.kind
        AND NEW.code IS OLD.code AND NEW.station IS OLD.station
        AND NEW.device_id IS OLD.device_id AND NEW.operator IS OLD.operator
        AND NEW.wall_time IS OLD.wall_time AND NEW.hlc IS OLD.hlc AND NEW.ref IS OLD.ref
        AND json_valid(NEW.data)
        AND json_type(NEW.data, '$.wiped') IS NOT NULL
        AND json_type(NEW.data, '$.reason') IS NULL
        AND (
            (OLD.kind IN ('walk_in', 'edit')
             AND json_type(NEW.data, '$.fields') IS NULL
             AND json_type(NEW.data, '$.changes') IS NULL)
            OR
            (OLD.kind NOT IN ('walk_in', 'edit')
             AND json(json_remove(NEW.data, '$.wiped'))
                 IS json(json_remove(OLD.data, '$.reason', '$.wiped')))
        )
    )
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END
""",
    )


@migrations(name="0005_audit_outbox")
def audit_outbox(db: Database) -> None:
    """The audit trail reaches the central list with the events: each new entry carries a
    stamp of the desk's clock and waits in its own outbox until the service has it (entries
    made before this version stay on the desk)."""
    _run(
        db,
        """
ALTER TABLE audit ADD COLUMN hlc TEXT;
CREATE TABLE audit_outbox (seq INTEGER PRIMARY KEY);
""",
    )


@migrations(name="0006_door_crossings")
def door_crossings(db: Database) -> None:
    """Who is inside a forum door is read from its crossings (entries and exits) at every
    scan there: an index by station first, so a door's count reads only its own events."""
    _run(db, "CREATE INDEX events_station_code ON events(station, code, hlc);")


@migrations(name="0007_id_numbers")
def id_numbers(db: Database) -> None:
    """For the CME office's sheet (docs/cme.md): each person's 身份证号 and 学分卡号. Personal
    data of the highest class (docs/personal-data.md): the wipe deletes them with the
    registrant rows, and walk-in and edit events carrying them are scrubbed as before."""
    _run(
        db,
        """
ALTER TABLE registrants ADD COLUMN id_number TEXT;
ALTER TABLE registrants ADD COLUMN cme_card TEXT;
""",
    )


@migrations(name="0008_wall_hidden")
def wall_hidden(db: Database) -> None:
    """A privacy request: the person is never named on a welcome wall (still counted)."""
    _run(db, "ALTER TABLE registrants ADD COLUMN wall_hidden INTEGER NOT NULL DEFAULT 0;")


@migrations(name="0009_unused_registrant_indexes")
def unused_registrant_indexes(db: Database) -> None:
    """No query looks registrants up by phone or by category (the name search keeps its own
    index in memory; counts read every row): the two indexes only cost every write, a
    seventh of a 100,000-row import (issue 17)."""
    _run(db, "DROP INDEX registrants_phone;\nDROP INDEX registrants_category;")
