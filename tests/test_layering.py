"""The core must never import Qt: only checkin/ui may. Checked by importing every module
with PySide6 made unimportable, in a fresh interpreter."""

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

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


# -- the layers (import-linter contracts in pyproject.toml) ------------------------------
def _lint_imports(config: Path) -> subprocess.CompletedProcess:
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run([str(lint), "--no-cache", str(config)], cwd=ROOT,
                          capture_output=True, text=True)


def test_every_import_follows_the_layers():
    result = _lint_imports(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_every_top_level_module_has_its_layer():
    """A new module outside every layer would escape the contract: name its layer."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    layers = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    listed = {name.strip() for layer in layers["layers"] for name in re.split(r"[|:]", layer)}
    package = ROOT / "checkin"
    top_level = {f"checkin.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    top_level |= {f"checkin.{p.parent.name}" for p in package.glob("*/__init__.py")}
    assert top_level - listed == set(), "add these to a layer in pyproject.toml"


def test_the_linter_does_catch_an_import_running_up(tmp_path):
    """The store importing the desk (a layer above it) breaks the contract."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT / "checkin", copy / "checkin",
                    ignore=shutil.ignore_patterns("__pycache__", "fonts", "*.ttf", "*.ttc"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    store_init = copy / "checkin" / "store" / "__init__.py"
    store_init.write_text(store_init.read_text(encoding="utf-8")
                          + "\n\ndef _up():\n    from ..desk import Desk  # noqa: F401\n",
                          encoding="utf-8")
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache", "pyproject.toml"], cwd=copy,
                            capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(copy)})
    assert result.returncode != 0 and "checkin.store -> checkin.desk" in result.stdout
