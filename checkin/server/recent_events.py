"""The tail of each conference's events feed, kept in the service's memory.

Every stored event goes to every other desk: with 100 desks, each new event is read ~99
times, and PostgreSQL wrote it out as JSON again each time (the events page was the service's
costliest request). Here the database writes each one once; desks that are near the end of
the feed, which is nearly every desk at every round, are served from memory.

Why it stays right: an events row is never changed once stored (nothing in checkin/server
updates or deletes one; a restore needs the service stopped), and feed numbers become
visible in order (feeds.py): once a page has read the feed's end N, every row up to N is
committed, so reading the numbers between what is held and N fills the gap for good. A
reader further back than what is held is answered by the database as before.
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from typing import NamedTuple

from .db import Connection
from .feeds import Feed

# ~400 bytes each: about 8 MB per conference; a desk that is further behind reads the database.
KEEP = 20_000


class HeldEvent(NamedTuple):
    seq: int
    device_id: str
    kind: str
    personal: bool
    item: str  # the row as JSON text, written by the database


class Tail:
    """One conference's held events: every feed number in (start, end] whose row exists."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.start = self.end = None  # nothing held yet
        self.seqs: list[int] = []
        self.rows: list[HeldEvent] = []

    def rows_after(self, conn: Connection, feed: Feed, event_id: str, after: int,
                   end: int) -> list[HeldEvent] | None:
        """The held rows numbered in (after, end], reading what is missing up to `end`; None
        when `after` lies before what is held."""
        with self.lock:
            if self.end is None or end - self.end > KEEP:
                # first use, or a gap too long to read at once: hold from here on
                self.start = self.end = end
                self.seqs, self.rows = [], []
            elif end > self.end:
                fresh = conn.execute(feed.query, {"event_id": event_id, "after": self.end,
                                                  "end": end, "limit": end - self.end}).all()
                self.rows += [HeldEvent(*r) for r in fresh]
                self.seqs += [r.seq for r in fresh]
                self.end = end
                if len(self.rows) > KEEP:
                    cut = len(self.rows) - KEEP // 2
                    self.start = self.seqs[cut - 1]
                    del self.rows[:cut], self.seqs[:cut]
            if after < self.start:
                return None
            return self.rows[bisect_right(self.seqs, after):bisect_right(self.seqs, end)]


class RecentEvents:
    """The held tails of the service's conferences, filled by reading `feed` (every events
    row, with HeldEvent's columns)."""

    def __init__(self, feed: Feed) -> None:
        self.feed = feed
        self._tails: dict[str, Tail] = {}
        self._lock = threading.Lock()

    def rows_after(self, conn: Connection, event_id: str, after: int,
                   end: int) -> list[HeldEvent] | None:
        with self._lock:
            tail = self._tails.setdefault(event_id, Tail())
        return tail.rows_after(conn, self.feed, event_id, after, end)

