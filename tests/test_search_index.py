"""The compact search index (issue 17) answers exactly as the search it replaced: the same
people, fields and tiers, in the same order, on 10,000 random queries of every kind drawn from
the fixture export (2,401 people: Chinese and Latin names, messy phones, long organisations)."""

import random

import pytest

from checkin import search
from checkin.search import SearchIndex
from checkin.store import registrants as reg_store
from testkit.search_reference import ReferenceSearch

QUERIES = 10_000


def fragment(rng: random.Random, text: str | None) -> str:
    text = text or ""
    if not text:
        return ""
    start = rng.randrange(len(text))
    return text[start:start + rng.randint(1, 6)]


CJK = [chr(c) for c in range(0x4E00, 0x4E00 + 400)]


def query_like(rng: random.Random, person) -> str:
    """What staff type for this person, or something that matches nobody."""
    kind = rng.randrange(9)
    if kind < 3:
        return fragment(rng, person[("name", "organisation", "pinyin")[kind]])
    if kind == 3:
        return fragment(rng, person["code"]).lower()
    if kind == 4:
        return (person["phone"] or "")[-rng.randint(4, 11):]
    if kind == 5:
        return person["initials"][:rng.randint(1, 4)]
    if kind == 6:
        return "".join(rng.choice(CJK) for _ in range(rng.randint(1, 3)))
    if kind == 7:
        return str(rng.randrange(10 ** rng.randint(1, 6)))
    return person["name"] + rng.choice(["", " ", "（医学部）"])


def queries(store, rng: random.Random) -> list[str]:
    people = reg_store.search_rows(store.reader())
    return [query_like(rng, rng.choice(people)) for _ in range(QUERIES)]


def answers(hits) -> list[tuple]:
    return [(h.code, h.matched, h.tier, h.name, h.organisation, h.phone) for h in hits]


@pytest.mark.parametrize("pieces_up_to", [search._VERIFY_AT_MOST, 0])  # 0: text scans only
def test_the_compact_index_answers_as_the_search_it_replaced(event_store, monkeypatch,
                                                             pieces_up_to):
    monkeypatch.setattr(search, "_VERIFY_AT_MOST", pieces_up_to)
    new, old = SearchIndex(event_store), ReferenceSearch(event_store)
    rng = random.Random(17)
    differ = [q for q in queries(event_store, rng)
              if answers(new.search(q)) != answers(old.search(q))]
    assert differ == []


def test_it_follows_edits_and_shows_what_the_database_holds_now(event_store):
    index = SearchIndex(event_store)
    assert [h.code for h in index.search("范俊")] == ["SHIC2026-000002"]
    with event_store.transaction() as conn:
        conn.execute("UPDATE registrants SET name = '范俊杰' WHERE code = 'SHIC2026-000002'")
        event_store.bump_registrant_generation(conn)
    assert [h.name for h in index.search("范俊杰")] == ["范俊杰"]
