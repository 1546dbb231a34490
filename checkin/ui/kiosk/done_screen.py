"""The badge is printing: where to collect it, and the meal vouchers that come with it. Back
to the start by itself after a few seconds, or with Done."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout

from .screen import Screen
from .style import button, label


class DoneScreen(Screen):
    done = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.side = "left"
        self.vouchers: list[str] = []
        self.printed = False
        self.mark = label("mark", "✓")
        self.title = label("title")
        self.where = label("body")
        self.with_it = label("body")
        self.state = label("hint")
        self.done_button = button("primary")
        self.done_button.clicked.connect(self.done.emit)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for widget in (self.mark, self.title, self.where, self.with_it, self.state):
            layout.addWidget(widget)
            layout.addSpacing(12)
        layout.addStretch(3)
        layout.addWidget(self.done_button)
        self.retranslate()

    def show_printing(self, vouchers: list[str], side: str) -> None:
        self.vouchers, self.side, self.printed = list(vouchers), side, False
        self.retranslate()

    def show_printed(self) -> None:
        self.printed = True
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Your badge is printing"))
        where = {"right": self.tr("Please collect it from the printer on your right"),
                 "below": self.tr("Please collect it from the printer below")}.get(
            self.side, self.tr("Please collect it from the printer on your left"))
        arrow = {"right": "→", "below": "↓"}.get(self.side, "←")  # read without words too
        self.where.setText(f"{arrow}  {where}" if self.side != "right" else f"{where}  {arrow}")
        self.with_it.setText(self.tr("With it: {0} meal voucher(s): {1}").format(
            len(self.vouchers), "、".join(self.vouchers)) if self.vouchers else "")
        self.state.setText(self.tr("Printed ✓") if self.printed else self.tr("Printing…"))
        self.done_button.setText(self.tr("Done"))

    def clear(self) -> None:
        self.vouchers, self.printed = [], False
        self.retranslate()
