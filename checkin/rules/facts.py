"""What a rule may ask about one scan: the facts the desk (or the central list) gathers, and
the variables a rule reads from them, named as pretix names them so that its rules read the
same here (`product` is our category; `products` our entitlements).

The variables are computed when a rule first reads one (a rule about the time never counts
entries), as pretix's LazyRuleVars does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .times import local_date


@dataclass(frozen=True)
class CheckinFacts:
    """One person scanned at one list, at one moment.

    `now` is aware and in the event's time zone: days (entries_today, customtime) are the
    event's days. `entries` and `exits` are this person's earlier scans at this list (any
    zone; their order does not matter)."""

    now: dt.datetime
    category: str = ""
    products: tuple[str, ...] = ()  # entitlements: meal slot ids, forum ids, items bought
    paid: bool = False
    variation: str = ""  # a sub-type of the category, where the event has one ("" when not)
    station: str = ""  # the list being scanned at ("registration", "meal:0626-lunch" ...)
    gate: str = ""  # the entrance or desk scanning ("东门", "报到处1"; "" when not known)
    entries: tuple[dt.datetime, ...] = ()
    exits: tuple[dt.datetime, ...] = ()
    event_start: dt.datetime | None = None  # buildTime date_from
    event_end: dt.datetime | None = None  # buildTime date_to (date_from when None)
    admission: dt.datetime | None = None  # buildTime date_admission (date_from when None)

    def __post_init__(self) -> None:
        if self.now.tzinfo is None:
            raise ValueError("CheckinFacts.now must carry the event's time zone")
        # Lists become tuples (the facts are frozen), entries sorted (first/last entry).
        object.__setattr__(self, "products", tuple(self.products))
        object.__setattr__(self, "entries", tuple(sorted(self.entries)))
        object.__setattr__(self, "exits", tuple(sorted(self.exits)))

    @property
    def zone(self) -> dt.tzinfo:
        return self.now.tzinfo  # type: ignore[return-value]  (checked aware above)

    @property
    def today(self) -> dt.date:
        return self.now.date()

    # -- counting earlier entries (the entries_* variables and operators) ----------------
    def entries_since(self, cutoff: dt.datetime) -> int:
        return sum(1 for t in self.entries if t >= cutoff)

    def entries_before(self, cutoff: dt.datetime) -> int:
        return sum(1 for t in self.entries if t < cutoff)

    def entry_days(self, keep: Callable[[dt.datetime], bool] = lambda t: True) -> int:
        """On how many of the event's days this person entered (those entries kept)."""
        return len({local_date(t, self.zone) for t in self.entries if keep(t)})

    def minutes_since(self, moment: dt.datetime) -> int:
        return int((self.now - moment).total_seconds() // 60)


def _minutes_since_last(facts: CheckinFacts) -> int:
    # -1 before a first entry, as pretix: null compares differently on different platforms.
    return facts.minutes_since(facts.entries[-1]) if facts.entries else -1


def _minutes_since_first(facts: CheckinFacts) -> int:
    return facts.minutes_since(facts.entries[0]) if facts.entries else -1


def _entry_status(facts: CheckinFacts) -> str:
    scans = [(t, "present") for t in facts.entries] + [(t, "absent") for t in facts.exits]
    return max(scans, key=lambda scan: scan[0])[1] if scans else "absent"


VARIABLES: dict[str, Callable[[CheckinFacts], object]] = {
    "now": lambda f: f.now,
    "now_isoweekday": lambda f: f.now.isoweekday(),  # 1 Monday … 7 Sunday
    "product": lambda f: f.category,  # pretix's ticket type is our category
    "category": lambda f: f.category,
    "products": lambda f: list(f.products),
    "variation": lambda f: f.variation,
    "paid": lambda f: f.paid,
    "station": lambda f: f.station,
    "gate": lambda f: f.gate,
    "entries_number": lambda f: len(f.entries),
    "entries_today": lambda f: sum(1 for t in f.entries if local_date(t, f.zone) == f.today),
    "entries_days": lambda f: f.entry_days(),
    "minutes_since_last_entry": _minutes_since_last,
    "minutes_since_first_entry": _minutes_since_first,
    "entry_status": _entry_status,  # "present" after an entry, "absent" after an exit
}


class RuleVars(dict):
    """The data a rule is applied to: a dict (the JSON Logic library reads `var` with
    .get()) whose values are computed from the facts when first read. `overrides` replaces
    some of them (explain() tries the other days of the week)."""

    def __init__(self, facts: CheckinFacts, overrides: dict | None = None) -> None:
        super().__init__()
        self.facts = facts
        self.overrides = dict(overrides or {})

    def get(self, key, default=None):
        if key in self.overrides:
            return self.overrides[key]
        if key not in VARIABLES:
            return default
        if not dict.__contains__(self, key):
            dict.__setitem__(self, key, VARIABLES[key](self.facts))
        return dict.__getitem__(self, key)

    def __getitem__(self, key):
        if key not in self:
            raise KeyError(key)
        return self.get(key)

    def __contains__(self, key) -> bool:
        return key in VARIABLES or key in self.overrides
