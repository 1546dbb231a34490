"""Without a code: the last four digits of the mobile phone, on big keys. Four digits and it
goes on by itself; Back to the start."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from ...kiosk import PHONE_TAIL
from .keypad import DIGITS, Keypad, prompt_and_keys
from .screen import Screen
from .style import Metrics, button, label


def shown_digits(typed: str, length: int = PHONE_TAIL) -> str:
    """'69' -> '6 9 _ _': what is typed and what is still to come."""
    return " ".join(list(typed) + ["_"] * (length - len(typed)))


class PhoneScreen(Screen):
    entered = Signal(str)  # the four digits
    back = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.typed = ""
        self.title = label("title")
        self.hint = label("hint")
        self.digits = label("digits", shown_digits(""))
        self.keypad = Keypad(DIGITS)
        self.keypad.typed.connect(self._typed)
        self.keypad.erased.connect(self._erase)
        self.back_button = button("secondary")
        self.back_button.clicked.connect(self.back.emit)
        prompt = QVBoxLayout()
        prompt.addStretch(1)
        prompt.addWidget(self.title)
        prompt.addWidget(self.hint)
        prompt.addSpacing(24)
        prompt.addWidget(self.digits)
        prompt.addStretch(1)
        self.flip = prompt_and_keys(self, prompt, [self.keypad], [self.back_button])
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("The last 4 digits of your mobile phone"))
        self.hint.setText(self.tr("The number you gave when you registered"))
        self.back_button.setText(self.tr("Back"))

    def adapt(self, metrics: Metrics) -> None:
        self.flip.set_portrait(metrics.portrait)

    def _typed(self, key: str) -> None:
        if len(self.typed) >= PHONE_TAIL:
            return
        self.typed += key
        self.digits.setText(shown_digits(self.typed))
        if len(self.typed) == PHONE_TAIL:
            self.entered.emit(self.typed)

    def _erase(self) -> None:
        self.typed = self.typed[:-1]
        self.digits.setText(shown_digits(self.typed))

    def clear(self) -> None:
        self.typed = ""
        self.digits.setText(shown_digits(""))
