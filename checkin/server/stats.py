"""Headcounts across every desk, from the server's registrants and admissions: the figures
are assembled by checkin/headcount.py, as a desk's are (checkin/stats.py), plus the open
conflicts and when each desk last synced."""

from __future__ import annotations

from sqlalchemy import and_, exists, func, select

from ..headcount import HeadcountRows, figures
from ..model import ENTRY_KINDS, MOVEMENT_KINDS, REGISTRATION
from . import conferences
from .db import Database, admissions, conflicts, devices, events, registrants, utcnow


def headcounts(db: Database, event_id: str, *, with_devices: bool = True) -> dict:
    with db.read() as conn:
        config = conferences.config(conn, event_id)
        rows = _headcount_rows(conn, event_id)
        open_conflicts = conn.execute(
            select(func.count()).select_from(conflicts)
            .where(conflicts.c.event_id == event_id, conflicts.c.resolved_by.is_(None))
        ).scalar_one()
        desk_rows = conn.execute(
            select(devices).where(devices.c.event_id == event_id)
            .order_by(devices.c.enrolled_at)).all() if with_devices else []
    result = {"event": event_id, "name": config.name, "timezone": config.timezone,
              **figures(config, rows), "conflicts": open_conflicts, "generated_at": utcnow()}
    if with_devices:
        result["devices"] = [{"device_id": d.device_id, "name": d.name, "last_seen": d.last_seen,
                              "last_upload": d.last_upload, "revoked": d.revoked_at is not None,
                              "kiosk_problem": d.kiosk_problem}
                             for d in desk_rows]
    return result


def _headcount_rows(conn, event_id: str) -> HeadcountRows:
    """The rows checkin/headcount.py counts, as checkin/store/counts.py reads them on a desk."""
    listed = and_(registrants.c.event_id == event_id, registrants.c.missing.is_(False))
    category = func.coalesce(registrants.c.category, "")
    categories = conn.execute(
        select(category, func.count(), func.count(admissions.c.code))
        .select_from(registrants.outerjoin(admissions, and_(
            admissions.c.event_id == registrants.c.event_id,
            admissions.c.code == registrants.c.code,
            admissions.c.station == REGISTRATION)))
        .where(listed).group_by(category)).all()
    unlisted = conn.execute(
        select(func.count()).select_from(admissions)
        .where(admissions.c.event_id == event_id, admissions.c.station == REGISTRATION,
               ~exists().where(registrants.c.event_id == admissions.c.event_id,
                               registrants.c.code == admissions.c.code))).scalar_one()
    day = func.substr(admissions.c.wall_time, 1, 10)
    by_day = conn.execute(
        select(day, func.count())
        .where(admissions.c.event_id == event_id, admissions.c.station == REGISTRATION)
        .group_by(day)).all()
    people = conn.execute(
        select(registrants.c.meals, registrants.c.forums, registrants.c.category,
               registrants.c.payment).where(listed)).all()
    by_station = dict(conn.execute(
        select(admissions.c.station, func.count())
        .where(admissions.c.event_id == event_id).group_by(admissions.c.station)).all())
    return HeadcountRows([tuple(r) for r in categories], unlisted, [tuple(r) for r in by_day],
                         [tuple(r) for r in people], by_station, _inside(conn, event_id))


def _inside(conn, event_id: str) -> dict[str, int]:
    """Who is inside each door (forums, lists with exits), as a desk counts it (store/eventlog.inside_by_station)."""
    later, undo, undo_later = events.alias("later"), events.alias("u"), events.alias("ul")
    not_undone = ~exists().where(undo.c.event_id == events.c.event_id,
                                 undo.c.ref == events.c.uuid, undo.c.kind == "undo")
    left_since = exists().where(
        later.c.event_id == events.c.event_id, later.c.station == events.c.station,
        later.c.code == events.c.code, later.c.kind.in_([str(k) for k in MOVEMENT_KINDS]),
        later.c.hlc > events.c.hlc,
        ~exists().where(undo_later.c.event_id == later.c.event_id,
                        undo_later.c.ref == later.c.uuid, undo_later.c.kind == "undo"))
    return dict(conn.execute(
        select(events.c.station, func.count())
        .where(events.c.event_id == event_id,
               events.c.station.like("forum:%") | events.c.station.like("list:%"),
               events.c.kind.in_([str(k) for k in ENTRY_KINDS]), not_undone, ~left_since)
        .group_by(events.c.station)).all())
