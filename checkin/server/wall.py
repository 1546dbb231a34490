"""The welcome wall's data on the central list (签到大屏, /wall/<event>): the latest arrivals
at registration, named as the event's `[wall]` says (checkin/wall_names.py), and the total
against expected, counted as the live page counts them (checkin/server/stats.py).

A person marked `wall_hidden` is never read out of the database here (their name and
organisation stay in it); they are counted all the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select

from ..model import REGISTRATION, Wall
from ..wall_names import card
from . import conferences
from .db import Database, admissions, events, registrants

RECENT = 10  # the newest arrival large, nine more below it


@dataclass(frozen=True)
class WallView:
    name: str  # the event's
    wall: Wall
    total: int
    expected: int
    arrivals: tuple[dict, ...]  # newest first: {"id", "name", "organisation"}

    def counts(self) -> dict:
        return {"total": self.total, "expected": self.expected}


def marks(db: Database, event_id: str) -> tuple[int, int]:
    """The newest event and registrant feed numbers: the wall changes only when one moves
    (an admission, an undo, an edit of wall_hidden, an import)."""
    with db.read() as conn:
        newest_event = conn.execute(select(func.max(events.c.seq))
                                    .where(events.c.event_id == event_id)).scalar_one()
        newest_person = conn.execute(select(func.max(registrants.c.seq))
                                     .where(registrants.c.event_id == event_id)).scalar_one()
    return newest_event or 0, newest_person or 0


def view(db: Database, event_id: str, limit: int = RECENT) -> WallView:
    """What the wall shows now, in one read transaction."""
    person = and_(registrants.c.event_id == admissions.c.event_id,
                  registrants.c.code == admissions.c.code)
    arrived = and_(admissions.c.event_id == event_id, admissions.c.station == REGISTRATION)
    with db.read() as conn:
        config = conferences.config(conn, event_id)
        expected = conn.execute(select(func.count()).select_from(registrants).where(
            registrants.c.event_id == event_id, registrants.c.missing.is_(False))).scalar_one()
        total = conn.execute(  # as the live page: the listed, and those not on the list yet
            select(func.count()).select_from(admissions.outerjoin(registrants, person))
            .where(arrived, or_(registrants.c.code.is_(None),
                                registrants.c.missing.is_(False)))).scalar_one()
        rows = [] if config.wall.show == "counts" else conn.execute(
            select(events.c.seq, registrants.c.name, registrants.c.organisation)
            .select_from(admissions.join(registrants, person).join(events, and_(
                events.c.event_id == admissions.c.event_id,
                events.c.uuid == admissions.c.event_uuid)))
            .where(arrived, registrants.c.missing.is_(False),
                   registrants.c.wall_hidden.is_(False))
            .order_by(admissions.c.hlc.desc()).limit(limit)).all()
    shown = []
    for row in rows:
        item = card(row.name, row.organisation, False, config.wall.show)
        if item is not None:
            shown.append({"id": row.seq, **item})
    return WallView(config.name, config.wall, total, expected, tuple(shown))
