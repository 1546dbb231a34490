"""The files that ship inside the package, under checkin/assets/, found with importlib.resources
so that a wheel install finds them as well as a source checkout:

    fonts/       the bundled CJK and Latin faces, with their licences and README (printing)
    templates/   badge and voucher layouts, *.toml (printing)
    sounds/      the desk's answer sounds, *.wav, and make_sounds.py that made them (window)
    events/      commented example event files, *.toml (new event, `checkin init`)

Every folder is returned as a real `pathlib.Path`: reportlab and Qt open fonts and sounds by
file name, and a file dialog opens in a folder. An installed wheel, an editable install and
a source checkout all keep the package as plain files, so `files("checkin")` already is a
path. Importing checkin from a zip file (zipimport, a zipapp) is not supported: `asset_dir`
says so instead of returning a path nobody can open.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

PACKAGE = "checkin"
ASSETS = "assets"


def asset_dir(name: str) -> Path:
    """The real folder checkin/assets/<name> (fonts, templates, sounds, events)."""
    folder = files(PACKAGE) / ASSETS / name
    if not isinstance(folder, Path):  # a zip import: a Traversable, not a file on disk
        raise RuntimeError(f"checkin's bundled files must be on disk, not in a zip archive "
                           f"({folder}); install the wheel with pip")
    return folder


def fonts_dir() -> Path:
    return asset_dir("fonts")


def templates_dir() -> Path:
    return asset_dir("templates")


def sounds_dir() -> Path:
    return asset_dir("sounds")


def events_dir() -> Path:
    return asset_dir("events")
