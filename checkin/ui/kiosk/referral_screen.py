"""Please go to the staffed desk: in plain words for the attendee, with a number to show and
a two-digit group that staff read (checkin.kiosk: referral groups). The reason itself is
never spelled out for the queue behind; staff find it in the desk's log and audit trail."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from ...kiosk import BADGE, PRINTER, UNREADABLE
from .screen import Screen
from .style import button, label


def shown_number(number: int | None) -> str:
    return f"{number:03d}" if number is not None else ""


class ReferralScreen(Screen):
    done = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.group: str | None = None
        self.number: int | None = None
        self.title = label("title")
        self.body = label("body")
        self.show_label = label("hint")
        self.number_label = label("number")
        self.staff = label("staff")
        self.ok_button = button("primary")
        self.ok_button.clicked.connect(self.done.emit)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(self.title)
        layout.addSpacing(16)
        layout.addWidget(self.body)
        layout.addStretch(1)
        layout.addWidget(self.show_label)
        layout.addWidget(self.number_label)
        layout.addWidget(self.staff)
        layout.addStretch(2)
        layout.addWidget(self.ok_button)
        self.retranslate()

    def show_referral(self, group: str, number: int | None) -> None:
        self.group, self.number = group, number
        self.retranslate()

    def retranslate(self) -> None:
        if self.group == UNREADABLE:
            self.title.setText(self.tr("This code cannot be used here"))
            self.body.setText(self.tr("Please scan the QR code of your registration "
                                      "confirmation, or go to the staffed desk"))
        else:
            self.title.setText(self.tr("Please go to the staffed desk"))
            self.body.setText({
                BADGE: self.tr("You are checked in. The staff will correct your badge and "
                               "print it for you"),
                PRINTER: self.tr("You are checked in, but your badge did not print. The staff "
                                 "will print it for you"),
            }.get(self.group, self.tr("The staff there will finish your check-in")))
        self.show_label.setText(self.tr("Show them this number") if self.number else "")
        self.number_label.setText(shown_number(self.number))
        self.staff.setText(self.tr("Desk code {0}").format(self.group) if self.group else "")
        self.ok_button.setText(self.tr("OK"))

    def clear(self) -> None:
        self.group, self.number = None, None
        self.retranslate()
