"""Which one is you: the people whose phone ends with the digits typed, masked (张*明, the
organisation shortened, the category). Nobody, or too many: type again, or ask at the desk."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout

from ...kiosk import Candidate, Matches
from .screen import Screen
from .style import Metrics, button, label


def candidate_text(candidate: Candidate) -> str:
    """The second line: the organisation and category."""
    return " · ".join(part for part in (candidate.organisation, candidate.category) if part)


def candidate_button(candidate: Candidate):
    """A big button with the masked name large and, under it, the organisation and category."""
    widget = button("candidate")
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    lines = QVBoxLayout(widget)
    lines.setContentsMargins(28, 10, 28, 10)
    for role, text in (("who", candidate.name), ("where", candidate_text(candidate))):
        line = label(role, text, centred=False)
        line.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # the button's
        lines.addWidget(line)
    return widget


class PickScreen(Screen):
    picked = Signal(str)  # the code
    again = Signal()  # type the digits again
    ask = Signal()  # none of these: ask at the desk

    def __init__(self, parent=None):
        super().__init__(parent)
        self.matches = Matches()
        self.title = label("title")
        self.hint = label("hint")
        self.list = QGridLayout()
        self.list.setSpacing(20)
        self.columns = 1  # two side by side in landscape: six fit without scrolling
        self.buttons: list = []
        self.again_button = button("secondary")
        self.again_button.clicked.connect(self.again.emit)
        self.ask_button = button("secondary")
        self.ask_button.clicked.connect(self.ask.emit)
        self.row = QHBoxLayout()
        self.row.setSpacing(24)
        self.row.addWidget(self.again_button)
        self.row.addWidget(self.ask_button)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addSpacing(24)
        layout.addLayout(self.list)
        layout.addStretch(2)
        layout.addLayout(self.row)
        self.retranslate()

    def show_matches(self, matches: Matches) -> None:
        self.clear()
        self.matches = matches
        for index, candidate in enumerate(matches.candidates):
            widget = candidate_button(candidate)
            widget.clicked.connect(lambda _checked=False, code=candidate.code:
                                   self.picked.emit(code))
            self.list.addWidget(widget, index // self.columns, index % self.columns)
            self.buttons.append(widget)
        self.retranslate()

    def retranslate(self) -> None:
        if self.matches.candidates:
            self.title.setText(self.tr("Which one is you?"))
            self.hint.setText(self.tr("Tap your name"))
        elif self.matches.too_many:
            self.title.setText(self.tr("Many people share these digits"))
            self.hint.setText(self.tr("Please ask at the staffed desk: they will find you"))
        else:
            self.title.setText(self.tr("Nobody found with these digits"))
            self.hint.setText(self.tr("Check the last 4 digits of the phone you registered "
                                      "with, or ask at the staffed desk"))
        self.again_button.setText(self.tr("Type again"))
        self.ask_button.setText(self.tr("None of these: ask at the desk")
                                if self.matches.candidates else self.tr("Ask at the desk"))

    def adapt(self, metrics: Metrics) -> None:
        self.row.setDirection(self.row.Direction.TopToBottom if metrics.portrait
                              else self.row.Direction.LeftToRight)
        self.columns = 1 if metrics.portrait else 2
        for index, widget in enumerate(self.buttons):
            self.list.removeWidget(widget)
            self.list.addWidget(widget, index // self.columns, index % self.columns)

    def clear(self) -> None:
        for widget in self.buttons:
            self.list.removeWidget(widget)
            widget.hide()  # gone from the screen now, not at the next turn of the loop
            widget.setParent(None)
            widget.deleteLater()
        self.buttons = []
        self.matches = Matches()
