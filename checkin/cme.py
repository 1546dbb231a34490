"""CME credit (继续医学教育学分) from the door crossings: per person, the minutes present in
each session of the event file's `[cme]`, and the credit that earns.

Presence is the time between an entry and the next exit at the session's door, clipped to
the session. An entry with no exit is closed at the end of the session it happened in (and
flagged: the office may ask); an exit with no entry counts nothing (flagged too). A session
earns its credits when the minutes present reach `min_share` of its minutes. Pure: the
crossings come in as rows, the answer goes out as data; no database, no clock.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from .i18n import _
from .model import Cme, CmeSession, EventKind


@dataclass(frozen=True)
class Crossing:
    code: str
    station: str
    kind: str  # an entry kind (forum, override, entry) or exit
    wall_time: str  # ISO time with its offset, as desks stamp events
    backfilled: bool = False  # entered afterwards from a paper sheet


@dataclass
class SessionPresence:
    session: str  # CmeSession.id
    minutes: int
    needed: int
    credits: float  # earned: the session's credits, or 0
    notes: list[str] = field(default_factory=list)  # why short, what is flagged


@dataclass
class PersonCredit:
    code: str
    sessions: list[SessionPresence]
    credits: float
    backfilled: bool = False

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.sessions)

    @property
    def notes(self) -> list[str]:
        return [note for s in self.sessions for note in s.notes]


def needed_minutes(cme: Cme, session: CmeSession) -> int:
    return math.ceil(session_minutes(session) * cme.min_share)


def session_minutes(session: CmeSession) -> int:
    start, end = _bounds(session, dt.UTC)
    return int((end - start).total_seconds() // 60)


def credit_report(cme: Cme, zone: ZoneInfo, crossings: Iterable[Crossing]) -> list[PersonCredit]:
    """Every person with a crossing at a CME session's door, by code."""
    doors: dict[str, list[CmeSession]] = {}
    for session in sorted(cme.sessions, key=lambda s: (s.date, s.start)):
        doors.setdefault(session.station, []).append(session)
    by_person: dict[tuple[str, str], list[Crossing]] = {}
    for crossing in crossings:
        if crossing.station in doors:
            by_person.setdefault((crossing.code.upper(), crossing.station), []).append(crossing)
    for moves in by_person.values():  # by when they happened: a paper sheet entered in the
        moves.sort(key=lambda m: dt.datetime.fromisoformat(m.wall_time))  # evening too
    report = []
    for code in sorted({code for code, _station in by_person}):
        presence: dict[str, SessionPresence] = {}
        backfilled = False
        for station, sessions in doors.items():
            moves = by_person.get((code, station), [])
            backfilled |= any(m.backfilled for m in moves)
            intervals, notes, left_open = _door_intervals(moves, sessions, zone)
            for session in sessions:
                presence[session.id] = _presence(cme, session, intervals, notes, zone,
                                                 session.id in left_open)
        sessions = [presence[s.id] for s in cme.sessions]
        earned = sum(p.credits for p in sessions)
        if cme.credits is not None:
            earned = min(earned, cme.credits)
        report.append(PersonCredit(code, sessions, earned, backfilled))
    return report


def _bounds(session: CmeSession, zone) -> tuple[dt.datetime, dt.datetime]:
    day = dt.date.fromisoformat(session.date)
    start = dt.datetime.combine(day, dt.time.fromisoformat(session.start), zone)
    end = dt.datetime.combine(day, dt.time.fromisoformat(session.end), zone)
    return start, end


def _presence(cme: Cme, session: CmeSession, intervals, notes: dict[str, list[str]],
              zone: ZoneInfo, left_open: bool) -> SessionPresence:
    start, end = _bounds(session, zone)
    needed = needed_minutes(cme, session)
    seconds = sum(max(0.0, (min(b, end) - max(a, start)).total_seconds()) for a, b in intervals)
    minutes = int(seconds // 60)
    said = list(notes.get(session.id, []))
    if not minutes and not said:
        said.append(_("{session}: no entry scanned").format(session=session.name))
    elif minutes < needed:
        said.insert(0, _("{session}: {minutes} of {total} minutes (needs {needed})").format(
            session=session.name, minutes=minutes, total=session_minutes(session),
            needed=needed))
    earns = minutes >= needed
    if earns and left_open and cme.require_exit:
        earns = False
        said.insert(0, _("{session}: this project needs an exit scan to earn credit").format(
            session=session.name))
    return SessionPresence(session.id, minutes, needed, session.credits if earns else 0.0, said)


def _door_intervals(moves: list[Crossing], sessions: list[CmeSession], zone: ZoneInfo):
    """(in, out) pairs of one person at one door, the flags each session gets, and the
    sessions with an entry left open. Such an entry is closed at the end of the first session
    (at that door) ending after it: a morning entry never counts for the afternoon."""
    bounds = [(s, *_bounds(s, zone)) for s in sessions]
    pairs: list[tuple[dt.datetime, dt.datetime]] = []
    notes: dict[str, list[str]] = {}
    left_open: set[str] = set()
    inside_since = None

    def session_at(moment: dt.datetime) -> tuple | None:
        return next((b for b in bounds if moment < b[2]), None)

    def close_open() -> None:
        found = session_at(inside_since)
        if found is not None:
            session, _start, end = found
            pairs.append((inside_since, end))
            left_open.add(session.id)
            notes.setdefault(session.id, []).append(
                _("{session}: no exit scanned, counted until {time}").format(
                    session=session.name, time=end.strftime("%H:%M")))

    for move in moves:
        at = dt.datetime.fromisoformat(move.wall_time).astimezone(zone)
        if (move.kind != EventKind.EXIT and inside_since is not None
                and (found := session_at(inside_since)) and at > found[2]):
            close_open()  # in again after its session ended: the earlier entry never left
            inside_since = None
        if move.kind == EventKind.EXIT:
            if inside_since is None:
                found = next((b for b in bounds if b[1] <= at <= b[2]), None)
                if found is not None:
                    notes.setdefault(found[0].id, []).append(
                        _("{session}: exit at {time} with no entry scanned").format(
                            session=found[0].name, time=at.strftime("%H:%M")))
                continue
            pairs.append((inside_since, at))
            inside_since = None
        elif inside_since is None:
            inside_since = at
    if inside_since is not None:
        close_open()
    return pairs, notes, left_open
