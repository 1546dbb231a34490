"""Type-ahead as a desk uses it: a few characters of a name, pinyin, phone tail, org, code."""

import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from checkin.desk import Desk
from checkin.pinyin import fold_latin, name_keys
from checkin.search import EXACT, PREFIX, SUBSTRING, SearchIndex


@pytest.mark.parametrize("name, full, initials", [
    ("单雄信", "shanxiongxin", "sxx"), ("曾国藩", "zengguofan", "zgf"), ("解缙", "xiejin", "xj"),
    ("仇英", "qiuying", "qy"), ("诸葛亮", "zhugeliang", "zgl"), ("区志强", "ouzhiqiang", "ozq"),
    ("Hans Müller", "hansmuller", "hm"), ("Nguyễn Văn An", "nguyenvanan", "nva"),
    ("阿依古丽·买买提", "ayigulimaimaiti", "ayglmmt"), ("于思", "yusi", "ys"),
    ("Anna李", "annali", "al"), ("陈大文 Peter", "chendawenpeter", "cdwp"),
])
def test_surnames_read_as_surnames(name, full, initials):
    assert name_keys(name) == (full, initials)


def test_rare_characters_do_not_break_pinyin():
    full, initials = name_keys("石秀𠇔")
    assert full.startswith("shixiu") and initials.startswith("sx")


@pytest.fixture
def index(event_store):
    return SearchIndex(event_store)


def test_name_exact_before_prefix_before_substring(index):
    hits = index.search("范俊")
    assert hits[0].name == "范俊" and hits[0].tier == EXACT
    tiers = [h.tier for h in hits]
    assert tiers == sorted(tiers)


def test_pinyin_initials_phone_tail_org_and_code(index):
    assert any(h.code == "SHIC2026-000002" for h in index.search("fanjun"))
    assert any(h.code == "SHIC2026-000002" for h in index.search("fj", limit=50))
    tail = index.search("6987")  # 范俊's phone 13557616987
    assert tail[0].code == "SHIC2026-000002" and tail[0].matched == "phone"
    assert index.search("13557616987")[0].tier == EXACT
    assert all("协和" in h.organisation for h in index.search("协和"))
    code_hits = index.search("shic2026-000002")
    assert code_hits[0].code == "SHIC2026-000002" and code_hits[0].tier == EXACT
    assert index.search("000002")[0].code == "SHIC2026-000002"


def test_rare_character_and_foreign_names_are_found(index):
    assert [h.name for h in index.search("䶮")] != []
    assert all("䶮" in h.name for h in index.search("䶮"))
    assert any(h.name == "Hans Müller" for h in index.search("muller"))
    assert any(h.name == "Hans Müller" for h in index.search("Müller"))


def test_three_digits_are_not_a_phone_tail_and_nonsense_finds_nothing(index):
    assert all(h.matched != "phone" for h in index.search("698"))
    assert index.search("zzzzqqq") == []
    assert index.search("   ") == []


def test_prefix_results_rank_before_substring(index):
    hits = index.search("zhang", limit=30)
    assert hits and all(h.tier in (PREFIX, SUBSTRING) for h in hits)
    assert [h.tier for h in hits] == sorted(h.tier for h in hits)


def test_index_follows_new_registrants_and_arrivals(event_store, index):
    assert index.search("现场报名") == []
    desk = Desk(event_store, operator="a")
    reg, _ = desk.walk_in({"name": "现场报名", "payment": "已缴费"}, check_in=False)
    assert index.search("现场报名")[0].code == reg.code
    assert index.search("现场报名")[0].arrived is False
    desk.override(reg.code, "registration", reason="test", supervisor="boss")
    assert index.search("现场报名")[0].arrived is True


def test_query_and_index_fold_the_same_way(event_store, index):
    desk = Desk(event_store, operator="a")
    desk.walk_in({"name": "程琤", "organisation": "北京大学（医学部）"}, check_in=False)
    assert [h.name for h in index.search("程 琤")] == ["程琤"]
    assert any(h.name == "程琤" for h in index.search("(医学部)"))
    assert any(h.name == "程琤" for h in index.search("（医学部）"))


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_fast_folding_matches_unicode_decomposition(text):
    """The per-character translate table folds exactly as decomposing the whole text does."""
    decomposed = unicodedata.normalize("NFKD", text)
    slow = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    assume("Σ" not in slow.upper())  # final-sigma lower-casing depends on the neighbours
    assert fold_latin(text) == slow
