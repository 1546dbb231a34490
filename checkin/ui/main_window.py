"""A first desk window: the event, its headcount, a code field. The full scan screen
(camera, banner, search, printing) comes with the desk-app work."""

from __future__ import annotations

import html
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMainWindow, QVBoxLayout, QWidget

from ..desk import Desk
from ..model import Outcome
from ..stats import headcounts
from ..store import Store

BANNER_COLOURS = {Outcome.OK: "#2e7d32", Outcome.ALREADY: "#f9a825"}
REFUSED_COLOUR = "#c62828"


class DeskWindow(QMainWindow):
    def __init__(self, store: Store):
        super().__init__()
        self.desk = Desk(store, chinese=True)
        self.setWindowTitle(f"签到台 Checkin Desk — {store.config.name}")
        central = QWidget()
        layout = QVBoxLayout(central)
        self.summary = QLabel()
        self.code_field = QLineEdit(placeholderText="扫码或输入报名编号 Scan or type a code, Enter")
        self.code_field.setFont(QFont(self.font().family(), 16))
        self.code_field.returnPressed.connect(self.scan_typed_code)
        self.banner = QLabel("请扫码 Ready to scan", alignment=Qt.AlignmentFlag.AlignCenter)
        self.banner.setWordWrap(True)
        self.banner.setMinimumHeight(220)
        self.banner.setFont(QFont(self.font().family(), 28, QFont.Weight.Bold))
        self.summary.setFont(QFont(self.font().family(), 14))
        layout.addWidget(self.summary)
        layout.addWidget(self.code_field)
        layout.addWidget(self.banner, stretch=1)
        self.setCentralWidget(central)
        self.refresh_summary()

    def refresh_summary(self) -> None:
        stats = headcounts(self.desk.store)
        self.summary.setText(f"{stats['event']} · 已到 arrived {stats['arrived']} / {stats['expected']}")

    def scan_typed_code(self) -> None:
        decision = self.desk.scan(self.code_field.text())
        colour = BANNER_COLOURS.get(decision.outcome, REFUSED_COLOUR)
        self.banner.setStyleSheet(f"background:{colour}; color:white; border-radius:12px;")
        name = html.escape(decision.name or "")
        self.banner.setText(f"<div style='font-size:64pt'>{name}</div>"
                            f"<div style='font-size:26pt'>{html.escape(decision.reason)}</div>")
        self.code_field.clear()
        self.refresh_summary()


def run(db: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    window = DeskWindow(Store(db))
    window.resize(1366, 768)
    window.show()
    return app.exec()
