"""Camera capture and decoding off the GUI thread.

The worker lives in its own QThread: it runs the capture loop (scanner/session.py: decode
pipeline and debouncer) over a FrameSource, and sends back through signals a small preview (a
few per second, with the codes it found outlined) and each debounced payload. The GUI
thread never decodes and never waits on the camera.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import cv2
import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtGui import QImage

from ..scanner.session import read_codes
from ..scanner.sources import FrameSource, SourceError


def to_qimage(frame: np.ndarray, width: int) -> QImage:
    """A scaled RGB copy of a BGR frame (the copy outlives the numpy buffer)."""
    height = max(1, int(frame.shape[0] * width / frame.shape[1]))
    small = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
    rgb = cv2.cvtColor(small, cv2.COLOR_BGR2RGB)
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


class ScannerWorker(QObject):
    payload = Signal(str)  # a code to decide, once per appearance
    preview = Signal(QImage)
    state_changed = Signal(str, str)  # (state, message): live / lost / finished / error
    finished = Signal()

    def __init__(self, open_source: Callable[[], FrameSource], *,
                 make_pipeline: Callable | None = None, preview_width: int = 480,
                 preview_interval_s: float = 0.1, idle_sleep_s: float = 0.02):
        super().__init__()
        self._open_source = open_source
        self._make_pipeline = make_pipeline
        self.preview_width = preview_width
        self.preview_interval_s = preview_interval_s
        self.idle_sleep_s = idle_sleep_s
        self._stopping = False
        self.frames = 0

    @Slot()
    def run(self) -> None:
        """The capture loop; returns when the source ends or stop() is called."""
        from ..scanner.pipeline import DecodePipeline  # numpy/OpenCV work: in this thread

        pipeline = (self._make_pipeline or DecodePipeline)()
        try:
            source = self._open_source()
        except Exception as exc:  # any failure to open: said, and the thread ends cleanly
            self.state_changed.emit("error", str(exc) if isinstance(exc, SourceError)
                                    else f"{type(exc).__name__}: {exc}")
            self.finished.emit()
            return
        try:
            self._loop(source, pipeline)
        except Exception as exc:  # a broken frame or decoder: say so, do not die silently
            self.state_changed.emit("error", f"{type(exc).__name__}: {exc}")
        finally:
            source.close()
            self.state_changed.emit("finished", "")
            self.finished.emit()

    def _loop(self, source: FrameSource, pipeline) -> None:
        last_preview = 0.0

        def show(frame: np.ndarray, codes) -> None:
            nonlocal last_preview
            self.frames += 1
            now = time.monotonic()
            if now - last_preview >= self.preview_interval_s:
                last_preview = now
                for code in codes:
                    if code.points:
                        cv2.polylines(frame, [np.array(code.points, np.int32)], True,
                                      (0, 200, 0), 6)
                self.preview.emit(to_qimage(frame, self.preview_width))

        read_codes(source, pipeline, on_code=self.payload.emit, on_state=self.state_changed.emit,
                   on_frame=show, should_stop=lambda: self._stopping,
                   idle_sleep_s=self.idle_sleep_s)

    def stop(self) -> None:
        """Ask the loop to end after the current frame (safe from any thread)."""
        self._stopping = True


def start_worker(worker: ScannerWorker) -> QThread:
    """Run a worker in a new thread; the thread quits when the worker finishes."""
    thread = QThread()
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.finished.connect(thread.quit)
    thread.start()
    return thread
