"""What the service accepts from a desk: a desk vouches only for itself.

Each uploaded event is vetted on its own; a refused one is answered `rejected` with an error
word and a sentence, kept for the organiser (`GET .../rejected`) and never enters the feed,
so it cannot reach, stop or skew any other desk (docs/sync-protocol.md, "What a desk may
upload"):

- `bad_stamp`: the clock stamp is not `<13 digits>-<5 digits>-<device>`, or names another
  device than the event's;
- `clock_ahead`: stamped more than MAX_AHEAD_MS after the service's clock;
- `clock_behind`: stamped before the event could have facts (HISTORY before the event was
  created here, or before its first day, whichever is earlier);
- `revoked`: a revoked desk's final upload holds a fact recorded after the revocation;
- `not_yours` / `unknown_target` / `wrong_code` / `no_target`: an undo or resolve from a desk
  names another desk's event, an event the service does not have, an event of another code,
  or none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..clock import MAX_AHEAD_MS, read_hlc
from ..model import EventConfig

HISTORY = dt.timedelta(days=30)
TARGETED = ("undo", "resolve")  # kinds that act on an earlier event (ref)


@dataclass(frozen=True)
class Refusal:
    error: str
    message: str

    def result(self, uuid: str) -> dict:
        return {"uuid": uuid, "status": "rejected", "error": self.error,
                "message": self.message}


def _utc(millis: int) -> str:
    return dt.datetime.fromtimestamp(millis / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _span(millis: int) -> str:
    minutes = round(abs(millis) / 60_000)
    if minutes < 120:
        return f"{minutes} min"
    if minutes < 2 * 24 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"


def earliest_stamp(created_at: str, config: EventConfig) -> int:
    """Milliseconds before which no fact of this event can have been made: HISTORY before
    the event was created on the service or before its first day, whichever is earlier (a
    desk may run on its own before the event exists here; a 1970 or 2000 stamp is a clock
    with a dead battery)."""
    moments = [dt.datetime.fromisoformat(created_at)]
    first_day = min([d for d in (config.start, *config.checkin_days) if d], default=None)
    if first_day:  # dates were checked when the event file was read
        moments.append(dt.datetime.combine(dt.date.fromisoformat(first_day), dt.time(),
                                           config.zone()))
    return int((min(moments) - HISTORY).timestamp() * 1000)


def stamp_refusal(ev: dict, now_ms: int, floor_ms: int) -> Refusal | None:
    """Why this event's clock stamp is not accepted, or None."""
    hlc = ev.get("hlc")
    parsed = read_hlc(hlc)
    if parsed is None:
        return Refusal("bad_stamp", f"the clock stamp {str(hlc)[:40]!r} is not of the form "
                       "<13 digits>-<5 digits>-<device id>")
    millis, _, device = parsed
    if device != ev["device_id"]:
        return Refusal("bad_stamp", f"the clock stamp names device {device!r}, but the event "
                       f"is from device {ev['device_id']!r}")
    if millis > now_ms + MAX_AHEAD_MS:
        return Refusal("clock_ahead", f"stamped {_utc(millis)}, {_span(millis - now_ms)} "
                       "after the service's clock (more than 5 min): the desk's clock is "
                       "wrong; set it right (or let it sync) and record the fact again")
    if millis < floor_ms:
        return Refusal("clock_behind", f"stamped {_utc(millis)}, before this event could "
                       f"have facts ({_utc(floor_ms)}): the desk's clock is wrong")
    return None


def revocation_refusal(ev: dict, revoked_at: str) -> Refusal | None:
    """A revoked desk's final upload carries what it recorded before it was revoked; a fact
    stamped after that is not accepted (a stolen laptop keeps no voice)."""
    revoked_ms = int(dt.datetime.fromisoformat(revoked_at).timestamp() * 1000)
    parsed = read_hlc(ev.get("hlc"))
    if parsed is not None and parsed[0] > revoked_ms:
        return Refusal("revoked", f"recorded at {_utc(parsed[0])}, after this desk was "
                       f"revoked ({_utc(revoked_ms)}): not accepted")
    return None


def target_refusal(ev: dict, target, device_name: str | None = None) -> Refusal | None:
    """Why a desk's undo or resolve may not act on `target` (the stored event its ref names,
    or None), or None. A desk acts only on its own facts: undoing another desk's admission is
    an organiser's action (`checkin server undo`)."""
    kind, ref = ev["kind"], ev.get("ref")
    if not ref:
        return Refusal("no_target", f"a {kind} must name the event it is about (ref)")
    if target is None:
        return Refusal("unknown_target", f"this {kind} names event {ref}, which the service "
                       "does not have")
    if target.device_id != ev["device_id"]:
        who = f"{device_name!r} ({target.device_id})" if device_name else repr(target.device_id)
        return Refusal("not_yours", f"this {kind} names an event of desk {who}: a desk may "
                       f"{kind} only its own events; undoing another desk's admission is "
                       "for an organiser (`checkin server undo`)")
    if (target.code or "").upper() != (ev.get("code") or "").upper():
        return Refusal("wrong_code", f"this {kind} is for code {ev.get('code')!r}, but the "
                       f"event it names is for {target.code!r}")
    return None
