"""Wall time and a hybrid logical clock (HLC).

An HLC stamp orders events across desks even when their clocks disagree a little:
it never goes backwards on one device and always sorts after anything that device
has seen. Stamps are fixed-width strings, so SQLite sorts them correctly as text.
"""

from __future__ import annotations

import datetime as dt
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


def format_hlc(millis: int, counter: int, device_id: str) -> str:
    return f"{millis:013d}-{counter:05d}-{device_id}"


def parse_hlc(stamp: str) -> tuple[int, int, str]:
    millis, counter, device = stamp.split("-", 2)
    return int(millis), int(counter), device


class HybridClock:
    def __init__(self, device_id: str, last: str | None = None,
                 wall: Callable[[], float] = time.time):
        self.device_id = device_id
        self._wall = wall
        self._lock = threading.Lock()
        self._millis, self._counter = (0, 0)
        if last:
            self._millis, self._counter, _ = parse_hlc(last)

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

    def observe(self, stamp: str) -> None:
        """Move past a stamp received from another desk."""
        millis, counter, _ = parse_hlc(stamp)
        with self._lock:
            if (millis, counter) > (self._millis, self._counter):
                self._millis, self._counter = millis, counter
