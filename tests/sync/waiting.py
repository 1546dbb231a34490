"""Waiting on a condition with a deadline (never sleeping as synchronisation)."""

import time

from checkin.sync.worker import SyncWorker


def wait_for(predicate, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


class WatchedWorker(SyncWorker):
    """A SyncWorker that lists each wait it starts (None: until triggered), so a test knows
    when a trigger has been handled instead of sleeping and hoping."""

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.waits: list[float | None] = []

    def _wait(self, delay):
        self.waits.append(delay)
        super()._wait(delay)

    def idle(self) -> bool:
        """Waiting until triggered (stopped, or revoked)."""
        return bool(self.waits) and self.waits[-1] is None

    def handle_trigger(self) -> None:
        """Trigger it, and return once it has gone back to waiting."""
        seen = len(self.waits)
        self.trigger()
        assert wait_for(lambda: len(self.waits) > seen), "the worker never handled the trigger"
