"""Is this desk's clock right? (docs/sync-protocol.md, "Clocks")

- Online: the central list answers every request with its own time (header X-Checkin-Time);
  each sync round measures the offset and the desk's wall times, stamps and "today" follow the
  list's clock from then on (Store.now, Store.time).
- Never measured: the desk has only its own clock; a date outside the event's days is the
  likely sign of a wrong one (a dead CMOS battery says 2000-01-01).

Either way a clock off by more than WARN_MS, or a date outside the event, is said loudly in
the window and by `checkin sync-status`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from . import i18n
from .clock import shown_in
from .messages import message
from .policy import outside_event

WARN_MS = 2 * 60 * 1000  # a clock further off than this is said loudly
NOISE_MS = 1000  # a new measurement this close to the stored offset changes nothing
MAX_ROUND_TRIP = 5.0  # seconds: a slower answer measures the network, not the clock
CHECKED = "clock.checked"  # meta: JSON {"offset_ms", "at", "round_trip_ms"} of the last check


@dataclass(frozen=True)
class TimeSample:
    """One request: this laptop's clock when it was sent and answered (seconds), and the
    central list's clock in between (milliseconds)."""

    sent: float
    received: float
    server_ms: int

    def offset_ms(self) -> int | None:
        """What to add to this laptop's clock to get the list's; None when the answer was
        too slow to tell."""
        if not 0 <= self.received - self.sent <= MAX_ROUND_TRIP:
            return None
        return self.server_ms - round((self.sent + self.received) * 500)


def record(store, sample: TimeSample) -> int | None:
    """Keep the offset this sample measures (when it differs from the stored one by more than
    noise) and when it was checked. Returns the offset, or None when unusable."""
    offset = sample.offset_ms()
    if offset is None:
        return None
    checked = {"offset_ms": offset, "at": dt.datetime.fromtimestamp(
        sample.server_ms / 1000, dt.UTC).isoformat(timespec="seconds"),
        "round_trip_ms": round((sample.received - sample.sent) * 1000)}
    with store.transaction() as conn:
        if abs(offset - store.clock_offset_ms()) > NOISE_MS:
            store.set_clock_offset(conn, offset)
        store.set_meta(conn, CHECKED, json.dumps(checked))
    return offset


def last_check(store) -> dict | None:
    text = store.meta(CHECKED)
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _span_words(millis: int, words: i18n.Translator) -> str:
    minutes = round(abs(millis) / 60_000)
    if minutes < 120:
        return words.gettext("{0} min").format(minutes)
    hours = minutes // 60
    if hours < 48:
        return words.gettext("{0} h").format(hours)
    return words.gettext("{0} days").format(hours // 24)


def warning(store, today: str, *, chinese: bool | None = None) -> str | None:
    """What is wrong with this desk's clock, in words, or None when nothing is known wrong.
    `today`: the desk's date in the event's zone (already corrected when measured). The words
    are in the current language (checkin/i18n.py); `chinese` is for callers that still pick
    one themselves."""
    words = i18n.current() if chinese is None else \
        i18n.translator(i18n.CHINESE if chinese else i18n.ENGLISH)
    checked = last_check(store)
    if checked is not None:
        offset = int(checked.get("offset_ms") or 0)
        if abs(offset) <= WARN_MS:
            return None
        # offset > 0: the list is ahead, so this laptop is behind
        # TRANSLATORS: {direction} of "This laptop's clock is {span} {direction} the central list's"
        direction = words.gettext("behind") if offset > 0 else words.gettext("ahead of")
        at = shown_in(str(checked.get("at", "")), store.config.zone())[:16]
        return message("clock_off", words.chinese, span=_span_words(offset, words),
                       direction=direction, at=at)
    span = outside_event(store.config, today)
    if span is None:
        return None
    return message("clock_unchecked", words.chinese, today=today, first=span[0], last=span[1])
