"""A person's history in words: one row per event (time, kind, station, desk, operator,
details), newest first, with what was undone marked. Qt-free: the person panel draws the
rows; the words come from the gettext catalogue (checkin/i18n.py) in the window's language.

Personal data quoted by an event (an edit's old and new phone, a number typed in a reason) is
masked unless the role is the organiser's, as everywhere else (docs/personal-data.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .i18n import _
from .masking import mask_data
from .model import EventConfig, LoggedEvent
from .presentation import station_label, time_shown
from .privacy import Role


@dataclass(frozen=True)
class HistoryRow:
    time: str
    kind: str
    station: str
    desk: str
    operator: str
    details: str
    cancelled: bool  # undone by a later `undo` event

    def cells(self) -> list[str]:
        return [self.time, self.kind, self.station, self.desk, self.operator, self.details]


def kind_word(kind: str) -> str:
    return {
        "checkin": _("check-in"), "meal": _("meal"), "forum": _("forum"),
        "override": _("override"), "undo": _("undo"), "walk_in": _("walk-in"),
        "edit": _("edit"), "print": _("print"), "resolve": _("conflict resolved"),
        "revoke": _("ticket revoked"), "refused": _("refused"),
    }.get(kind, kind)


def field_word(key: str) -> str:
    """A registrant field's name, as the person panel and the edit form call it."""
    return {
        "code": _("Code"), "name": _("Name"), "phone": _("Phone"), "email": _("E-mail"),
        "organisation": _("Organisation"), "title": _("Title"), "category": _("Category"),
        "team": _("Team"), "payment": _("Payment"), "remarks": _("Remarks"),
        "gender": _("Gender"), "meals": _("Meals"), "forums": _("Forums"),
    }.get(key, key)


def document_word(document: str) -> str:
    return {"badge": _("badge"), "vouchers": _("vouchers")}.get(document, document)


class PersonHistory:
    """Words for the events of one event file, seen by one role. `desk_name(device_id)` names
    a desk (checkin.presentation.desk_name); `today` is the desk's day."""

    def __init__(self, config: EventConfig, zone: dt.tzinfo | None,
                 desk_name: Callable[[str | None], str], role: Role = Role.DESK,
                 today: str | dt.date | None = None):
        self.config, self.zone, self.role, self.today = config, zone, role, today
        self._desk_name = desk_name
        self._desks: dict[str | None, str] = {}  # one look-up per desk, not per row

    def time(self, wall_time: str | None) -> str:
        return time_shown(wall_time, self.zone, self.today)

    def desk(self, device_id: str | None) -> str:
        if device_id not in self._desks:
            self._desks[device_id] = self._desk_name(device_id)
        return self._desks[device_id]

    def rows(self, events: list[LoggedEvent]) -> list[HistoryRow]:
        """`events` oldest first (as the event log returns them); the rows newest first."""
        undone = {e.ref for e in events if e.kind == "undo" and e.ref}
        by_uuid = {e.uuid: e for e in events}
        rows = []
        for event in reversed(events):
            cancelled = event.uuid in undone
            kind = kind_word(event.kind)
            if event.kind == "refused" and (event.data or {}).get("outcome") == "already":
                kind = _("scanned again")  # not a refusal at registration
            if cancelled:
                kind += _(" (undone)")
            rows.append(HistoryRow(
                self.time(event.wall_time), kind, station_label(event.station, self.config),
                self.desk(event.device_id), event.operator or "", self.details(event, by_uuid),
                cancelled))
        return rows

    def details(self, event: LoggedEvent, by_uuid: dict[str, LoggedEvent]) -> str:
        data = event.data or {}
        if self.role != Role.ORGANISER:  # an edit's old and new phone, a number in a reason
            data = mask_data(data)
        if event.kind == "override":
            return _("Override by supervisor {0}: {1}").format(
                data.get("supervisor", "?"), data.get("reason", ""))
        if event.kind == "print":
            document = document_word(data.get("document", ""))
            if data.get("reprint"):
                return _("{0} reprint: {1}").format(document, data.get("reason", ""))
            return document + (f": {data['reason']}" if data.get("reason") else "")
        if event.kind == "edit":
            changes = "; ".join(f"{field_word(key)}: {old or '—'} → {new or '—'}"
                                for key, (old, new) in data.get("changes", {}).items())
            return changes + (f" ({data['reason']})" if data.get("reason") else "")
        if event.kind == "undo":
            target = by_uuid.get(event.ref or "")
            what = (f"{kind_word(target.kind)} {self.time(target.wall_time)}" if target
                    else event.ref or "")
            return _("cancels {0}").format(what) + (
                f": {data['reason']}" if data.get("reason") else "")
        if event.kind == "walk_in":
            return _("registered on site")
        if event.kind == "refused":  # the words the desk said, as it said them
            return str(data.get("reason") or data.get("reason_code") or "")
        return data.get("reason", "") if isinstance(data.get("reason"), str) else ""
