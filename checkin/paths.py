"""Where things live on disk, following each platform's conventions."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import platformdirs

APP_NAME = "CheckinDesk"


def data_dir() -> Path:
    """CHECKIN_HOME overrides the platform's user data folder."""
    override = os.environ.get("CHECKIN_HOME")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def set_data_dir(path: str | Path) -> Path:
    """Use another data folder for the rest of this process (and the programs it starts):
    `checkin-desk --data-dir`. Sets CHECKIN_HOME, which every other path follows."""
    folder = Path(path).expanduser().absolute()
    os.environ["CHECKIN_HOME"] = str(folder)
    return folder


def default_db() -> Path:
    """CHECKIN_DB overrides; otherwise the event database in the data folder."""
    override = os.environ.get("CHECKIN_DB")
    return Path(override) if override else data_dir() / "checkin.db"


def log_file() -> Path:
    return data_dir() / "checkin.log"


def settings_file() -> Path:
    return data_dir() / "settings.json"


def demo_db() -> Path:
    return data_dir() / "demo.db"


def write_problem(folder: str | Path) -> str | None:
    """Why files cannot be written in `folder` (created if missing), or None when they can.
    Tried for real, with a file written and removed: permission bits say nothing about a
    read-only disk, a full one, or a process running as root."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
            pass
    except OSError as exc:
        return f"{folder}: {exc.strerror or exc}"
    return None
