"""Frame sources with real files; the camera faked only at the hardware edge."""

import cv2
import numpy as np
import pytest
from conftest import BLACKBOX

from checkin.scanner.sources import (
    CameraSource,
    ImageFolderSource,
    SourceError,
    StillImageSource,
    VideoFileSource,
    load_image,
)
from testkit.frames import code_shown_for, frame_with


def test_still_image_once_then_finished(tmp_path):
    path = tmp_path / "shot.png"
    cv2.imwrite(str(path), frame_with(["A-1"]))
    source = StillImageSource(path)
    assert source.read().shape == (720, 1280, 3)
    assert source.read() is None and source.finished


def test_folder_source_reads_images_in_order_and_skips_broken_files(tmp_path):
    (tmp_path / "sub").mkdir()
    cv2.imwrite(str(tmp_path / "b.png"), frame_with(["B"]))
    cv2.imwrite(str(tmp_path / "sub" / "c.jpg"), frame_with(["C"]))
    (tmp_path / "a.png").write_bytes(b"not really a png")
    source = ImageFolderSource(tmp_path)
    frames = []
    while not source.finished:
        frame = source.read()
        if frame is not None:
            frames.append(source.current.name)
    assert frames == ["b.png", "c.jpg"]


def test_gif_and_non_ascii_paths_load(tmp_path):
    gifs = sorted(BLACKBOX.rglob("*.gif"))
    if gifs:
        assert load_image(gifs[0]).ndim == 3
    path = tmp_path / "参会凭证 截图.png"
    path.write_bytes(cv2.imencode(".png", frame_with(["X"]))[1].tobytes())
    assert load_image(path).shape == (720, 1280, 3)
    with pytest.raises(SourceError, match="not an image"):
        (tmp_path / "notes.txt").write_text("hello")
        load_image(tmp_path / "notes.txt")


def test_video_file_plays_every_frame_then_ends(tmp_path):
    video = code_shown_for(tmp_path / "v.avi", "SHIC2026-000002", seconds=1.0)
    source = VideoFileSource(video)
    count = 0
    while (frame := source.read()) is not None:
        assert frame.shape == (720, 1280, 3)
        count += 1
    assert count == 60 and source.finished
    with pytest.raises(SourceError):
        VideoFileSource(tmp_path / "missing.mp4")


class FakeCapture:
    """cv2.VideoCapture at the hardware edge: plays real frames; can be 'unplugged'."""

    plugged = True

    def __init__(self, index):
        self.open = FakeCapture.plugged

    def isOpened(self):
        return self.open

    def set(self, prop, value):
        return True

    def read(self):
        if FakeCapture.plugged and self.open:
            return True, frame_with(["CAM-1"])
        return False, None

    def release(self):
        self.open = False


def test_camera_unplugged_and_plugged_back():
    now = [0.0]
    FakeCapture.plugged = True
    camera = CameraSource(0, opener=FakeCapture, retry_s=1.0, clock=lambda: now[0])
    assert isinstance(camera.read(), np.ndarray) and camera.state == "live"
    FakeCapture.plugged = False
    for _ in range(3):
        assert camera.read() is None
    assert camera.state == "lost" and "retrying" in camera.message
    now[0] += 1.5
    assert camera.read() is None and camera.state == "lost"  # still unplugged
    assert "not available" in camera.message
    FakeCapture.plugged = True
    assert camera.read() is None  # waits for the next retry, does not spin
    now[0] += 1.5
    assert camera.read() is not None and camera.state == "live"
    camera.close()
    assert camera.finished and camera.read() is None
