"""The kiosk for staff, after the organiser PIN: the referrals of this run (number, group,
who), what the desk codes mean, the printer; back to self check-in, resume after a printer
was fixed, the desk window, quit. Locks again by itself (OrganiserMode's idle lock)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QListWidget, QVBoxLayout

from ...kiosk import group_names
from .referral_screen import shown_number
from .screen import Screen
from .style import Flip, Metrics, button, label


@dataclass(frozen=True)
class Referral:
    number: int
    group: str
    at: str  # HH:MM:SS
    code: str | None
    name: str | None


class StaffScreen(Screen):
    back = Signal()
    resume = Signal()
    desk = Signal()
    quit = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.referrals: list[Referral] = []
        self.printer = ""
        self.title = label("title")
        self.printer_label = label("body")
        self.list_title = label("hint", centred=False)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.legend = label("staff", centred=False)
        self.back_button = button("staff")
        self.back_button.clicked.connect(self.back.emit)
        self.resume_button = button("staff")
        self.resume_button.clicked.connect(self.resume.emit)
        self.desk_button = button("staff")
        self.desk_button.clicked.connect(self.desk.emit)
        self.quit_button = button("staff")
        self.quit_button.clicked.connect(self.quit.emit)
        self.buttons = QGridLayout()
        self.buttons.setSpacing(20)
        self.lists = lists = Flip()
        lists.addWidget(self.list, stretch=3)
        lists.addWidget(self.legend, stretch=2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.printer_label)
        layout.addWidget(self.list_title)
        layout.addLayout(lists, stretch=1)
        layout.addLayout(self.buttons)
        self._place(portrait=False)
        self.retranslate()

    def show_state(self, referrals: list[Referral], printer: str) -> None:
        self.referrals, self.printer = list(referrals), printer
        self.list.clear()
        names = group_names()
        for r in reversed(self.referrals):  # newest first
            who = " ".join(part for part in (r.name, r.code) if part)
            item = f"{shown_number(r.number)} · {r.group} · {r.at} · {who}"
            self.list.addItem(item)
            self.list.item(self.list.count() - 1).setToolTip(names.get(r.group, ""))
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Self check-in: staff"))
        self.printer_label.setText(self.tr("Printer: {0}").format(
            self.printer or self.tr("ready")))
        self.list_title.setText(self.tr("Sent to the desk in this run ({0})").format(
            len(self.referrals)))
        self.legend.setText(self.tr("Desk codes:") + "\n" + "\n".join(
            f"{code}  {words}" for code, words in group_names().items()))
        self.back_button.setText(self.tr("Back to self check-in"))
        self.resume_button.setText(self.tr("Printer fixed: resume"))
        self.desk_button.setText(self.tr("Open the desk window"))
        self.quit_button.setText(self.tr("Quit"))

    def adapt(self, metrics: Metrics) -> None:
        self.lists.set_portrait(metrics.portrait)
        self._place(metrics.portrait)

    def _place(self, portrait: bool) -> None:
        widgets = (self.back_button, self.resume_button, self.desk_button, self.quit_button)
        for widget in widgets:
            self.buttons.removeWidget(widget)
        columns = 1 if portrait else 2
        for index, widget in enumerate(widgets):
            self.buttons.addWidget(widget, index // columns, index % columns)

    def clear(self) -> None:
        self.list.clear()
