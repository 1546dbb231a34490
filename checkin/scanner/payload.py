"""Bytes read from a QR code -> text, or a PayloadError saying why not.

A QR symbol carries bytes, and most symbols say which character set they use only by
convention: UTF-8 today, GB18030/GBK from older Chinese registration systems, Shift_JIS from
Japanese phones. Decoder libraries guess too, differently (zxing-cpp reads short GB18030 names
as Shift_JIS half-width katakana, zbar as Big5), so the bytes are read here, once, with rules
that suit a Chinese desk:

- the plausible readings are UTF-8 (a BOM is dropped), GB18030 (a superset of GBK and
  GB2312), Shift_JIS when that reading is plainly Japanese (kana), the decoder's own text when
  it applied a character set (an ECI or a guess: its text differs from a Latin-1 reading of the
  bytes) and, only when there is no other, Latin-1;
- pure ASCII is UTF-8 at once (codes, URLs, tokens: nearly every real scan);
- otherwise each reading is scored by how natural its non-ASCII characters are (common GB2312
  hanzi, kana, CJK punctuation and Latin accents inside Latin words score high; rare GBK
  characters, stray diacritics, Hebrew points and control characters low), and the best wins;
  ties go to UTF-8, then Japanese, then GB18030, then the decoder. GB18030 accepts almost any
  byte string, so this is what keeps a Japanese Shift_JIS payload (which reads as rare GBK
  characters) and a GB18030 name that happens to be valid UTF-8 (郑爽 reads as two Hebrew/IPA
  marks) apart.
- a reading that is mostly control, private-use or unassigned characters, or whose best
  score is still low, is refused as "undecodable": random bytes are not a registration code
  (short random strings can still pass; tokens.plain_code refuses them later).

Payloads are bounded (MAX_PAYLOAD_BYTES) before any of that, and an empty one is refused.
"""

from __future__ import annotations

import re
import unicodedata

MAX_PAYLOAD_BYTES = 2048  # a version 40 QR holds ~3 kB; a confirmation never needs 2 kB
_BOM = b"\xef\xbb\xbf"
_MIN_NATURALNESS = 0.25  # below it, the non-ASCII characters read like random bytes
_WORD = re.compile(r"[^\W\d_]+")  # runs of letters (CJK ideographs and kana are letters too)
# Half-width katakana that take a voicing mark (dakuten U+FF9E) or a handakuten (U+FF9F).
_VOICEABLE = frozenset("ｳｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾊﾋﾌﾍﾎ")
_SEMI_VOICEABLE = frozenset("ﾊﾋﾌﾍﾎ")


class PayloadError(ValueError):
    """A payload that is not a usable code; reason_code is "empty", "too_long" or "undecodable"."""

    def __init__(self, reason_code: str, message: str):
        super().__init__(message)
        self.reason_code = reason_code


def qr_bytes_to_text(raw: bytes, decoder_text: str | None = None) -> str:
    """The text a QR payload carries (the rules are in the module docstring).

    decoder_text is the decoder library's own reading of raw, if it made one.
    """
    raw = bytes(raw or b"")
    if not raw:
        raise PayloadError("empty", "the code holds no data")
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise PayloadError(
            "too_long", f"payload of {len(raw)} bytes is longer than {MAX_PAYLOAD_BYTES}"
        )
    text = _best_reading(raw, decoder_text)
    if text is None or _is_garbage(text) or _naturalness(text) < _MIN_NATURALNESS:
        raise PayloadError("undecodable", f"{len(raw)} bytes that are not text in a known charset")
    if not text.strip():
        raise PayloadError("empty", "the code holds only blanks")
    return text


def _best_reading(raw: bytes, decoder_text: str | None) -> str | None:
    body = raw[len(_BOM):] if raw.startswith(_BOM) else raw
    utf8 = _try_decode(body, "utf-8")
    if utf8 is not None and utf8.isascii():
        return utf8
    latin1 = raw.decode("latin-1")
    hint = decoder_text
    if not hint or "\ufffd" in hint or hint == latin1:
        hint = None
    gb = _try_decode(raw, "gb18030")
    sjis = _try_decode(raw, "shift_jis")
    if sjis is not None and not looks_japanese(sjis):
        sjis = None  # only plainly Japanese text is read as Shift_JIS without the decoder's word
    japanese = hint is not None and looks_japanese(hint)
    order = (utf8, hint, sjis, gb) if japanese else (utf8, sjis, gb, hint)
    candidates = [text for text in order if text is not None]
    if not candidates:
        return latin1
    return max(candidates, key=_naturalness)  # max keeps the first of equal scores


def _try_decode(raw: bytes, codec: str) -> str | None:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        return None


def looks_chinese(text: str) -> bool:
    """Most non-ASCII characters are common hanzi (GB2312) and the text is not Japanese.

    Real GB18030 text nearly always is (a rare name character like 喆 is the exception, hence
    "most"); Shift_JIS or random bytes read as GB18030 land in the GBK extension areas.
    """
    wide = [c for c in text if not c.isascii()]
    common = sum(1 for c in wide if _in_gb2312(c) and not "\u3041" <= c <= "\u30ff")
    return bool(wide) and common >= 0.6 * len(wide) and _naturalness(text) >= 0.6


def looks_japanese(text: str) -> bool:
    """Full-width kana, or half-width katakana with at least two voicing marks, all placed right.

    GB2312 Chinese read as Shift_JIS also becomes half-width katakana, but its would-be voicing
    marks (bytes 0xDE/0xDF) follow arbitrary kana; in real Japanese text they never do.
    """
    if any("\u3041" <= c <= "\u30ff" for c in text):
        return True
    marks = 0
    for i, c in enumerate(text):
        if c in "ﾞﾟ":
            prev = text[i - 1] if i else ""
            if prev not in (_VOICEABLE if c == "ﾞ" else _SEMI_VOICEABLE):
                return False
            marks += 1
    return marks >= 2


def _naturalness(text: str) -> float:
    """Mean score of the non-ASCII characters of a reading: 1 natural, 0 odd, -1 garbage."""
    japanese = looks_japanese(text)
    total, count = 0.0, 0
    for match in _WORD.finditer(text):
        word = match.group()
        latin_word = any(c.isascii() for c in word)
        for c in word:
            if not c.isascii():
                total += _letter_score(c, word, latin_word, japanese)
                count += 1
    for c in text:
        if not c.isascii() and not _WORD.match(c):
            total += _symbol_score(c)
            count += 1
    return total / count if count else 1.0


def _letter_score(c: str, word: str, latin_word: bool, japanese: bool) -> float:
    o = ord(c)
    if 0x4E00 <= o <= 0x9FFF:
        return 1.0 if _in_gb2312(c) else 0.3
    if 0x3040 <= o <= 0x30FF:
        return 1.0
    if 0xFF66 <= o <= 0xFF9F:
        return 1.0 if japanese else 0.3
    if 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or o > 0xFFFF:
        return 0.3
    if 0xAC00 <= o <= 0xD7A3:
        return 0.8
    if o <= 0x024F:
        return 1.0 if latin_word else 0.2  # "José" yes; "ëë" alone is GB18030 毛毛 misread
    if 0x0370 <= o <= 0x04FF:
        return 1.0 if len(word) >= 3 else 0.1  # Greek, Cyrillic words
    return 0.0


def _symbol_score(c: str) -> float:
    o = ord(c)
    if _is_bad_char(c):
        return -1.0
    if 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF65:
        return 1.0
    if 0x2000 <= o <= 0x206F or 0xA0 <= o <= 0xBF or c in "×÷":
        return 0.5
    return 0.0


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _is_garbage(text: str) -> bool:
    bad = sum(1 for c in text if _is_bad_char(c))
    return bad > 2 and bad > 0.1 * len(text)


def _is_bad_char(char: str) -> bool:
    if char in "\t\n\r":
        return False
    return char == "\ufffd" or unicodedata.category(char) in ("Cc", "Cn", "Co", "Cs")
