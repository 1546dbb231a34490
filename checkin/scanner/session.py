"""The capture loop: frames in, each code once per appearance out.

Shared by the desk window's scanner thread (checkin/ui/scanner_worker.py) and
`checkin decode --camera/--video`, so both see the same codes from the same frames.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from .debounce import Debouncer
from .sources import FrameSource


def read_codes(source: FrameSource, pipeline, *, on_code: Callable[[str], None],
               on_state: Callable[[str, str], None] = lambda state, message: None,
               on_frame: Callable[[np.ndarray, Sequence], None] | None = None,
               should_stop: Callable[[], bool] = lambda: False,
               idle_sleep_s: float = 0.02) -> int:
    """Read until the source ends or `should_stop()`; returns the number of frames decoded.

    on_code(text): a code that came into view (the Debouncer holds back repeats while it stays);
    on_state(state, message): the source's state changed (live / lost / ... and why);
    on_frame(frame, codes): every decoded frame with what was found in it (previews)."""
    debouncer = Debouncer()
    state = ""
    frames = 0
    while not should_stop():
        frame = source.read()
        current = getattr(source, "state", "live")
        if current != state:
            state = current
            on_state(state, getattr(source, "message", ""))
        if frame is None:
            if source.finished:
                break
            time.sleep(idle_sleep_s)
            continue
        frames += 1
        codes = pipeline.decode(frame)
        for text in debouncer.feed([c.text for c in codes]):
            on_code(text)
        if on_frame is not None:
            on_frame(frame, codes)
    return frames
