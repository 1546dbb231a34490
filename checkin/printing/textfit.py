"""Fit text into a box: break it into lines where a reader expects a break, and shrink the
size until the lines fit, never clipping.

Where a line may break. A small rule set of our own (below), and BudouX for the words of
Chinese text: Google's phrase segmenter made for line breaking (Apache-2.0, pure Python, its
Simplified Chinese model ships in the package), when it is installed. Unicode's own line
breaking (UAX #14) alone does not do: it allows a break between 12月 and 4日 (a digit after
an ideograph), which is exactly what a badge must not print; the rules keep its spirit and
add dates, numbers and units.

  never       inside a number group: digits joined by . , : / - – ~ (2026-12-04, 08:30,
              1,500, 11:30–13:30), with a currency sign before and a unit after it (¥480,
              400人, 30%, 5 km); inside a date or a range of dates written the Chinese way
              (2026年12月4日–5日, 6月25日至28日, 二〇二六年十二月); inside an ordinal (第二届);
              inside a Latin (Greek, Cyrillic...) word; before a mark that must not start a
              line (，。）》… and the middle dots of names) or after one that must not end a
              line (（《“¥). One of these alone wider than its box is the only case that
              breaks inside ("forced"), and only once nothing else fits at the smallest size.
  best        after a space or a punctuation mark.
  good        between Chinese words (BudouX's phrase boundaries); where Chinese meets a
              Latin word or a number; before an opening bracket.
  if needed   after the hyphen of a Latin word (García-/López); between two Han characters
              of one word. Without BudouX every boundary between Han characters is "good".

Among the ways to set a text in the fewest lines, the one with the best breaks and the most
even lines is taken (a small dynamic programme: a badge line holds a few dozen characters).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

try:  # BudouX: see above. Optional: without it every Han character boundary is a word boundary.
    import budoux
except ImportError:  # pragma: no cover - depends on the installation
    budoux = None

Measure = Callable[[str, float], float]  # (text, size in pt) -> width in pt
LEADING = 1.18  # line height as a multiple of the font size
HARD_MIN_SIZE = 4.0  # below a template's min_size only to avoid clipping, with a warning

# Break classes, best first; a break's penalty is added to the layout's cost.
BEST, GOOD, WEAK, FORCED = 0, 1, 2, 3
PENALTY = {BEST: 0.0, GOOD: 0.15, WEAK: 1.0, FORCED: 5.0}
# A size this much smaller is taken when its lines break at better places.
SHRINK_FOR_BREAKS = 0.1

# Chinese typesetting's 避头 (must not start a line) and 避尾 (must not end a line) marks.
NO_LINE_START = set("，。、；：？！）》」』】〕〉〗｝…‥—–,.;:?!)]}%％‰’”·・•‧･ー々")
NO_LINE_END = set("（《「『【〔〈〖｛([{‘“¥￥$€£#")
BREAK_AFTER = set("，。、；：？！）》」』】〕〉〗｝…,;:?!)]}’”·・•‧･")
OPENING = set("（《「『【〔〈〖｛([{‘“")
HYPHENS = set("-‐‑")
WORD_PUNCTUATION = set("'’.&@_+")  # inside a Latin word: O'Brien, Dr., R&D, a@b.org

_DIGITS = r"[0-9０-９]+(?:[.,:：/\-–~～][0-9０-９]+)*"
_HAN_NUMERAL = r"[〇零一二三四五六七八九十百千两]+"
_UNIT = (r"(?:万元|亿元|公里|公斤|小时|分钟|平方米|[年月日号时點点分秒周天晚期届次位名人个元块万亿"
         r"楼层室厅座排岁米克吨升斤%％‰℃°]|\s?(?:mm|cm|km|kg|mg|ml|GB|MB|TB|Hz|MHz|GHz|min|h|pt|px)"
         r"(?![A-Za-z]))")
_QUANTITY = (rf"(?:[¥￥$€£]\s?)?(?:{_DIGITS}(?:{_UNIT})?|{_HAN_NUMERAL}[年月日号])")
_RANGE = r"\s?[–—\-~～至到]\s?"
# A number with its unit, or a date: '2026年12月4日–5日', '6月25日至28日', '08:30–09:00'.
_PROTECTED = re.compile(
    rf"{_QUANTITY}(?:(?:{_RANGE})?{_QUANTITY})*"
    rf"|第(?:[0-9]+|{_HAN_NUMERAL})[届次期章节号名位个天轮场批季]?")


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    size: float
    shrunk_below_min: bool  # the template's min_size was not enough
    forced: bool = False  # a word, number or date had to be broken inside


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _word_char(char: str) -> bool:
    """A letter, digit or mark of a Latin-like word (not a wide Han character)."""
    return (unicodedata.category(char)[0] in "LMN" and not _wide(char)) \
        or char in WORD_PUNCTUATION


@functools.cache
def _segmenter():
    return budoux.load_default_simplified_chinese_parser() if budoux is not None else None


def _phrase_starts(text: str) -> set[int] | None:
    """Where BudouX starts a new phrase (offsets into text), or None without BudouX."""
    parser = _segmenter()
    if parser is None:
        return None
    starts, offset = set(), 0
    for phrase in parser.parse(text):
        offset += len(phrase)
        starts.add(offset)
    return starts


@functools.lru_cache(maxsize=8192)
def break_classes(text: str) -> tuple[int | None, ...]:
    """For each offset i (1 <= i < len(text)), the class of a break between text[i-1] and
    text[i] (BEST, GOOD, WEAK), or None where a line must not break; index 0 is None."""
    classes: list[int | None] = [None] * len(text)
    starts = _phrase_starts(text)
    for i in range(1, len(text)):
        a, b = text[i - 1], text[i]
        if b.isspace() or unicodedata.category(b)[0] == "M" or b in NO_LINE_START \
                or a in NO_LINE_END:
            kind = None
        elif a.isspace() or a in BREAK_AFTER:
            kind = BEST
        elif b in OPENING:  # '大会 / （演示）' is allowed, '大会（演示） / 2026年' preferred
            kind = GOOD
        elif a in HYPHENS:  # García-/López, never Covid-/19
            kind = (WEAK if b.isalpha() else None) if i > 1 and _word_char(text[i - 2]) \
                else None if b.isdigit() else GOOD
        elif b in HYPHENS or b == "/":
            kind = None
        elif a == "/":
            kind = WEAK if _word_char(b) else GOOD
        elif _word_char(a) and _word_char(b):
            kind = None  # inside a Latin word or a number
        elif _wide(a) and _wide(b):
            kind = GOOD if starts is None or i in starts else WEAK
        else:
            kind = GOOD
        classes[i] = kind
    for match in _PROTECTED.finditer(text):
        for i in range(match.start() + 1, match.end()):
            classes[i] = None
    return tuple(classes)


def unbreakable(text: str) -> bool:
    """True when no line may break anywhere in `text` (a time, a date, a word)."""
    return all(kind is None for kind in break_classes(text))


def _pieces(text: str, worst: int) -> list[tuple[str, int]]:
    """`text` cut at every break of class <= worst: [(piece, class of the break after it)].
    With worst == FORCED, also between any two characters (not before a mark or a space)."""
    classes = break_classes(text)
    pieces: list[tuple[str, int]] = []
    start = 0
    for i in range(1, len(text)):
        kind = classes[i]
        if kind is None and worst >= FORCED and not text[i].isspace() \
                and unicodedata.category(text[i])[0] != "M" and not text[i - 1].isspace():
            kind = FORCED
        if kind is not None and kind <= worst:
            pieces.append((text[start:i], kind))
            start = i
    pieces.append((text[start:], BEST))
    return pieces


def wrap(text: str, width: float, size: float, measure: Measure,
         worst: int = FORCED) -> list[str] | None:
    """The lines of `text` at `size`, breaking only at breaks of class <= `worst`: the
    fewest lines, and among those the best breaks and the most even lines. None when a
    piece that cannot be broken at that class is wider than `width` (with FORCED, one
    character wider than the line is set alone on its line)."""
    if not text:
        return [""]
    pieces = _pieces(text, worst)
    n = len(pieces)
    # best[i]: (lines, cost, where the last line starts) for the first i pieces
    best: list[tuple[int, float, int] | None] = [None] * (n + 1)
    best[0] = (0, 0.0, 0)
    for end in range(1, n + 1):
        line = ""
        for start in range(end - 1, -1, -1):
            line = pieces[start][0] + line
            shown = line.strip()
            used = measure(shown, size)
            if used > width and start < end - 1:
                break  # a longer line only gets wider
            if best[start] is None:
                continue
            if used > width and worst < FORCED:
                break  # one piece wider than the line: not at this class
            slack = max(0.0, (width - used) / width) if width > 0 else 0.0
            cost = best[start][1] + slack * slack
            if end < n:
                cost += PENALTY[pieces[end - 1][1]]
            candidate = (best[start][0] + 1, cost, start)
            if best[end] is None or candidate[:2] < best[end][:2]:
                best[end] = candidate
    if best[n] is None:
        return None
    lines: list[str] = []
    end = n
    while end > 0:
        start = best[end][2]
        lines.append("".join(piece for piece, _ in pieces[start:end]).strip())
        end = start
    return lines[::-1]


def fit(text: str, width: float, height: float, *, size: float, min_size: float,
        max_lines: int, measure: Measure) -> Fitted:
    """The largest size (in 0.5 pt steps) at which `text` fits the box, with the best
    breaks that allow it: good breaks down to the template's min_size first, then breaks
    inside Chinese words and after hyphens, then the same below min_size (said, as
    `shrunk_below_min`), and only when nothing else fits even at HARD_MIN_SIZE a word, a
    number or a date broken inside (said, as `forced`)."""
    text = " ".join(text.split())
    steps = [size - 0.5 * i for i in range(int((size - HARD_MIN_SIZE) / 0.5) + 1)] or [size]
    above = [s for s in steps if s >= min_size - 1e-9] or steps[:1]
    below = [s for s in steps if s < min_size - 1e-9]

    def fits(s: float, worst: int) -> list[str] | None:
        lines = wrap(text, width, s, measure, worst)
        ok = (lines is not None and len(lines) <= max_lines
              and len(lines) * s * LEADING <= height + 0.01
              and all(measure(line, s) <= width + 0.01 for line in lines))
        return lines if ok else None

    def largest(sizes: list[float], worst: int) -> tuple[float, list[str]] | None:
        lo, hi = 0, len(sizes) - 1  # binary search for the first (largest) size that fits
        found = None
        while lo <= hi:
            mid = (lo + hi) // 2
            lines = fits(sizes[mid], worst)
            if lines is not None:
                found = (sizes[mid], lines)
                hi = mid - 1
            else:
                lo = mid + 1
        return found

    def better_breaks(sizes: list[float], worst: int, chosen: float, lines: list[str]):
        """A size at most SHRINK_FOR_BREAKS smaller whose lines break at better places
        ('大会 / 2026年…' rather than '创新 / 大会 2026年…'): the best breaks, then the
        largest size."""
        penalty = break_penalty(text, lines)
        for s in sizes[sizes.index(chosen) + 1:]:
            if penalty == 0 or s < chosen * (1 - SHRINK_FOR_BREAKS) - 1e-9:
                break
            other = fits(s, worst)
            if other is not None and break_penalty(text, other) < penalty - 1e-9:
                chosen, lines, penalty = s, other, break_penalty(text, other)
        return chosen, lines

    for sizes, worst in ((above, GOOD), (above, WEAK), (below, WEAK), (steps, FORCED)):
        found = largest(sizes, worst) if sizes else None
        if found is not None:
            chosen, lines = better_breaks(sizes, worst, *found)
            return Fitted(tuple(lines), chosen, chosen < min_size - 1e-9,
                          worst == FORCED and forced_breaks(text, lines) > 0)
    # not even at the hard minimum: keep every line, say so
    lines = wrap(text, width, HARD_MIN_SIZE, measure, FORCED) or [text]
    return Fitted(tuple(lines), HARD_MIN_SIZE, True, forced_breaks(text, lines) > 0)


def line_starts(text: str, lines: list[str] | tuple[str, ...]) -> list[int]:
    """Where in `text` (spaces collapsed, as `fit` sets it) each line after the first begins."""
    starts, position = [], 0
    for line in lines:
        position = text.index(line, position)
        starts.append(position)
        position += len(line)
    return starts[1:]


def break_penalty(text: str, lines: list[str] | tuple[str, ...]) -> float:
    """The penalties of the breaks between `lines` (0: only after spaces and punctuation)."""
    classes = break_classes(text)
    return sum(PENALTY[BEST if text[start - 1].isspace() else
                       FORCED if classes[start] is None else classes[start]]
               for start in line_starts(text, lines))


def forced_breaks(text: str, lines: list[str] | tuple[str, ...]) -> int:
    """How many of the lines begin where a line must not break (inside a word or a date)."""
    classes = break_classes(text)
    return sum(1 for start in line_starts(text, lines) if classes[start] is None)
