"""Type-ahead search over name, pinyin, initials, phone tail, organisation and code.

The index lives in memory: per field, sorted keys (exact and prefix matches by bisection;
phone tails from the reversed numbers) and one newline-joined string (substring matches by
C-speed `str.find`), so a query never walks 100,000 rows in Python or runs a LIKE over
every row. Results are ranked exact before
prefix (or phone tail) before substring, and within a tier by field (code, name, phone,
pinyin, initials, organisation).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .model import REGISTRATION
from .pinyin import fold_latin, has_cjk
from .store import Store

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
        self.starts: list[int] = []
        pos = 1
        for part in parts:
            self.starts.append(pos)
            pos += len(part) + 1
        order = sorted((k, i) for i, k in enumerate(parts) if k)
        self.sorted_keys = [k for k, _ in order]
        self.sorted_entries = [i for _, i in order]

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
            yield bisect.bisect_right(self.starts, pos) - 1
            pos += 1


def search_key(text: str | None) -> str:
    """The one form both the index and the query are put in: lower case, accents and
    full-width forms folded ('（医学部）' ~ '(医学部)', 'Müller' ~ 'muller'), no spaces or
    apostrophes ('程 琤' ~ '程琤', "O'Brien" ~ 'obrien')."""
    return re.sub(r"[\s']+", "", fold_latin(text or ""))


class SearchIndex:
    def __init__(self, store: Store):
        self.store = store
        self.generation = -1
        self.rows: list[tuple] = []
        self.fields: dict[str, _FieldIndex] = {}
        self.phone_tails = _FieldIndex([])

    def refresh(self, force: bool = False) -> None:
        generation = self.store.registrant_generation()
        if generation == self.generation and not force:
            return
        rows = self.store.reader().execute(
            "SELECT code, name, organisation, category, phone, missing, pinyin, initials "
            "FROM registrants ORDER BY pinyin, code"
        ).fetchall()
        self.rows = rows
        self.fields = {
            "code": _FieldIndex([r["code"].lower() for r in rows]),
            "name": _FieldIndex([search_key(r["name"]) for r in rows]),
            "organisation": _FieldIndex([search_key(r["organisation"]) for r in rows]),
            "phone": _FieldIndex([r["phone"] or "" for r in rows]),
            "pinyin": _FieldIndex([r["pinyin"] for r in rows]),
            "initials": _FieldIndex([r["initials"] for r in rows]),
        }
        self.phone_tails = _FieldIndex([(r["phone"] or "")[::-1] for r in rows])
        self.generation = generation

    def _lookups(self, query: str, limit: int) -> Iterator[tuple[int, str, Iterator[int]]]:
        """(tier, field, matching entries) in rank order."""
        compact = search_key(query)
        if not compact:
            return
        fields = [f for f in FIELDS if self._applies(f, compact)]
        for tier in (EXACT, PREFIX, SUBSTRING):
            for field in fields:
                index = self.fields[field]
                needle = compact
                if field == "phone":  # the last digits of a phone rank as a prefix would
                    if tier == EXACT:
                        yield tier, field, index.starting_with(needle, limit, exact=True)
                    elif tier == PREFIX:
                        yield tier, field, self.phone_tails.starting_with(needle[::-1], limit)
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
        self.refresh()
        best: dict[int, tuple[int, str]] = {}
        for tier, field, entries in self._lookups(query, limit):
            if len(best) >= limit:
                break
            for entry in entries:
                if entry not in best:
                    best[entry] = (tier, field)
                    if len(best) >= limit:
                        break
        rows = [self.rows[entry] for entry in best]
        arrived = self._arrived([r["code"] for r in rows])
        return [Hit(r["code"], r["name"], r["organisation"], r["category"], r["phone"],
                    bool(r["missing"]), field, tier, arrived=r["code"].upper() in arrived)
                for r, (tier, field) in zip(rows, best.values(), strict=True)]

    def _arrived(self, codes: list[str]) -> set[str]:
        """Which of these codes have checked in at registration (upper case)."""
        if not codes:
            return set()
        marks = ",".join("?" * len(codes))
        rows = self.store.reader().execute(
            f"SELECT code FROM admissions WHERE station = ? AND code IN ({marks})",
            [REGISTRATION, *codes])
        return {r[0].upper() for r in rows}
