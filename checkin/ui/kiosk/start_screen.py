"""The first screen: hold your code up to the mirror (or to the handheld scanner), or, without
a code, the phone's last digits."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from .mirror import Mirror
from .screen import Screen
from .style import Flip, Metrics, button, label


class StartScreen(Screen):
    no_code = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.mirror = Mirror()
        self.title = label("title")
        self.body = label("body")
        self.busy = label("hint")
        self.or_label = label("hint")
        self.phone_button = button("secondary")
        self.phone_button.clicked.connect(self.no_code.emit)
        side = QVBoxLayout()
        side.addStretch(1)
        side.addWidget(self.title)
        side.addSpacing(12)
        side.addWidget(self.body)
        side.addWidget(self.busy)
        side.addStretch(1)
        side.addWidget(self.or_label)
        side.addWidget(self.phone_button)
        side.addStretch(1)
        self.flip = Flip(self)
        self.flip.setSpacing(32)
        self.flip.addWidget(self.mirror, stretch=5)
        self.flip.addLayout(side, stretch=4)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Self check-in"))
        self.body.setText(self.tr("Hold the QR code of your registration (on your phone or "
                                  "the printed letter) in the frame"))
        self.mirror.caption = self.tr("Hold your code here")
        self.or_label.setText(self.tr("No code with you?"))
        self.phone_button.setText(self.tr("Use my phone number"))
        self.busy.setText(self.tr("One moment…") if self.busy.text() else "")
        self.mirror.update()

    def adapt(self, metrics: Metrics) -> None:
        self.flip.set_portrait(metrics.portrait)
        self.mirror.setMinimumSize(metrics.px(420), metrics.px(420))

    def set_busy(self, busy: bool) -> None:
        """A code is being decided: said, and the phone button waits."""
        self.busy.setText(self.tr("One moment…") if busy else "")
        self.phone_button.setEnabled(not busy)

    def show_phone_path(self, shown: bool) -> None:
        self.or_label.setVisible(shown)
        self.phone_button.setVisible(shown)

    def clear(self) -> None:
        self.set_busy(False)
