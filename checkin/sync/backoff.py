"""Exponential backoff with full jitter: wait a random time in [0, ceiling], where the ceiling
starts at 1 s, doubles after each failure and stops at 60 s; a success resets it.

Full jitter (rather than a fixed doubling) keeps twenty desks that lost the network together
from all knocking on the server at the same instant when it comes back.
"""

from __future__ import annotations

import random
from collections.abc import Callable


class Backoff:
    def __init__(self, base: float = 1.0, cap: float = 60.0,
                 rng: Callable[[], float] = random.random):
        if base <= 0 or cap < base:
            raise ValueError("backoff needs 0 < base <= cap")
        self.base = base
        self.cap = cap
        self._rng = rng
        self.failures = 0

    @property
    def ceiling(self) -> float:
        """The longest wait the next failure may bring."""
        return min(self.cap, self.base * 2 ** min(self.failures, 64))

    def next_delay(self) -> float:
        """Record a failure and say how long to wait before the next attempt."""
        delay = self._rng() * self.ceiling
        self.failures += 1
        return delay

    def reset(self) -> None:
        self.failures = 0
