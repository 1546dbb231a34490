"""The audit trail: who did what, on which desk, when (docs/personal-data.md).

Events already record check-ins, meals, forums, overrides, undos, walk-ins, edits and prints
(with operator, device and wall time). The audit table holds what is not an event: imports,
exports, organiser unlocks (and failed PIN attempts), personal data shown unmasked,
configuration changes, enrolment, revocation, wipes, purges, ticket key use. Like the event
log it is append-only (triggers refuse UPDATE and DELETE, migration 0003_privacy).

Details never carry personal data of registrants (counts, file names, codes at most).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..jsonutil import dumps
from ..operator_name import default_operator

# Actions (the `action` column).
IMPORT = "import"
EXPORT = "export"
BACKFILL = "backfill"  # a paper sign-in sheet's line entered afterwards
UNLOCK = "organiser_unlock"  # details.ok: the PIN was right (or not)
SHOWN = "personal_data_shown"  # unmasked phone numbers / e-mails shown to an organiser
CONFIG = "config"
ENROL = "enrol"
REVOKED = "revoked"
WIPE = "wipe"
PURGE = "purge"
TICKET_KEY = "ticket_key"


def event_zone(store) -> dt.tzinfo | None:
    try:
        return ZoneInfo(store.config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def now(store) -> str:
    """Wall time in the event's time zone (with its offset), corrected to the central list's
    clock when the desk has measured it."""
    return store.now(event_zone(store)).isoformat(timespec="milliseconds")


def record(store, conn: sqlite3.Connection, action: str, *, operator: str | None = None,
           code: str | None = None, details: dict | None = None,
           at: str | None = None) -> int:
    """Append one entry inside the caller's transaction (and to the audit outbox: it goes up
    to the central list with the next sync round); returns its sequence number."""
    cur = conn.execute(
        "INSERT INTO audit (at, operator, device_id, action, code, details, hlc) "
        "VALUES (?,?,?,?,?,?,?)",
        (at or now(store), operator or default_operator(), store.device_id, action, code,
         dumps(details or {}), store.clock.tick()),
    )
    conn.execute("INSERT INTO audit_outbox (seq) VALUES (?)", (cur.lastrowid,))
    return int(cur.lastrowid)


def log(store, action: str, **kw) -> int:
    """Append one entry in a transaction of its own."""
    with store.transaction() as conn:
        return record(store, conn, action, **kw)


@dataclass(frozen=True)
class Entry:
    """One line of `checkin audit`: an audit entry or an event, told apart by `source`."""

    source: str  # "audit" | "event"
    at: str  # wall time as recorded (with its offset)
    operator: str
    device_id: str
    action: str  # audit action, or the event's kind
    code: str | None = None
    station: str | None = None
    details: dict = field(default_factory=dict)

    def moment(self) -> dt.datetime:
        return parse_time(self.at)


def parse_time(text: str, zone: dt.tzinfo | None = None) -> dt.datetime:
    """An ISO time; a naive one is taken in `zone` (else this computer's)."""
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone) if zone else moment.astimezone()
    return moment


def entries(conn: sqlite3.Connection, action: str | None = None) -> list[Entry]:
    sql = "SELECT * FROM audit" + (" WHERE action = ?" if action else "") + " ORDER BY seq"
    rows = conn.execute(sql, (action,) if action else ())
    return [Entry("audit", r["at"], r["operator"], r["device_id"], r["action"], r["code"],
                  None, json.loads(r["details"])) for r in rows]


def timeline(conn: sqlite3.Connection, since: dt.datetime | None = None) -> list[Entry]:
    """Audit entries and events together, oldest first (by wall time; ties: audit first,
    then in the order they were stored)."""
    items: list[tuple[dt.datetime, int, int, Entry]] = []
    for seq, entry in enumerate(entries(conn)):
        items.append((entry.moment(), 0, seq, entry))
    for r in conn.execute("SELECT seq, kind, code, station, device_id, operator, wall_time, "
                          "data FROM events ORDER BY seq"):
        entry = Entry("event", r["wall_time"], r["operator"], r["device_id"], r["kind"],
                      r["code"], r["station"], json.loads(r["data"]))
        items.append((entry.moment(), 1, r["seq"], entry))
    if since is not None:
        items = [i for i in items if i[0] >= since]
    items.sort(key=lambda i: (i[0], i[1], i[2]))
    return [i[3] for i in items]


def recent_failed_unlocks(conn: sqlite3.Connection, device_id: str,
                          window: dt.timedelta, now_: dt.datetime) -> int:
    """Wrong PINs typed on this desk within `window` since the last right one."""
    count = 0
    for r in conn.execute("SELECT at, details FROM audit WHERE action = ? AND device_id = ? "
                          "ORDER BY seq DESC LIMIT 50", (UNLOCK, device_id)):
        if now_ - parse_time(r["at"]) > window:
            break
        if json.loads(r["details"]).get("ok"):
            break
        count += 1
    return count
