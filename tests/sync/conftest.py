"""Fixtures of the desk-side sync tests: desks as real SQLite files, enrolled with either the
in-memory FakeCentral (unit tests) or the real server on loopback (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

import httpx
import pytest

from checkin.desk import Desk
from checkin.resources import events_dir
from checkin.store import Store
from checkin.sync.client import SyncClient
from checkin.sync.enrolment import client_for, enrol
from testkit.data import XLSX  # noqa: F401  (re-exported to the sync tests)

from .fake_central import FakeCentral

# 26 June 2026 at noon, Beijing time: registration is open and lunch is being served.
EVENT_DAY = dt.datetime(2026, 6, 26, 12, 0)


@pytest.fixture
def fake() -> FakeCentral:
    central = FakeCentral()
    for i in range(1, 26):
        central.add_registrant(f"C-{i:04d}", f"人{i}", category="参会代表", payment="已缴费")
    return central


class DeskSite:
    """One desk: its database, its Desk and a client to the server it is enrolled with."""

    def __init__(self, store: Store, client: SyncClient, name: str):
        self.store = store
        self.client = client
        self.name = name
        self.desk = Desk(store, operator=f"op-{name}", now=lambda: EVENT_DAY)


@pytest.fixture
def fake_desks(tmp_path, fake):
    """make(name) -> a DeskSite enrolled with the FakeCentral."""
    made: list[DeskSite] = []

    def make(name: str) -> DeskSite:
        store = Store(tmp_path / f"{name}.db")
        with SyncClient("http://central.test", transport=fake.transport()) as bootstrap:
            enrol(store, bootstrap, fake.enrolment(name), device_name=name)
        client = client_for(store, transport=fake.transport())
        site = DeskSite(store, client, name)
        made.append(site)
        return site

    yield make
    for site in made:
        site.client.close()
        site.store.close()


# -- the real server (checkin.server) on loopback, over SQLite and PostgreSQL ---------------------
ROOT = Path(__file__).resolve().parents[2]
EVENT_TOML = events_dir() / "shic2026.toml"  # checkin/assets/events (issue 14)
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _postgres_database():
    """A fresh database checkin_sync_<random> (dropped by the caller), or skip."""
    psycopg = pytest.importorskip("psycopg")
    name = f"checkin_sync_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not available on 127.0.0.1:5432 ({exc})")
    return name


def _drop_postgres_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def server_db_url(request, tmp_path_factory):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('central') / 'central.db'}"
        return
    name = _postgres_database()
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        _drop_postgres_database(name)


class Central:
    """The server of this test session, and an organiser's view of it."""

    def __init__(self, db_url: str, server):
        from checkin.server.testing import organiser_token

        self.db_url = db_url
        self.server = server
        self.organiser = SyncClient(server.base_url, organiser_token(db_url),
                                    timeout=httpx.Timeout(120.0, connect=3.0))

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def new_event(self, *, import_export: bool = True) -> str:
        """A fresh event (its own id, so tests never see each other's data), the fixture
        export imported through the organiser endpoint."""
        event = f"t{secrets.token_hex(5)}"
        self.organiser.create_event(event, EVENT_TOML.read_text(encoding="utf-8"))
        if import_export:
            report = self.organiser.import_export(event, XLSX.name, XLSX.read_bytes())
            assert report["imported"] == 2401, report
        return event


@pytest.fixture(scope="session")
def _central_server(server_db_url):
    from checkin.server.testing import ServerThread

    server = ServerThread(server_db_url)
    server.start()
    central = Central(server_db_url, server)
    try:
        yield central
    finally:
        central.organiser.close()
        server.stop()


@pytest.fixture
def central(_central_server) -> Central:
    return _central_server


@pytest.fixture
def real_desks(tmp_path, central):
    """make(name, event, url=None) -> a DeskSite enrolled on the real server (or through
    `url`, a proxy in front of it)."""
    made: list[DeskSite] = []

    def make(name: str, event: str, url: str | None = None) -> DeskSite:
        store = Store(tmp_path / f"{name}.db")
        code = central.organiser.create_enrolment(event, name)["code"]
        with SyncClient(url or central.base_url) as bootstrap:
            enrol(store, bootstrap, code)
        site = DeskSite(store, client_for(store), name)
        made.append(site)
        return site

    yield make
    for site in made:
        site.client.close()
        site.store.close()
