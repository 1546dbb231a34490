"""A scan's answer over whatever screen the volunteer is on (Find, the dashboard): the scan
screen's banner, laid over the tabs until it clears or is clicked away. A scan made while
looking something up is seen, not only heard."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..model import Category, Decision
from .banner import ResultBanner

SHOWN_MS = 5000


class AnswerOverlay(QWidget):
    def __init__(self, host: QWidget, shown_ms: int = SHOWN_MS):
        super().__init__(host)
        self.host = host
        self.banner = ResultBanner(clear_after_ms=shown_ms)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 48, 24, 24)
        layout.addWidget(self.banner)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("AnswerOverlay { background: rgba(0, 0, 0, 110); }")
        self._timer = QTimer(self, singleShot=True, interval=shown_ms, timeout=self.hide)
        host.installEventFilter(self)
        self.hide()

    def show_decision(self, decision: Decision, category: Category | None,
                      station: str) -> None:
        self.banner.set_station(station)
        self.banner.show_decision(decision, category)
        self._cover()
        self._timer.start()

    def show_note(self, note: str) -> None:
        if self.isVisible():
            self.banner.show_note(note)
            self._timer.start()

    def _cover(self) -> None:
        self.setGeometry(self.host.rect())
        self.show()
        self.raise_()

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.hide()  # seen: back to what the volunteer was doing
        event.accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.host and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.host.rect())
        return False
