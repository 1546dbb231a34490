"""Type-ahead search over name, pinyin, initials, phone tail, organisation and code.

The index is one newline-joined string per field held in memory, so each look-up is a
handful of C-speed `str.find` scans instead of a LIKE over every row: with 100,000
registrants a query stays within a few milliseconds. Results are ranked exact before
prefix (or phone tail) before substring, and within a tier by field (code, name, phone,
pinyin, initials, organisation).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .pinyin import fold_latin, is_cjk
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
    def __init__(self, keys: list[str]):
        parts = [k.replace("\n", " ") for k in keys]
        self.text = "\n" + "\n".join(parts) + "\n"
        self.starts: list[int] = []
        pos = 1
        for part in parts:
            self.starts.append(pos)
            pos += len(part) + 1
        self.lengths = [len(p) for p in parts]

    def entry_at(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1

    def find(self, needle: str, limit: int, skip: int = 0):
        """Yield entry numbers where `needle` occurs (needle may include the \\n borders)."""
        text, pos, found = self.text, 0, 0
        while found < limit:
            pos = text.find(needle, pos)
            if pos < 0:
                return
            entry = self.entry_at(pos + skip)
            pos += 1
            if entry >= 0 and self.lengths[entry] > 0:
                found += 1
                yield entry


def _name_key(name: str) -> str:
    return name.lower() if any(is_cjk(c) for c in name) else fold_latin(name)


class SearchIndex:
    def __init__(self, store: Store):
        self.store = store
        self.generation = -1
        self.rows: list[tuple] = []
        self.fields: dict[str, _FieldIndex] = {}

    def refresh(self, force: bool = False) -> None:
        generation = self.store.registrant_generation()
        if generation == self.generation and not force:
            return
        rows = self.store.reader().execute(
            "SELECT code, name, organisation, category, phone, missing, pinyin, initials "
            "FROM registrants ORDER BY pinyin, code"
        ).fetchall()
        self.rows = [tuple(r) for r in rows]
        self.fields = {
            "code": _FieldIndex([r[0].lower() for r in rows]),
            "name": _FieldIndex([_name_key(r[1]) for r in rows]),
            "organisation": _FieldIndex([fold_latin(r[2] or "") for r in rows]),
            "phone": _FieldIndex([r[4] or "" for r in rows]),
            "pinyin": _FieldIndex([r[6] for r in rows]),
            "initials": _FieldIndex([r[7] for r in rows]),
        }
        self.generation = generation

    def _plans(self, query: str) -> list[tuple[int, str, str, int]]:
        """(tier, field, needle, offset into needle of the match) in rank order."""
        q = fold_latin(query.strip()) if not any(is_cjk(c) for c in query) else query.strip().lower()
        compact = re.sub(r"[\s']+", "", q)
        if not compact:
            return []
        plans = []
        fields = [f for f in FIELDS if self._applies(f, compact)]
        for tier in (EXACT, PREFIX, SUBSTRING):
            for field in fields:
                needle = q if field in ("name", "organisation") else compact
                if field == "phone":
                    forms = {EXACT: ("\n" + needle + "\n", 1), PREFIX: (needle + "\n", 0)}
                    if tier in forms:
                        plans.append((tier, field, *forms[tier]))
                    continue
                if field == "initials" and tier == SUBSTRING:
                    continue
                if field == "pinyin" and tier == SUBSTRING and len(compact) < 3:
                    continue  # 'an' inside every other pinyin is noise, not a match
                form = {EXACT: ("\n" + needle + "\n", 1), PREFIX: ("\n" + needle, 1),
                        SUBSTRING: (needle, 0)}[tier]
                plans.append((tier, field, *form))
        return plans

    @staticmethod
    def _applies(field: str, q: str) -> bool:
        has_cjk = any(is_cjk(c) for c in q)
        if field == "phone":
            return q.isdigit() and len(q) >= MIN_PHONE_TAIL
        if field in ("pinyin", "initials"):
            return q.isascii() and q.isalpha()
        if field == "code":
            return not has_cjk
        return True

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        self.refresh()
        best: dict[int, tuple[int, str]] = {}
        for tier, field, needle, skip in self._plans(query):
            if len(best) >= limit:
                break
            for entry in self.fields[field].find(needle, limit, skip):
                if entry not in best:
                    best[entry] = (tier, field)
                    if len(best) >= limit:
                        break
        hits = []
        for entry, (tier, field) in best.items():
            code, name, org, category, phone, missing, *_ = self.rows[entry]
            hits.append(Hit(code, name, org, category, phone, bool(missing), field, tier))
        return self._with_arrival(hits)

    def _with_arrival(self, hits: list[Hit]) -> list[Hit]:
        if not hits:
            return hits
        marks = ",".join("?" * len(hits))
        arrived = {r[0].upper() for r in self.store.reader().execute(
            f"SELECT code FROM admissions WHERE station = 'registration' AND code IN ({marks})",
            [h.code for h in hits])}
        return [Hit(**{**h.__dict__, "arrived": h.code.upper() in arrived}) for h in hits]
