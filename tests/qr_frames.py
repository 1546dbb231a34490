"""Real QR images for scanner tests, made with zxing-cpp's encoder and OpenCV."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import zxingcpp


def qr_image(text: str, scale: int = 6) -> np.ndarray:
    """A grayscale QR code with its quiet zone."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode)
    image = np.array(barcode.to_image(scale=scale))
    return cv2.copyMakeBorder(image, 4 * scale, 4 * scale, 4 * scale, 4 * scale,
                              cv2.BORDER_CONSTANT, value=255)


def frame_with(texts: list[str], size=(1280, 720), scale: int = 6) -> np.ndarray:
    """A 1280x720 BGR frame: a grey desk with the codes side by side (or nothing)."""
    width, height = size
    frame = np.full((height, width, 3), 90, np.uint8)
    x = 60
    for text in texts:
        code = cv2.cvtColor(qr_image(text, scale), cv2.COLOR_GRAY2BGR)
        h, w = code.shape[:2]
        y = (height - h) // 2
        frame[y:y + h, x:x + w] = code
        x += w + 60
    return frame


def write_video(path: Path, frames: list[np.ndarray], fps: float = 30.0) -> Path:
    """Frames written with a real codec, read back by OpenCV like a recording."""
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    assert writer.isOpened(), "OpenCV cannot write MJPG here"
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def code_shown_for(path: Path, text: str, seconds: float = 2.0, fps: float = 30.0) -> Path:
    """Half a second of empty desk, the code held up for `seconds`, half a second empty.
    Every fifth frame of the code is motion-blurred, as a moving hand makes it."""
    empty = frame_with([])
    shown = frame_with([text])
    blurred = cv2.blur(shown, (25, 1))
    frames = [empty] * int(fps / 2)
    frames += [blurred if i % 5 == 4 else shown for i in range(int(seconds * fps))]
    frames += [empty] * int(fps / 2)
    return write_video(path, frames, fps)
