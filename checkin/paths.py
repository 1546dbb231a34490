"""Where things live on disk, following each platform's conventions."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "CheckinDesk"


def data_dir() -> Path:
    """CHECKIN_HOME overrides the platform's user data folder."""
    override = os.environ.get("CHECKIN_HOME")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db() -> Path:
    """CHECKIN_DB overrides; otherwise the event database in the data folder."""
    override = os.environ.get("CHECKIN_DB")
    return Path(override) if override else data_dir() / "checkin.db"


def log_file() -> Path:
    return data_dir() / "checkin.log"
