"""How the desk shows a time, a station and a desk: one way each, for the desk window (banner
reasons, person history, dashboard, recent scans) and the core's reasons. Qt-free, so the
core and the window say the same thing the same way.

Words are English here and come in the current language from the gettext catalogue
(checkin/i18n.py), which the window switches to its own language when it starts.
"""

from __future__ import annotations

import datetime as dt

from .clock import shown_in
from .i18n import _
from .model import REGISTRATION, EventConfig


def time_shown(wall_time: str | None, zone: dt.tzinfo | None,
               today: str | dt.date | None = None) -> str:
    """'08:12:03' for a time of today, '2026-06-25 17:40' for another day, '' for none.

    Shown in the event's time zone `zone` (a stamp from a desk whose clock ran in another
    zone reads as the event's time); `today` is the desk's day (its corrected clock), else
    the laptop's date in `zone`."""
    if not wall_time:
        return ""
    day, _sep, clock = shown_in(wall_time, zone).partition(" ")  # the one zone conversion
    if today is None:
        today = dt.datetime.now(zone).date()
    return clock[:8] if day == str(today) else f"{day} {clock[:5]}".strip()


def station_label(station: str | None, config: EventConfig) -> str:
    """What a person reads for a station: 'Registration', 'Meal: 6月26日午餐', 'Forum: 智慧医院'
    (the station picker, the banner, the dashboard and the person history all say it so);
    '' for none. A meal or forum the event no longer lists keeps its id."""
    if not station:
        return ""
    if station == REGISTRATION:
        return _("Registration")
    kind, _sep, key = station.partition(":")
    if kind == "meal":
        slot = config.meal(key)
        return _("Meal: {0}").format(slot.name if slot else key)
    if kind == "forum":
        forum = config.forum(key)
        return _("Forum: {0}").format(forum.name if forum else key)
    if kind == "list":
        checkin_list = config.checkin_list(key)
        return _("List: {0}").format(checkin_list.name if checkin_list else key)
    return station


def desk_name(store, device_id: str | None) -> str:
    """A desk's name from its device id: this desk's own name, the name sync learned for
    another desk (store.device_label), else the id; '' for none."""
    if not device_id:
        return ""
    if device_id == store.device_id:
        return store.device_name
    return store.device_label(device_id)
