"""Event configuration: read from TOML, stored in the database as JSON."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import asdict
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .model import Category, EventConfig, Forum, MealSlot


class ConfigError(ValueError):
    """The event file cannot be used; the message says which entry and why."""


def _iso(value, where: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    text = str(value).strip()
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        try:
            dt.time.fromisoformat(text)
        except ValueError as exc:
            raise ConfigError(f"{where}: {text!r} is not a date (YYYY-MM-DD) or time (HH:MM)") from exc
    return text


def _require(entry: dict, key: str, where: str) -> str:
    value = entry.get(key)
    if value in (None, ""):
        raise ConfigError(f"{where}: '{key}' is required")
    return str(value)


def config_from_dict(raw: dict) -> EventConfig:
    event = raw.get("event", {})
    meals = []
    for i, m in enumerate(raw.get("meals", []), 1):
        where = f"meals #{i}"
        name = _require(m, "name", where)
        meals.append(
            MealSlot(
                id=str(m.get("id") or name),
                name=name,
                date=_iso(m.get("date"), where),
                start=_iso(m.get("start"), where),
                end=_iso(m.get("end"), where),
            )
        )
    forums = []
    for i, f in enumerate(raw.get("forums", []), 1):
        where = f"forums #{i}"
        name = _require(f, "name", where)
        capacity = f.get("capacity")
        if capacity is not None and (not isinstance(capacity, int) or capacity < 0):
            raise ConfigError(f"{where}: capacity must be a whole number")
        forums.append(
            Forum(
                id=str(f.get("id") or name),
                name=name,
                room=f.get("room"),
                capacity=capacity,
                date=_iso(f.get("date"), where),
                start=_iso(f.get("start"), where),
                end=_iso(f.get("end"), where),
                signup_required=bool(f.get("signup_required", False)),
            )
        )
    categories = []
    for i, c in enumerate(raw.get("categories", []), 1):
        where = f"categories #{i}"
        categories.append(
            Category(
                name=_require(c, "name", where),
                colour=str(c.get("colour") or c.get("color") or "#607d8b"),
                aliases=tuple(str(a) for a in c.get("aliases", ())),
                days=tuple(_iso(d, where) for d in c.get("days", ())),
                meals=tuple(str(m) for m in c.get("meals", ())),
                all_forums=bool(c.get("all_forums", False)),
            )
        )
    for kind, items in (("meal", meals), ("forum", forums)):
        ids = [x.id for x in items]
        dup = {x for x in ids if ids.count(x) > 1}
        if dup:
            raise ConfigError(f"{kind} ids must be unique; repeated: {', '.join(sorted(dup))}")
    timezone = str(event.get("timezone") or "Asia/Shanghai")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"event: unknown timezone {timezone!r} (e.g. Asia/Shanghai)") from exc
    return EventConfig(
        name=str(event.get("name") or EventConfig.name),
        short_name=str(event.get("short_name") or ""),
        timezone=timezone,
        start=_iso(event.get("start"), "event"),
        end=_iso(event.get("end"), "event"),
        checkin_days=tuple(_iso(d, "event.checkin_days") for d in event.get("checkin_days", ())),
        meals=meals,
        forums=forums,
        categories=categories,
    )


def load_config(path: str | Path) -> EventConfig:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"event file not found: {path}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not a valid TOML file: {exc}") from exc
    return config_from_dict(raw)


def config_to_json(config: EventConfig) -> str:
    data = asdict(config)
    event = {k: data.pop(k) for k in ("name", "short_name", "timezone", "start", "end", "checkin_days")}
    return json.dumps({"event": event, **data}, ensure_ascii=False)


def config_from_json(text: str) -> EventConfig:
    return config_from_dict(json.loads(text))
