"""The central database: engine, tables, migrations, read and write transactions.

SQLAlchemy Core only, so one code path runs on SQLite (a venue laptop) and PostgreSQL (a
server). The schema is created and upgraded by alembic, programmatically, at start-up: the
revision scripts live in checkin/server/migrations/versions (a package, so they ship with the
code and are found from an editable install).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    false,
    make_url,
    select,
)
from sqlalchemy.exc import DisconnectionError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_MS = 15_000

metadata = MetaData()

# One row per key: server_id (made once, so a desk can tell one server's data from another's).
server_meta = Table(
    "server_meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# A conference ("event" in the API paths): its id and configuration.
conferences = Table(
    "conferences", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", Text, nullable=False),
    Column("config_toml", Text, nullable=False),
    Column("config_json", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
)

# The feed counters (docs/sync-protocol.md, "Cursors are server sequences"): one row per
# conference and feed ('registrants', 'events'); its row lock orders the writers.
counters = Table(
    "counters", metadata,
    Column("event_id", String(64), ForeignKey("conferences.id"), primary_key=True),
    Column("feed", String(16), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

registrants = Table(
    "registrants", metadata,
    Column("event_id", String(64), ForeignKey("conferences.id"), primary_key=True),
    Column("code", String(64), primary_key=True),
    Column("code_key", String(64), nullable=False),  # upper case: codes match case-blind
    Column("name", Text, nullable=False),
    Column("gender", Text),
    Column("phone", Text),
    Column("email", Text),
    Column("organisation", Text),
    Column("title", Text),
    Column("category", Text),
    Column("track", Text),
    Column("team", Text),
    Column("payment", Text),
    Column("amount", Float),
    Column("meals", Text, nullable=False),  # JSON list of meal slot ids
    Column("forums", Text, nullable=False),  # JSON list of forum ids
    Column("remarks", Text),
    Column("id_number", Text),  # 身份证号 and 学分卡号: never sent whole to a desk token
    Column("cme_card", Text),
    # A privacy request: never named on the welcome wall (checkin/server/wall.py)
    Column("wall_hidden", Boolean, nullable=False, server_default=false()),
    Column("extra", Text, nullable=False),  # JSON object: columns the importer kept aside
    Column("source", String(16), nullable=False),  # import | walk_in
    Column("missing", Boolean, nullable=False),
    Column("version", Integer, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("edited_fields", Text, nullable=False),  # JSON list: kept over a re-import
    Column("updated_at", String(40), nullable=False),
    UniqueConstraint("event_id", "code_key", name="uq_registrants_code_key"),
    Index("ix_registrants_seq", "event_id", "seq", unique=True),
)

# The events desks uploaded (facts, never changed), each with its feed number.
events = Table(
    "events", metadata,
    Column("event_id", String(64), ForeignKey("conferences.id"), primary_key=True),
    Column("uuid", String(64), primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("code", String(64)),
    Column("station", String(128)),
    Column("device_id", String(100), nullable=False),
    Column("operator", Text, nullable=False),
    Column("wall_time", String(40), nullable=False),
    Column("hlc", String(160), nullable=False),
    Column("ref", String(64)),
    Column("data", Text, nullable=False),  # JSON object
    Column("conflict", Text),  # JSON object when the upload answered "conflict"
    Column("received_at", String(40), nullable=False),
    Index("ix_events_seq", "event_id", "seq", unique=True),
    Index("ix_events_code_station", "event_id", "code", "station"),
    Index("ix_events_ref", "event_id", "ref"),
)

# Derived, rebuildable: the admission in force per (code, station) = the earliest not undone.
admissions = Table(
    "admissions", metadata,
    Column("event_id", String(64), ForeignKey("conferences.id"), primary_key=True),
    Column("code", String(64), primary_key=True),
    Column("station", String(128), primary_key=True),
    Column("event_uuid", String(64), nullable=False),
    Column("hlc", String(160), nullable=False),
    Column("wall_time", String(40), nullable=False),
    Column("device_id", String(100), nullable=False),
)

conflicts = Table(
    "conflicts", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), ForeignKey("conferences.id"), nullable=False),
    Column("event_uuid", String(64), nullable=False),  # the event that was answered "conflict"
    Column("other_uuid", String(64)),  # the event it clashed with, if any
    Column("type", String(32), nullable=False),
    Column("details", Text, nullable=False),  # JSON object
    Column("created_at", String(40), nullable=False),
    Column("resolved_by", String(64)),  # uuid of the resolve event
    Column("resolution", Text),
    Column("resolved_at", String(40)),
    Index("ix_conflicts_open", "event_id", "resolved_by"),
)

devices = Table(
    "devices", metadata,
    Column("event_id", String(64), ForeignKey("conferences.id"), primary_key=True),
    Column("device_id", String(100), primary_key=True),
    Column("name", Text, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("enrolled_at", String(40), nullable=False),
    Column("last_seen", String(40)),
    Column("last_upload", String(40)),
    Column("revoked_at", String(40)),
    Column("unsent", Integer),  # events the desk said were still in its outbox (last upload)
    # a self check-in kiosk that closed itself (its printer cannot print): why, and since when
    Column("kiosk_problem", Text),
    Column("kiosk_problem_at", String(40)),
)

# Events the service refused (checkin/server/vetting.py): kept for the organiser, never in
# the feed. One row per (desk, uuid): a desk sending the same event again is one refusal.
rejected_events = Table(
    "rejected_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), ForeignKey("conferences.id"), nullable=False),
    Column("device_id", String(100), nullable=False),
    Column("uuid", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("code", String(64)),
    Column("error", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Column("body", Text, nullable=False),  # JSON: the event as it came (for the organiser)
    Column("received_at", String(40), nullable=False),
    UniqueConstraint("event_id", "device_id", "uuid", name="uq_rejected_events"),
)

organiser_tokens = Table(
    "organiser_tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("revoked_at", String(40)),
)

# Read-only tokens of a welcome wall (/wall/<event> on a projector): each reads that one
# event's wall and nothing else (checkin/server/auth.py refuses it everywhere else).
wall_tokens = Table(
    "wall_tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(64), ForeignKey("conferences.id"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", String(40), nullable=False),
    Column("revoked_at", String(40)),
)

enrolments = Table(
    "enrolments", metadata,
    Column("code_hash", String(64), primary_key=True),
    Column("event_id", String(64), ForeignKey("conferences.id"), nullable=False),
    Column("device_name", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40), nullable=False),
    Column("used_at", String(40)),
    Column("device_id", String(100)),
)


def utcnow() -> str:
    """Server time stamps: UTC, fixed width, so text order is time order."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def normalise_url(url: str | Path) -> str:
    """A database URL, or a plain file path meaning an SQLite file there."""
    text = str(url)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    return text


def default_url() -> str:
    from .. import paths

    return normalise_url(paths.data_dir() / "central.db")


def display_url(url: str) -> str:
    """The URL for messages and logs: never the password."""
    return make_url(url).render_as_string(hide_password=True)


# Database connections kept open: about as many as the service's threads use at once (app.py:
# SYNC_THREADS, token lookups, one writer per event; uploads waiting in the group-commit line
# hold none), since one past the pool is opened and closed for each request (on PostgreSQL a
# new server process every time: a tenth of the service's time under 100 desks), and a
# request finding none free waits for one.
POOL_SIZE = 40


class Database:
    """One engine and its write discipline.

    Writes go through `write()`: on SQLite one writer at a time in this process (a lock, so
    waiting desks queue instead of polling) and BEGIN IMMEDIATE against other processes; on
    PostgreSQL the feed counter rows are the locks (see feeds.py)."""

    def __init__(self, url: str | Path, *, migrate: bool = True):
        self.url = normalise_url(url)
        parsed = make_url(self.url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        if self.is_sqlite:
            if not parsed.database or parsed.database == ":memory:":
                raise ValueError("the central list needs an SQLite file, not an in-memory database")
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(self.url, connect_args={"check_same_thread": False,
                                                                "timeout": SQLITE_BUSY_MS / 1000},
                                        pool_size=POOL_SIZE, max_overflow=POOL_SIZE // 2)
            _sqlite_setup(self.engine)
        else:
            self.engine = create_engine(self.url, pool_size=POOL_SIZE,
                                        max_overflow=POOL_SIZE // 2, pool_timeout=30)
            _ping_after_idle(self.engine)
        self._write_lock = threading.Lock() if self.is_sqlite else None
        self.server_id = ""
        if migrate:
            self.migrate()

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """On PostgreSQL in autocommit: under READ COMMITTED each statement sees the latest
        commits whether in a transaction or not, so BEGIN and COMMIT would only add two
        round trips to every request. SQLite keeps its transaction: one snapshot."""
        with self.engine.connect() as conn:
            if not self.is_sqlite:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            with conn.begin():
                yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self._write_lock or nullcontext(), self.engine.connect() as conn:
            conn = conn.execution_options(checkin_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def write_alone(self) -> Iterator[Connection]:
        """For one statement that needs no transaction around it (a desk's bookkeeping): on
        PostgreSQL in autocommit, one round trip instead of BEGIN, it and COMMIT; on SQLite
        write() (one writer at a time)."""
        if self.is_sqlite:
            with self.write() as conn:
                yield conn
            return
        with self.engine.connect() as conn:
            yield conn.execution_options(isolation_level="AUTOCOMMIT")

    def migrate(self) -> None:
        """Bring the schema to the newest revision (idempotent), then read the server id."""
        from alembic.config import Config
        from alembic.runtime.environment import EnvironmentContext
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        script = ScriptDirectory.from_config(config)

        def upgrade(revision, context):
            return script._upgrade_revs("head", revision)

        with self.write() as conn:
            if not self.is_sqlite:  # two servers starting at once: one migrates, one waits
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7411266)")
            with EnvironmentContext(config, script, fn=upgrade, destination_rev="head") as env:
                env.configure(connection=conn, target_metadata=metadata,
                              render_as_batch=self.is_sqlite)
                env.run_migrations()
            row = conn.execute(select(server_meta.c.value)
                               .where(server_meta.c.key == "server_id")).first()
            if row is None:
                self.server_id = uuid.uuid4().hex
                conn.execute(server_meta.insert().values(key="server_id", value=self.server_id))
            else:
                self.server_id = row[0]


# A pooled PostgreSQL connection idle this long is asked "SELECT 1" before it is used: the
# database may have restarted, or a firewall dropped the connection, meanwhile. One in
# steady use is not: a ping on every checkout (pool_pre_ping) was a round trip on top of
# each request's one or two, a third of them under 100 desks. A connection that breaks in
# use fails its request once (503, which desks retry) and the pool drops every connection
# opened before the break.
IDLE_PING_SECONDS = 5.0


def _ping_after_idle(engine: Engine) -> None:
    """SQLAlchemy's "custom pessimistic ping": raising DisconnectionError at checkout makes
    the pool discard the connection and try another (a new one at worst)."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_conn, record, _proxy):
        if time.monotonic() - record.info.get("idle_since", time.monotonic()) < \
                IDLE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)  # (pool_pre_ping's own: outside a transaction)
        except Exception as exc:  # noqa: BLE001 - any failure: the connection is not usable
            raise DisconnectionError(f"a pooled connection failed its ping: {exc}") from exc


def _sqlite_setup(engine: Engine) -> None:
    """WAL (readers never wait for the writer), a busy timeout, foreign keys, full sync, and
    transactions begun by us: BEGIN IMMEDIATE for writes, so a writer takes the lock first
    instead of failing half-way when another process wrote meanwhile."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # the driver's own BEGIN handling off: ours below
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        write = conn.get_execution_options().get("checkin_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
