"""Confirm it is you, where the event's [kiosk] confirm asks: the last four characters of the
ID number (digits or X), or the digits at the end of the registration code. The answer is
checked on the DB thread (checkin.kiosk.confirms); this screen never knows it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from ...kiosk import CODE, ID_TAIL, PHONE_TAIL
from .keypad import DIGITS, Keypad, prompt_and_keys
from .keypad import ID_TAIL as ID_KEYS
from .phone_screen import shown_digits
from .screen import Screen
from .style import Metrics, button, label

MAX_CODE_DIGITS = 10


class ConfirmScreen(Screen):
    entered = Signal(str)
    back = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.mode = ID_TAIL
        self.who = ""  # the masked name being confirmed
        self.typed = ""
        self.tries_left: int | None = None
        self.title = label("title")
        self.name = label("body")
        self.hint = label("hint")
        self.digits = label("digits")
        self.error = label("error")
        self.keypads = {ID_TAIL: Keypad(ID_KEYS), CODE: Keypad(DIGITS)}
        self.ok_button = button("primary")
        self.ok_button.clicked.connect(self._submit)
        self.back_button = button("secondary")
        self.back_button.clicked.connect(self.back.emit)
        prompt = QVBoxLayout()
        prompt.addStretch(1)
        for widget in (self.title, self.name, self.hint, self.digits, self.error):
            prompt.addWidget(widget)
        prompt.addStretch(1)
        for keypad in self.keypads.values():
            keypad.typed.connect(self._typed)
            keypad.erased.connect(self._erase)
        self.flip = prompt_and_keys(self, prompt, list(self.keypads.values()),
                                    [self.back_button, self.ok_button])
        self.ask(ID_TAIL, "")

    def ask(self, mode: str, who: str) -> None:
        """A new confirmation: which answer, for whom (masked)."""
        self.mode, self.who, self.typed, self.tries_left = mode, who, "", None
        for key, keypad in self.keypads.items():
            keypad.setVisible(key == mode)
        self.ok_button.setVisible(mode == CODE)  # a code's digits have no fixed length
        self._show()
        self.retranslate()

    def wrong(self, tries_left: int) -> None:
        self.typed, self.tries_left = "", tries_left
        self._show()
        self.retranslate()

    def retranslate(self) -> None:
        if self.mode == CODE:
            self.title.setText(self.tr("Confirm with your registration code"))
            self.hint.setText(self.tr("Type the digits at the end of your registration code "
                                      "(in your confirmation message)"))
        else:
            self.title.setText(self.tr("Confirm with your ID card"))
            self.hint.setText(self.tr("Type the last 4 characters of your ID card number"))
        self.name.setText(self.who)
        self.error.setText(self.tr("That does not match. Tries left: {0}").format(
            self.tries_left) if self.tries_left else "")
        self.ok_button.setText(self.tr("OK"))
        self.back_button.setText(self.tr("Back"))

    def adapt(self, metrics: Metrics) -> None:
        self.flip.set_portrait(metrics.portrait)

    def _show(self) -> None:
        if self.mode == CODE:
            self.digits.setText(" ".join(self.typed) or "_")
        else:
            self.digits.setText(shown_digits(self.typed))
        self.ok_button.setEnabled(bool(self.typed))

    def _typed(self, key: str) -> None:
        limit = MAX_CODE_DIGITS if self.mode == CODE else PHONE_TAIL
        if len(self.typed) >= limit:
            return
        self.typed += key
        self._show()
        if self.mode != CODE and len(self.typed) == PHONE_TAIL:
            self._submit()

    def _erase(self) -> None:
        self.typed = self.typed[:-1]
        self._show()

    def _submit(self) -> None:
        if self.typed:
            self.entered.emit(self.typed)

    def clear(self) -> None:
        self.who, self.typed, self.tries_left = "", "", None
        self._show()
        self.retranslate()
