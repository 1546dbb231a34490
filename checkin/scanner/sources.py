"""Where frames come from: a camera, a video file, a folder of images, one still image.

All sources share one small interface so the worker, the CLI and the tests do not care
which it is. Only the camera talks to hardware; the others make tests and replays
possible with real images.

The camera opens through OpenCV's native backend of each system (`camera_backends`): Media
Foundation then DirectShow on Windows, AVFoundation on macOS, V4L2 on Linux, each falling back
to OpenCV's own choice (CAP_ANY); the camera says which one opened.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from ..i18n import _

log = logging.getLogger(__name__)

# OpenCV prints a warning on stderr at every failed camera open (once a second while a camera
# is unplugged); the source's own state and message say it once, in plain words.
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}


class SourceError(RuntimeError):
    """A source cannot be used at all; the message says why in plain words."""


class FrameSource(Protocol):
    name: str

    def read(self) -> np.ndarray | None:
        """The next BGR frame, or None when there is none right now (or any more)."""

    @property
    def finished(self) -> bool:
        """True when no frame will ever come again (end of a file or folder)."""

    def close(self) -> None: ...


def load_image(path: str | Path) -> np.ndarray:
    """A BGR image from any path (also non-ASCII paths on Windows, and GIFs)."""
    path = Path(path)
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from exc
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None and data[:4].tobytes() == b"GIF8":  # imdecode has no GIF: the video reader
        capture = cv2.VideoCapture(str(path))
        ok, image = capture.read()
        capture.release()
        image = image if ok else None
    if image is None:
        raise SourceError(f"{path.name} is not an image OpenCV can read")
    return image


def image_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the images inside folders named (sorted), in the order given."""
    found: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            found += sorted(p for p in item.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        elif item.exists():
            found.append(item)
        else:
            raise SourceError(f"no such file or folder: {item}")
    return found


class StillImageSource:
    """One image (a screenshot an attendee sends), given once."""

    def __init__(self, path: str | Path):
        self.name = Path(path).name
        self._image: np.ndarray | None = load_image(path)

    def read(self) -> np.ndarray | None:
        image, self._image = self._image, None
        return image

    @property
    def finished(self) -> bool:
        return self._image is None

    def close(self) -> None:
        self._image = None


class ImageFolderSource:
    """The images of a folder (or a list of files), one per read."""

    def __init__(self, paths: Iterable[str | Path] | str | Path):
        if isinstance(paths, str | Path):
            paths = [paths]
        self.files = image_files(paths)
        self.name = ", ".join(p.name for p in self.files[:3]) + ("…" if len(self.files) > 3 else "")
        self._next = 0
        self.current: Path | None = None

    def read(self) -> np.ndarray | None:
        while self._next < len(self.files):
            self.current = self.files[self._next]
            self._next += 1
            try:
                return load_image(self.current)
            except SourceError:
                continue  # an unreadable file in a folder is skipped, not fatal
        return None

    @property
    def finished(self) -> bool:
        return self._next >= len(self.files)

    def close(self) -> None:
        self._next = len(self.files)


class VideoFileSource:
    """Frames of a recorded video, at the file's own frame rate when `realtime`."""

    def __init__(self, path: str | Path, *, realtime: bool = False):
        self.name = Path(path).name
        if not Path(path).exists():
            raise SourceError(f"no such video: {path}")
        self._capture = cv2.VideoCapture(str(path))
        if not self._capture.isOpened():
            raise SourceError(f"{self.name} is not a video OpenCV can read")
        self.fps = self._capture.get(cv2.CAP_PROP_FPS) or 30.0
        self._realtime = realtime
        self._last = 0.0
        self._done = False

    def read(self) -> np.ndarray | None:
        if self._done:
            return None
        if self._realtime:
            wait = self._last + 1 / self.fps - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()
        ok, frame = self._capture.read()
        if not ok:
            self._done = True
            self._capture.release()
            return None
        return frame

    @property
    def finished(self) -> bool:
        return self._done

    def close(self) -> None:
        self._done = True
        self._capture.release()


BACKEND_NAMES = {cv2.CAP_MSMF: "MSMF", cv2.CAP_DSHOW: "DSHOW",
                 cv2.CAP_AVFOUNDATION: "AVFOUNDATION", cv2.CAP_V4L2: "V4L2", cv2.CAP_ANY: "ANY"}


def camera_backends(platform: str | None = None) -> list[int]:
    """OpenCV's camera backends to try, in order, on `platform` (sys.platform): the system's
    native one(s) first, then CAP_ANY (OpenCV's own order of what this build has).
    Windows: Media Foundation, then DirectShow (older cameras and capture cards); macOS:
    AVFoundation; Linux: V4L2."""
    platform = sys.platform if platform is None else platform
    if platform.startswith("win"):
        native = [cv2.CAP_MSMF, cv2.CAP_DSHOW]
    elif platform == "darwin":
        native = [cv2.CAP_AVFOUNDATION]
    elif platform.startswith("linux"):
        native = [cv2.CAP_V4L2]
    else:
        native = []
    return [*native, cv2.CAP_ANY]


def backend_name(api: int) -> str:
    return BACKEND_NAMES.get(api) or cv2.videoio_registry.getBackendName(api)


class CameraSource:
    """A webcam through OpenCV. Survives being unplugged: it reports 'lost', keeps trying
    to reopen every `retry_s` seconds, and goes 'live' again when the camera is back.

    Each (re)open tries `backends` in order (default: camera_backends(platform), this system's
    native backend first, then CAP_ANY) with `opener(index, backend)`; `backend` then names the
    one that opened, and the message says so while the camera is live (and the log). `opener`
    is cv2.VideoCapture; tests replace it at the hardware edge with a fake capture that plays
    real frames. A replacement `opener` given without `backends` or `platform` is called the
    old way, `opener(index)`, once.
    """

    OPENING, LIVE, LOST, CLOSED = "opening", "live", "lost", "closed"

    def __init__(self, index: int = 0, *, width: int = 1280, height: int = 720, fps: int = 30,
                 retry_s: float = 1.0, opener: Callable | None = None,
                 backends: Sequence[int] | None = None, platform: str | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.index, self.width, self.height, self.fps = index, width, height, fps
        self.name = f"camera {index}"
        self.retry_s = retry_s
        if backends is None and (opener is None or platform is not None):
            backends = camera_backends(platform)
        self._opener = cv2.VideoCapture if opener is None else opener
        self.backends: list[int] | None = None if backends is None else list(backends)
        self.backend = ""  # the backend that opened the camera (BACKEND_NAMES), "" until then
        self._clock = clock
        self._capture = None
        self._next_try = 0.0
        self._failures = 0
        self.state = self.OPENING
        self.message = ""
        self._live_message = ""

    def _attempts(self):
        if self.backends is None:
            yield "", lambda: self._opener(self.index)
            return
        for api in self.backends:
            yield backend_name(api), lambda api=api: self._opener(self.index, api)

    def _open(self) -> bool:
        tried = []
        for name, open_capture in self._attempts():
            capture = open_capture()
            if capture.isOpened():
                break
            capture.release()
            tried.append(name)
        else:
            self.message = (f"camera {self.index} is not available (unplugged or used by another "
                            "app)") + (f"; tried {', '.join(tried)}" if any(tried) else "")
            return False
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        capture.set(cv2.CAP_PROP_FPS, self.fps)
        self._capture = capture
        self.backend = name
        if name == "ANY":  # OpenCV chose: say what it chose
            chosen = getattr(capture, "getBackendName", None)
            with contextlib.suppress(cv2.error):
                self.backend = f"ANY ({chosen()})" if chosen else name
        if self.backend:
            self._live_message = _("camera {index} opened through OpenCV's {backend} "
                                   "backend").format(index=self.index, backend=self.backend)
            log.info("camera %s opened through OpenCV's %s backend (tried first: %s)",
                     self.index, self.backend, ", ".join(tried) or "none")
        return True

    def read(self) -> np.ndarray | None:
        if self.state == self.CLOSED:
            return None
        if self._capture is None:
            if self._clock() < self._next_try:
                return None
            if not self._open():
                self.state = self.LOST
                self._next_try = self._clock() + self.retry_s
                return None
        ok, frame = self._capture.read()
        if ok and frame is not None:
            self._failures = 0
            self.state, self.message = self.LIVE, self._live_message
            return frame
        self._failures += 1
        if self._failures >= 3:  # a few bad reads in a row: the camera has gone
            self._capture.release()
            self._capture = None
            self.state = self.LOST
            self.message = f"camera {self.index} stopped sending pictures; retrying"
            self._next_try = self._clock() + self.retry_s
        return None

    @property
    def finished(self) -> bool:
        return self.state == self.CLOSED

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None
        self.state = self.CLOSED
