"""Report a code once while it stays in view.

A phone held up to the camera shows the same code in 30 frames a second, and the decoder
misses it in some of them. A code is reported when it is first seen; again only after it
has been out of view for `gone_after_s` (a few missed frames do not count as leaving),
or after `repeat_after_s` if it is held in view that long. State is per instance: two
cameras, two debouncers.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable


class Debouncer:
    def __init__(self, *, gone_after_s: float = 0.7, repeat_after_s: float = 10.0,
                 clock: Callable[[], float] = time.monotonic):
        self.gone_after_s = gone_after_s
        self.repeat_after_s = repeat_after_s
        self._clock = clock
        self._last_seen: dict[str, float] = {}
        self._last_reported: dict[str, float] = {}

    def feed(self, texts: Iterable[str], now: float | None = None) -> list[str]:
        """The codes seen in one frame -> those to report now (new, back, or held long)."""
        now = self._clock() if now is None else now
        self._forget_gone(now)
        report = []
        for text in dict.fromkeys(texts):  # several codes in one frame: each once
            last = self._last_reported.get(text)
            if last is None or now - last >= self.repeat_after_s:
                report.append(text)
                self._last_reported[text] = now
            self._last_seen[text] = now
        return report

    def _forget_gone(self, now: float) -> None:
        gone = [t for t, seen in self._last_seen.items() if now - seen > self.gone_after_s]
        for text in gone:
            del self._last_seen[text]
            self._last_reported.pop(text, None)

    def reset(self) -> None:
        self._last_seen.clear()
        self._last_reported.clear()
