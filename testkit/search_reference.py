"""The desk's search as it was before its compact index (checkin/search.py until December
2026), kept as the reference the new one must agree with (tests/test_search_index.py) and be
measured against (bench/search.py). One fix: an entry holding the needle twice was counted
twice against the limit; it counts once, as in the new index.

Type-ahead search over name, pinyin, initials, phone tail, organisation and code.

The index lives in memory: per field, sorted keys (exact and prefix matches by bisection;
phone tails from the reversed numbers) and one newline-joined string (substring matches by
C-speed `str.find`), so a query never walks 100,000 rows in Python or runs a LIKE over
every row. Results are ranked exact before
prefix (or phone tail) before substring, and within a tier by field (code, name, phone,
pinyin, initials, organisation).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

from checkin.model import REGISTRATION
from checkin.pinyin import FoldTable, fold_latin, has_cjk
from checkin.store import Store, eventlog
from checkin.store import registrants as reg_store

FIELDS = ("code", "name", "phone", "pinyin", "initials", "organisation")
EXACT, PREFIX, SUBSTRING = 0, 1, 2
MIN_PHONE_TAIL = 4


@dataclass(frozen=True)
class Hit:
    code: str
    name: str
    organisation: str | None
    category: str | None
    phone: str | None
    missing: bool
    matched: str  # which field matched
    tier: int  # EXACT, PREFIX or SUBSTRING
    arrived: bool = False


class _FieldIndex:
    """One field of every registrant: sorted keys answer exact and prefix look-ups by
    bisection; a newline-joined text answers substring look-ups with C-speed find()."""

    def __init__(self, keys: list[str]):
        parts = [k.replace("\n", " ") for k in keys]
        self.text = "\n" + "\n".join(parts) + "\n"
        # Where each entry starts in `text` (1 for the first, then past each newline).
        self.starts = list(itertools.accumulate((len(p) + 1 for p in parts[:-1]), initial=1)) if parts else []
        order = sorted(filter(parts.__getitem__, range(len(parts))), key=parts.__getitem__)
        self.sorted_keys = [parts[i] for i in order]
        self.sorted_entries = order

    def starting_with(self, prefix: str, limit: int, exact: bool = False) -> Iterator[int]:
        i = bisect.bisect_left(self.sorted_keys, prefix)
        keys, found = self.sorted_keys, 0
        while i < len(keys) and found < limit and keys[i].startswith(prefix):
            if not exact or keys[i] == prefix:
                found += 1
                yield self.sorted_entries[i]
            elif exact:
                return
            i += 1

    def containing(self, needle: str, limit: int) -> Iterator[int]:
        text, pos, found = self.text, 0, 0
        while found < limit:
            pos = text.find(needle, pos)
            if pos < 0:
                return
            found += 1
            entry = bisect.bisect_right(self.starts, pos) - 1
            yield entry
            pos = self.starts[entry + 1] if entry + 1 < len(self.starts) else len(text)


# Folds like fold_latin and also drops spaces (any Unicode space) and apostrophes.
_SEARCH_FOLD = FoldTable(drop="'" + "".join(c for c in map(chr, range(0x3001)) if c.isspace()))


def search_key(text: str | None) -> str:
    """The one form both the index and the query are put in: lower case, accents and
    full-width forms folded ('（医学部）' ~ '(医学部)', 'Müller' ~ 'muller'), no spaces or
    apostrophes ('程 琤' ~ '程琤', "O'Brien" ~ 'obrien')."""
    return fold_latin(text or "", _SEARCH_FOLD)


@dataclass(frozen=True)
class _Snapshot:
    """Everything one search reads, swapped in as a whole so that a search on one thread
    never mixes old rows with new field indexes built on another."""

    generation: int
    rows: list
    fields: dict[str, _FieldIndex]
    phone_tails: _FieldIndex


_EMPTY = _Snapshot(-1, [], {f: _FieldIndex([]) for f in FIELDS}, _FieldIndex([]))  # noqa


class ReferenceSearch:
    """`auto_refresh`: search() rebuilds first when registrant data changed. The desk window
    turns it off and rebuilds on a background thread instead (0.8 s at 100,000 people)."""

    def __init__(self, store: Store, *, auto_refresh: bool = True):
        self.store = store
        self.auto_refresh = auto_refresh
        self._snapshot = _EMPTY

    @property
    def generation(self) -> int:
        """The registrant generation the index was built from (-1: not built yet)."""
        return self._snapshot.generation

    @property
    def stale(self) -> bool:
        return self.store.registrant_generation() != self.generation

    def refresh(self, force: bool = False) -> None:
        generation = self.store.registrant_generation()
        if generation == self.generation and not force:
            return
        rows = reg_store.search_rows(self.store.reader())
        fields = {
            "code": _FieldIndex([r["code"].lower() for r in rows]),
            "name": _FieldIndex([search_key(r["name"]) for r in rows]),
            "organisation": _FieldIndex([search_key(r["organisation"]) for r in rows]),
            "phone": _FieldIndex([r["phone"] or "" for r in rows]),
            "pinyin": _FieldIndex([r["pinyin"] for r in rows]),
            "initials": _FieldIndex([r["initials"] for r in rows]),
        }
        tails = _FieldIndex([(r["phone"] or "")[::-1] for r in rows])
        self._snapshot = _Snapshot(generation, rows, fields, tails)

    def _lookups(self, snap: _Snapshot, query: str,
                 limit: int) -> Iterator[tuple[int, str, Iterator[int]]]:
        """(tier, field, matching entries) in rank order."""
        compact = search_key(query)
        if not compact:
            return
        fields = [f for f in FIELDS if self._applies(f, compact)]
        for tier in (EXACT, PREFIX, SUBSTRING):
            for field in fields:
                index = snap.fields[field]
                needle = compact
                if field == "phone":  # the last digits of a phone rank as a prefix would
                    if tier == EXACT:
                        yield tier, field, index.starting_with(needle, limit, exact=True)
                    elif tier == PREFIX:
                        yield tier, field, snap.phone_tails.starting_with(needle[::-1], limit)
                elif tier == EXACT:
                    yield tier, field, index.starting_with(needle, limit, exact=True)
                elif tier == PREFIX:
                    yield tier, field, index.starting_with(needle, limit)
                elif field == "initials" or (field == "pinyin" and len(compact) < 3):
                    continue  # 'an' inside every other pinyin is noise, not a match
                else:
                    yield tier, field, index.containing(needle, limit)

    @staticmethod
    def _applies(field: str, q: str) -> bool:
        cjk = has_cjk(q)
        if field == "phone":
            return q.isdigit() and len(q) >= MIN_PHONE_TAIL
        if field in ("pinyin", "initials"):
            return q.isascii() and q.isalpha()
        if field == "code":
            return not cjk
        return True

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        if self.auto_refresh:
            self.refresh()
        snap = self._snapshot
        best: dict[int, tuple[int, str]] = {}
        for tier, field, entries in self._lookups(snap, query, limit):
            if len(best) >= limit:
                break
            for entry in entries:
                if entry not in best:
                    best[entry] = (tier, field)
                    if len(best) >= limit:
                        break
        rows = [snap.rows[entry] for entry in best]
        arrived = self._arrived([r["code"] for r in rows])
        return [Hit(r["code"], r["name"], r["organisation"], r["category"], r["phone"],
                    bool(r["missing"]), field, tier, arrived=r["code"].upper() in arrived)
                for r, (tier, field) in zip(rows, best.values(), strict=True)]

    def _arrived(self, codes: list[str]) -> set[str]:
        """Which of these codes have checked in at registration (upper case)."""
        if not codes:
            return set()
        return eventlog.admitted_among(self.store.reader(), REGISTRATION, codes)
