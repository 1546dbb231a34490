"""Events the server refused on their own (docs/sync-protocol.md, "What a desk may upload"):
set aside (out of the outbox, listed as a `rejected` conflict, still in the log) and put back
in the outbox by `checkin sync --retry-rejected`, or by the round itself for the events
refused as stamped ahead once the service's clock has caught up with them."""

from __future__ import annotations

import logging
import sqlite3

from .. import clockcheck
from ..clock import MAX_AHEAD_MS, read_hlc
from ..model import LoggedEvent
from ..store import Store, conflicts, outbox
from . import status as st

log = logging.getLogger("checkin.sync")

CAUGHT_UP_MARGIN_MS = 30_000  # below the service's bound: measurement error and transit


def record(conn: sqlite3.Connection, ev: LoggedEvent, detail: dict) -> dict:
    """List `ev` as refused (`detail`: type, status, error, message); the entry for the
    round's report."""
    conflicts.record_rejected(conn, ev.uuid, ev.code, ev.station, detail, st.now())
    log.warning("event %s refused by the server: %s", ev.uuid, detail["message"])
    return {"uuid": ev.uuid, "kind": ev.kind, "code": ev.code, **detail}


def set_aside(store: Store, seq: int, ev: LoggedEvent, detail: dict) -> dict:
    """Out of the outbox and listed as refused, in one transaction; the report's entry."""
    with store.transaction() as conn:
        outbox.remove(conn, seq)
        return record(conn, ev, detail)


def retry_rejected(store: Store) -> list[str]:
    """Put the events the server refused (set aside, listed as `rejected`) back in the
    outbox, e.g. after the server was fixed; they go up with the next round. Returns their
    uuids."""
    with store.transaction() as conn:
        rows = conflicts.rejected(conn)
        _requeue(conn, rows)
    if rows:
        log.info("%d refused event(s) put back in the outbox", len(rows))
    return [uuid for uuid, _ in rows]


def requeue_caught_up(store: Store) -> int:
    """Events refused as stamped ahead of the service's clock (a desk a few minutes fast before
    its first round) go back to the outbox once the list's time has caught up with their
    stamps, so they are not lost; one a year ahead stays refused and listed. Only once this
    desk's clock was measured: before, its own time is the wrong one."""
    if clockcheck.last_check(store) is None:
        return 0
    rows = conflicts.rejected_clock_ahead(store.reader())
    bound = int(store.time() * 1000) + MAX_AHEAD_MS - CAUGHT_UP_MARGIN_MS
    ripe = [(event_uuid, seq) for event_uuid, seq, hlc in rows
            if (stamp := read_hlc(hlc)) is not None and stamp[0] <= bound]
    if ripe:
        with store.transaction() as conn:
            _requeue(conn, ripe)
        log.info("%d event(s) refused as stamped ahead go up again: the list's clock has "
                 "caught up with them", len(ripe))
    return len(ripe)


def _requeue(conn: sqlite3.Connection, rows: list[tuple[str, int]]) -> None:
    for event_uuid, seq in rows:
        outbox.put_back(conn, seq)
        conflicts.forget(conn, event_uuid)
