"""Wiping a desk's personal data (issue 7; docs/personal-data.md): on revocation by the
organiser (sync) and with `checkin purge` after the event. The SQL is the store's
(store/personal.py); this module decides what goes with it (the saved PDFs, the anonymous
counts kept, the compaction retried after a full disk) and what the desk says it removed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from .jsonutil import dumps
from .stats import headcounts
from .store import audit, personal

log = logging.getLogger("checkin.wipe")

WIPED = "privacy.wiped"  # meta: what the last wipe removed, and when (JSON)
COUNTS = "privacy.counts"  # meta: the anonymous headcounts taken just before it (JSON)


def wiped_state(store) -> dict | None:
    """What the last wipe or purge removed ({"at", "reason", "registrants", ...}), or None."""
    text = store.meta(WIPED)
    return json.loads(text) if text else None


def anonymous_counts(store) -> dict | None:
    text = store.meta(COUNTS)
    return json.loads(text) if text else None


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
         pdf_folders: Iterable[str | Path] = (), action: str = audit.WIPE,
         details: dict | None = None) -> dict:
    """Remove the personal data of registrants from this desk, in one transaction:

    - every registrant row (and the search index with it: the generation is bumped);
    - the data of walk-in and edit events (names, phones ... typed at a desk or by the
      organiser) and the free-text reasons of other events are scrubbed, through the wipe
      permit that the event log's trigger accepts for exactly this; the events themselves
      stay, so the counts of admissions stay;
    - registrant copies inside sync conflict details (store/personal.erase);
    then the PDFs saved for those people (in the folders the print queue saved to, and
    `pdf_folders`), and the file is compacted so that the deleted data is not left in free
    pages or the WAL. Audited (`action`). Returns a summary, also kept in meta `privacy.wiped`."""
    at = audit.now(store)
    try:
        counts = headcounts(store)
        counts.pop("unsent_events", None)
        counts["taken_at"] = at
    except Exception:  # the counts are a courtesy: never a reason not to wipe  # noqa: BLE001
        log.exception("no headcounts before the wipe")
        counts = None
    folders = [*personal.pdf_folders(store), *pdf_folders]
    pdfs = pdf_files(folders, personal.registrant_codes(store.reader()))
    with store.secure_transaction() as conn:
        erased = personal.erase(store, conn, reason=reason, at=at)
        summary = {"at": at, "reason": reason, **erased,
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
