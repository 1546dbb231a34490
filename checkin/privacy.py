"""Personal data at the desk (issue 7; docs/personal-data.md). Plain Python, no Qt.

- Masking: a desk shows 138****8000 and z***@example.org; only the organiser role sees
  phone numbers and e-mails whole (`display_registrant`, `mask_data` for event details).
- The organiser role is unlocked with a PIN whose salted scrypt hash is in the event file
  (`[privacy] organiser_pin_hash`); every attempt, right or wrong, is in the audit trail, and
  after LOCKOUT_ATTEMPTS wrong ones in LOCKOUT_WINDOW the desk stops checking PINs for a while.
- Field minimisation: `[privacy] desk_fields` lists what a desk stores (`minimise`).
- Wipe: the registrants and the personal data inside walk-in and edit events are removed
  (`wipe`: on revocation by the organiser, and `checkin purge` after the event).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
import sqlite3
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path

from . import pin as _pin
from .jsonutil import dumps
from .masking import mask_data as mask_data  # the masking itself lives in checkin/masking.py
from .masking import mask_email as mask_email
from .masking import mask_phone as mask_phone
from .masking import mask_text as mask_text
from .masking import minimise_record as minimise_record
from .model import REGISTRANT_FIELDS, Registrant
from .pin import MIN_DIGIT_PIN_LENGTH as MIN_DIGIT_PIN_LENGTH
from .pin import MIN_PIN_LENGTH as MIN_PIN_LENGTH
from .pin import check_pin_hash as check_pin_hash
from .pin import verify_pin as verify_pin
from .pin import weak_pin_hash as weak_pin_hash
from .store import audit
from .sync import status as sync_status

log = logging.getLogger("checkin.privacy")


class PrivacyError(Exception):
    """Refused for privacy reasons; the message says why in plain words."""


# -- roles ------------------------------------------------------------------------
class Role(StrEnum):
    DESK = "desk"  # registration staff and volunteers: personal data masked
    ORGANISER = "organiser"  # sees phone numbers and e-mails, exports, purges


def can_see_personal(role: Role | str | None) -> bool:
    return role == Role.ORGANISER


# -- masking (checkin/masking.py) ------------------------------------------------------
def display_registrant(reg: Registrant, role: Role | str | None) -> Registrant:
    """The registrant as this role may see it: the organiser sees it whole, a desk a copy
    with phone, e-mail and numbers inside remarks and extra columns masked."""
    if can_see_personal(role):
        return reg
    return dataclasses.replace(
        reg, phone=mask_phone(reg.phone), email=mask_email(reg.email),
        remarks=mask_text(reg.remarks),
        extra={k: mask_text(v) if isinstance(v, str) else v for k, v in reg.extra.items()})


# -- the organiser PIN ------------------------------------------------------------
# Making and checking its hash is checkin/pin.py's job (the rule, scrypt's parameters); its
# names stay importable from here. Below: who may try, and the audit trail of the tries.
LOCKOUT_ATTEMPTS = 5  # wrong PINs in a row on one desk ...
LOCKOUT_WINDOW = dt.timedelta(minutes=15)  # ... within this time lock the organiser role


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """'scrypt$N$r$p$<salt>$<hash>' for the event file's organiser_pin_hash; a PIN that
    breaks the rule (checkin.pin.RULE) is refused with PrivacyError, the rule in words."""
    try:
        return _pin.hash_pin(pin, salt=salt)
    except _pin.PinError as exc:
        raise PrivacyError(str(exc)) from None


def has_organiser_pin(store) -> bool:
    return bool(store.config.privacy.organiser_pin_hash)


NO_PIN = ("this event has no organiser PIN, so nobody has the organiser role on this desk: "
          "make one with `checkin privacy pin`, put the line it prints under [privacy] in the "
          "event file and `checkin init` it (or `checkin privacy pin --save` on this desk)")


def unlock(store, pin: str | None, *, operator: str | None = None, purpose: str = "") -> Role:
    """The organiser role for this operator, if `pin` is the event's organiser PIN; else
    PrivacyError. Right and wrong attempts both go into the audit trail."""
    stored = store.config.privacy.organiser_pin_hash
    if not stored:
        raise PrivacyError(NO_PIN)
    if not pin:
        raise PrivacyError("the organiser role needs the organiser PIN: --pin PIN or "
                           "CHECKIN_ORGANISER_PIN")
    now = audit.parse_time(audit.now(store))
    failures = audit.recent_failed_unlocks(store.reader(), store.device_id, LOCKOUT_WINDOW, now)
    if failures >= LOCKOUT_ATTEMPTS:
        audit.log(store, audit.UNLOCK, operator=operator,
                  details={"ok": False, "reason": "locked", "purpose": purpose})
        minutes = int(LOCKOUT_WINDOW.total_seconds() // 60)
        raise PrivacyError(f"{failures} wrong organiser PINs on this desk: the organiser role is "
                           f"locked; try again in {minutes} minutes (attempt recorded)")
    ok = verify_pin(pin, stored)
    audit.log(store, audit.UNLOCK, operator=operator, details={"ok": ok, "purpose": purpose})
    if not ok:
        raise PrivacyError("wrong organiser PIN (the attempt is recorded in the audit trail)")
    return Role.ORGANISER


# -- field minimisation -----------------------------------------------------------
_EMPTY = {"meals": [], "forums": []}


def minimise(reg: Registrant, desk_fields: Iterable[str] | None) -> Registrant:
    """Keep only `desk_fields` of `reg` (in place; returned): the others become None (or
    empty lists), extra columns stay only with "extra" or "extra.<header>". None: all."""
    if desk_fields is None:
        return reg
    keep = set(desk_fields)
    for name in REGISTRANT_FIELDS:
        if name not in keep and name not in ("code", "name"):
            setattr(reg, name, list(_EMPTY[name]) if name in _EMPTY else None)
    if "extra" not in keep and reg.extra:
        reg.extra = {k: v for k, v in reg.extra.items() if f"extra.{k}" in keep}
    return reg


def minimise_event(event, desk_fields: Iterable[str] | None):
    """Another desk's (or the organiser's) walk-in or edit, as this desk may keep it: the
    values of fields `desk_fields` leaves out are not stored here (the central list has the
    whole fact). Applied before the event is appended; stored events never change."""
    if desk_fields is None or event.kind not in ("walk_in", "edit"):
        return event
    key = "fields" if event.kind == "walk_in" else "changes"
    if not isinstance(event.data.get(key), dict):
        return event
    data = {**event.data, key: minimise_record(event.data[key], desk_fields)}
    return dataclasses.replace(event, data=data)


def apply_desk_fields(conn, desk_fields: Iterable[str] | None) -> int:
    """Minimise the registrants already stored (after `desk_fields` changed); returns how
    many rows lost data. Run it in Store.secure_transaction so the old values are zeroed."""
    if desk_fields is None:
        return 0
    keep = set(desk_fields)
    dropped = [f for f in REGISTRANT_FIELDS if f not in keep and f not in ("code", "name")]
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


# -- wipe and purge ---------------------------------------------------------------
WIPED = "privacy.wiped"  # meta: what the last wipe removed, and when (JSON)
COUNTS = "privacy.counts"  # meta: the anonymous headcounts taken just before it (JSON)


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


def _scrub_events(conn, at: str) -> int:
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


def wiped_state(store) -> dict | None:
    """What the last wipe or purge removed ({"at", "reason", "registrants", ...}), or None."""
    text = store.meta(WIPED)
    return json.loads(text) if text else None


def anonymous_counts(store) -> dict | None:
    text = store.meta(COUNTS)
    return json.loads(text) if text else None


def default_pdf_folders() -> list[Path]:
    """Where the desk saves badges and vouchers as PDFs (the settings' PDF folder)."""
    from .settings import load_settings

    try:
        return [load_settings().printed_folder()]
    except Exception:  # unreadable settings: the default folder  # noqa: BLE001
        from . import paths

        return [paths.data_dir() / "printed"]


_PDF_NAME = re.compile(r"^\d{8}-\d{6}-[A-Za-z]+_(?P<rest>.+)\.pdf$")


def pdf_files(folders: Iterable[str | Path], codes: Iterable[str]) -> list[Path]:
    """PDFs the print queue saved for these codes (named <time>-<document>_<code>[-n].pdf)."""
    wanted = {re.sub(r"[^\w.-]+", "_", c).strip("_").upper() for c in codes}
    found = []
    for folder in folders:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.pdf")):
            m = _PDF_NAME.match(path.name)
            if not m:
                continue
            rest = m.group("rest").upper()
            if rest in wanted or re.sub(r"-\d+$", "", rest) in wanted:
                found.append(path)
    return found


def wipe(store, *, reason: str, operator: str | None = None,
         pdf_folders: Iterable[str | Path] | None = None, action: str = audit.WIPE,
         details: dict | None = None) -> dict:
    """Remove the personal data of registrants from this desk, in one transaction:

    - every registrant row (and the search index with it: the generation is bumped);
    - the data of walk-in and edit events (names, phones ... typed at a desk or by the
      organiser) and the free-text reasons of other events are scrubbed (_scrub_events),
      through the wipe permit that the event log's trigger accepts for exactly this
      (migrations 0003_privacy, 0004_wipe_reasons); the events themselves stay, so the
      counts of admissions stay;
    - registrant copies inside sync conflict details;
    then the PDFs the desk saved for those people, and the file is compacted so that the
    deleted data is not left in free pages or the WAL. Audited (`action`). Returns a
    summary, also kept in meta `privacy.wiped`."""
    from .stats import headcounts

    at = audit.now(store)
    try:
        counts = headcounts(store)
        counts.pop("unsent_events", None)
        counts["taken_at"] = at
    except Exception:  # the counts are a courtesy: never a reason not to wipe  # noqa: BLE001
        log.exception("no headcounts before the wipe")
        counts = None
    codes = [r[0] for r in store.reader().execute("SELECT code FROM registrants")]
    folders = list(pdf_folders) if pdf_folders is not None else default_pdf_folders()
    pdfs = pdf_files(folders, codes)
    with store.secure_transaction() as conn:
        registrants = conn.execute("SELECT count(*) FROM registrants").fetchone()[0]
        conn.execute("DELETE FROM registrants")
        conn.execute("INSERT OR REPLACE INTO wipe_permit (id, reason, at) VALUES (1, ?, ?)",
                      (reason, at))
        scrubbed = _scrub_events(conn, at)
        conn.execute("DELETE FROM wipe_permit")
        conflicts = 0
        for uuid, detail in conn.execute(
                "SELECT event_uuid, detail FROM sync_conflicts").fetchall():
            detail = json.loads(detail)
            if "current" in detail:
                detail.pop("current")
                detail["wiped"] = at
                conn.execute("UPDATE sync_conflicts SET detail = ? WHERE event_uuid = ?",
                             (dumps(detail), uuid))
                conflicts += 1
        store.set_meta(conn, sync_status.REGISTRANT_CURSOR, "0")  # enrolled again: download again
        store.bump_registrant_generation(conn)
        summary = {"at": at, "reason": reason, "registrants": registrants,
                   "events_scrubbed": scrubbed, "conflicts_scrubbed": conflicts,
                   "pdfs": len(pdfs), "file_compacted": False, **(details or {})}
        store.set_meta(conn, WIPED, dumps(summary))
        if counts is not None:
            store.set_meta(conn, COUNTS, dumps(counts))
        audit.record(store, conn, action, operator=operator, details=summary, at=at)
    failed = []
    for path in pdfs:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            failed.append(f"{path}: {exc.strerror or exc}")
    if failed:
        log.warning("PDFs not deleted: %s", "; ".join(failed))
        audit.log(store, action, operator=operator,
                  details={"at": at, "pdfs_not_deleted": failed})
    summary["pdfs_not_deleted"] = failed
    summary.update(_compact(store))
    return summary


def _compact(store) -> dict:
    """Compact after a wipe; what happened ({"file_compacted": bool, "compact_error": ...})
    is also kept in meta `privacy.wiped`, so that a failure is tried again
    (compact_after_wipe) rather than reported as a failed wipe: the rows are gone already."""
    try:
        outcome = {"file_compacted": store.compact(), "compact_error": None}
    except (OSError, sqlite3.Error) as exc:  # VACUUM needs room for a copy: a full disk
        log.warning("the wiped database could not be compacted yet: %s", exc)
        outcome = {"file_compacted": False, "compact_error": str(exc)}
    try:
        with store.transaction() as conn:
            state = json.loads(store.meta(WIPED) or "{}")
            store.set_meta(conn, WIPED, dumps({**state, **outcome}))
    except (OSError, sqlite3.Error):  # still full: compact_after_wipe finds it pending
        log.warning("could not record the compaction's outcome", exc_info=True)
    return outcome


def compaction_pending(state: dict | None) -> bool:
    """The last wipe's VACUUM failed (a full disk) or never got to record its outcome. Not a
    WAL that another reader kept busy: that empties at a later checkpoint on its own."""
    return bool(state) and state.get("file_compacted") is False and (
        state.get("compact_error", "not recorded") is not None)


def compact_after_wipe(store) -> dict | None:
    """Compact again when the last wipe could not; the wiped state, or None."""
    state = wiped_state(store)
    if compaction_pending(state):
        state.update(_compact(store))
    return state


def event_ended(store, today: dt.date | None = None) -> bool | None:
    """True after the event's last day (in its zone); None when the event has no end date."""
    config = store.config
    if not config.end:
        return None
    today = today or dt.datetime.now(config.zone()).date()
    return today > dt.date.fromisoformat(config.end)
