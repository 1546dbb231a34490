"""The protocol's JSON and the desk's model (docs/sync-protocol.md): an event as it goes up,
and registrants and events as they come down."""

from __future__ import annotations

import json

from ..model import REGISTRANT_FIELDS, LoggedEvent, Registrant


def wire_event(event: LoggedEvent) -> dict:
    return {"uuid": event.uuid, "kind": event.kind, "code": event.code, "station": event.station,
            "device_id": event.device_id, "operator": event.operator,
            "wall_time": event.wall_time, "hlc": event.hlc, "ref": event.ref, "data": event.data}


_PLAIN = tuple(f for f in REGISTRANT_FIELDS if f not in ("meals", "forums", "wall_hidden"))


def registrant_from_wire(item: dict) -> Registrant:
    get = item.get
    extra = get("extra") or {}
    if isinstance(extra, str):
        extra = json.loads(extra)
    return Registrant(**dict(zip(_PLAIN, map(get, _PLAIN), strict=True)),
                      meals=list(get("meals") or []),
                      forums=list(get("forums") or []),
                      wall_hidden=bool(get("wall_hidden")),  # absent from an older service
                      extra=extra, source=get("source") or "central",
                      missing=bool(get("missing")), version=int(get("version") or 1))


def event_from_wire(item: dict) -> LoggedEvent:
    data = item.get("data") or {}
    if isinstance(data, str):
        data = json.loads(data)
    return LoggedEvent(uuid=item["uuid"], kind=item["kind"], code=item.get("code"),
                       station=item.get("station"), device_id=item["device_id"],
                       operator=item.get("operator") or "", wall_time=item["wall_time"],
                       hlc=item["hlc"], ref=item.get("ref"), data=data)
