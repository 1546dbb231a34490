"""The answer to a scan, readable from two metres: colour, name, the category as a labelled
block that reads on green, amber and red alike, the organisation, the reason, and what staff
must know (alerts) on a yellow band; clears itself."""

from __future__ import annotations

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtWidgets import QLabel

from ..model import Category, Decision, Outcome

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


ALERT_BAND = "background:#ffeb3b; color:#000"


def text_on(colour: str) -> str:
    """Black or white: whichever reads on `colour` (#rrggbb)."""
    try:
        r, g, b = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return "white"
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "white"


def category_block(category: Category | None, name: str | None) -> str:
    """The category as a labelled block in its colour, framed in white: it reads on any
    banner colour (a green category on a green welcome too)."""
    if not name:
        return ""
    colour = category.colour if category else "#607d8b"
    label = f"{name} {category.name_en}".strip() if category else name
    return (f"<table align='center' cellspacing='0' cellpadding='6' border='4' "
            f"style='border-color:white; border-style:solid; margin-top:6px'><tr>"
            f"<td bgcolor='{colour}' style='color:{text_on(colour)}; font-size:24pt; "
            f"font-weight:bold'>&nbsp;{html.escape(label)}&nbsp;</td></tr></table>")


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
        self.alerts: tuple[str, ...] = ()
        self._paint(IDLE, self.station, self.tr("Ready to scan"))

    def show_decision(self, decision: Decision, category: Category | None = None) -> None:
        self.outcome = decision.outcome
        colour = COLOURS.get(decision.outcome, REFUSED)
        title = self.tr(TITLES[decision.outcome])
        if refused_again(decision):
            colour, title = REFUSED, self.tr(SECOND_MEAL)
        reg = decision.registrant
        self.alerts = tuple(decision.alerts)
        self._paint(colour, " · ".join(t for t in (title, self.station) if t),
                    decision.name or decision.code or "", decision.reason,
                    category_block(category, decision.category),
                    reg.organisation if reg and reg.organisation else "", self.alerts)
        self._timer.start()

    def show_error(self, message: str) -> None:
        self.outcome = None
        self.alerts = ()
        self._paint(REFUSED, self.tr("Error"), "", message)
        self._timer.start()

    def show_note(self, note: str) -> None:
        """A line under the answer shown (or alone, when it has cleared): a badge that did
        not print must not leave behind a green banner alone."""
        shown = self._shown if self.outcome is not None else (REFUSED, self.station)
        self._paint(*shown, note=note)
        self._timer.start()

    def hold(self) -> None:
        """Keep the answer shown (an alert waiting to be acknowledged)."""
        self._timer.stop()

    def release(self) -> None:
        if self.outcome is not None:
            self._timer.start()

    def _paint(self, colour: str, title: str, name: str = "", reason: str = "",
               category: str = "", organisation: str = "", alerts: tuple[str, ...] = (), *,
               note: str = "") -> None:
        self.colour = colour
        self._shown = (colour, title, name, reason, category, organisation, alerts)
        self.setStyleSheet(f"background:{colour}; color:white; border-radius:14px;")
        self.setText(
            f"<div style='font-size:22pt'>{html.escape(title)}</div>"
            f"<div style='font-size:60pt; font-weight:bold'>{html.escape(name)}</div>"
            + category
            + (f"<div style='font-size:20pt'>{html.escape(organisation)}</div>"
               if organisation else "")
            + f"<div style='font-size:22pt'>{html.escape(reason)}</div>"
            + "".join(f"<div style='font-size:26pt; font-weight:bold; {ALERT_BAND}'>"
                      f"&nbsp;⚠ {html.escape(alert)}&nbsp;</div>" for alert in alerts)
            + (f"<div style='font-size:20pt; font-weight:bold; background:#fff3e0; "
               f"color:#b71c1c'>&nbsp;{html.escape(note)}&nbsp;</div>" if note else ""))
