"""The one-folder bundle a volunteer double-clicks (issue 14): packaging/checkin-desk.spec builds
it with PyInstaller, and the bundled programs work on their own.

The bundle is built once for this module into a temporary folder (about 45 s here), then each
check of packaging/build.py runs the bundled `checkin` and `checkin-desk` from an empty folder
with a system-only environment (no PYTHONPATH, no virtual environment on PATH, Qt offscreen):
the demo event, a badge for 王𠇔 read back with pypdfium2, its QR code decoded (libzbar loaded
from the bundle), every screen drawn, the window on the demo event, and `checkin serve`
answering /health. `python packaging/build.py` runs the same checks after its build.

CHECKIN_BUNDLE=DIR tests a bundle built before (e.g. dist/bundle/checkin-desk) instead.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD_PY = ROOT / "packaging" / "build.py"

pytestmark = pytest.mark.slow


def _load_build():
    """packaging/build.py as a module (packaging/ is no package: PyPI's `packaging` is one)."""
    spec = importlib.util.spec_from_file_location("checkin_bundle_build", BUILD_PY)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


build = _load_build()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    if os.environ.get("CHECKIN_BUNDLE"):
        folder = Path(os.environ["CHECKIN_BUNDLE"])
    else:
        if importlib.util.find_spec("PyInstaller") is None:
            pytest.skip("PyInstaller is not installed: pip install -e '.[bundle]'")
        base = tmp_path_factory.mktemp("bundle")
        folder = build.build(base / "dist", base / "work")
    return build.Bundle(folder, tmp_path_factory.mktemp("volunteer"))


def test_the_bundle_holds_both_programs_and_the_package_files(bundle):
    folder = bundle.folder
    internal = folder / "_internal"
    for program in ("checkin", "checkin-desk"):
        assert bundle.program(program).is_file()
    for name in ("checkin/assets/fonts/HanaMinB.ttf", "checkin/assets/fonts/wqy-microhei.ttc",
                 "checkin/assets/templates/badge-a6.toml", "checkin/assets/sounds/ok.wav",
                 "checkin/assets/events/shic2026.toml",
                 "checkin/locale/zh_CN/LC_MESSAGES/checkin.mo",
                 "checkin/server/migrations/versions/0001_initial.py"):
        assert (internal / name).is_file(), name
    if sys.platform.startswith("linux"):
        assert (internal / "libzbar.so.0").is_file()
        assert list((internal / "PySide6" / "Qt" / "plugins" / "platforms").glob("*offscreen*"))
    # what the spec leaves out: test tools, the catalogue's maintenance, unused Qt modules
    assert not (internal / "babel").exists() and not (internal / "_pytest").exists()
    assert not list(internal.rglob("*QtWebEngine*")) and not list(internal.rglob("*Qt63D*"))
    assert not list(internal.rglob("*qtvirtualkeyboardplugin*"))
    assert not list((internal / "checkin").rglob("__pycache__"))
    assert build.folder_size(folder) < 800_000_000  # ~620 MB on Linux: OpenCV 170, Qt 145


@pytest.mark.parametrize("check", build.CHECKS, ids=lambda check: check.__name__[6:])
def test_the_bundled_programs_work_on_their_own(bundle, check):
    try:
        said = check(bundle)
    except build.SmokeError as exc:
        pytest.fail(str(exc), pytrace=False)
    print(said)
