"""Pinyin and initials of a person's name, for type-ahead search.

pypinyin reads characters as words; names need the surname reading (单 shan, 曾 zeng,
解 xie, 仇 qiu ...), so the surname is looked up in our own table first.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT

# Surnames whose everyday reading differs from the name reading. Compound surnames first.
SURNAME_READINGS = {
    "尉迟": ["yu", "chi"], "万俟": ["mo", "qi"], "单于": ["chan", "yu"], "澹台": ["tan", "tai"],
    "长孙": ["zhang", "sun"], "令狐": ["ling", "hu"], "诸葛": ["zhu", "ge"], "欧阳": ["ou", "yang"],
    "单": ["shan"], "曾": ["zeng"], "解": ["xie"], "仇": ["qiu"], "区": ["ou"], "朴": ["piao"],
    "查": ["zha"], "盖": ["ge"], "覃": ["qin"], "乐": ["yue"], "缪": ["miao"], "种": ["chong"],
    "翟": ["zhai"], "员": ["yun"], "隗": ["wei"], "秘": ["bi"], "阚": ["kan"], "褚": ["chu"],
    "曲": ["qu"], "宓": ["fu"], "句": ["gou"], "召": ["shao"], "繁": ["po"], "折": ["she"],
    "牟": ["mou"], "过": ["guo"], "华": ["hua"], "燕": ["yan"], "粘": ["nian"], "沈": ["shen"],
    "薄": ["bo"], "陆": ["lu"], "石": ["shi"], "柏": ["bai"], "能": ["nai"], "祭": ["zhai"],
    "尉": ["yu"], "車": ["che"], "车": ["che"], "莘": ["shen"], "冼": ["xian"], "洗": ["xian"],
    "藏": ["zang"], "卜": ["bu"], "贲": ["ben"], "郇": ["xun"], "叶": ["ye"], "纪": ["ji"],
}

CJK_RANGES = (
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F), (0x30000, 0x323AF),
)


_CJK = re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in CJK_RANGES) + "]")


def is_cjk(char: str) -> bool:
    return _CJK.match(char) is not None


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


class FoldTable(dict):
    """str.translate table, filled on first sight of each character: its compatibility
    decomposition without combining marks ('ü' -> 'u', 'ｆ' -> 'f', '（' -> '(').
    Per character is enough because the marks are dropped, so their order never matters;
    translate() then runs in C, which makes indexing 100,000 names fast."""

    def __init__(self, drop: str = ""):
        super().__init__({ord(c): None for c in drop})

    def __missing__(self, codepoint: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(codepoint))
        self[codepoint] = folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        return folded


_FOLD = FoldTable()


def fold_latin(text: str, table: dict = _FOLD) -> str:
    """'Müller' -> 'muller', 'Nguyễn' -> 'nguyen': what a person types on a plain keyboard."""
    return text.translate(table).lower()


@lru_cache(maxsize=65536)
def _given_name_syllables(text: str) -> tuple[str, ...]:
    if len(text) > 1 and not _has_phrase(text):
        # No word in it: pypinyin reads it a character at a time, so do that from cached
        # characters (a whole call costs ~20 us: a second for 50,000 distinct given names).
        return tuple(itertools.chain.from_iterable(map(_given_name_syllables, text)))
    return tuple(lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars)))


def _has_phrase(text: str) -> bool:
    """Whether pypinyin would read part of `text` as a word (its phrase dictionary)."""
    return any(text[i:j] in PHRASES_DICT
               for i in range(len(text) - 1) for j in range(i + 2, len(text) + 1))


_RUNS = re.compile(f"({_CJK.pattern}+)")


def _latin_words(text: str) -> list[str]:
    return "".join(c if c.isalnum() else " " for c in fold_latin(text)).split()


def syllables(name: str) -> list[str]:
    """Pinyin syllables of a name, lower case; Latin words folded ('Müller' -> 'muller');
    punctuation such as the middle dot of minority names dropped. A rare character that
    pypinyin does not know stays as itself, so it can still be typed."""
    result: list[str] = []
    # split() with a group alternates: other text at even places, Chinese runs at odd ones.
    for i, run in enumerate(_RUNS.split(name.strip())):
        if not run:
            continue
        if not i & 1:
            result += _latin_words(run)
            continue
        # The first Chinese run starts with the surname, read apart from the given name:
        # pypinyin would otherwise read both as one word (于思 as 'yu sai').
        surname = ""
        if not result:
            surname = run[:2] if run[:2] in SURNAME_READINGS else run[:1]
            result += SURNAME_READINGS.get(surname) or _given_name_syllables(surname)
        result += _spoken_syllables(run[len(surname):])
    return result


@lru_cache(maxsize=65536)
def _spoken_syllables(text: str) -> tuple[str, ...]:
    return tuple(p for p in _given_name_syllables(text) if p.isalnum())


_ALL_CJK = re.compile(f"{_CJK.pattern}+")


@lru_cache(maxsize=262144)
def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin without spaces, initials), e.g. '单雄信' -> ('shanxiongxin', 'sxx')."""
    if _ALL_CJK.fullmatch(name):  # most names: what syllables() does, from cached halves
        surname = name[:2] if name[:2] in SURNAME_READINGS else name[:1]
        family, given = _surname_keys(surname), _given_keys(name[len(surname):])
        return family[0] + given[0], family[1] + given[1]
    return _keys(syllables(name))


@lru_cache(maxsize=4096)
def _surname_keys(surname: str) -> tuple[str, str]:
    return _keys(SURNAME_READINGS.get(surname) or _given_name_syllables(surname))


@lru_cache(maxsize=65536)
def _given_keys(text: str) -> tuple[str, str]:
    return _keys(_spoken_syllables(text))


def _keys(parts) -> tuple[str, str]:
    return "".join(parts), "".join(p[0] for p in parts if p)
