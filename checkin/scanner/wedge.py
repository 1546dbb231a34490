"""Tell a handheld scanner from a person typing, on the keyboard both use.

A USB scanner in keyboard mode "types" the whole code in a burst, keys a few
milliseconds apart, usually followed by Enter or Tab; some send nothing after the code,
so a short silence also ends a burst. People type 80 ms or more apart. The detector is
fed every key with its time and says, for each finished run of keys, whether it was a
scan (to decide) or typing (to give back to the field that has focus).

Qt-free: the desk window feeds it key events; tests feed it timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass

END_KEYS = {"\r", "\n", "\t"}


@dataclass(frozen=True)
class WedgeEvent:
    kind: str  # "scan": a scanner burst; "typed": keys a person typed
    text: str
    ended_by: str = ""  # "enter", "tab", "silence" or "" (typed)


class WedgeDetector:
    def __init__(self, *, max_gap_s: float = 0.035, end_silence_s: float = 0.1,
                 min_length: int = 4):
        self.max_gap_s = max_gap_s  # keys closer than this belong to one burst
        self.end_silence_s = end_silence_s  # a burst with no Enter ends after this quiet
        self.min_length = min_length  # shorter bursts are a fast typist, not a scanner
        self._keys: list[str] = []
        self._times: list[float] = []

    def feed(self, key: str, at: float) -> list[WedgeEvent]:
        """One key ("a", "7", "-", or "\\r"/"\\n"/"\\t" for Enter/Tab) pressed at time `at`
        (seconds). Returns the runs of keys that this key finished."""
        events = []
        if self._times and at - self._times[-1] > self.max_gap_s:
            # A pause ends what came before: a scanner burst without Enter, or typing.
            events += self._flush(ended_by="silence")
        if key in END_KEYS:
            ended = "tab" if key == "\t" else "enter"
            if self._is_burst():
                events += self._flush(ended_by=ended)
            else:  # a person pressing Enter: their keys and the Enter go back to the field
                events += self._flush(ended_by="")
                events.append(WedgeEvent("typed", key))
            return events
        self._keys.append(key)
        self._times.append(at)
        return events

    def poll(self, now: float) -> list[WedgeEvent]:
        """Call from a timer: ends a burst whose scanner sends no Enter, and gives back
        a person's keys once they pause."""
        if self._times and now - self._times[-1] > max(self.end_silence_s, self.max_gap_s):
            return self._flush(ended_by="silence")
        return []

    @property
    def pending(self) -> str:
        return "".join(self._keys)

    def _is_burst(self) -> bool:
        if len(self._keys) < self.min_length:
            return False
        gaps = [b - a for a, b in zip(self._times, self._times[1:], strict=False)]
        return all(g <= self.max_gap_s for g in gaps)

    def _flush(self, ended_by: str) -> list[WedgeEvent]:
        if not self._keys:
            return []
        text = "".join(self._keys)
        is_scan = self._is_burst() and ended_by in ("enter", "tab", "silence")
        self._keys, self._times = [], []
        if is_scan:
            return [WedgeEvent("scan", text, ended_by)]
        return [WedgeEvent("typed", text)]
