"""The first time a laptop opens an event as a desk, it asks for the desk's name ("报到处1"):
other desks say "already checked in at 报到处1", reports name it, and the laptop's host name
("DESKTOP-7QK2M1") means nothing to anyone at the venue. Scans wait until it is named (the
scan gate holds them behind any dialog)."""

from __future__ import annotations

import socket

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from ..store import Store
from .forms import action_buttons, message_line


def needs_a_name(store: Store, remembered: str) -> bool:
    """Still the default name (host name or device id) and none in the settings."""
    return not remembered and store.device_name in (socket.gethostname(), store.device_id)


class DeskNameDialog(QDialog):
    named = Signal(str)

    def __init__(self, suggestion: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Name this desk"))
        note = QLabel(self.tr("Other desks and the reports show this name, e.g. \"Registration "
                              "1\" or \"Lunch, north door\". You can change it in Settings."))
        note.setWordWrap(True)
        self.name = QLineEdit(suggestion)
        self.name.setPlaceholderText(self.tr("e.g. Registration 1"))
        self.message = message_line()
        self.ok_button = QPushButton(self.tr("Use this name"))
        self.ok_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.name)
        layout.addWidget(self.message)
        layout.addLayout(action_buttons(self, self.ok_button, self.tr("Later")))
        self.name.selectAll()

    def accept(self) -> None:
        name = " ".join(self.name.text().split())
        if not name:
            self.message.setText(self.tr("Give the desk a name, or choose Later"))
            self.message.setVisible(True)
            return
        self.named.emit(name)
        super().accept()
