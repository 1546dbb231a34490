"""The answer to a scan, readable from two metres: colour, name, reason; clears itself."""

from __future__ import annotations

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtWidgets import QLabel

from ..model import Decision, Outcome

COLOURS = {Outcome.OK: "#2e7d32", Outcome.ALREADY: "#f9a825"}
REFUSED = "#c62828"
IDLE = "#37474f"
TITLES = {  # shown above the name (translated when shown)
    Outcome.OK: QT_TRANSLATE_NOOP("ResultBanner", "OK"),
    Outcome.ALREADY: QT_TRANSLATE_NOOP("ResultBanner", "ALREADY"),
    Outcome.NOT_FOUND: QT_TRANSLATE_NOOP("ResultBanner", "NOT FOUND"),
    Outcome.NOT_ELIGIBLE: QT_TRANSLATE_NOOP("ResultBanner", "REFUSED"),
    Outcome.INVALID: QT_TRANSLATE_NOOP("ResultBanner", "INVALID"),
}
SECOND_MEAL = QT_TRANSLATE_NOOP("ResultBanner", "MEAL ALREADY TAKEN")


def refused_again(decision: Decision) -> bool:
    """A second lunch is a refusal, not the harmless 'already checked in' of registration:
    red, so that a busy server does not hand the food over."""
    return decision.outcome == Outcome.ALREADY and (decision.station or "").startswith("meal:")


class ResultBanner(QLabel):
    def __init__(self, clear_after_ms: int = 6000, parent=None):
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setMinimumHeight(260)
        self.colour = IDLE
        self.outcome: Outcome | None = None
        self.station = ""  # what this desk does now ("Meal: 6月26日午餐"), on every answer
        self._timer = QTimer(self, singleShot=True, interval=clear_after_ms)
        self._timer.timeout.connect(self.clear_answer)
        self.clear_answer()

    def set_station(self, label: str) -> None:
        self.station = label
        if self.outcome is None and not self._timer.isActive():
            self.clear_answer()

    def clear_answer(self) -> None:
        self.outcome = None
        self._paint(IDLE, self.station, self.tr("Ready to scan"), "", None)

    def show_decision(self, decision: Decision, category_colour: str | None = None) -> None:
        self.outcome = decision.outcome
        colour = COLOURS.get(decision.outcome, REFUSED)
        title = self.tr(TITLES[decision.outcome])
        if refused_again(decision):
            colour, title = REFUSED, self.tr(SECOND_MEAL)
        self._paint(colour, " · ".join(t for t in (title, self.station) if t),
                    decision.name or decision.code or "", decision.reason, category_colour)
        self._timer.start()

    def show_error(self, message: str) -> None:
        self.outcome = None
        self._paint(REFUSED, self.tr("Error"), "", message, None)
        self._timer.start()

    def show_note(self, note: str) -> None:
        """A line under the answer shown (or alone, when it has cleared): a badge that did
        not print must not leave behind a green banner alone."""
        colour, title, name, reason, stripe = self._shown
        if self.outcome is None:
            colour, title, name, reason, stripe = REFUSED, self.station, "", "", None
        self._paint(colour, title, name, reason, stripe, note)
        self._timer.start()

    def _paint(self, colour: str, title: str, name: str, reason: str, stripe: str | None,
               note: str = "") -> None:
        self.colour = colour
        self._shown = (colour, title, name, reason, stripe)
        border = f"border-left: 28px solid {stripe};" if stripe else ""
        self.setStyleSheet(f"background:{colour}; color:white; border-radius:14px; {border}")
        self.setText(
            f"<div style='font-size:22pt'>{html.escape(title)}</div>"
            f"<div style='font-size:60pt; font-weight:bold'>{html.escape(name)}</div>"
            f"<div style='font-size:22pt'>{html.escape(reason)}</div>"
            + (f"<div style='font-size:20pt; font-weight:bold; background:#fff3e0; "
               f"color:#b71c1c'>&nbsp;{html.escape(note)}&nbsp;</div>" if note else ""))
