"""Event configuration: read from TOML, stored in the database as JSON."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import asdict
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .masking import MASKED_FIELDS
from .model import REGISTRANT_FIELDS, Alerts, Category, EventConfig, Forum, MealSlot, Privacy
from .pin import check_pin_hash
from .tickets import load_public_key


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
    # In time order, whatever order the event file lists them in: the station list, the
    # dashboard and "the next meal today" (policy.current_meal) all read them in this order.
    meals.sort(key=lambda m: (m.date is None, m.date or "", m.start or ""))
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
        name_en = c.get("name_en") or ""
        if not isinstance(name_en, str):
            raise ConfigError(f"{where}: name_en is the English name as text, e.g. "
                              'name_en = "Delegate"')
        categories.append(
            Category(
                name=_require(c, "name", where),
                colour=str(c.get("colour") or c.get("color") or "#607d8b"),
                name_en=" ".join(name_en.split()),
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
        **_tickets(raw.get("tickets") or {}),
        privacy=_privacy(raw.get("privacy") or {}),
        alerts=_alerts(raw.get("alerts") or {}),
    )


def _alerts(raw: dict) -> Alerts:
    """`[alerts]`: words in remarks, categories and fields that raise an alert on the banner,
    and whether staff acknowledge it (checkin/alerts.py)."""
    if not isinstance(raw, dict):
        raise ConfigError("alerts must be a table: [alerts]")
    unknown = set(raw) - {"words", "categories", "fields", "acknowledge"}
    if unknown:
        raise ConfigError(f"alerts: unknown setting(s) {', '.join(sorted(unknown))} "
                          "(words, categories, fields, acknowledge)")
    lists = {}
    for key in ("words", "categories", "fields"):
        value = raw.get(key) or ()
        if isinstance(value, str) or not isinstance(value, list | tuple) \
                or not all(isinstance(v, str) and v.strip() for v in value):
            raise ConfigError(f'alerts.{key} must be a list of words, e.g. ["轮椅", "VIP"]')
        lists[key] = tuple(v.strip() for v in value)
    for name in lists["fields"]:
        if not (name in REGISTRANT_FIELDS or name.startswith("extra.")):
            raise ConfigError(f"alerts.fields: unknown field {name!r}; use a registrant field "
                              "(remarks, title ...) or extra.<column header>")
    acknowledge = raw.get("acknowledge", False)
    if not isinstance(acknowledge, bool):
        raise ConfigError("alerts.acknowledge is true or false")
    return Alerts(**lists, acknowledge=acknowledge)


# Fields a desk cannot work without: always stored, whatever `desk_fields` says.
ALWAYS_STORED = ("code", "name")


def _privacy(raw: dict) -> Privacy:
    """`[privacy]`: the organiser PIN's hash and the fields desks keep (docs/personal-data.md)."""
    if not isinstance(raw, dict):
        raise ConfigError("privacy must be a table: [privacy]")
    unknown = set(raw) - {"organiser_pin_hash", "desk_fields", "desk_unmasked"}
    if unknown:
        raise ConfigError(f"privacy: unknown setting(s) {', '.join(sorted(unknown))} "
                          "(organiser_pin_hash, desk_fields, desk_unmasked)")
    unmasked = raw.get("desk_unmasked") or ()
    if isinstance(unmasked, str) or not isinstance(unmasked, list | tuple) \
            or not set(unmasked) <= set(MASKED_FIELDS):
        raise ConfigError(f"privacy.desk_unmasked must be a list of {', '.join(MASKED_FIELDS)}"
                          ': the fields desks receive whole, e.g. ["phone"]')
    unmasked = tuple(f for f in MASKED_FIELDS if f in unmasked)
    pin_hash = str(raw.get("organiser_pin_hash") or "")
    if pin_hash:
        problem = check_pin_hash(pin_hash)
        if problem:
            raise ConfigError(f"privacy.organiser_pin_hash: {problem} "
                              "(make one with `checkin privacy pin`)")
    fields = raw.get("desk_fields")
    if fields is None:
        return Privacy(organiser_pin_hash=pin_hash, desk_unmasked=unmasked)
    if isinstance(fields, str) or not isinstance(fields, list | tuple):
        raise ConfigError('privacy.desk_fields must be a list: ["name", "category", ...]')
    kept: list[str] = list(ALWAYS_STORED)
    for item in fields:
        name = str(item).strip()
        if not (name in REGISTRANT_FIELDS or name == "extra"
                or (name.startswith("extra.") and len(name) > len("extra."))):
            raise ConfigError(
                f"privacy.desk_fields: unknown field {name!r}; use {', '.join(REGISTRANT_FIELDS)}, "
                "extra (every extra column) or extra.<column header>")
        if name not in kept:
            kept.append(name)
    return Privacy(organiser_pin_hash=pin_hash, desk_fields=tuple(kept), desk_unmasked=unmasked)


def _tickets(raw: dict) -> dict:
    keys = raw.get("keys") or {}
    if not isinstance(keys, dict):
        raise ConfigError("tickets.keys must be a table: key id = \"public key\"")
    for key_id, text in keys.items():
        try:
            load_public_key(str(text))
        except ValueError as exc:
            raise ConfigError(f"tickets.keys.{key_id}: {exc}") from exc
    require = bool(raw.get("require_signature", False))
    if require and not keys:
        raise ConfigError("tickets.require_signature needs at least one key in tickets.keys")
    return {"ticket_keys": {str(k): str(v) for k, v in keys.items()}, "require_signature": require}


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
    tickets = {"keys": data.pop("ticket_keys"), "require_signature": data.pop("require_signature")}
    for category in data["categories"]:
        if not category["name_en"]:
            del category["name_en"]  # as before there was one: the same JSON, a shorter TOML
    privacy = data.pop("privacy")
    privacy = {"organiser_pin_hash": privacy["organiser_pin_hash"],
               **({"desk_fields": list(privacy["desk_fields"])}
                  if privacy["desk_fields"] is not None else {}),
               **({"desk_unmasked": list(privacy["desk_unmasked"])}
                  if privacy["desk_unmasked"] else {})}
    return json.dumps({"event": event, "tickets": tickets, "privacy": privacy, **data},
                      ensure_ascii=False)


def config_from_json(text: str) -> EventConfig:
    return config_from_dict(json.loads(text))
