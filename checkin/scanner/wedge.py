"""Tell a handheld scanner from a person typing, on the keyboard both use.

A USB scanner in keyboard mode "types" the whole code in a burst, keys a few milliseconds
apart, followed by its terminator: Enter (most), Tab, or nothing (then a short silence ends
the burst). People type 60 ms or more apart. A run of keys is a scan only when it is
scanner-fast *and* ends with the scanner's terminator (`ScannerProfile`, learnt once in
Settings from a test code: `learn_profile`); anything else is a person's typing and stays
where it was typed. So fast typing in a form never becomes a phantom scan.

Qt-free: the desk window feeds it key events; tests feed it timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass

END_KEYS = {"\r", "\n", "\t"}
TERMINATORS = ("enter", "tab", "none")  # what a scanner sends after the code
TEST_CODE = "CHECKIN-SCANNER-TEST-4711"  # shown in Settings to learn a scanner's profile


@dataclass(frozen=True)
class ScannerProfile:
    terminator: str = "enter"  # enter | tab | none (a silence ends the burst)
    max_gap_s: float = 0.035  # keys closer than this belong to one burst

    def __post_init__(self):
        if self.terminator not in TERMINATORS:
            raise ValueError(f"scanner terminator must be one of {', '.join(TERMINATORS)}")


class ProfileError(ValueError):
    """What was read while learning a scanner is not the test code; the message says why."""


def learn_profile(keys: list[tuple[str, float]], expected: str = TEST_CODE) -> ScannerProfile:
    """The profile of a scanner from the keys (key, time in seconds) it sent for the test
    code: its terminator, and a burst gap with room to spare (1.5 times its slowest gap plus
    5 ms, between 15 and 80 ms: slower than that is a person typing)."""
    text = "".join(k for k, _ in keys if k not in END_KEYS)
    if text != expected:
        raise ProfileError(f"read {text[:40]!r}, not the test code {expected!r}: scan the "
                           "test code again (and nothing else)")
    last = keys[-1][0]
    terminator = "enter" if last in ("\r", "\n") else "tab" if last == "\t" else "none"
    times = [t for k, t in keys if k not in END_KEYS]
    slowest = max(b - a for a, b in zip(times, times[1:], strict=False))
    if slowest > 0.08:
        raise ProfileError("those keys came as slowly as a person types: scan the test code "
                           "with the handheld scanner")
    return ScannerProfile(terminator, min(0.08, max(0.015, slowest * 1.5 + 0.005)))


@dataclass(frozen=True)
class WedgeEvent:
    kind: str  # "scan": a scanner burst; "typed": keys a person typed
    text: str
    ended_by: str = ""  # "enter", "tab", "silence" or "" (typed)


class WedgeDetector:
    def __init__(self, profile: ScannerProfile | None = None, *,
                 max_gap_s: float | None = None, end_silence_s: float = 0.1,
                 min_length: int = 4):
        self.profile = profile or ScannerProfile()
        # keys closer than this belong to one burst
        self.max_gap_s = self.profile.max_gap_s if max_gap_s is None else max_gap_s
        self.end_silence_s = end_silence_s  # a burst with no terminator ends after this quiet
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
            if self._is_burst() and self._ends_a_scan(ended):
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

    def _ends_a_scan(self, ended_by: str) -> bool:
        """The scanner's own terminator (a scanner set to send none: any end)."""
        if self.profile.terminator == "none":
            return ended_by in ("enter", "tab", "silence")
        return ended_by == self.profile.terminator

    def _flush(self, ended_by: str) -> list[WedgeEvent]:
        if not self._keys:
            return []
        text = "".join(self._keys)
        is_scan = self._is_burst() and self._ends_a_scan(ended_by)
        self._keys, self._times = [], []
        if is_scan:
            return [WedgeEvent("scan", text, ended_by)]
        return [WedgeEvent("typed", text)]
