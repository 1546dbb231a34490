"""The strip across the desk window that says, loudly, when this laptop's clock is wrong: off
the central list's by more than a few minutes, or (never compared) on a date outside the
event. The words come from the core (checkin/clockcheck.py) in the window's language."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from .. import clockcheck
from ..desk import Desk

log = logging.getLogger(__name__)

STYLE = ("background:#c62828;color:white;font-size:15pt;font-weight:600;"
         "padding:6px 12px;border-radius:4px;")


class ClockWarning(QLabel):
    def __init__(self, desk: Callable[[], Desk], parent: QWidget | None = None):
        super().__init__(parent)
        self._desk = desk
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet(STYLE)
        self.setVisible(False)
        self.refresh()

    def refresh(self) -> None:
        """Read again (two meta reads); after each sync round and every few seconds."""
        desk = self._desk()
        try:
            text = clockcheck.warning(desk.store, desk.today(), chinese=desk.chinese)
        except (sqlite3.Error, ValueError):
            log.exception("could not check the clock")
            return
        self.setText(f"⚠ {text}" if text else "")
        self.setVisible(bool(text))
