"""Feed every key press of the application to the keyboard-wedge detector, so a handheld
scanner works whatever has focus. A scanner's burst is reported as `scanned`; if it was
typed into a text field, it is taken back out of it."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from ..scanner.wedge import ScannerProfile, WedgeDetector

_END = {0x01000004: "\r", 0x01000005: "\r", 0x01000001: "\t"}  # Qt.Key_Return, Key_Enter, Key_Tab


class WedgeFilter(QObject):
    scanned = Signal(str)

    def __init__(self, detector: WedgeDetector | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.detector = detector or WedgeDetector()
        self._offset = 0.0
        self._poll = QTimer(self, interval=40)
        self._poll.timeout.connect(self._flush_silence)
        self._poll.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent) \
                or event.isAutoRepeat():
            return False
        # A key reaches the window, then the focus widget, then its parents if ignored:
        # count it once, where it is first meant to go.
        target = QApplication.focusWidget() or QApplication.activeWindow()
        if watched is not target:
            return False
        key = _END.get(event.key()) or event.text()
        if len(key) != 1 or (not key.isprintable() and key not in "\r\t"):
            return False
        # The key's own time stamp (when the keyboard sent it), not when we got to it: a
        # busy GUI thread must not turn a scanner burst into "typing".
        at = event.timestamp() / 1000 if event.timestamp() else time.monotonic()
        self._offset = time.monotonic() - at
        events = self.detector.feed(key, at)
        return self._handle(events, ended_by_key=key in "\r\t")

    def use_profile(self, profile: ScannerProfile) -> None:
        """The handheld scanner as Settings describe it (a half-read burst is dropped)."""
        self.detector = WedgeDetector(profile)

    def _flush_silence(self) -> None:
        now = time.monotonic() - self._offset  # in the key time stamps' clock
        self._handle(self.detector.poll(now), ended_by_key=False)

    def _handle(self, events, ended_by_key: bool) -> bool:
        swallow = False
        for event in events:
            if event.kind != "scan":
                continue
            field = QApplication.focusWidget()
            if isinstance(field, QLineEdit) and field.text().endswith(event.text):
                field.setText(field.text()[: -len(event.text)])  # the burst is not typing
            self.scanned.emit(event.text)
            swallow = swallow or ended_by_key  # the scanner's Enter must not press a button
        return swallow
