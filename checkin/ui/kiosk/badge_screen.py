"""Checked in: the badge as it will print (drawn from the same PDF), Print, and a countdown
after which it prints by itself ([kiosk] auto_print_seconds; 0: only the button). A name
spelled wrong: Ask at the desk, with a queue number (the kiosk never edits anyone)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout

from .screen import Screen
from .style import Flip, Metrics, button, label


class BadgeScreen(Screen):
    print_now = Signal()
    ask = Signal()

    def __init__(self, tick_ms: int = 1000, parent=None):
        super().__init__(parent)
        self.name = ""
        self.left = 0  # seconds before it prints by itself (0: not counting)
        self.title = label("title")
        self.hint = label("hint")
        self.preview = label("badge")
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.preview.setMinimumSize(200, 260)
        self.image: QImage | None = None
        self.countdown = label("body")
        self.print_button = button("primary")
        self.print_button.clicked.connect(self._print)
        self.ask_button = button("secondary")
        self.ask_button.clicked.connect(self._ask)
        self.tick = QTimer(self, interval=tick_ms, timeout=self._tick)
        side = QVBoxLayout()
        side.addStretch(1)
        side.addWidget(self.title)
        side.addWidget(self.hint)
        side.addStretch(1)
        side.addWidget(self.countdown)
        side.addWidget(self.print_button)
        side.addSpacing(24)
        side.addWidget(self.ask_button)
        side.addStretch(1)
        self.flip = Flip(self)
        self.flip.setSpacing(40)
        self.flip.addWidget(self.preview, stretch=5)
        self.flip.addLayout(side, stretch=4)
        self.retranslate()

    def show_person(self, name: str, auto_seconds: int) -> None:
        """A new badge: the name at once, the picture when it is drawn, the countdown."""
        self.clear()
        self.name = name
        self.left = max(0, auto_seconds)
        if self.left:
            self.tick.start()
        self.retranslate()

    def show_image(self, png: bytes) -> None:
        image = QImage.fromData(png, "PNG")
        self.image = None if image.isNull() else image
        self._fit()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Welcome, {0}").format(self.name) if self.name
                           else self.tr("Welcome"))
        self.hint.setText(self.tr("Your badge: please check your name"))
        self.countdown.setText(self.tr("Printing by itself in {0} s").format(self.left)
                               if self.left else "")
        self.print_button.setText(self.tr("Print my badge"))
        self.ask_button.setText(self.tr("Name wrong? Ask at the desk"))
        if self.image is None:
            self.preview.setText(self.tr("Preparing your badge…") if self.name else "")

    def adapt(self, metrics: Metrics) -> None:
        self.flip.set_portrait(metrics.portrait)
        self._fit()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self.image is None:
            self.preview.setPixmap(QPixmap())
            self.retranslate()
            return
        size = self.preview.size()
        picture = QPixmap.fromImage(self.image).scaled(
            max(1, size.width() - 8), max(1, size.height() - 8),
            Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
        painter = QPainter(picture)  # the card's edge: white on the kiosk's pale ground
        painter.setPen(QPen(QColor("#90a4ae"), 3))
        painter.drawRect(picture.rect().adjusted(1, 1, -2, -2))
        painter.end()
        self.preview.setPixmap(picture)

    def _tick(self) -> None:
        self.left -= 1
        if self.left <= 0:
            self._print()
        else:
            self.retranslate()

    def _print(self) -> None:
        if not self.name:
            return
        self.tick.stop()
        self.left = 0
        self.print_button.setEnabled(False)  # once: a second tap is not a second badge
        self.print_now.emit()

    def _ask(self) -> None:
        self.tick.stop()
        self.left = 0
        self.ask.emit()

    def clear(self) -> None:
        self.tick.stop()
        self.name, self.left, self.image = "", 0, None
        self.print_button.setEnabled(True)
        self.preview.setPixmap(QPixmap())
        self.retranslate()
