"""Importing an export on the server: the desk importer reads it, the server upserts by code.

The uploaded bytes are written to a temporary file and read by `checkin.importer.read_export`
(the same header detection, mapping, normalisation and report as `checkin import`). Then,
as on the desk: new codes are added, changed ones updated (version + 1 and a new feed number
each), fields a desk or organiser corrected are kept, and people absent from the file are
marked missing (never deleted) unless that looks like a partial export.
"""

from __future__ import annotations

import gc
import json
import tempfile
from pathlib import Path

from sqlalchemy import bindparam, select, update

from ..importer import ImportFileError, read_export
from ..importer.run import gone_from_list
from . import conferences, feeds
from . import registrants as regs
from .db import Database, registrants, utcnow
from .errors import ApiError

MARK_MISSING = {"auto": None, "true": True, "yes": True, "false": False, "no": False,
                "supplement": False}
SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt", ".tsv", ".tab")

_UPDATE = update(registrants).where(
    registrants.c.event_id == bindparam("b_event"), registrants.c.code == bindparam("b_code"),
).values(
    **{f: bindparam(f"v_{f}") for f in (*regs.EDITABLE, "extra")},
    missing=bindparam("b_missing"), version=bindparam("b_version"), seq=bindparam("b_seq"),
    updated_at=bindparam("b_updated"),
)
_MARK = update(registrants).where(
    registrants.c.event_id == bindparam("b_event"), registrants.c.code == bindparam("b_code"),
).values(missing=True, version=bindparam("b_version"), seq=bindparam("b_seq"),
         updated_at=bindparam("b_updated"))


def run_import(db: Database, event_id: str, data: bytes, filename: str,
               mark_missing: str = "auto", dry_run: bool = False) -> dict:
    if mark_missing not in MARK_MISSING:
        raise ApiError(422, "invalid_request", "mark_missing is auto, true or false")
    suffix = Path(filename or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise ApiError(422, "invalid_file", f"{filename!r}: only .xlsx and .csv exports can be "
                       "imported (give the file name with ?filename=...)")
    if not data:
        raise ApiError(422, "invalid_file", "the upload is empty")
    with db.read() as conn:
        config = conferences.config(conn, event_id)
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of small objects that all live to the end (as checkin import does)
    try:
        with tempfile.TemporaryDirectory(prefix="checkin-import-") as tmp:
            path = Path(tmp) / f"upload{suffix}"
            path.write_bytes(data)
            try:
                people, report, parser = read_export(path, config)
            except ImportFileError as exc:
                raise ApiError(422, "invalid_file", str(exc)) from exc
            except Exception as exc:  # a broken workbook: zip, XML or encoding errors
                raise ApiError(422, "invalid_file", f"{filename} cannot be read as a "
                               f"{suffix[1:].upper()} export ({type(exc).__name__}: {exc})") from exc
        report.file = filename
        report.dry_run = dry_run
        report.created = {"meal slots": list(parser.new_meals), "forums": list(parser.new_forums),
                          "categories": list(parser.new_categories)}
        with db.read() if dry_run else db.write() as conn:
            if not dry_run:
                feeds.lock(conn, event_id, feeds.REGISTRANTS)
            _merge(conn, event_id, people, report, MARK_MISSING[mark_missing], dry_run)
            if not dry_run and any(report.created.values()):
                conferences.save_config(conn, event_id, parser.extended_config())
    finally:
        if gc_was_enabled:
            gc.enable()
    return report.to_json()


def _merge(conn, event_id: str, people: list, report, mark_missing: bool | None,
           dry_run: bool) -> None:
    existing = {row.code_key: row for row in conn.execute(
        select(registrants).where(registrants.c.event_id == event_id))}
    new, changed = [], []
    for person in people:
        old = existing.get(person.code.upper())
        if old is None:
            report.added += 1
            new.append(person)
            continue
        person.code = old.code  # keep the stored spelling of the code
        now = regs.current(old)
        for field in json.loads(old.edited_fields):
            if field in regs.EDITABLE and not regs.same(getattr(person, field), now[field]):
                setattr(person, field, now[field])
                report.kept_desk_edits.append(f"{old.code} ({field})")
        diff = {f: [now[f], getattr(person, f)] for f in regs.EDITABLE
                if not regs.same(now[f], getattr(person, f))}
        old_extra = json.loads(old.extra)
        if old_extra != person.extra:
            diff["extra"] = [old_extra, person.extra]
        if old.missing:
            report.returned += 1
            diff["missing"] = [True, False]
        if diff:
            report.updated += 1
            changed.append((old, person))
            if len(report.changes) < 200:
                report.changes.append({"code": old.code, "fields": diff})
        else:
            report.unchanged += 1
    vanished = gone_from_list(existing, (person.code for person in people), mark_missing, report,
                              "import with mark_missing=true")
    report.missing = len(vanished)
    report.imported = len(people)
    if dry_run:
        return
    regs.insert(conn, event_id, new, source="import")
    numbers = iter(feeds.take(conn, event_id, feeds.REGISTRANTS, len(changed) + len(vanished)))
    now = utcnow()
    if changed:
        conn.execute(_UPDATE, [
            {**{f"v_{k}": v for k, v in regs.master_values(person).items()},
             "b_event": event_id, "b_code": old.code, "b_missing": False,
             "b_version": old.version + 1, "b_seq": next(numbers), "b_updated": now}
            for old, person in changed])
    if vanished:
        conn.execute(_MARK, [{"b_event": event_id, "b_code": row.code,
                              "b_version": row.version + 1, "b_seq": next(numbers),
                              "b_updated": now} for row in vanished])
