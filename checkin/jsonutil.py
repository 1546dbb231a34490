"""Compact JSON as stored in the database: Chinese kept readable, empties without work."""

from __future__ import annotations

import json

_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(value) -> str:
    if not value and isinstance(value, list | dict):
        return "[]" if isinstance(value, list) else "{}"
    return _ENCODER.encode(value)
