"""Wall time and a hybrid logical clock (HLC).

An HLC stamp orders events across desks even when their clocks disagree a little:
it never goes backwards on one device and always sorts after anything that device
has seen. Stamps are fixed-width strings, so SQLite sorts them correctly as text.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Callable


def now_iso(zone: dt.tzinfo | None = None) -> str:
    """Wall time with its UTC offset, to the millisecond (in `zone`, else the laptop's)."""
    return dt.datetime.now(zone).astimezone(zone).isoformat(timespec="milliseconds")


def shown_in(wall_time: str, zone: dt.tzinfo | None) -> str:
    """'2026-06-26T00:30:00.000+00:00' -> '2026-06-26 08:30:00' in the event's zone: events
    from desks (or an organiser laptop) whose clocks ran in other zones read as one day."""
    try:
        moment = dt.datetime.fromisoformat(wall_time)
    except (TypeError, ValueError):
        return (wall_time or "")[:19].replace("T", " ")
    if moment.tzinfo is not None and zone is not None:
        moment = moment.astimezone(zone)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


MAX_COUNTER = 99_999  # the stamp's counter is 5 digits wide, so text order stays right
# A stamp from elsewhere further ahead of our time than this comes from a wrong clock (or a
# forgery): the clock does not follow it. The central list refuses such events (same bound).
MAX_AHEAD_MS = 5 * 60 * 1000
HLC_PATTERN = re.compile(r"(\d{13})-(\d{5})-([A-Za-z0-9._:-]{1,100})")


def format_hlc(millis: int, counter: int, device_id: str) -> str:
    return f"{millis:013d}-{counter:05d}-{device_id}"


def parse_hlc(stamp: str) -> tuple[int, int, str]:
    millis, counter, device = stamp.split("-", 2)
    return int(millis), int(counter), device


def read_hlc(stamp: object) -> tuple[int, int, str] | None:
    """(millis, counter, device) of a well-formed stamp, else None: 13 and 5 digits exactly,
    so that text order is time order."""
    match = HLC_PATTERN.fullmatch(stamp) if isinstance(stamp, str) else None
    return (int(match[1]), int(match[2]), match[3]) if match else None


class CorrectedTime:
    """This laptop's clock plus the offset measured against the central list (seconds since
    the epoch, as time.time): a desk whose clock is wrong stamps its facts with the list's
    time once it has seen it. `offset` is read through a callable so that every program
    using one desk database follows the latest measurement."""

    def __init__(self, offset_ms: Callable[[], int] = lambda: 0,
                 local: Callable[[], float] = time.time):
        self._offset_ms = offset_ms
        self.local = local  # the laptop's own clock, which the offset corrects

    def __call__(self) -> float:
        return self.local() + self._offset_ms() / 1000


class HybridClock:
    def __init__(self, device_id: str, last: str | None = None,
                 wall: Callable[[], float] = time.time, *, max_ahead_ms: int = MAX_AHEAD_MS):
        self.device_id = device_id
        self._wall = wall
        self._lock = threading.Lock()
        self._max_ahead = max_ahead_ms
        self._millis, self._counter = (0, 0)
        if last and self._believable(last):
            self._millis, self._counter, _ = parse_hlc(last)

    def _believable(self, stamp: str) -> tuple[int, int] | None:
        """(millis, counter) of a stamp the clock may move to: well formed and not further
        ahead of our time than the bound (a forged 9999999999999 stamp, or a desk whose
        clock is a year ahead, must not drag this desk's stamps along)."""
        parsed = read_hlc(stamp)
        if parsed is None or parsed[0] > int(self._wall() * 1000) + self._max_ahead:
            return None
        return parsed[0], parsed[1]

    def tick(self) -> str:
        """A new stamp for a local event."""
        with self._lock:
            physical = int(self._wall() * 1000)
            if physical > self._millis:
                self._millis, self._counter = physical, 0
            elif self._counter < MAX_COUNTER:
                self._counter += 1
            else:  # 100,000 stamps in one millisecond: borrow the next one
                self._millis, self._counter = self._millis + 1, 0
            return format_hlc(self._millis, self._counter, self.device_id)

    def observe(self, stamp: str) -> bool:
        """Move past a stamp received from another desk; False (and no move) for a stamp that
        is malformed or further ahead of our time than the bound."""
        seen = self._believable(stamp)
        if seen is None:
            return False
        with self._lock:
            if seen > (self._millis, self._counter):
                self._millis, self._counter = seen
        return True

    def rebase(self) -> bool:
        """Forget stamps further ahead than the bound (made while this laptop's clock was
        wrong, before the list's time was known): new stamps follow the corrected time.
        True when it did."""
        with self._lock:
            if self._millis <= int(self._wall() * 1000) + self._max_ahead:
                return False
            self._millis, self._counter = 0, 0
            return True
