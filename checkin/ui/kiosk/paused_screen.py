"""Self check-in closed for now (the printer is off, out of labels, or failed a badge): please
use the staffed desk. No scan is taken meanwhile; what the printer said is there, small, for
whoever fixes it."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout

from .screen import Screen
from .style import label


class PausedScreen(Screen):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.detail = ""
        self.mark = label("warn", "⚠")
        self.title = label("title")
        self.body = label("body")
        self.staff = label("staff")
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for widget in (self.mark, self.title, self.body):
            layout.addWidget(widget)
            layout.addSpacing(16)
        layout.addStretch(3)
        layout.addWidget(self.staff)
        self.retranslate()

    def show_problem(self, detail: str) -> None:
        self.detail = detail
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Self check-in is closed for the moment"))
        self.body.setText(self.tr("Please use the staffed desk"))
        self.staff.setText(self.tr("For staff: the printer cannot print ({0}). Fix it, then "
                                   "Esc (or hold the event's name 3 s) and the organiser PIN "
                                   "to resume.").format(self.detail)
                           if self.detail else "")
