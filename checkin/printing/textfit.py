"""Fit text into a box: wrap (Chinese breaks between any two characters, Latin at spaces)
and shrink the size until the lines fit, never clipping.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

Measure = Callable[[str, float], float]  # (text, size in pt) -> width in pt
LEADING = 1.18  # line height as a multiple of the font size
HARD_MIN_SIZE = 4.0  # below a template's min_size only to avoid clipping, with a warning
# Punctuation that must not start a line (Chinese typesetting's 避头点).
_NO_LINE_START = set("，。、；：？！）》」』】〕…—–,.;:?!)]}%日")
_TOKENS = re.compile(r"[A-Za-z0-9\u00C0-\u024F\u1E00-\u1EFF'’\-.@&/]+\s*|\s+|.", re.S)


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    size: float
    shrunk_below_min: bool  # the template's min_size was not enough


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for token in _TOKENS.findall(text):
        if tokens and token[0] in _NO_LINE_START:
            tokens[-1] += token  # keep '，' with the character before it
        else:
            tokens.append(token)
    return tokens


def wrap(text: str, width: float, size: float, measure: Measure) -> list[str]:
    """Greedy line filling; a token wider than a whole line is split by character."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if measure((line + token).rstrip(), size) <= width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        token = token.lstrip()
        if measure(token.rstrip(), size) <= width:
            line = token
            continue
        for char in token:  # one word longer than the line: break it where it must
            if line and measure((line + char).rstrip(), size) > width:
                lines.append(line.rstrip())
                line = ""
            line += char
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def fit(text: str, width: float, height: float, *, size: float, min_size: float,
        max_lines: int, measure: Measure) -> Fitted:
    """The largest size (in 0.5 pt steps) at which `text` fits the box."""
    text = " ".join(text.split())

    def fits(s: float) -> list[str] | None:
        lines = wrap(text, width, s, measure)
        ok = (len(lines) <= max_lines and len(lines) * s * LEADING <= height + 0.01
              and all(measure(line, s) <= width + 0.01 for line in lines))
        return lines if ok else None

    steps = [size - 0.5 * i for i in range(int((size - HARD_MIN_SIZE) / 0.5) + 1)]
    lo, hi = 0, len(steps) - 1  # binary search for the first (largest) size that fits
    best = None
    while lo <= hi:
        mid = (lo + hi) // 2
        lines = fits(steps[mid])
        if lines is not None:
            best = (steps[mid], lines)
            hi = mid - 1
        else:
            lo = mid + 1
    if best is None:  # not even at the hard minimum: keep every line, say so
        return Fitted(tuple(wrap(text, width, HARD_MIN_SIZE, measure)), HARD_MIN_SIZE, True)
    chosen, lines = best
    return Fitted(tuple(lines), chosen, chosen < min_size)
