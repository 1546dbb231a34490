"""Feed numbers and cursor pages (docs/sync-protocol.md, "Cursors are server sequences").

Every stored event and every registrant change takes the next number of its conference's
feed counter with `UPDATE counters SET value = value + n ... RETURNING value` inside the
writing transaction. That statement holds the counter row's lock until COMMIT, so a second
writer waits for the first to commit before it gets a number: numbers become visible in
order, and a reader that has seen N never later finds a new row below N (a database sequence
would not promise that on PostgreSQL: N+1 could commit before N).

Lock order, to keep writers free of deadlocks: the events counter first, then the
registrants counter (an upload may apply an edit; an import touches only registrants).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from sqlalchemy import Table, bindparam, select, update
from starlette.responses import Response

from .db import Connection, counters

REGISTRANTS, EVENTS = "registrants", "events"
DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000


# Built once: building a statement and its cache key costs SQLAlchemy more than running it.
# (Bind names differ from column names: an UPDATE keeps those for its SET clause.)
_THIS_FEED = ((counters.c.event_id == bindparam("feed_event"))
              & (counters.c.feed == bindparam("feed_name")))
_LOCK = select(counters.c.value).where(_THIS_FEED).with_for_update()
_TAKE = (update(counters).where(_THIS_FEED).values(value=counters.c.value + bindparam("count"))
         .returning(counters.c.value))
_END = select(counters.c.value).where(_THIS_FEED)
_NO_END = 2 ** 63 - 1  # a feed whose counter row is not there yet: no bound


def lock(conn: Connection, event_id: str, feed: str) -> int:
    """Take the feed's lock now (SELECT ... FOR UPDATE; SQLite: the write lock is already
    held) and return its current value; later checks in this transaction then see every
    earlier writer's rows."""
    return conn.execute(_LOCK, {"feed_event": event_id, "feed_name": feed}).scalar_one()


def take(conn: Connection, event_id: str, feed: str, count: int = 1) -> range:
    """Reserve `count` consecutive feed numbers; they become visible when this commits."""
    if count <= 0:
        return range(0)
    return taken(conn.execute(*taking(event_id, feed, count)).scalar_one(), count)


def taking(event_id: str, feed: str, count: int) -> tuple:
    """take()'s statement and parameters, to send with others (pipelined.together); its
    row's `value` goes to taken()."""
    return _TAKE, {"feed_event": event_id, "feed_name": feed, "count": count}


def taken(last: int, count: int) -> range:
    """The numbers reserved, from the counter's value after taking `count`."""
    return range(last - count + 1, last + 1)


class Feed:
    """One way of reading a feed in pages: its SELECT made once, with the event, the cursor,
    the feed's end and the page size (and any parameters of `conditions`) bound at each
    page. `columns`: what to read of each row (default: all of it; `seq` is needed)."""

    def __init__(self, table: Table, *conditions, columns: list | None = None):
        self.name = table.name  # the tables are named after their feeds
        self.query = (select(*(columns or [table]))
                      .where(table.c.event_id == bindparam("event_id"),
                             table.c.seq > bindparam("after"), table.c.seq <= bindparam("end"),
                             *conditions)
                      .order_by(table.c.seq).limit(bindparam("limit")))

    def page(self, conn: Connection, event_id: str, after: int, limit: int,
             to_item: Callable, **params) -> dict:
        """Rows with a feed number above `after`, in order, as paged() answers them.

        The feed's end (its counter) is read first, and only rows up to it are returned:
        every number up to it was committed with it (feed numbers become visible in order),
        so the end is never past a row this page did not see, even on PostgreSQL where each
        statement sees the latest commits."""
        end = end_of(conn, event_id, self.name)
        return self.page_to(conn, event_id, after, end, limit, to_item, **params)

    def page_to(self, conn: Connection, event_id: str, after: int, end: int | None,
                limit: int, to_item: Callable, **params) -> dict:
        """page() with the feed's end read by the caller."""
        rows = conn.execute(self.query, {
            "event_id": event_id, "after": after, "end": _NO_END if end is None else end,
            "limit": limit + 1, **params}).all()
        return paged(rows, after, end, limit, to_item)


def end_of(conn: Connection, event_id: str, feed: str) -> int | None:
    """The feed's last number given out (None: its counter row is not there yet)."""
    return conn.execute(_END, {"feed_event": event_id, "feed_name": feed}).scalar_one_or_none()


def paged(rows: list, after: int, end: int | None, limit: int, to_item: Callable) -> dict:
    """A page of `rows` (up to limit + 1 of those numbered in (after, end], in order):
    {"items", "cursor", "more"}; ask again with the cursor. When nothing more is there, the
    cursor is the end of the feed, also when conditions left out the last rows: a desk that
    asks for the events of other desks moves past its own, instead of asking after them (and
    the server reading past them) at every round."""
    more = len(rows) > limit
    rows = rows[:limit]
    if more:
        cursor = rows[-1].seq
    else:
        cursor = max(after, end if end is not None else rows[-1].seq if rows else after)
    return {"items": [to_item(r) for r in rows], "cursor": cursor, "more": more}


def json_response(page: dict) -> Response:
    """A page whose items are JSON texts already (made by the database), sent without
    parsing them and writing them again: the events feed is the service's busiest answer
    (each event goes to every other desk)."""
    rest = json.dumps({k: v for k, v in page.items() if k != "items"})
    body = '{"items":[' + ",".join(page["items"]) + "]," + rest[1:]
    return Response(body.encode(), media_type="application/json")
