"""The local database: one writer, many readers, durable commits.

Durability rules (architecture invariant "acknowledged means durable"): WAL journal,
synchronous=FULL, every write in BEGIN IMMEDIATE ... COMMIT under one lock, and a
caller hears "done" only after COMMIT returned.
"""

from __future__ import annotations

import datetime as dt
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from ..clock import MAX_AHEAD_MS, CorrectedTime, HybridClock
from ..config import config_from_json, config_to_json
from ..model import EventConfig
from .schema import migrations

# Meta key: milliseconds to add to this laptop's clock to get the central list's (measured at
# every sync round; 0 or absent: never measured, or the clocks agree).
CLOCK_OFFSET = "clock.offset_ms"
OFFSET_REREAD = 5.0  # seconds: another program on this database may have measured it anew


class StoreError(RuntimeError):
    """The database cannot be used; the message says why in plain words."""


def explain_sqlite_error(exc: sqlite3.Error, path: str | Path) -> str:
    text = str(exc)
    if "readonly" in text:
        return f"the database {path} is read-only: nothing was written (check file permissions)"
    if "disk is full" in text or "database or disk is full" in text:
        return f"the disk holding {path} is full: nothing was written; free space and try again"
    if "locked" in text or "busy" in text:
        return f"the database {path} is busy in another program; try again"
    if "not a database" in text or "malformed" in text:
        return f"{path} is not a Checkin Desk database or is damaged ({text})"
    if "unable to open" in text:
        return f"cannot open the database {path}: does the folder exist and is it writable?"
    return f"database error on {path}: {text}"


def _refuse_what_is_not_ours(path: Path) -> None:
    """A file at `path` that is not a Checkin Desk database is an error in words, never a new
    empty event (which would answer "not found" for everyone): a 0-byte file is one that
    was truncated (a full disk, a failed copy), an SQLite file without our tables is another
    program's."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if size == 0:
        raise StoreError(f"{path} is empty (0 bytes): it is not a Checkin Desk database, or it "
                         "was truncated (a full disk, an interrupted copy). Nothing was "
                         "changed: restore it from a backup, or delete it to start anew")
    try:
        with open(path, "rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if header != b"SQLite format 3\x00":
        raise StoreError(f"{path} is not a Checkin Desk database (it is not an SQLite file): "
                         "nothing was changed; check the path")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(explain_sqlite_error(exc, path)) from exc
    if tables and not tables & {"meta", "_sqlite_migrations"}:
        raise StoreError(f"{path} is an SQLite database of another program, not a Checkin Desk "
                         "database: nothing was changed; check the path")


# sqlite3 binds None only after looking for an adapter on its type and for __adapt__ and
# __conform__ (~0.3 us a value; ~3 a registrant row): an adapter found in its table at once,
# which gives None back, binds NULL as before (a first import of 100,000 rows: -0.07 s).
sqlite3.register_adapter(type(None), {}.get)


def _connect(path: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


class Store:
    def __init__(self, path: str | Path, *, local_time: Callable[[], float] = time.time):
        """`local_time`: this laptop's clock (seconds since the epoch); tests give a wrong one."""
        self.path = str(path)
        if self.path != ":memory:":
            _refuse_what_is_not_ours(Path(self.path))
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._writer = _connect(self.path)
            mode = self._writer.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if self.path != ":memory:" and mode.lower() != "wal":
                raise StoreError(f"{self.path}: could not switch to WAL journal (got {mode})")
            self._write_lock = threading.RLock()
            self._depth = 0  # nesting of transaction() blocks (under the lock)
            self._readers = threading.local()
            self._all_readers: list[sqlite3.Connection] = []
            with self.transaction() as conn:
                migrations.apply(Database(conn))
                self.device_id = self._meta(conn, "device_id") or self._new_device_id(conn)
            self._offset: tuple[float, int] | None = None  # (read at, offset ms)
            self.time = CorrectedTime(self.clock_offset_ms, local_time)
            self.clock = HybridClock(self.device_id, self._last_stamp(), wall=self.time)
        except sqlite3.Error as exc:
            raise StoreError(explain_sqlite_error(exc, self.path)) from exc
        self._config: EventConfig | None = None
        self._config_text: str | None = None

    # -- connections -----------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The one way to write: BEGIN IMMEDIATE, COMMIT on success, ROLLBACK on error.
        A block inside another block (same thread) joins the outer transaction."""
        with self._write_lock:
            conn = self._writer
            if self._depth:
                self._depth += 1
                try:
                    yield conn
                finally:
                    self._depth -= 1
                return
            conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                # SQLite may already have rolled back by itself (disk full, I/O error):
                # a second ROLLBACK would hide the real error.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                self._config = None  # a config saved inside the block was rolled back too
                raise
            finally:
                self._depth = 0

    @contextmanager
    def secure_transaction(self) -> Iterator[sqlite3.Connection]:
        """A transaction whose deletions and overwrites are zeroed on disk (PRAGMA
        secure_delete): for wiping personal data, not for everyday writes."""
        with self._write_lock:
            self._writer.execute("PRAGMA secure_delete = ON")
            try:
                with self.transaction() as conn:
                    yield conn
            finally:
                self._writer.execute("PRAGMA secure_delete = OFF")

    def compact(self) -> bool:
        """Rewrite the file without free pages (VACUUM) and empty the WAL file, so that
        deleted data is not left anywhere in the database's files. False when another
        connection was still reading and the WAL could not be emptied (it is reused, and
        emptied at a later checkpoint)."""
        if self.path == ":memory:":
            return True
        with self._write_lock:
            self._writer.execute("PRAGMA secure_delete = ON")
            try:
                self._writer.execute("VACUUM")
                busy = self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            finally:
                self._writer.execute("PRAGMA secure_delete = OFF")
        return not busy

    def reader(self) -> sqlite3.Connection:
        """A read connection for the calling thread (WAL lets it read while a write runs)."""
        if self.path == ":memory:":
            return self._writer
        conn = getattr(self._readers, "conn", None)
        if conn is None:
            conn = _connect(self.path)
            conn.execute("PRAGMA query_only = ON")
            self._readers.conn = conn
            self._all_readers.append(conn)
        return conn

    def close(self) -> None:
        for conn in self._all_readers:
            conn.close()
        self._all_readers.clear()
        self._readers = threading.local()
        self._writer.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- meta and config ------------------------------------------------
    @staticmethod
    def _meta(conn: sqlite3.Connection, key: str) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def meta(self, key: str) -> str | None:
        return self._meta(self.reader(), key)

    def set_meta(self, conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def _new_device_id(self, conn: sqlite3.Connection) -> str:
        device_id = uuid.uuid4().hex[:12]
        self.set_meta(conn, "device_id", device_id)
        # A readable default name ("desk-3" is set with `checkin init --device-name`).
        self.set_meta(conn, "device_name", socket.gethostname() or device_id)
        return device_id

    @property
    def config(self) -> EventConfig:
        """The event configuration; re-read when another program (`checkin init`, an
        import on another desk process) has changed it."""
        text = self.meta("config")
        if self._config is None or text != self._config_text:
            self._config = config_from_json(text) if text else EventConfig()
            self._config_text = text
        return self._config

    def save_config(self, conn: sqlite3.Connection, config: EventConfig) -> None:
        text = config_to_json(config)
        self.set_meta(conn, "config", text)
        self._config, self._config_text = config, text

    # -- time ----------------------------------------------------------
    def _last_stamp(self) -> str | None:
        """The latest stamp this desk has seen from any desk, within the bound a clock may be
        ahead: a forged 9999999999999 stamp (or a desk a year ahead) does not drag this desk's
        clock along. Stamps are fixed width, so text order is time order."""
        bound = int(self.time() * 1000) + MAX_AHEAD_MS + 1
        return self._writer.execute("SELECT max(hlc) FROM events WHERE hlc < ?",
                                    (f"{bound:013d}",)).fetchone()[0]

    def clock_offset_ms(self) -> int:
        """What this laptop's clock lacks to be the central list's, in ms (re-read from the
        database every few seconds: the sync worker may run in another program)."""
        cached = self._offset
        if cached is None or time.monotonic() - cached[0] > OFFSET_REREAD:
            try:
                offset = int(self.meta(CLOCK_OFFSET) or 0)
            except (ValueError, sqlite3.Error):
                offset = cached[1] if cached else 0
            self._offset = cached = (time.monotonic(), offset)
        return cached[1]

    def set_clock_offset(self, conn: sqlite3.Connection, offset_ms: int) -> None:
        """Inside the caller's transaction: from now on this desk's wall times and stamps
        follow the central list's clock."""
        self.set_meta(conn, CLOCK_OFFSET, str(int(offset_ms)))
        self._offset = (time.monotonic(), int(offset_ms))
        self.clock.rebase()

    def now(self, zone: dt.tzinfo | None = None) -> dt.datetime:
        """The time as this desk should record it: its clock, corrected to the central
        list's when that was measured; in `zone` (else the laptop's)."""
        return dt.datetime.fromtimestamp(self.time(), zone).astimezone(zone)

    @property
    def device_name(self) -> str:
        return self.meta("device_name") or self.device_id

    def device_label(self, device_id: str) -> str:
        """A desk's name ("报到处2") from the devices sync learned; its id when unknown."""
        if device_id == self.device_id:
            return self.device_name
        row = self.reader().execute(
            "SELECT name FROM devices WHERE device_id = ?", (device_id,)).fetchone()
        return row[0] if row and row[0] else device_id

    def bump_registrant_generation(self, conn: sqlite3.Connection) -> None:
        """Tell caches (the search index) that registrant data changed."""
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('registrant_generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def registrant_generation(self) -> int:
        return int(self.meta("registrant_generation") or 0)

    # -- health ----------------------------------------------------------
    def integrity_check(self) -> list[str]:
        """SQLite's own check; ['ok'] when the file is sound."""
        rows = self._writer.execute("PRAGMA integrity_check").fetchall()
        return [r[0] for r in rows]

    def counts(self) -> dict[str, int]:
        conn = self.reader()
        return {
            "registrants": conn.execute("SELECT count(*) FROM registrants").fetchone()[0],
            "events": conn.execute("SELECT count(*) FROM events").fetchone()[0],
            "unsent": conn.execute("SELECT count(*) FROM outbox").fetchone()[0],
        }

