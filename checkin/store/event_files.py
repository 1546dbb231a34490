"""What an event database file says about itself before it is opened as a Store: the start
screen lists recent events by name without taking a lock or creating anything."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def event_name(path: Path) -> str:
    """The event's name from its database, read-only and without waiting; "" if unknown
    (no such file, not an event database, a database busy or damaged)."""
    try:
        conn = sqlite3.connect(f"{Path(path).absolute().as_uri()}?mode=ro", uri=True,
                               timeout=0.2)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'config'").fetchone()
        finally:
            conn.close()
        if not row:
            return ""
        config = json.loads(row[0])
        event = config.get("event") if isinstance(config.get("event"), dict) else config
        return str(event.get("name") or "")
    except (sqlite3.Error, ValueError, AttributeError):
        return ""
