"""Fixtures for the central list: a real server over loopback HTTP, on SQLite and PostgreSQL.

Every test that takes `central` (or `db_url`) runs twice: on a fresh SQLite file and on a
fresh schema of a PostgreSQL database made for this test session (`checkin_test_<random>` on
127.0.0.1:5432, user postgres; CHECKIN_TEST_PG gives another libpq connection string for the
admin database). Without a reachable PostgreSQL those runs are skipped, saying why.
"""

from __future__ import annotations

import secrets

import pytest

from checkin.server.testing import organiser_token, running_server

from .central_helpers import PG_ADMIN, Central


# -- databases ------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def pg_database():
    """(url, None) for a database made for this session, or (None, why it is not there)."""
    try:
        import psycopg
        from psycopg.conninfo import conninfo_to_dict

        admin = psycopg.connect(PG_ADMIN, autocommit=True)
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL here
        yield None, f"PostgreSQL is not reachable ({PG_ADMIN!r}): {exc}".strip()
        return
    name = f"checkin_test_{secrets.token_hex(4)}"
    admin.execute(f'CREATE DATABASE "{name}"')
    info = conninfo_to_dict(PG_ADMIN)
    user = info.get("user", "postgres")
    host, port = info.get("host", "127.0.0.1"), info.get("port", "5432")
    try:
        yield f"postgresql+psycopg://{user}@{host}:{port}/{name}", None
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _reset_schema(url: str) -> None:
    import psycopg

    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'central.db'}"
    url, why = request.getfixturevalue("pg_database")
    if url is None:
        pytest.skip(why)
    _reset_schema(url)
    return url


# -- a server
@pytest.fixture
def central(db_url):
    token = organiser_token(db_url)
    with running_server(db_url) as base_url:
        client = Central(base_url, token, db_url)
        try:
            yield client
        finally:
            client.close()
