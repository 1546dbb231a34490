"""Whether this installation has the desk window: Qt is in the `desk` extra, so a core or a
server install has the `checkin-desk` command but no Qt. Asked here, inside the only package
that may import Qt, by the command before it opens anything."""

from __future__ import annotations


def qt_missing() -> ImportError | None:
    """Why Qt (PySide6) cannot be imported, or None when it can. Only an import tells: a
    module that is there but blocked or broken is still found by find_spec."""
    try:
        import PySide6  # noqa: F401  (the package only: Qt's libraries load with its modules)
    except ImportError as exc:
        return exc
    return None
