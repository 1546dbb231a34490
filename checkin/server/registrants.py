"""Registrant master data on the server: rows <-> wire items, changes with version bumps.

Every change writes version + 1 and a new registrants-feed number, so it reaches every desk
through the feed. Fields changed at a desk or by an organiser are remembered
(`edited_fields`) so that a re-import keeps the correction, as the desk importer does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import lru_cache
from operator import itemgetter

from sqlalchemy import Row, select, update

from .. import masking
from .. import normalize as norm
from ..jsonutil import dumps
from ..model import REGISTRANT_FIELDS, EventConfig, Privacy, Registrant
from . import feeds
from .db import Connection, registrants, utcnow
from .errors import ApiError

EDITABLE = tuple(f for f in REGISTRANT_FIELDS if f != "code")
_LISTS = ("meals", "forums")


_ITEM_COLUMNS = (*REGISTRANT_FIELDS, "version", "missing", "source", "extra", "seq")
# The last result's column layout and the getter of our columns in it: rows of one result
# share it, so one C call per row picks them (27 getattr, or row._fields, cost 10x more).
_last_layout: tuple = (None, None)


def _picker(row: Row) -> Callable:
    global _last_layout
    layout = getattr(row, "_parent", None)  # SQLAlchemy's metadata of the row's result
    known, pick = _last_layout
    if layout is None or layout is not known:
        pick = itemgetter(*map(row._fields.index, _ITEM_COLUMNS))
        _last_layout = (layout, pick)  # one tuple: threads swap it whole
    return pick


def to_item(row: Row) -> dict:
    """The wire form: every REGISTRANT_FIELDS field plus version, missing, source, extra, seq."""
    item = dict(zip(_ITEM_COLUMNS, _picker(row)(row), strict=True))
    item["meals"] = list(_json_list(item["meals"]))
    item["forums"] = list(_json_list(item["forums"]))
    item["missing"] = bool(item["missing"])
    item["extra"] = json.loads(item["extra"]) if item["extra"] != "{}" else {}
    return item


@lru_cache(maxsize=4096)
def _json_list(text: str) -> tuple:
    """Meal and forum lists repeat from person to person: each is decoded once."""
    return tuple(json.loads(text))


def item_for(grant: Privacy | None):
    """to_item, or (a desk token: `grant` is the event's [privacy]) to_item as a desk may
    receive it: minimised and masked (checkin/masking.py)."""
    if grant is None:
        return to_item
    if grant.desk_fields is not None:
        return lambda row: masking.desk_record(to_item(row), grant)
    # Nothing to leave out: desk_record's masking alone, its field set worked out once.
    masked = [f for f in _ITEM_COLUMNS if f in (set(masking.MASKED_FIELDS) - set(
        grant.desk_unmasked)) | set(masking.NEVER_UNMASKED)]

    def desk_item(row: Row) -> dict:
        item = to_item(row)
        for key in masked:
            item[key] = masking.mask_data(item[key], key)
        return item
    return desk_item


def master_values(reg: Registrant) -> dict:
    """Column values of a Registrant's master data (lists and extras as JSON text)."""
    values = {f: getattr(reg, f) for f in EDITABLE}
    for f in _LISTS:
        values[f] = dumps(list(values[f] or []))
    values["extra"] = dumps(reg.extra or {})
    return values


def unset(field: str):
    """A field's value when a walk-in does not give it."""
    return [] if field in _LISTS else False if field == "wall_hidden" else None


def column_value(field: str, value):
    return dumps(list(value or [])) if field in _LISTS else value


def same(a, b) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    return a == b


def get(conn: Connection, event_id: str, code: str) -> Row | None:
    return conn.execute(select(registrants).where(
        registrants.c.event_id == event_id, registrants.c.code_key == code.upper())).first()


def current(row: Row) -> dict:
    """A row's master fields as Python values (lists decoded)."""
    return {f: (json.loads(getattr(row, f)) if f in _LISTS else getattr(row, f))
            for f in REGISTRANT_FIELDS}


def insert(conn: Connection, event_id: str, people: Iterable[Registrant], *,
           source: str | None = None) -> int:
    """New registrants, version 1, each with a new feed number."""
    people = list(people)
    numbers = feeds.take(conn, event_id, feeds.REGISTRANTS, len(people))
    now = utcnow()
    rows = [{**master_values(p), "event_id": event_id, "code": p.code,
             "code_key": p.code.upper(), "source": source or p.source, "missing": False,
             "version": 1, "seq": seq, "edited_fields": "[]", "updated_at": now}
            for p, seq in zip(people, numbers, strict=True)]
    if rows:
        conn.execute(registrants.insert(), rows)
    return len(rows)


def change(conn: Connection, event_id: str, row: Row, values: dict, *,
           edited: Iterable[str] = ()) -> dict:
    """Apply column values to one registrant (version + 1, new feed number); -> the new item.
    `edited`: fields a person changed, kept over later imports."""
    (seq,) = feeds.take(conn, event_id, feeds.REGISTRANTS)
    marks = sorted(set(json.loads(row.edited_fields)) | set(edited))
    conn.execute(update(registrants).where(
        registrants.c.event_id == event_id, registrants.c.code == row.code).values(
        **values, version=row.version + 1, seq=seq, edited_fields=dumps(marks),
        updated_at=utcnow()))
    return to_item(get(conn, event_id, row.code))


# -- checking values that come from desks and organisers ----------------------------------------
def value_problem(field: str, value) -> str | None:
    """Why a value cannot be stored in `field` (types only: desks send normalised values)."""
    if field not in EDITABLE:
        return f"{field!r} is not a registrant field that can be changed"
    if field in _LISTS:
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return None if ok else f"{field} must be a list of texts"
    if field == "amount":
        ok = value is None or (isinstance(value, int | float) and not isinstance(value, bool))
        return None if ok else "amount must be a number"
    if field == "name":
        return None if isinstance(value, str) and value.strip() else "the name cannot be empty"
    if field == "wall_hidden":
        return None if isinstance(value, bool) else "wall_hidden must be true or false"
    return None if value is None or isinstance(value, str) else f"{field} must be a text"


def normalise_fields(fields: dict, config: EventConfig) -> dict:
    """An organiser's typed changes, normalised as an import would (422 on a bad value)."""
    if "code" in fields:
        raise ApiError(422, "invalid_field", "a registration code cannot be changed")
    clean = {}
    for key, value in fields.items():
        if key not in EDITABLE:
            raise ApiError(422, "invalid_field", f"{key!r} is not a registrant field "
                           f"(fields: {', '.join(EDITABLE)})")
        if key in _LISTS:
            clean[key] = [str(v) for v in value] if isinstance(value, list) else norm.items(value)
        elif key == "category":
            clean[key], _ = norm.category(value, norm.event_category_words(config))
        else:
            clean[key], problem = norm.FIELD_NORMALISERS[key](value)
            if problem:
                raise ApiError(422, "invalid_field", f"{key}: {problem}")
    return clean
