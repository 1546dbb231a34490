"""The capture worker in a live Qt event loop, fed by a recorded video."""

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QObject, QThread, QTimer, Slot  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402

from checkin.scanner.sources import CameraSource, VideoFileSource  # noqa: E402
from checkin.ui.scanner_worker import ScannerWorker, start_worker  # noqa: E402
from testkit.frames import code_shown_for  # noqa: E402


class Collector(QObject):
    """Lives in the GUI thread: the worker's signals reach it queued, as they reach a window."""

    def __init__(self):
        super().__init__()
        self.payloads, self.states, self.previews, self.done = [], [], [], False
        self.gui_thread = QThread.currentThread()
        self.delivered_in_gui_thread = True

    @Slot(str)
    def on_payload(self, text):
        self.delivered_in_gui_thread &= QThread.currentThread() is self.gui_thread
        self.payloads.append(text)

    @Slot(str, str)
    def on_state(self, state, message):
        self.states.append((state, message))

    @Slot(QImage)
    def on_preview(self, image):
        self.previews.append(image)

    @Slot()
    def on_finished(self):
        self.done = True


def run_worker(qtbot, worker, timeout=60_000):
    collector = Collector()
    worker.payload.connect(collector.on_payload)
    worker.state_changed.connect(collector.on_state)
    worker.preview.connect(collector.on_preview)
    worker.finished.connect(collector.on_finished)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    thread = start_worker(worker)
    try:
        qtbot.waitUntil(lambda: collector.done, timeout=timeout)
    finally:
        worker.stop()
        thread.quit()
        thread.wait(10_000)
        timer.stop()
    return collector, ticks


def test_a_code_shown_for_two_seconds_is_reported_once(qtbot, tmp_path):
    video = code_shown_for(tmp_path / "desk.avi", "SHIC2026-000002", seconds=2.0)
    worker = ScannerWorker(lambda: VideoFileSource(video), preview_interval_s=0)
    got, ticks = run_worker(qtbot, worker)
    assert got.payloads == ["SHIC2026-000002"] and got.delivered_in_gui_thread
    assert worker.frames == 90
    assert got.previews and got.previews[0].width() == 480
    assert got.states[-1][0] == "finished"
    assert len(ticks) > 10, "the GUI event loop kept running while the worker decoded"


def test_two_codes_shown_one_after_the_other(qtbot, tmp_path):
    first = code_shown_for(tmp_path / "a.avi", "A-0001", seconds=1.0)
    second = code_shown_for(tmp_path / "b.avi", "B-0002", seconds=1.0)
    sources = iter([VideoFileSource(first), VideoFileSource(second)])

    class Playlist:
        name = "playlist"
        current = next(sources)

        def read(self):
            frame = self.current.read()
            if frame is None and self.current.finished:
                self.current = next(sources, self.current)
                frame = self.current.read()
            return frame

        @property
        def finished(self):
            return self.current.finished

        def close(self):
            self.current.close()

    got, _ = run_worker(qtbot, ScannerWorker(Playlist))
    assert got.payloads == ["A-0001", "B-0002"]


def test_a_missing_camera_is_reported_and_stop_ends_the_loop(qtbot):
    class Unplugged:
        def __init__(self, index):
            pass

        def isOpened(self):
            return False

        def release(self):
            pass

    worker = ScannerWorker(lambda: CameraSource(7, opener=Unplugged, retry_s=0.05))
    collector = Collector()
    worker.state_changed.connect(collector.on_state)
    worker.finished.connect(collector.on_finished)
    thread = start_worker(worker)
    try:
        qtbot.waitUntil(lambda: any(s == "lost" for s, _ in collector.states), timeout=5000)
        worker.stop()
        qtbot.waitUntil(lambda: collector.done, timeout=5000)
    finally:
        thread.quit()
        thread.wait(5000)
    assert any("camera 7 is not available" in m for s, m in collector.states if s == "lost")
