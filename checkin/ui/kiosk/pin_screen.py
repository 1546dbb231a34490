"""Staff only: the organiser PIN, asked for whatever tries to leave the kiosk (Esc, Alt+F4,
Ctrl+Q, the window manager's close). On-screen letters for a touch screen, a keyboard works
too. The PIN is checked by OrganiserMode on the DB thread (audited, locked after 5 wrong)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QVBoxLayout

from ..organiser import EMPTY, LOCKED, LOCKOUT_MINUTES, NO_PIN, OK, WRONG
from .keypad import LETTERS, SHIFT, Keypad
from .screen import Screen
from .style import button, label


class PinScreen(Screen):
    submitted = Signal(str)
    cancelled = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.shift = False
        self.outcome = ""
        self.left = 0
        self.title = label("title")
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.pin.returnPressed.connect(self._submit)
        self.message = label("error")
        self.keypad = Keypad(LETTERS)
        self.keypad.typed.connect(self._typed)
        self.keypad.erased.connect(self.pin.backspace)
        self.unlock_button = button("primary")
        self.unlock_button.clicked.connect(self._submit)
        self.cancel_button = button("secondary")
        self.cancel_button.clicked.connect(self.cancelled.emit)
        row = QHBoxLayout()
        row.setSpacing(24)
        row.addWidget(self.cancel_button)
        row.addWidget(self.unlock_button)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addSpacing(16)
        layout.addWidget(self.pin)
        layout.addWidget(self.message)
        layout.addSpacing(16)
        layout.addWidget(self.keypad)
        layout.addSpacing(16)
        layout.addLayout(row)
        layout.addStretch(1)
        self.retranslate()

    def start(self) -> None:
        self.clear()
        self.pin.setFocus()

    def answer(self, outcome: str, left: int) -> None:
        """What the attempt came to (OrganiserMode.try_unlock)."""
        self.outcome, self.left = outcome, left
        self.pin.clear()
        self.unlock_button.setEnabled(outcome != LOCKED)
        self.retranslate()

    def busy(self) -> None:
        self.unlock_button.setEnabled(False)  # one attempt at a time (each one is audited)

    def retranslate(self) -> None:
        self.title.setText(self.tr("Staff only: organiser PIN"))
        self.pin.setPlaceholderText(self.tr("organiser PIN"))
        self.unlock_button.setText(self.tr("Unlock"))
        self.cancel_button.setText(self.tr("Back to self check-in"))
        self.message.setText({
            WRONG: self.tr("Wrong PIN (recorded). {0} more wrong PINs lock it for {1} "
                           "minutes.").format(self.left, LOCKOUT_MINUTES),
            LOCKED: self.tr("Too many wrong PINs: locked for {0} minutes.").format(
                LOCKOUT_MINUTES),
            EMPTY: self.tr("Type the organiser PIN"),
            NO_PIN: self.tr("This event has no organiser PIN."),
            OK: "", "": ""}.get(self.outcome, self.tr("Could not check the PIN: {0}").format(
                self.outcome)))
        for key, widget in self.keypad.keys.items():
            if key.isalpha() and key != SHIFT:
                widget.setText(key.upper() if self.shift else key)

    def _typed(self, key: str) -> None:
        if key == SHIFT:
            self.shift = not self.shift
            self.retranslate()
            return
        self.pin.insert(key.upper() if self.shift else key)
        if self.shift:
            self.shift = False
            self.retranslate()

    def _submit(self) -> None:
        self.submitted.emit(self.pin.text())

    def clear(self) -> None:
        self.pin.clear()
        self.shift, self.outcome, self.left = False, "", 0
        self.unlock_button.setEnabled(True)
        self.retranslate()
