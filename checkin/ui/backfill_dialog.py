"""Enter a paper sign-in sheet afterwards (补录): after a power cut or a broken laptop, the
organiser types the sheet's lines, one code and the time written beside it after another.

The sheet's station, day and reason are set once at the top; each line (code, HH:MM, Enter) is
decided as of its time by Desk.backfill on the desk's DB thread and listed below with its
answer, so a wrong line is seen at once (and undone like any scan). Organiser mode only: the
window opens it only when unlocked and closes it when the organiser mode locks.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QTime, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
)

from ..desk import Desk
from ..model import Decision, Outcome
from .forms import message_line
from .tasks import DbRunner

_COLOURS = {Outcome.OK: "#2e7d32", Outcome.ALREADY: "#b26a00"}  # anything else: red


class BackfillDialog(QDialog):
    entered = Signal(object)  # the Decision of a line entered (admitted or not)

    def __init__(self, desk: Desk, runner: DbRunner, stations: list[tuple[str, str]],
                 is_door, station: str, parent=None):
        """`stations`: (label, key) as the window's station box has them; `is_door(key)`:
        whether exits can be scanned there; `station`: the one to start on."""
        super().__init__(parent)
        self.desk, self.runner, self.is_door = desk, runner, is_door
        self.setWindowTitle(self.tr("Enter a paper sign-in sheet"))
        self.setMinimumWidth(560)
        intro = QLabel(self.tr(
            "Each line is recorded as of the time on the sheet and marked as entered from "
            "paper, with the reason, in the audit trail and on the CME sheet."), wordWrap=True)
        self.station = QComboBox()
        for label, key in stations:
            self.station.addItem(label, key)
        self.station.setCurrentIndex(max(0, self.station.findData(station)))
        self.day = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        today = desk.now().date()
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.reason = QLineEdit(placeholderText=self.tr("power cut, laptop broken …"))
        self.exits = QCheckBox(self.tr("The sheet lists people leaving (exits)"))
        sheet = QFormLayout()
        sheet.addRow(self.tr("Station"), self.station)
        sheet.addRow(self.tr("Day on the sheet"), self.day)
        sheet.addRow(self.tr("Reason"), self.reason)
        sheet.addRow("", self.exits)
        self.code = QLineEdit(placeholderText=self.tr("code"))
        self.time = QTimeEdit(displayFormat="HH:mm")
        self.time.setTime(QTime(9, 0))
        self.enter_button = QPushButton(self.tr("Enter line"))
        self.enter_button.setDefault(True)
        self.enter_button.clicked.connect(self.enter_line)
        self.code.returnPressed.connect(self.enter_line)
        line = QHBoxLayout()
        for widget in (QLabel(self.tr("Code")), self.code, QLabel(self.tr("Time")), self.time,
                       self.enter_button):
            line.addWidget(widget)
        self.lines = QListWidget()
        self.problem = message_line()
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(sheet)
        layout.addLayout(line)
        layout.addWidget(self.problem)
        layout.addWidget(self.lines, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.station.currentIndexChanged.connect(self._station_changed)
        self._station_changed()
        self.code.setFocus()

    def _station_changed(self) -> None:
        door = bool(self.is_door(self.station.currentData()))
        self.exits.setEnabled(door)
        if not door:
            self.exits.setChecked(False)

    def at(self) -> dt.datetime:
        """The line's moment: the sheet's day at the line's time (the event's clock)."""
        day, time = self.day.date(), self.time.time()
        return dt.datetime(day.year(), day.month(), day.day(), time.hour(), time.minute())

    def enter_line(self) -> None:
        code, reason = self.code.text().strip(), self.reason.text().strip()
        if not code:
            return self._say(self.tr("Type the code written on the sheet"))
        if not reason:
            self.reason.setFocus()
            return self._say(self.tr("Say why the sheet is entered afterwards (the reason)"))
        desk, station, at, leaving = self.desk, self.station.currentData(), self.at(), \
            self.exits.isChecked()
        self.enter_button.setEnabled(False)

        def done(decision: Decision) -> None:
            self.enter_button.setEnabled(True)
            self.problem.setVisible(False)
            self._list(decision, at)
            self.entered.emit(decision)
            self.code.clear()
            self.code.setFocus()

        def failed(message: str) -> None:
            self.enter_button.setEnabled(True)
            self._say(message)

        self.runner.run(lambda: desk.backfill(code, station, at, reason, exit=leaving),
                        done, failed)

    def _list(self, decision: Decision, at: dt.datetime) -> None:
        who = "  ".join(x for x in (decision.name, decision.code) if x)
        item = QListWidgetItem(f"{at:%H:%M}  {who}  —  {decision.reason}")
        item.setForeground(QColor(_COLOURS.get(decision.outcome, "#c62828")))
        self.lines.insertItem(0, item)  # the newest on top, where the eye is

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(True)
