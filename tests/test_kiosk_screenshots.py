"""`checkin-desk --kiosk --screenshots DIR`: every kiosk screen in Chinese and English,
portrait (1080x1920) and landscape (1920x1080), headless, for review by eye."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("PySide6")

from PySide6.QtGui import QImage  # noqa: E402

from checkin.ui.kiosk_screenshots import LANGUAGES, SCREENS, SIZES  # noqa: E402


def colours(image: QImage) -> int:
    return len({image.pixel(x, y) for x in range(0, image.width(), 23)
                for y in range(0, image.height(), 17)})


def test_kiosk_screenshots_in_both_languages_and_orientations(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}  # headless by itself
    result = subprocess.run([sys.executable, "-m", "checkin.app", "--kiosk", "--screenshots",
                             str(tmp_path / "shots")], env=env, capture_output=True, text=True,
                            timeout=300)  # a hang, not a speed limit
    assert result.returncode == 0, result.stderr[-3000:]
    for language in LANGUAGES:
        for orientation, size in SIZES.items():
            for screen in SCREENS:
                path = tmp_path / "shots" / language / orientation / f"{screen}.png"
                assert str(path) in result.stdout
                image = QImage(str(path))
                assert (image.width(), image.height()) == size, path
                assert colours(image) > 4, path  # drawn, not blank
    for orientation in SIZES:  # the two languages really differ (the language button at least)
        zh, en = (tmp_path / "shots" / lang / orientation / "01-start.png" for lang in LANGUAGES)
        assert zh.read_bytes() != en.read_bytes()
