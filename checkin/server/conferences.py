"""Conferences (the `{event}` of the API paths): create, list, read their configuration.

The event file is kept as the organiser wrote it (comments and all) and handed to desks at
enrolment. When an import finds meal slots, forums or categories the file did not name, the
configuration is extended and the TOML written anew from it.
"""

from __future__ import annotations

import json
import re
import time
import tomllib
import weakref

from sqlalchemy import Engine, func, select, update

from ..config import ConfigError, config_from_dict, config_from_json, config_to_json
from ..model import EventConfig
from .db import Connection, Database, conferences, counters, devices, registrants, utcnow
from .errors import ApiError, not_found

EVENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
FEEDS = ("registrants", "events")


def parse_toml(config_toml: str) -> EventConfig:
    try:
        return config_from_dict(tomllib.loads(config_toml))
    except tomllib.TOMLDecodeError as exc:
        raise ApiError(422, "invalid_config", f"the event file is not valid TOML: {exc}") from exc
    except ConfigError as exc:
        raise ApiError(422, "invalid_config", f"the event file cannot be used: {exc}") from exc


def create(db: Database, event_id: str, config_toml: str) -> dict:
    if not EVENT_ID.match(event_id):
        raise ApiError(422, "invalid_id", "an event id is 1-64 letters, digits, '.', '_' or '-', "
                       "starting with a letter or digit (e.g. shic2026)")
    config = parse_toml(config_toml)
    now = utcnow()
    with db.write() as conn:
        if conn.execute(select(conferences.c.id).where(conferences.c.id == event_id)).first():
            raise ApiError(409, "exists", f"event {event_id!r} already exists")
        conn.execute(conferences.insert().values(
            id=event_id, name=config.name, config_toml=config_toml,
            config_json=config_to_json(config), created_at=now))
        conn.execute(counters.insert(), [{"event_id": event_id, "feed": f, "value": 0}
                                         for f in FEEDS])
    return {"id": event_id, "name": config.name, "created_at": now}


def list_all(db: Database) -> list[dict]:
    people = (select(registrants.c.event_id, func.count().label("n"))
              .where(registrants.c.missing.is_(False)).group_by(registrants.c.event_id).subquery())
    desks = (select(devices.c.event_id, func.count().label("n"))
             .where(devices.c.revoked_at.is_(None)).group_by(devices.c.event_id).subquery())
    query = (select(conferences.c.id, conferences.c.name, conferences.c.created_at,
                    people.c.n.label("registrants"), desks.c.n.label("devices"))
             .outerjoin(people, people.c.event_id == conferences.c.id)
             .outerjoin(desks, desks.c.event_id == conferences.c.id)
             .order_by(conferences.c.created_at))
    with db.read() as conn:
        return [{"id": r.id, "name": r.name, "created_at": r.created_at,
                 "registrants": r.registrants or 0, "devices": r.devices or 0}
                for r in conn.execute(query)]


def exists(conn: Connection, event_id: str) -> bool:
    return conn.execute(select(conferences.c.id).where(conferences.c.id == event_id)).first() \
        is not None


def require(conn: Connection, event_id: str) -> None:
    if not exists(conn, event_id):
        raise not_found(f"event {event_id!r}")


def config(conn: Connection, event_id: str) -> EventConfig:
    return config_from_json(config_json(conn, event_id))


def config_json(conn: Connection, event_id: str) -> str:
    """The event file as stored (JSON): a key for what is parsed from it."""
    return _recent(conn, event_id)[0]


def created_at(conn: Connection, event_id: str) -> str:
    return _recent(conn, event_id)[1]


# An event's file and creation time, kept this long after they were read: every upload
# vets its stamps by them and the feeds mask by the file, many times a second under 100
# desks, and each read was one more round trip (one in the uploads' group-commit line). A
# change saved in this process is seen at once, one saved by another service process on the
# same database after at most this long.
RECENT_SECONDS = 2.0
_recent_rows: weakref.WeakKeyDictionary[Engine, dict[str, tuple[str, str, float]]] = \
    weakref.WeakKeyDictionary()
_clock = time.monotonic  # (tests move it on)


def _recent(conn: Connection, event_id: str) -> tuple[str, str]:
    """(config_json, created_at) of the event, read at most RECENT_SECONDS ago."""
    kept = _recent_rows.setdefault(conn.engine, {})
    text, created, at = kept.get(event_id, ("", "", 0.0))
    if _clock() - at >= RECENT_SECONDS:
        row = conn.execute(select(conferences.c.config_json, conferences.c.created_at)
                           .where(conferences.c.id == event_id)).first()
        if row is None:
            raise not_found(f"event {event_id!r}")
        text, created = row
        kept[event_id] = (text, created, _clock())
    return text, created


def name(conn: Connection, event_id: str) -> str | None:
    return conn.execute(select(conferences.c.name)
                        .where(conferences.c.id == event_id)).scalar_one_or_none()


def save_config(conn: Connection, event_id: str, cfg: EventConfig) -> None:
    """Store an extended configuration (and its TOML, which desks receive at enrolment)."""
    as_json = config_to_json(cfg)
    as_toml = to_toml(json.loads(as_json))
    if config_from_dict(tomllib.loads(as_toml)) != cfg:  # desks must read back what we mean
        raise RuntimeError("the event configuration does not survive its TOML form")
    conn.execute(update(conferences).where(conferences.c.id == event_id).values(
        name=cfg.name, config_json=as_json, config_toml=as_toml))
    _recent_rows.get(conn.engine, {}).pop(event_id, None)


# -- a TOML writer for the configuration's shape: tables of scalars and arrays of tables --------
def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _value(value) -> str:
    if isinstance(value, dict):  # an inline table: [tickets] keys = { k1 = "..." }
        return "{" + ", ".join(_pairs(value)) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string is JSON's escapes


def _pairs(table: dict) -> list[str]:
    return [f"{_key(key)} = {_value(value)}" for key, value in table.items()
            if value is not None and value != [] and value != ()]


def to_toml(data: dict) -> str:
    lines = ["# Written by the central list after an import added what the export named.", ""]
    for key, value in data.items():
        if isinstance(value, dict):
            lines += [f"[{key}]", *_pairs(value), ""]
    for key, value in data.items():
        if isinstance(value, list):
            for item in value:
                lines += [f"[[{key}]]", *_pairs(item), ""]
    return "\n".join(lines)
