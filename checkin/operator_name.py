"""Who is at the desk, when nobody said: $CHECKIN_OPERATOR, else the computer's login name."""

from __future__ import annotations

import getpass
import os


def default_operator() -> str:
    name = os.environ.get("CHECKIN_OPERATOR")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "desk"
