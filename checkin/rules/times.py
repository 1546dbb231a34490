"""Reading the times a rule names: `buildTime` values, tolerances, and the times the check-in
operators compare. One reader for checking a rule when it is loaded and for applying it, so
that what the loader accepts is exactly what the desk can read."""

from __future__ import annotations

import datetime as dt
import math


def read_moment(value: object, zone: dt.tzinfo | None) -> dt.datetime | None:
    """An aware datetime from an ISO text ("2026-06-26T11:30:00+08:00", "…Z", a date alone)
    or a datetime (TOML gives them), or None when it is not one. A time without an offset is
    in the event's zone (`zone`; UTC when there is none)."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone or dt.UTC)
    return moment


def read_clock(value: object) -> dt.time | None:
    """A time of day ("11:30", "11:30:00", "11:30:00.000"; a TOML time), or None."""
    if isinstance(value, dt.time):
        return value.replace(tzinfo=None)
    if not isinstance(value, str):
        return None
    try:
        return dt.time.fromisoformat(value.strip()).replace(tzinfo=None)
    except ValueError:
        return None


def read_tolerance(value: object) -> float | None:
    """Minutes of tolerance: a number or a text of one (pretix accepts both), 0 for
    null/""/false; None when it is not a number of minutes."""
    if value is None or value is False or value == "":
        return 0.0
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        minutes = float(value)
    elif isinstance(value, str):
        try:
            minutes = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return minutes if math.isfinite(minutes) else None


def local_date(moment: dt.datetime, zone: dt.tzinfo) -> dt.date:
    """The calendar day of `moment` in the event's zone (days are counted there)."""
    return moment.astimezone(zone).date()


def shown(moment: dt.datetime, now: dt.datetime, *, daily: bool = False) -> str:
    """A time as a refusal says it: "11:30" on the day of `now` (or for a daily time),
    "2026-06-27 09:00" on another day; in the zone of `now` (the event's)."""
    local = moment.astimezone(now.tzinfo)
    if daily or local.date() == now.date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")
