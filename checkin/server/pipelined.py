"""Several statements to PostgreSQL in one round trip (psycopg's pipeline mode).

An upload's group runs in the group-commit line (events.py), where every round trip is a
wait for every desk in the queue; on a busy venue server each one costs milliseconds of
scheduling, not of work. Statements in a pipeline still run one after another, each with
its own snapshot (READ COMMITTED), so a SELECT sent behind the feed lock's UPDATE sees every
writer that committed before the lock was granted. SQLite has no round trips: there they run
as they come.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable


def together(conn: Connection, *calls: tuple[Executable, dict]) -> list[list]:
    """The rows of each (statement, parameters), run in order in one round trip; rows are
    named tuples (`row.column`). Errors are raised as SQLAlchemy raises them."""
    if conn.dialect.name != "postgresql":
        return [conn.execute(statement, params).all() for statement, params in calls]
    import psycopg  # only where PostgreSQL is used
    from psycopg.rows import namedtuple_row

    driver = conn.connection.driver_connection  # same connection and transaction
    cursors = []
    try:
        with driver.pipeline():  # sent at the end of the block, with BEGIN if one is due
            for statement, params in calls:
                expanded = _compiled(statement, conn.dialect).construct_expanded_state(params)
                cursor = driver.cursor(row_factory=namedtuple_row)
                # Not prepared: with its lists of uuids and codes, PostgreSQL's generic plan
                # for a prepared statement read the whole events table (a 500-event batch:
                # 0.2-0.4 s instead of ~10 ms).
                cursor.execute(expanded.statement, expanded.parameters, prepare=False)
                cursors.append(cursor)
        return [cursor.fetchall() for cursor in cursors]
    except psycopg.Error as exc:  # the service answers by SQLAlchemy's classes
        if driver.broken:
            conn.invalidate()  # not back into the pool
        raise DBAPIError.instance(None, None, exc, psycopg.Error) from exc


@contextmanager
def commit_with_writes(conn: Connection) -> Iterator[None]:
    """The writes run in this block (statements that return no rows) go with the COMMIT
    that ends it, in one round trip; an error in any of them is raised by the COMMIT, and
    the transaction is rolled back."""
    if conn.dialect.name != "postgresql":
        yield
        conn.commit()
        return
    driver = conn.connection.driver_connection
    try:
        with driver.pipeline():
            yield
            conn.commit()
    except BaseException:
        # SQLAlchemy takes the transaction for ended once its COMMIT was sent, so neither it
        # nor the pool would roll back: the connection would go back aborted.
        if not driver.broken:
            driver.rollback()
        raise


@lru_cache(maxsize=64)
def _compiled(statement: Executable, dialect):
    """Compiled once per statement (the statements passed are built once, as in feeds.py)."""
    return statement.compile(dialect=dialect)
