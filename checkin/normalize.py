"""Turn the values registration websites export into canonical ones.

Each normaliser returns (value, problem); problem is None or a short message for the
import report. A value that cannot be understood is never silently dropped: the
importer keeps the raw text in the registrant's extra data.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import compress, repeat
from operator import eq, itemgetter, mod, mul

from .i18n import _
from .model import FREE, PAID, REFUNDED, UNPAID, EventConfig
from .pinyin import is_cjk

_SPACES = re.compile(r"[\s\u3000]+")
_NON_DIGITS = re.compile(r"\D")
_CATEGORY_NOISE = re.compile(r"[\s/_-]")
_MONEY_NOISE = re.compile(r"[¥￥,，元\sRMBCNY]", re.I)


def text(value) -> str:
    """A cell as trimmed text; Excel numbers lose their '.0'; an empty number cell (NaN) is ''."""
    if type(value) is str:  # the common case first: this runs for every cell
        return value.replace("\u3000", " ").strip()
    if value is None:
        return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if value.is_integer():
            value = int(value)
    return str(value).replace("\u3000", " ").strip()


# What a registration code may look like: the same rule for the importer, the desk and the
# QR payload parser, so that every code that can be imported can also be scanned.
MAX_CODE_CHARS = 64
CODE_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._:/#+-]*$")


def code(value) -> tuple[str, str | None]:
    raw = text(value)
    if raw.isascii() and len(raw) <= MAX_CODE_CHARS and CODE_PATTERN.match(raw):
        return raw, None  # already clean (no spaces, nothing for NFKC to change): most rows
    cleaned = _SPACES.sub("", unicodedata.normalize("NFKC", raw))
    if not cleaned:
        return "", "no registration code"
    if len(cleaned) > MAX_CODE_CHARS or not CODE_PATTERN.match(cleaned):
        return "", (f"registration code {raw[:40]!r} cannot be scanned (letters, digits and "
                    f". _ : / # + - only, at most {MAX_CODE_CHARS} characters)")
    return cleaned, None


def name(value) -> tuple[str, str | None]:
    """Trim; '程 琤' (one CJK, a space, one CJK) -> '程琤'; other inner spaces become one."""
    raw = "" if value is None else str(value)
    cleaned = _SPACES.sub(" ", raw.strip("\u3000 \t\r\n"))
    if len(cleaned) == 3 and cleaned[1] == " " and is_cjk(cleaned[0]) and is_cjk(cleaned[2]):
        cleaned = cleaned[0] + cleaned[2]
    # No Unicode normalisation: NFC would turn CJK compatibility ideographs, which some
    # rare names need, into other characters.
    return cleaned, None if cleaned else "no name"


def phone(value) -> tuple[str | None, str | None]:
    """A mainland mobile number as 11 digits, from '138 1234 5678', '+86-138...', 1.38e10 ..."""
    raw = text(value)  # Excel number cells arrive as 13812345678.0
    if raw.endswith(".0") and raw[:-2].isdigit():
        raw = raw[:-2]  # the same number once saved to CSV as text
    if not raw:
        return None, None
    if len(raw) == 11 and raw.isascii() and raw.isdigit() and raw[0] == "1":
        return raw, None  # already clean: most rows
    digits = _NON_DIGITS.sub("", unicodedata.normalize("NFKC", raw))
    for prefix in ("0086", "86"):
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            digits = digits[len(prefix):]
    if len(digits) == 11 and digits.startswith("1"):
        return digits, None
    return None, f"phone {raw!r} is not an 11-digit mobile number (kept in extra data)"


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email(value) -> tuple[str | None, str | None]:
    raw = text(value)
    if not raw:
        return None, None
    cleaned = unicodedata.normalize("NFKC", raw).strip().lower().replace(" ", "")
    if _EMAIL.match(cleaned):
        return cleaned, None
    return None, f"e-mail {raw!r} does not look like an address (kept in extra data)"


# Canonical category -> words exports use for it (compared case-insensitively, spaces removed).
CATEGORY_ALIASES: dict[str, tuple[str, ...]] = {
    "嘉宾/专家": ("嘉宾", "专家", "特邀嘉宾", "嘉宾专家", "vip", "guest", "speaker", "expert",
               "invitedguest"),
    "评委": ("评审", "评审专家", "jury", "judge"),
    "参赛团队": ("参赛", "参赛队员", "参赛选手", "团队成员", "参赛人员", "team", "competitor",
             "teammember", "contestant"),
    "参会代表": ("代表", "参会人员", "普通参会", "普通代表", "参会", "delegate", "attendee",
             "participant", "regular"),
    "学生": ("学生代表", "在校学生", "student"),
    "媒体": ("记者", "媒体记者", "press", "media", "journalist"),
    "展商": ("参展商", "参展", "展商代表", "exhibitor", "sponsor"),
    "工作人员": ("志愿者", "会务", "会务组", "staff", "volunteer", "organiser", "organizer"),
}
def category_key(word: str) -> str:
    """How category words are compared: 'Invited Guest' ~ 'invitedguest', '嘉宾/专家' ~ '嘉宾专家'."""
    return _CATEGORY_NOISE.sub("", word.lower())


_CATEGORY_LOOKUP = {
    category_key(w): canon
    for canon, words in CATEGORY_ALIASES.items()
    for w in (canon, *words)
}


def event_category_words(config: EventConfig) -> dict[str, str]:
    """The event's own category names and aliases, keyed as `category` compares them."""
    return {category_key(word): c.name for c in config.categories for word in (c.name, *c.aliases)}


def category(value, event_words: dict[str, str] | None = None) -> tuple[str | None, str | None]:
    """The canonical category. `event_words` (category_key -> name: the event's own
    categories and their aliases) win over the built-in words."""
    raw = text(value)
    if not raw:
        return None, None
    key = category_key(raw)
    if event_words and key in event_words:
        return event_words[key], None
    return _CATEGORY_LOOKUP.get(key, raw), None


PAYMENT_WORDS: dict[str, tuple[str, ...]] = {
    PAID: ("已缴费", "已缴", "已付款", "已支付", "已付", "支付成功", "缴费成功", "已交费", "paid", "yes",
           "y", "complete", "completed", "是", "✓", "√", "现场缴费", "现场缴", "现场支付", "现场付款",
           "onsite", "on-site", "paidonsite", "paid-on-site"),
    UNPAID: ("未缴费", "未缴", "未付款", "未支付", "待支付", "待付款", "待缴费", "未交费", "unpaid",
             "pending", "no", "n", "否", "open"),
    REFUNDED: ("已退款", "退款", "已退费", "退费", "退款成功", "refunded", "refund", "cancelled",
               "canceled"),
    FREE: ("免费", "免缴", "免费参会", "无需缴费", "赠票", "free", "complimentary", "comp", "waived"),
}
_PAYMENT_LOOKUP = {w.lower(): canon for canon, words in PAYMENT_WORDS.items() for w in words}


@lru_cache(maxsize=1024)
def payment(value) -> tuple[str | None, str | None]:
    raw = text(value)
    if not raw:
        return None, None
    canon = _PAYMENT_LOOKUP.get(raw.lower().replace(" ", ""))
    if canon:
        return canon, None
    return raw, f"payment status {raw!r} is not one we know; the desk will treat it as unpaid"


def amount(value) -> tuple[float | None, str | None]:
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value), None
    return _amount_text(text(value))


@lru_cache(maxsize=4096)  # amounts repeat from row to row
def _amount_text(raw: str) -> tuple[float | None, str | None]:
    if not raw:
        return None, None
    for candidate in (raw, _MONEY_NOISE.sub("", raw)):
        try:
            number = float(candidate)
        except ValueError:
            continue
        if math.isfinite(number):
            return number, None
    return None, f"amount {raw!r} is not a number (kept in extra data)"


GENDERS = {"男": "男", "m": "男", "male": "男", "男性": "男", "先生": "男",
           "女": "女", "f": "女", "female": "女", "女性": "女", "女士": "女"}


@lru_cache(maxsize=1024)
def gender(value) -> tuple[str | None, str | None]:
    raw = text(value)
    if not raw:
        return None, None
    return GENDERS.get(raw.lower(), raw), None


_LIST_SEPARATORS = re.compile(r"[、,，;；|\n]+")


def items(value) -> list[str]:
    """'6月26日午餐、6月27日午餐' -> ['6月26日午餐', '6月27日午餐'], order kept, no repeats."""
    return list(_items(value))


@lru_cache(maxsize=16384)  # meal and forum lists repeat from row to row
def _items(value) -> tuple[str, ...]:
    raw = text(value)
    seen: dict[str, None] = {}
    if not raw:
        return ()
    for part in _LIST_SEPARATORS.split(raw):
        part = " ".join(part.split())
        if part:
            seen.setdefault(part, None)
    return tuple(seen)


_TRUTHY = {"是", "y", "yes", "1", "✓", "√", "true", "需要", "有", "x", "参加", "用餐"}


def truthy(value) -> bool:
    return text(value).lower() in _TRUTHY


_FALSY = {"否", "n", "no", "0", "false", "不", "无", "×", "-"}


def flag(value) -> tuple[bool, str | None]:
    """A yes/no cell or typed value (是/否, yes/no, 1/0, ✓, true): an empty one is no."""
    if isinstance(value, bool):
        return value, None
    word = text(value).lower()
    if not word or word in _FALSY:
        return False, None
    if word in _TRUTHY:
        return True, None
    return False, _("{value!r} is not yes or no ({yes}/{no})").format(
        value=text(value), yes="是", no="否")


@lru_cache(maxsize=65536)  # organisations, titles, teams repeat from row to row
def optional(value) -> tuple[str | None, str | None]:
    raw = " ".join(text(value).split())
    return (raw or None), None


# -- 身份证号 and 学分卡号 (CME credit: docs/cme.md) ---------------------------------------------
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_BYTES_OFFSET = ord("0") * sum(_ID_WEIGHTS)
_ID_CHECK = "10X98765432"  # the check character for each remainder 0 ... 10
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
# "1.10101199003074E+17": a number cell saved as text, its last digits lost.
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.I)
_CARD_SHAPE = re.compile(r"^[0-9A-Z-]{1,40}$")


def id_check_digit(first17: str) -> str:
    """The check character of a Chinese resident ID number (GB 11643, ISO 7064 MOD 11-2)
    from its first 17 digits: each digit times its weight (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8
    4 2), the sum modulo 11 picks the character from 1 0 X 9 8 7 6 5 4 3 2.
    "11010519491231002" -> "X"; "11010119900307425" -> "8"."""
    if first17.isascii() and first17.isdigit() and len(first17) == 17:  # bytes: 48 + digit
        return _ID_CHECK[(sum(map(mul, first17.encode(), _ID_WEIGHTS)) - _ID_BYTES_OFFSET) % 11]
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def _card_text(value) -> str | None:
    """A number as typed or exported: no spaces (also inner and full-width ones), full-width
    characters made half-width, x as X, a leading ' (Excel's text mark) dropped. None: a
    number cell (Excel made the column numbers)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None
    raw = unicodedata.normalize("NFKC", text(value))
    return _SPACES.sub("", raw).lstrip("'").replace("x", "X")


def _excel_number() -> str:
    return _("Excel turned the ID number into a number and lost its last digits; format the "
             "column as text in the export")


def id_number(value) -> tuple[str | None, str | None]:
    """A 身份证号 as its 18 characters (17 digits and a digit or X) with a right check digit;
    anything else is refused in words (its value is quoted only when it is 18 digits, which
    masking hides from the desk role)."""
    if type(value) is str and len(value) == 18 and value.isascii() and _ID_SHAPE.match(value) \
            and id_check_digit(value[:17]) == value[17]:
        return value, None  # already clean, nothing to trim or fold: most rows
    if value is None or value == "":
        return None, None
    cleaned = _card_text(value)
    if cleaned is None:
        if isinstance(value, float) and not math.isfinite(value):
            return None, None
        return None, _excel_number()
    if not cleaned:
        return None, None
    if _SCIENTIFIC.match(cleaned):
        return None, _excel_number()
    if len(cleaned) != 18:
        return None, _("an ID number has 18 characters; this one has {0}").format(len(cleaned))
    if not _ID_SHAPE.match(cleaned):
        return None, _("an ID number is 17 digits and a digit or X; this one has other "
                       "characters")
    expected = id_check_digit(cleaned[:17])
    if cleaned[17] != expected:
        if cleaned.endswith("000"):  # 15 significant digits: what Excel keeps of a number
            return None, _excel_number()
        return None, _("ID number {number}: the check digit should be {digit}").format(
            number=cleaned, digit=expected)
    return cleaned, None


def cme_card(value) -> tuple[str | None, str | None]:
    """A 学分卡号 (CME card number): letters and digits, written as id_number writes them."""
    if value is None or value == "" or (isinstance(value, float) and not math.isfinite(value)):
        return None, None
    if isinstance(value, int) and not isinstance(value, bool) or (
            isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        value = str(int(value))  # a short card number read as a number cell is still whole
    cleaned = _card_text(value)
    if cleaned is None:
        return None, _("Excel turned the CME card number into a number and lost its last "
                       "digits; format the column as text in the export")
    if not cleaned:
        return None, None
    if not _CARD_SHAPE.match(cleaned.upper()):
        return None, _("a CME card number is letters and digits; this one has other "
                       "characters")
    return cleaned.upper(), None


# Which normaliser reads which registrant field (the importer and the desk share it).
FIELD_NORMALISERS = {
    "name": name, "phone": phone, "email": email, "payment": payment, "amount": amount,
    "gender": gender, "organisation": optional, "title": optional, "track": optional,
    "team": optional, "remarks": optional, "id_number": id_number, "cme_card": cme_card,
    "wall_hidden": flag,
}

# Which cells of a column a normaliser gives back unchanged and without a problem: those
# are already clean (issue 17: the importer finds them in a few C calls and runs the
# normaliser only on the others). Each checker takes a column of texts and gives a truth
# value per cell (TypeError on anything else). Tested against each normaliser on every
# fixture cell and on random text (tests/test_import_speed.py).
def _matching(pattern: str) -> Callable[[Sequence], Iterable]:
    return functools.partial(map, re.compile(pattern).fullmatch)


_ID_CLEAN = re.compile(r"[0-9]{17}[0-9X]")


def _right_id_numbers(column: Sequence) -> list[bool]:
    """Which cells are ID numbers with a right check digit. The weights 7 9 10 5 ... are
    2^17, 2^16 ... modulo 11, so the weighted sum is 2 * int(first 17, base 13) modulo 11
    (13 = 2 modulo 11): one C call per number instead of 17 multiplications."""
    shaped = list(map(bool, map(_ID_CLEAN.fullmatch, column)))
    cells = list(compress(column, shaped))
    sums = map(int, map(itemgetter(slice(17)), cells), repeat(13))
    expected = map(_ID_CHECK.__getitem__, map(mod, map(mul, sums, repeat(2)), repeat(11)))
    right = iter(list(map(eq, expected, map(itemgetter(17), cells))))
    return [ok and next(right) for ok in shaped]


ALREADY_CLEAN: dict[Callable, Callable[[Sequence], Iterable]] = {
    code: _matching(rf"[0-9A-Za-z][0-9A-Za-z._:/#+-]{{0,{MAX_CODE_CHARS - 1}}}"),
    name: _matching(r"\S+"),  # no space to trim or fold
    phone: _matching(r"1[0-9]{10}"),
    email: _matching(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+"),
    optional: _matching(r"\S+(?: \S+)*"),
    id_number: _right_id_numbers,
}
