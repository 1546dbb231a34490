"""CME credit over every desk's door scans, for the organiser: the report (as `checkin cme
--json` gives it on a desk) and the CME office's sheet (as `checkin export cme` writes it).

The same code as on a desk: checkin/cme.py works the credit out from the crossings no undo
cancelled, checkin/export.py makes the items and the sheet's rows. Only the reading is the
service's own: its stored events of every desk, its registrants (whole, not as desks get
them masked).
"""

from __future__ import annotations

import io
from collections.abc import Callable

from sqlalchemy import select

from ..cme import credit_report, needed_minutes
from ..export import CME_COLUMNS, CME_SHEET, cme_items, cme_rows, crossing, write_xlsx
from ..model import MOVEMENT_KINDS, Cme, EventConfig, Registrant
from . import conferences
from .db import Connection, Database, events, registrants
from .errors import ApiError
from .events import not_undone
from .registrants import to_item

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CHUNK = 500  # codes per IN (...): well under SQLite's limit on bound values


def report(db: Database, event_id: str) -> dict:
    """The credit report: the project, its sessions, and one item per person scanned at a
    CME session's door (minutes per session, credits, why any fell short)."""
    with db.read() as conn:
        config, credits, lookup = _credits(conn, event_id)
    cme = config.cme
    return {"event": event_id, "name": config.name, "project_number": cme.project_number,
            "project_name": cme.project_name, "credit_class": cme.credit_class,
            "credits": cme.credits, "min_share": cme.min_share,
            "sessions": [{"id": s.id, "name": s.name, "station": s.station, "date": s.date,
                          "start": s.start, "end": s.end, "credits": s.credits,
                          "needed_minutes": needed_minutes(cme, s)} for s in cme.sessions],
            "items": cme_items(credits, lookup)}


def sheet(db: Database, event_id: str) -> tuple[bytes, int]:
    """The CME office's XLSX (CME_COLUMNS, every cell neutralised) and its number of rows."""
    with db.read() as conn:
        config, credits, lookup = _credits(conn, event_id)
    out = io.BytesIO()
    count = write_xlsx(out, CME_COLUMNS, cme_rows(config.cme, credits, lookup), CME_SHEET)
    return out.getvalue(), count


def _credits(conn: Connection, event_id: str) -> tuple[EventConfig, list, Callable]:
    config = conferences.config(conn, event_id)
    if config.cme is None:
        raise ApiError(409, "no_cme", f"event {event_id!r} has no [cme] section in its event "
                       "file: there is no CME project to give credit for (docs/cme.md)")
    credits = credit_report(config.cme, config.zone(), _crossings(conn, event_id, config.cme))
    people = _registrants(conn, event_id, {p.code for p in credits})
    return config, credits, lambda code: people.get(code.upper())


def _crossings(conn: Connection, event_id: str, cme: Cme) -> list:
    """Every desk's crossings at the CME doors that no undo cancelled, in HLC order, as a
    desk reads its own (store/eventlog.crossings)."""
    doors = sorted({s.station for s in cme.sessions})
    rows = conn.execute(
        select(events.c.code, events.c.station, events.c.kind, events.c.wall_time,
               events.c.data)
        .where(events.c.event_id == event_id, events.c.station.in_(doors),
               events.c.kind.in_([str(k) for k in MOVEMENT_KINDS]),
               events.c.code.is_not(None), not_undone())
        .order_by(events.c.hlc)).mappings()
    return [crossing(r) for r in rows]


def _registrants(conn: Connection, event_id: str, codes: set[str]) -> dict:
    """The service's registrants of these codes (whole), by upper-case code."""
    wanted = sorted(c.upper() for c in codes)
    found = {}
    for start in range(0, len(wanted), _CHUNK):
        for row in conn.execute(select(registrants).where(
                registrants.c.event_id == event_id,
                registrants.c.code_key.in_(wanted[start:start + _CHUNK]))):
            item = to_item(row)
            del item["seq"]  # the service's order of changes, not the person's
            found[row.code_key] = Registrant(**item)
    return found
