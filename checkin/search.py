"""Type-ahead search over name, pinyin, initials, phone tail, organisation and code.

The index lives in memory, compact (about 0.25 kB a registrant: 200,000 people in a desk's
laptop): per field, every key joined in one string (substring matches by C-speed `str.find`,
each key sliced out of it when needed), arrays of where each key starts and of the entries in
key order (exact and prefix matches by bisection; phone tails from the reversed numbers), and
for the fields searched inside, the entries holding each short piece (a rare fragment like
"协和" or "12345" is found without reading the whole text). A query never walks every row in Python nor
runs a LIKE over every row; what a hit shows is read from the database for those ≤ 20 hits.
Results are ranked exact before prefix (or phone tail) before substring, and within a tier by
field (code, name, phone, pinyin, initials, organisation).
"""

from __future__ import annotations

import bisect
import itertools
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from .model import REGISTRATION
from .pinyin import FoldTable, fold_latin, has_cjk
from .store import Store, eventlog
from .store import registrants as reg_store

FIELDS = ("code", "name", "phone", "pinyin", "initials", "organisation")
EXACT, PREFIX, SUBSTRING = 0, 1, 2
MIN_PHONE_TAIL = 4
# The pieces a field is indexed by for substring look-ups: two characters for the Chinese
# fields (a 2-character query is common), three for codes and pinyin (ten digits, 26 letters:
# shorter pieces would each be held by a good share of everyone).
CJK_PIECE, LATIN_PIECE = 2, 3
# A piece held by more entries than this is no help: a text scan finds 20 of them sooner.
_VERIFY_AT_MOST = 4000


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
    """One field of every registrant (entry i is the i-th registrant of the snapshot).

    `text` holds every key between newlines; `starts[i]` is where key i begins (and
    `starts[n]` one past the end); `order` lists the non-empty entries by key; `pieces` (for
    the fields searched inside) maps each piece of `piece` characters to the entries holding
    it, in entry order. Arrays of 4-byte ints: no Python object per registrant."""

    def __init__(self, keys: list[str], *, piece: int = 0):
        parts = [k.replace("\n", " ") for k in keys]
        self.text = "\n" + "\n".join(parts) + "\n"
        self.starts = array("i", itertools.accumulate((len(p) + 1 for p in parts), initial=1))
        self.order = array("i", sorted(filter(parts.__getitem__, range(len(parts))),
                                       key=parts.__getitem__))
        self.piece = piece  # 0: no pieces (found by scanning the text)
        self.pieces = _pieces(parts, piece) if piece else None

    def key(self, entry: int) -> str:
        return self.text[self.starts[entry]:self.starts[entry + 1] - 1]

    def starting_with(self, prefix: str, limit: int, exact: bool = False) -> Iterator[int]:
        order, key = self.order, self.key
        i = bisect.bisect_left(order, prefix, key=key)
        found = 0
        while i < len(order) and found < limit:
            entry = order[i]
            value = key(entry)
            if not value.startswith(prefix) or (exact and value != prefix):
                return  # sorted: past the keys that start with it (or equal it)
            found += 1
            yield entry
            i += 1

    def containing(self, needle: str, limit: int) -> Iterator[int]:
        """Entries whose key holds `needle`, each once, in entry order."""
        size = self.piece
        if self.pieces is not None and len(needle) >= size:
            held = [self.pieces.get(needle[i:i + size]) for i in range(len(needle) - size + 1)]
            if any(entries is None for entries in held):
                return  # a piece nobody's key holds: nobody holds the whole
            fewest = min(held, key=len)
            if len(fewest) <= _VERIFY_AT_MOST:
                yield from itertools.islice(
                    (e for e in fewest if needle in self.key(e)), limit)
                return
        text, starts, pos, found = self.text, self.starts, 0, 0
        while found < limit:
            pos = text.find(needle, pos)
            if pos < 0:
                return
            entry = bisect.bisect_right(starts, pos) - 1
            found += 1
            yield entry
            pos = starts[entry + 1]  # on to the next key: each entry once


def _pieces(parts: list[str], size: int) -> dict[str, array]:
    """Each piece of `size` characters of the keys -> the entries holding it (ascending,
    once)."""
    held: dict[str, array] = {}
    for entry, part in enumerate(parts):
        for piece in {part[i:i + size] for i in range(len(part) - size + 1)}:
            entries = held.get(piece)
            if entries is None:
                held[piece] = entries = array("i")
            entries.append(entry)
    return held


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
    never mixes old entries with new field indexes built on another."""

    generation: int
    fields: dict[str, _FieldIndex]
    phone_tails: _FieldIndex


_EMPTY = _Snapshot(-1, {f: _FieldIndex([]) for f in FIELDS}, _FieldIndex([]))


class SearchIndex:
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
        # One column at a time, each let go of once its field is built: the desk's peak
        # memory at 200,000 people is the index plus one column, not plus every row.
        code, name, organisation, phone, pinyin, initials = self._columns()
        fields = {"code": _FieldIndex([c.lower() for c in code], piece=LATIN_PIECE)}
        del code
        fields["name"] = _FieldIndex([search_key(n) for n in name], piece=CJK_PIECE)
        del name
        fields["organisation"] = _FieldIndex([search_key(o) for o in organisation],
                                             piece=CJK_PIECE)
        del organisation
        phone = [p or "" for p in phone]
        fields["phone"] = _FieldIndex(phone)
        tails = _FieldIndex([p[::-1] for p in phone])
        del phone
        fields["pinyin"] = _FieldIndex(pinyin, piece=LATIN_PIECE)
        del pinyin
        fields["initials"] = _FieldIndex(initials)
        del initials
        self._snapshot = _Snapshot(generation, fields, tails)

    def _columns(self) -> list[list]:
        """code, name, organisation, phone, pinyin, initials of every registrant, in the
        index's entry order, read in chunks (no list of 200,000 row tuples)."""
        cursor = reg_store.index_rows(self.store.reader())
        columns: list[list] = [[] for _ in range(6)]
        while chunk := cursor.fetchmany(20_000):
            for column, values in zip(columns, zip(*chunk, strict=True), strict=True):
                column.extend(values)
        return columns

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
        codes = [snap.fields["code"].key(entry) for entry in best]
        shown = reg_store.search_hits(self.store.reader(), codes) if codes else {}
        # (a code gone since the index was built, by a purge, has nothing to show)
        found = [(shown[code.upper()], how) for code, how in zip(codes, best.values(),
                                                                strict=True)
                 if code.upper() in shown]
        arrived = self._arrived([row["code"] for row, _how in found])
        return [Hit(row["code"], row["name"], row["organisation"], row["category"],
                    row["phone"], bool(row["missing"]), field, tier,
                    arrived=row["code"].upper() in arrived)
                for row, (tier, field) in found]

    def _arrived(self, codes: list[str]) -> set[str]:
        """Which of these codes have checked in at registration (upper case)."""
        if not codes:
            return set()
        return eventlog.admitted_among(self.store.reader(), REGISTRATION, codes)
