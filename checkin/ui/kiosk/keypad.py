"""On-screen keys for a touch screen with no keyboard: digits for the phone's last four, digits
and X for an ID number's last four (an 18-character ID may end in X), letters for the
organiser PIN. `typed(str)` for a key, `erased()` for ⌫."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from .style import Flip, button

ERASE = "⌫"
SHIFT = "⇧"  # the next letter in upper case (the PIN screen reads it)
DIGITS = ("123", "456", "789", ("", "0", ERASE))
ID_TAIL = ("123", "456", "789", ("X", "0", ERASE))
LETTERS = ("1234567890", "qwertyuiop", "asdfghjkl-", (SHIFT, "z", "x", "c", "v", "b", "n", "m",
                                                     "_", ERASE))


class Keypad(QWidget):
    typed = Signal(str)
    erased = Signal()

    def __init__(self, rows=DIGITS, parent=None):
        super().__init__(parent)
        self.keys: dict[str, object] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(16)
        role = "letter" if len(rows[0]) > 3 else "key"
        for r, row in enumerate(rows):
            for c, key in enumerate(row):
                if not key:
                    continue
                widget = button(role, key)
                if key == ERASE:
                    widget.clicked.connect(self.erased.emit)
                else:
                    widget.clicked.connect(lambda _checked=False, k=key: self.typed.emit(k))
                grid.addWidget(widget, r, c)
                self.keys[key] = widget

    def press(self, keys: str) -> None:
        """Tap these keys in turn (tests, the screenshots)."""
        for key in keys:
            self.keys[key].click()


def prompt_and_keys(parent: QWidget, prompt: QVBoxLayout, keypads: list[QWidget],
                    buttons: list[QWidget]) -> Flip:
    """A keypad screen: the prompt, and the keys with the screen's buttons under them; side by
    side in landscape, one above the other in portrait."""
    keys = QVBoxLayout()
    keys.addStretch(1)
    for keypad in keypads:
        keys.addWidget(keypad)
    row = QHBoxLayout()
    for widget in buttons:
        row.addWidget(widget)
    keys.addSpacing(24)
    keys.addLayout(row)
    keys.addStretch(1)
    flip = Flip(parent)
    flip.setSpacing(40)
    flip.addLayout(prompt, stretch=1)
    flip.addLayout(keys, stretch=1)
    return flip
