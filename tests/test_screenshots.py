"""`checkin-desk --screenshots DIR` writes a PNG of every screen in Chinese and in English,
headless."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytest.importorskip("PySide6")

from PySide6.QtGui import QImage  # noqa: E402

from checkin.ui.screenshots import LANGUAGES, SIZE  # noqa: E402

SCREENS = ["01-start", "02-scan-ok", "03-scan-already", "04-scan-refused", "05-find-person",
           "06-walk-in", "07-dashboard", "08-settings", "09-import", "10-sync-offline",
           "11-connect", "12-reprint", "13-edit", "14-override", "15-clock-wrong"]


def colours(image: QImage) -> int:
    """How many different colours a grid of samples finds: a blank picture has one or two."""
    return len({image.pixel(x, y) for x in range(0, image.width(), 23)
                for y in range(0, image.height(), 17)})


def test_screenshots_of_every_screen_in_both_languages(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}  # headless by itself
    result = subprocess.run([sys.executable, "-m", "checkin.app", "--screenshots",
                             str(tmp_path / "shots")], env=env, capture_output=True, text=True,
                            timeout=300)  # a hang, not a speed limit
    assert result.returncode == 0, result.stderr[-3000:]
    for language in LANGUAGES:
        for screen in SCREENS:
            path = tmp_path / "shots" / language / f"{screen}.png"
            assert path.exists(), path
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert path.stat().st_size > 15_000, path  # a real screen, not a blank one
            image = QImage(str(path))
            assert (image.width(), image.height()) == SIZE, path
            assert colours(image) > 20, path
            assert str(path) in result.stdout
    for screen in SCREENS:  # the two languages really differ
        zh, en = (tmp_path / "shots" / lang / f"{screen}.png" for lang in ("zh", "en"))
        assert zh.read_bytes() != en.read_bytes(), screen
