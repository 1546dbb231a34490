"""Headcounts across every desk, from the server's registrants and admissions (as checkin/stats.py
does for one desk): arrived vs expected by category and day, meals, forums, open conflicts,
and when each desk last synced."""

from __future__ import annotations

import json

from sqlalchemy import and_, exists, func, select

from ..model import ADMITTED_PAYMENTS, REGISTRATION, UNLISTED
from . import conferences
from .db import Database, admissions, conflicts, devices, registrants, utcnow


def headcounts(db: Database, event_id: str, *, with_devices: bool = True) -> dict:
    with db.read() as conn:
        config = conferences.config(conn, event_id)
        category = func.coalesce(registrants.c.category, "").label("category")
        rows = conn.execute(
            select(category, func.count().label("expected"),
                   func.count(admissions.c.code).label("arrived"))
            .select_from(registrants.outerjoin(admissions, and_(
                admissions.c.event_id == registrants.c.event_id,
                admissions.c.code == registrants.c.code,
                admissions.c.station == REGISTRATION)))
            .where(registrants.c.event_id == event_id, registrants.c.missing.is_(False))
            .group_by(category).order_by(func.count().desc(), category)).all()
        by_category = [{"category": r.category or "—", "expected": r.expected,
                        "arrived": r.arrived} for r in rows]
        # Admitted on a signed ticket before the list had them (as checkin/stats.py counts
        # on a desk): they arrived, in a row of their own until the list brings them.
        unlisted = conn.execute(
            select(func.count()).select_from(admissions)
            .where(admissions.c.event_id == event_id, admissions.c.station == REGISTRATION,
                   ~exists().where(registrants.c.event_id == admissions.c.event_id,
                                   registrants.c.code == admissions.c.code))).scalar_one()
        if unlisted:
            by_category.append({"category": UNLISTED, "expected": 0, "arrived": unlisted})
        day = func.substr(admissions.c.wall_time, 1, 10).label("day")
        by_day = [{"day": r.day, "arrived": r.n} for r in conn.execute(
            select(day, func.count().label("n"))
            .where(admissions.c.event_id == event_id, admissions.c.station == REGISTRATION)
            .group_by(day).order_by(day))]
        entitled = {m.id: 0 for m in config.meals}
        signed_up: dict[str, int] = {}
        category_meals = {c.name: set(c.meals) for c in config.categories if c.meals}
        for meals, forums, cat, payment in conn.execute(
                select(registrants.c.meals, registrants.c.forums, registrants.c.category,
                       registrants.c.payment)
                .where(registrants.c.event_id == event_id, registrants.c.missing.is_(False))):
            for forum in json.loads(forums):
                signed_up[forum] = signed_up.get(forum, 0) + 1
            if payment is not None and payment not in ADMITTED_PAYMENTS:
                continue  # the desk would refuse them a meal
            for slot in set(json.loads(meals)) | category_meals.get(cat, set()):
                entitled[slot] = entitled.get(slot, 0) + 1
        by_station = dict(conn.execute(
            select(admissions.c.station, func.count())
            .where(admissions.c.event_id == event_id).group_by(admissions.c.station)).all())
        open_conflicts = conn.execute(
            select(func.count()).select_from(conflicts)
            .where(conflicts.c.event_id == event_id, conflicts.c.resolved_by.is_(None))
        ).scalar_one()
        desk_rows = conn.execute(
            select(devices).where(devices.c.event_id == event_id)
            .order_by(devices.c.enrolled_at)).all() if with_devices else []
    meals = [{"slot": m.id, "name": m.name, "date": m.date, "entitled": entitled.get(m.id, 0),
              "redeemed": by_station.get(f"meal:{m.id}", 0)} for m in config.meals]
    forums = [{"forum": f.id, "name": f.name, "room": f.room, "capacity": f.capacity,
               "signed_up": signed_up.get(f.id, 0), "entered": by_station.get(f"forum:{f.id}", 0)}
              for f in config.forums]
    result = {
        "event": event_id,
        "name": config.name,
        "timezone": config.timezone,
        "expected": sum(c["expected"] for c in by_category),
        "arrived": sum(c["arrived"] for c in by_category),
        "unlisted": unlisted,
        "by_category": by_category,
        "by_day": by_day,
        "meals": meals,
        "forums": forums,
        "conflicts": open_conflicts,
        "generated_at": utcnow(),
    }
    if with_devices:
        result["devices"] = [{"device_id": d.device_id, "name": d.name, "last_seen": d.last_seen,
                              "last_upload": d.last_upload, "revoked": d.revoked_at is not None}
                             for d in desk_rows]
    return result
