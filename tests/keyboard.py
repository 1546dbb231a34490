"""Key presses with their own time stamps, as a keyboard and a handheld scanner send them: a
person at 60-150 ms a key, a scanner at <= 10 ms a key plus its terminator. The desk's
scanner detector reads the events' time stamps, so no test waits in real time."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

SPECIAL = {"\r": Qt.Key.Key_Return, "\t": Qt.Key.Key_Tab}


class Keyboard:
    """One keyboard's clock (ms); every key goes to the widget that has focus, as a real
    key does."""

    def __init__(self, start_ms: int = 1_000_000):
        self.now = start_ms

    def press(self, char: str, gap_ms: int) -> None:
        self.now += gap_ms
        key = SPECIAL.get(char) or (Qt.Key(ord(char.upper())) if char.isascii()
                                   else Qt.Key.Key_unknown)
        text = "" if char == "\t" else char
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text)
            event.setTimestamp(self.now)
            target = QApplication.focusWidget() or QApplication.activeWindow()
            QApplication.sendEvent(target, event)

    def type(self, text: str, gap_ms: int = 100) -> None:
        """A person typing, `gap_ms` between keys."""
        for char in text:
            self.press(char, gap_ms)

    def scan(self, code: str, gap_ms: int = 5, terminator: str = "\r", lead_ms: int = 80) -> None:
        """A handheld scanner's burst: the code, then its terminator."""
        for i, char in enumerate(code + terminator):
            self.press(char, lead_ms if i == 0 else gap_ms)
