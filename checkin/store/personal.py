"""The personal data in a desk's database, in SQL: what a change of `[privacy] desk_fields`
zeroes, and what a wipe (revocation, `checkin purge`) erases and scrubs (checkin/wipe.py
decides when and says what was done)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from ..jsonutil import dumps
from ..model import ALWAYS_KEPT, REGISTRANT_FIELDS

_EMPTY = {"meals": [], "forums": []}
# The sync download cursor: after a wipe, enrolling again downloads the list again.
REGISTRANT_CURSOR = "sync.registrant_cursor"
PDF_FOLDERS = "printing.pdf_folders"  # meta: folders this desk saved badge/voucher PDFs in (JSON)


def apply_desk_fields(conn, desk_fields: Iterable[str] | None) -> int:
    """Minimise the registrants already stored (after `desk_fields` changed); returns how
    many rows lost data. Run it in Store.secure_transaction so the old values are zeroed."""
    if desk_fields is None:
        return 0
    keep = set(desk_fields)
    dropped = [f for f in REGISTRANT_FIELDS if f not in keep and f not in ALWAYS_KEPT]
    changed: set[str] = set()
    for name in dropped:
        empty = "'[]'" if name in _EMPTY else "NULL"
        filled = f"{name} != '[]'" if name in _EMPTY else f"{name} IS NOT NULL"
        changed |= {r[0] for r in conn.execute(f"SELECT code FROM registrants WHERE {filled}")}
        conn.execute(f"UPDATE registrants SET {name} = {empty} WHERE {filled}")
    if "extra" not in keep:
        for code, extra in conn.execute(
                "SELECT code, extra FROM registrants WHERE extra != '{}'").fetchall():
            old = json.loads(extra)
            new = {k: v for k, v in old.items() if f"extra.{k}" in keep}
            if new != old:
                conn.execute("UPDATE registrants SET extra = ? WHERE code = ?", (dumps(new), code))
                changed.add(code)
    return len(changed)


def scrubbed_data(kind: str, data: dict, at: str) -> dict:
    """What stays of a walk-in's or an edit's data: that it happened, which fields an edit
    changed, never the values (the event's code, time, desk and operator stay too)."""
    kept: dict = {"wiped": at}
    if kind == "edit":
        changes = data.get("changes")
        if isinstance(changes, dict):
            kept["changed"] = sorted(changes)
        if "base_version" in data:
            kept["base_version"] = data["base_version"]
    return kept


def scrub_events(conn, at: str) -> int:
    """Scrub the event log's personal data under the wipe permit: walk-in and edit data
    (scrubbed_data), and the free-text `reason` of any other event (override, undo, reprint,
    resolve, revoke), where staff type what they are told ("new number 138...")."""
    scrubbed = 0
    for seq, kind, data in conn.execute(
            "SELECT seq, kind, data FROM events WHERE kind IN ('walk_in', 'edit') "
            "AND json_type(data, '$.wiped') IS NULL").fetchall():
        conn.execute("UPDATE events SET data = ? WHERE seq = ?",
                     (dumps(scrubbed_data(kind, json.loads(data), at)), seq))
        scrubbed += 1
    # In SQL, so that every other key stays byte for byte (the trigger compares them).
    scrubbed += conn.execute(
        "UPDATE events SET data = json_set(json_remove(data, '$.reason'), '$.wiped', ?) "
        "WHERE kind NOT IN ('walk_in', 'edit') AND json_type(data, '$.reason') IS NOT NULL",
        (at,)).rowcount
    return scrubbed


def registrant_codes(reader) -> list[str]:
    return [r[0] for r in reader.execute("SELECT code FROM registrants")]


def erase(store, conn, *, reason: str, at: str) -> dict:
    """Inside a secure transaction: delete every registrant, scrub the event log through the
    wipe permit the log's trigger accepts (migrations 0003_privacy, 0004_wipe_reasons), and
    drop registrant copies from sync conflict details. Returns the counts."""
    registrants = conn.execute("SELECT count(*) FROM registrants").fetchone()[0]
    conn.execute("DELETE FROM registrants")
    conn.execute("INSERT OR REPLACE INTO wipe_permit (id, reason, at) VALUES (1, ?, ?)",
                 (reason, at))
    scrubbed = scrub_events(conn, at)
    conn.execute("DELETE FROM wipe_permit")
    conflicts = 0
    for uuid, detail in conn.execute("SELECT event_uuid, detail FROM sync_conflicts").fetchall():
        detail = json.loads(detail)
        if "current" in detail:
            detail.pop("current")
            detail["wiped"] = at
            conn.execute("UPDATE sync_conflicts SET detail = ? WHERE event_uuid = ?",
                         (dumps(detail), uuid))
            conflicts += 1
    store.set_meta(conn, REGISTRANT_CURSOR, "0")
    store.bump_registrant_generation(conn)
    return {"registrants": registrants, "events_scrubbed": scrubbed,
            "conflicts_scrubbed": conflicts}


def remember_pdf_folder(store, folder) -> None:
    """A badge or voucher PDF was saved in `folder`: a wipe deletes what is there for its people."""
    folders = pdf_folders(store)
    if str(folder) not in folders:
        with store.transaction() as conn:
            store.set_meta(conn, PDF_FOLDERS, dumps([*folders, str(folder)]))


def pdf_folders(store) -> list[str]:
    return json.loads(store.meta(PDF_FOLDERS) or "[]")
