"""Event configuration: read from TOML (validated by the pydantic models below, which say
which entry is wrong and why), kept as the EventConfig dataclasses of model.py, stored in the
database as JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from dataclasses import asdict
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationError,
    field_validator,
    model_validator,
)

from .masking import MASKED_FIELDS, NEVER_UNMASKED
from .model import (
    KIOSK_CONFIRMATIONS,
    REGISTRANT_FIELDS,
    WALL_SHOWS,
    Alerts,
    Category,
    CheckinList,
    Cme,
    CmeSession,
    EventConfig,
    Forum,
    Kiosk,
    MealSlot,
    Privacy,
    Wall,
    untitled_event,
)
from .pin import check_pin_hash
from .rules import RuleError, compile_rule
from .tickets import load_public_key


class ConfigError(ValueError):
    """The event file cannot be used; the message says which entry and why."""


# -- the event file's shape, validated by pydantic --------------------------------------
# Each model is one table of the event file; the validators raise ValueError with the words
# a person fixing the file needs, and _explain() puts "which entry" in front of them.
def _iso(value) -> str | None:
    """A TOML date/time or its text: 'YYYY-MM-DD' or 'HH:MM'."""
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
        except ValueError:
            raise ValueError(f"{text!r} is not a date (YYYY-MM-DD) or time (HH:MM)") from None
    return text


def _text(value) -> str:
    return "" if value is None else str(value)


def _texts(value) -> tuple[str, ...]:
    return tuple(str(v) for v in value or ())


IsoText = Annotated[str | None, BeforeValidator(_iso)]
IsoTexts = Annotated[tuple[str, ...], BeforeValidator(lambda v: tuple(_iso(d) for d in v or ()))]
Text = Annotated[str, BeforeValidator(_text)]
Texts = Annotated[tuple[str, ...], BeforeValidator(_texts)]


class _Table(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Required(_Table):
    name: Text

    @field_validator("name")
    @classmethod
    def _named(cls, name: str) -> str:
        if not name:
            raise ValueError("'name' is required")
        return name


def _minutes(value):
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                              or not 0 <= value <= 24 * 60):
        raise ValueError("tolerance_minutes must be a whole number of minutes (0 to 1440)")
    return value


Minutes = Annotated[int | None, BeforeValidator(_minutes)]


def _rule_text(value) -> str:
    """A rule as the event file gives it, JSON text or a TOML table, kept as JSON text (it is
    compiled, and refused naming its list, once the list's name is known)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value.strip()
    return json.dumps(value, ensure_ascii=False)


RuleText = Annotated[str, BeforeValidator(_rule_text)]


class _Meal(_Required):
    id: Text = ""
    date: IsoText = None
    start: IsoText = None
    end: IsoText = None
    tolerance_minutes: Minutes = None
    rule: RuleText = ""

    @model_validator(mode="after")
    def _ordered(self):
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class _Forum(_Meal):
    room: str | None = None
    capacity: int | None = None
    signup_required: bool = False
    reentry: bool = True

    @field_validator("capacity", mode="before")
    @classmethod
    def _whole(cls, capacity):
        if capacity is not None and (not isinstance(capacity, int) or isinstance(capacity, bool)
                                     or capacity < 0):
            raise ValueError("capacity must be a whole number")
        return capacity


class _List(_Forum):
    """[[lists]]: a custom check-in list (欢迎礼包, 展厅)."""

    categories: Texts = ()
    products: Texts = ()
    paid: Texts | None = None
    days: IsoTexts = ()
    exits: bool = False
    reentry: bool = False


class _Registration(_Table):
    rule: RuleText = ""


class _Category(_Required):
    colour: Text = ""
    color: Text = ""
    name_en: str = ""
    aliases: Texts = ()
    days: IsoTexts = ()
    meals: Texts = ()
    all_forums: bool = False

    @field_validator("name_en", mode="before")
    @classmethod
    def _english(cls, name_en):
        if name_en is not None and not isinstance(name_en, str):
            raise ValueError('name_en is the English name as text, e.g. name_en = "Delegate"')
        return " ".join((name_en or "").split())


class _Event(_Table):
    name: Text = ""
    short_name: Text = ""
    timezone: Text = "Asia/Shanghai"
    start: IsoText = None
    end: IsoText = None
    checkin_days: IsoTexts = ()
    window_tolerance_minutes: Minutes = 15

    @field_validator("timezone")
    @classmethod
    def _zone(cls, timezone: str) -> str:
        timezone = timezone or "Asia/Shanghai"
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {timezone!r} (e.g. Asia/Shanghai)") from None
        return timezone


def _word_list(value, key: str) -> tuple[str, ...]:
    value = value or ()
    if isinstance(value, str) or not isinstance(value, list | tuple) \
            or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f'{key} must be a list of words, e.g. ["轮椅", "VIP"]')
    return tuple(v.strip() for v in value)


class _Alerts(_Table):
    """`[alerts]`: words in remarks, categories and fields that raise an alert on the banner,
    and whether staff acknowledge it (checkin/alerts.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    words: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    acknowledge: bool = False

    @field_validator("words", "categories", "fields", mode="before")
    @classmethod
    def _words(cls, value, info):
        return _word_list(value, info.field_name)

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        for name in names:
            if not (name in REGISTRANT_FIELDS or name.startswith("extra.")):
                raise ValueError(f"unknown field {name!r}; use a registrant field (remarks, "
                                 "title ...) or extra.<column header>")
        return names

    @field_validator("acknowledge", mode="before")
    @classmethod
    def _yes_no(cls, value):
        if not isinstance(value, bool):
            raise ValueError("acknowledge is true or false")
        return value


def _seconds(value):
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 600:
        raise ValueError("a whole number of seconds (0 to 600)")
    return value


class _Kiosk(_Table):
    """`[kiosk]`: self check-in kiosks (checkin/ui/kiosk)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    confirm: Text = "none"
    auto_print_seconds: Annotated[int, BeforeValidator(_seconds)] = 3
    idle_seconds: Annotated[int, BeforeValidator(_seconds)] = 20

    @field_validator("confirm")
    @classmethod
    def _known(cls, confirm: str) -> str:
        if confirm not in KIOSK_CONFIRMATIONS:
            raise ValueError(f"confirm is one of {', '.join(KIOSK_CONFIRMATIONS)}, not {confirm!r}")
        return confirm


_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_DATA_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]+$")
MAX_LOGO_CHARS = 1 << 20  # a data: URL of a logo up to about 750 KiB


class _Wall(_Table):
    """`[wall]`: the welcome wall (签到大屏) on a projector, /wall/<event>. Its colours and
    logo go into the page as they are, so they are checked strictly."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    show: Text = "masked"
    public: bool = False
    title: Text = ""
    logo: Text = ""
    colour: Text = ""
    background: Text = ""
    language: Text = ""

    @field_validator("language")
    @classmethod
    def _language(cls, language: str) -> str:
        if language not in ("", "zh", "en"):
            raise ValueError(f'language is "zh" or "en" (the page\'s own words), not '
                             f"{language!r}")
        return language

    @field_validator("show")
    @classmethod
    def _show(cls, show: str) -> str:
        if show not in WALL_SHOWS:
            raise ValueError(f'show is "name" (full names), "masked" (张*明) or "counts" '
                             f"(no names), not {show!r}")
        return show

    @field_validator("public", mode="before")
    @classmethod
    def _yes_no(cls, value):
        if not isinstance(value, bool):
            raise ValueError("public is true (no token needed) or false")
        return value

    @field_validator("title")
    @classmethod
    def _title(cls, title: str) -> str:
        title = " ".join(title.split())
        if len(title) > 120:
            raise ValueError(f"title is at most 120 characters (this one has {len(title)})")
        return title

    @field_validator("logo")
    @classmethod
    def _logo(cls, logo: str) -> str:
        logo = logo.strip()
        if len(logo) > MAX_LOGO_CHARS:
            raise ValueError("logo is too large for the event file: use a picture under "
                             "750 KB, or an https: address")
        if logo and not (logo.startswith("https://") and not re.search(r"[\s\"'<>]", logo)
                         or _DATA_IMAGE.match(logo)):
            raise ValueError("logo is an https:// address of a picture or a data:image/...;"
                             "base64,... URL (the venue may have no internet: a data URL "
                             "always shows), or empty")
        return logo

    @field_validator("colour", "background")
    @classmethod
    def _colour(cls, value: str, info) -> str:
        value = value.strip()
        if value and not _COLOUR.match(value):
            raise ValueError(f'{info.field_name} is a colour written "#1565c0" or "#fff", '
                             f"not {value!r}")
        return value


# Fields a desk cannot work without: always stored, whatever `desk_fields` says.
ALWAYS_STORED = ("code", "name")


class _Privacy(_Table):
    """`[privacy]`: the organiser PIN's hash and the fields desks keep (docs/personal-data.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    organiser_pin_hash: Text = ""
    desk_fields: tuple[str, ...] | None = None
    desk_unmasked: tuple[str, ...] = ()

    @field_validator("desk_unmasked", mode="before")
    @classmethod
    def _unmasked(cls, value):
        value = value or ()
        never = [f for f in NEVER_UNMASKED if isinstance(value, list | tuple) and f in value]
        if never:  # personal data of the highest class: desks never receive it whole
            raise ValueError(f"desk_unmasked cannot name {', '.join(never)}: ID card and CME "
                             "card numbers always reach desks masked (1101************58); "
                             "only an organiser's export has them whole")
        if isinstance(value, str) or not isinstance(value, list | tuple) \
                or not set(value) <= set(MASKED_FIELDS):
            raise ValueError(f"desk_unmasked must be a list of {', '.join(MASKED_FIELDS)}: the "
                             'fields desks receive whole, e.g. ["phone"]')
        return tuple(f for f in MASKED_FIELDS if f in value)

    @field_validator("organiser_pin_hash")
    @classmethod
    def _pin_hash(cls, pin_hash: str) -> str:
        problem = check_pin_hash(pin_hash) if pin_hash else None
        if problem:
            raise ValueError(f"organiser_pin_hash: {problem} (make one with `checkin privacy pin`)")
        return pin_hash

    @field_validator("desk_fields", mode="before")
    @classmethod
    def _desk_fields(cls, fields):
        if fields is None:
            return None
        if isinstance(fields, str) or not isinstance(fields, list | tuple):
            raise ValueError('desk_fields must be a list: ["name", "category", ...]')
        kept: list[str] = list(ALWAYS_STORED)
        for item in fields:
            name = str(item).strip()
            if not (name in REGISTRANT_FIELDS or name == "extra"
                    or (name.startswith("extra.") and len(name) > len("extra."))):
                raise ValueError(f"desk_fields: unknown field {name!r}; use "
                                 f"{', '.join(REGISTRANT_FIELDS)}, extra (every extra column) "
                                 "or extra.<column header>")
            if name not in kept:
                kept.append(name)
        return tuple(kept)


class _Tickets(_Table):
    keys: dict[str, Text] = {}
    require_signature: bool = False

    @field_validator("keys", mode="before")
    @classmethod
    def _keys(cls, keys):
        keys = keys or {}
        if not isinstance(keys, dict):
            raise ValueError('keys must be a table: key id = "public key"')
        for key_id, text in keys.items():
            try:
                load_public_key(str(text))
            except ValueError as exc:
                raise ValueError(f"keys.{key_id}: {exc}") from None
        return {str(k): v for k, v in keys.items()}

    @model_validator(mode="after")
    def _a_key_to_require(self):
        if self.require_signature and not self.keys:
            raise ValueError("require_signature needs at least one key in tickets.keys")
        return self


class _CmeSession(_Table):
    """`[[cme.sessions]]`: a forum door's time slot that earns credit; its date and times
    default to the forum's."""

    forum: Text = ""
    station: Text = ""  # as stored ("forum:F1"); the file names the forum
    id: Text = ""
    name: Text = ""
    date: IsoText = None
    start: IsoText = None
    end: IsoText = None
    credits: float

    @field_validator("credits")
    @classmethod
    def _positive(cls, credits: float) -> float:
        if not 0 < credits <= 100:
            raise ValueError("credits must be a number above 0, e.g. credits = 1.5")
        return credits


class _Cme(_Table):
    """`[cme]`: the CME project (继续医学教育) and the sessions that earn its credit."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    project_number: Text = ""
    project_name: Text = ""
    credit_class: Text = ""
    credits: float | None = None
    min_share: float = 0.8
    require_exit: bool = False
    sessions: list[_CmeSession] = []

    @field_validator("credit_class")
    @classmethod
    def _class(cls, value: str) -> str:
        value = value.strip()
        known = {"I": "I类", "I类": "I类", "Ⅰ类": "I类", "1": "I类", "II": "II类", "II类": "II类",
                 "Ⅱ类": "II类", "2": "II类", "": ""}
        if value not in known:
            raise ValueError(f'credit_class is "I类" or "II类", not {value!r}')
        return known[value]

    @field_validator("min_share")
    @classmethod
    def _share(cls, share: float) -> float:
        if not 0 < share <= 1:
            raise ValueError("min_share is the share of a session's minutes to be present, "
                             "above 0 and at most 1 (0.8: 80 %)")
        return share


class _EventFile(_Table):
    event: _Event = _Event()
    meals: list[_Meal] = []
    forums: list[_Forum] = []
    lists: list[_List] = []
    registration: _Registration = _Registration()
    kiosk: _Kiosk = _Kiosk()
    wall: _Wall = _Wall()
    categories: list[_Category] = []
    tickets: _Tickets = _Tickets()
    privacy: _Privacy = _Privacy()
    alerts: _Alerts = _Alerts()
    cme: _Cme | None = None

    @field_validator("tickets", "privacy", "alerts", "registration", "kiosk", "wall",
                     mode="before")
    @classmethod
    def _a_table(cls, value, info):
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValueError(f"{info.field_name} must be a table: [{info.field_name}]")
        return value


def _explain(error: ValidationError) -> str:
    """The first problem as "meals #2: capacity must be a whole number"."""
    first = error.errors()[0]
    loc = list(first["loc"])
    where = []
    if len(loc) >= 2 and isinstance(loc[1], int):  # meals #2 (1-based, as people count)
        where.append(f"{loc[0]} #{loc[1] + 1}")
        loc = loc[2:]
    elif loc and loc[0] in _EventFile.model_fields:
        where.append(str(loc[0]))
        loc = loc[1:]
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        allowed = {"privacy": "organiser_pin_hash, desk_fields, desk_unmasked",
                   "kiosk": "confirm, auto_print_seconds, idle_seconds",
                   "alerts": "words, categories, fields, acknowledge",
                   "wall": "show, public, title, logo, colour, background, language",
                   }.get(where[0] if where else "")
        message = f"unknown setting {loc[-1]}" + (f" ({allowed})" if allowed else "")
    elif first["type"] in ("bool_type", "bool_parsing"):
        message = f"{loc[-1]} is true or false"
    elif first["type"] == "missing":
        message = f"'{loc[-1]}' is required"
    elif first["type"] in ("list_type", "model_type") and not loc and where:
        name = where.pop()
        table = name.split(" #")[0]
        message = (f"{name} must be a list of [[{table}]] tables" if first["type"] == "list_type"
                   else f"{name} must be a table: [{table}]" if name == table
                   else f"{name} must be a table: [[{table}]]")
    elif first["type"] not in ("value_error", "assertion_error") and loc:
        message = f"{'.'.join(str(p) for p in loc)}: {message}"
    if where and not message.startswith(where[0]):
        return f"{where[0]}: {message}"
    return message


def config_from_dict(raw: dict) -> EventConfig:
    try:
        file = _EventFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_explain(exc)) from None
    meals = [MealSlot(id=m.id or m.name, name=m.name, date=m.date, start=m.start, end=m.end,
                      tolerance_minutes=m.tolerance_minutes, rule=m.rule) for m in file.meals]
    # In time order, whatever order the event file lists them in: the station list, the
    # dashboard and "the next meal today" (policy.current_meal) all read them in this order.
    meals.sort(key=lambda m: (m.date is None, m.date or "", m.start or ""))
    forums = [Forum(id=f.id or f.name, name=f.name, room=f.room, capacity=f.capacity,
                    date=f.date, start=f.start, end=f.end, signup_required=f.signup_required,
                    tolerance_minutes=f.tolerance_minutes, reentry=f.reentry, rule=f.rule)
              for f in file.forums]
    lists = [CheckinList(id=x.id or x.name, name=x.name, categories=x.categories,
                         products=x.products, paid=x.paid, days=x.days, start=x.start,
                         end=x.end, tolerance_minutes=x.tolerance_minutes, exits=x.exits,
                         reentry=x.reentry, capacity=x.capacity, rule=x.rule)
             for x in file.lists]
    categories = [Category(name=c.name, colour=c.colour or c.color or "#607d8b",
                           name_en=c.name_en, aliases=c.aliases, days=c.days, meals=c.meals,
                           all_forums=c.all_forums) for c in file.categories]
    for kind, items in (("meal", meals), ("forum", forums), ("list", lists)):
        ids = [x.id for x in items]
        dup = {x for x in ids if ids.count(x) > 1}
        if dup:
            raise ConfigError(f"{kind} ids must be unique; repeated: {', '.join(sorted(dup))}")
    _check_rules([("registration", file.registration.rule), *((x.name, x.rule)
                                                             for x in (*meals, *forums, *lists))])
    event, privacy, alerts = file.event, file.privacy, file.alerts
    return EventConfig(
        name=event.name or untitled_event(), short_name=event.short_name,
        timezone=event.timezone, start=event.start, end=event.end,
        checkin_days=event.checkin_days, meals=meals, forums=forums, categories=categories,
        ticket_keys=dict(file.tickets.keys), require_signature=file.tickets.require_signature,
        privacy=Privacy(organiser_pin_hash=privacy.organiser_pin_hash,
                        desk_fields=privacy.desk_fields, desk_unmasked=privacy.desk_unmasked),
        alerts=Alerts(words=alerts.words, categories=alerts.categories, fields=alerts.fields,
                      acknowledge=alerts.acknowledge),
        window_tolerance_minutes=15 if event.window_tolerance_minutes is None
        else event.window_tolerance_minutes,
        cme=_cme(file.cme, forums),
        lists=lists, registration_rule=file.registration.rule,
        kiosk=Kiosk(confirm=file.kiosk.confirm, auto_print_seconds=file.kiosk.auto_print_seconds,
                    idle_seconds=file.kiosk.idle_seconds),
        wall=Wall(**file.wall.model_dump()),
    )


def _check_rules(named_rules) -> None:
    """Every list's rule compiles, or the event file is refused naming the list."""
    for name, rule in named_rules:
        if rule:
            try:
                compile_rule(rule, name=name)
            except RuleError as exc:
                raise ConfigError(str(exc)) from None


def _cme(cme: _Cme | None, forums: list[Forum]) -> Cme | None:
    """The [cme] table, each session tied to a forum door and a time slot."""
    if cme is None:
        return None
    sessions = []
    for number, s in enumerate(cme.sessions, 1):
        where = f"cme.sessions #{number}"
        key = s.forum or s.station.removeprefix("forum:")
        forum = next((f for f in forums if key in (f.id, f.name)), None)
        if forum is None:
            known = ", ".join(f.id for f in forums) or "none"
            raise ConfigError(f"{where}: forum {key!r} is not one of the event's forums "
                              f"({known})")
        date, start, end = s.date or forum.date, s.start or forum.start, s.end or forum.end
        if not (date and start and end):
            raise ConfigError(f"{where}: give its date, start and end (forum {forum.id} has "
                              "none to lend it)")
        if end <= start:
            raise ConfigError(f"{where}: end {end} is not after start {start}")
        sessions.append(CmeSession(id=s.id or f"{forum.id}-{date}-{start}",
                                   name=s.name or forum.name, station=f"forum:{forum.id}",
                                   date=date, start=start, end=end, credits=s.credits))
    ids = [s.id for s in sessions]
    if len(set(ids)) != len(ids):
        raise ConfigError("cme.sessions: each session needs its own id")
    return Cme(project_number=cme.project_number, project_name=cme.project_name,
               credit_class=cme.credit_class, credits=cme.credits, min_share=cme.min_share,
               require_exit=cme.require_exit,
               sessions=tuple(sessions))


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
    event = {k: data.pop(k) for k in ("name", "short_name", "timezone", "start", "end",
                                      "checkin_days", "window_tolerance_minutes")}
    if data["cme"] is None:
        del data["cme"]
    # Only what is set: an event file without rules or lists keeps the same JSON as before.
    for item in (*data["meals"], *data["forums"]):
        if not item["rule"]:
            del item["rule"]
    if not data["lists"]:
        del data["lists"]
    for item in data.get("lists", ()):
        for key in [k for k, v in item.items() if v in (None, "", ())]:
            del item[key]
    if data["kiosk"] == asdict(Kiosk()):
        del data["kiosk"]  # the defaults: the same JSON as before kiosks
    if data["wall"] == asdict(Wall()):
        del data["wall"]  # the defaults: the same JSON as before the welcome wall
    rule = data.pop("registration_rule")
    if rule:
        data["registration"] = {"rule": rule}
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
