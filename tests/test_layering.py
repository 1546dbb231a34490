"""The core must never import Qt: only checkin/ui may. Checked by importing every module
with PySide6 made unimportable, in a fresh interpreter."""

import subprocess
import sys

from conftest import ROOT

PROBE = r"""
import importlib, pkgutil, sys
class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("Qt imported by core module")
sys.meta_path.insert(0, BlockQt())
import checkin
failed = []
for mod in pkgutil.walk_packages(checkin.__path__, "checkin."):
    if mod.name.startswith("checkin.ui"):
        continue
    try:
        importlib.import_module(mod.name)
    except ImportError as exc:
        failed.append(f"{mod.name}: {exc}")
print("\n".join(failed))
sys.exit(1 if failed else 0)
"""


def test_no_core_module_imports_qt():
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_probe_does_catch_a_qt_import():
    probe = PROBE.replace("import checkin\n", "import checkin\nimport PySide6.QtCore\n", 1)
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
