"""The handheld scanner in Settings: what it sends after a code (Enter, Tab, nothing), learnt
once by scanning a test code, so the desk takes its bursts for scans and a person's typing
for typing (checkin/scanner/wedge.py)."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import qr
from ..scanner.wedge import END_KEYS, TEST_CODE, ProfileError, ScannerProfile, learn_profile
from .forms import action_buttons, message_line

_KEYS = {Qt.Key.Key_Return: "\r", Qt.Key.Key_Enter: "\r", Qt.Key.Key_Tab: "\t"}
QUIET_MS = 400  # after the last key this long, the test code is complete


def _qr_pixmap(text: str, scale: int = 6) -> QPixmap:
    image = qr.image(text, scale=scale)
    height, width = image.shape[:2]
    qimage = QImage(image.tobytes(), width, height, width, QImage.Format.Format_Grayscale8)
    return QPixmap.fromImage(qimage.copy())


class LearnScannerDialog(QDialog):
    """Shows the test code; records the keys the scanner sends for it, with their times."""

    learnt = Signal(object)  # the ScannerProfile

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Learn the handheld scanner"))
        self.keys: list[tuple[str, float]] = []
        self.profile: ScannerProfile | None = None
        code = QLabel()
        code.setPixmap(_qr_pixmap(TEST_CODE))
        code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status = QLabel(self.tr("Scan this code with the handheld scanner."))
        self.status.setWordWrap(True)
        self.message = message_line()
        self.use_button = QPushButton(self.tr("Use these settings"))
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(code)
        layout.addWidget(QLabel(TEST_CODE, alignment=Qt.AlignmentFlag.AlignCenter))
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addLayout(action_buttons(self, self.use_button, self.tr("Cancel")))
        self._quiet = QTimer(self, singleShot=True, interval=QUIET_MS, timeout=self._complete)
        QApplication.instance().installEventFilter(self)
        self.finished.connect(lambda _: QApplication.instance().removeEventFilter(self))

    def take_scan(self, payload: str) -> bool:
        """The desk's scan gate offers the burst here: the test code is not a scan."""
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent) \
                or watched is not (QApplication.focusWidget() or self) or not self.isVisible():
            return False
        key = _KEYS.get(event.key()) or event.text()
        if len(key) != 1:
            return False
        at = event.timestamp() / 1000 if event.timestamp() else time.monotonic()
        self.keys.append((key, at))
        if key in END_KEYS:
            self._complete()
        else:
            self._quiet.start()
        return True  # the test code goes nowhere else

    def _complete(self) -> None:
        self._quiet.stop()
        keys, self.keys = self.keys, []
        try:
            self.profile = learn_profile(keys)
        except ProfileError as exc:
            self.message.setText(str(exc))
            self.message.setVisible(True)
            return
        self.message.setVisible(False)
        self.status.setText(self.tr("Read: it ends a code with {0}, keys at most {1} ms apart.")
                            .format(terminator_words(self.profile.terminator),
                                    round(self.profile.max_gap_s * 1000)))
        self.use_button.setEnabled(True)
        self.use_button.setFocus()

    def accept(self) -> None:
        if self.profile is not None:
            self.learnt.emit(self.profile)
        super().accept()


def terminator_words(terminator: str) -> str:
    return {"enter": QApplication.translate("ScannerSettings", "Enter"),
            "tab": QApplication.translate("ScannerSettings", "Tab"),
            "none": QApplication.translate("ScannerSettings", "nothing (a pause)")}[terminator]


class ScannerSection(QGroupBox):
    """Settings → Handheld scanner: its terminator and burst gap, or learn them."""

    def __init__(self, profile: ScannerProfile, parent: QWidget | None = None):
        super().__init__(self.tr("Handheld scanner"), parent)
        self.max_gap_ms = round(profile.max_gap_s * 1000)
        self.terminator = QComboBox()
        for value in ("enter", "tab", "none"):
            self.terminator.addItem(terminator_words(value), value)
        self.terminator.setCurrentIndex(self.terminator.findData(profile.terminator))
        self.gap = QLabel()
        learn = QPushButton(self.tr("Learn from a test code…"))
        learn.clicked.connect(self.learn)
        form = QFormLayout(self)
        form.addRow(self.tr("Ends a code with:"), self.terminator)
        form.addRow(self.tr("Keys at most:"), self.gap)
        form.addRow("", learn)
        self._show_gap()
        self.dialog: LearnScannerDialog | None = None

    def _show_gap(self) -> None:
        self.gap.setText(self.tr("{0} ms apart").format(self.max_gap_ms))

    def learn(self) -> None:
        self.dialog = LearnScannerDialog(self)
        self.dialog.learnt.connect(self.use)
        self.dialog.open()

    def use(self, profile: ScannerProfile) -> None:
        self.terminator.setCurrentIndex(self.terminator.findData(profile.terminator))
        self.max_gap_ms = round(profile.max_gap_s * 1000)
        self._show_gap()

    def profile(self) -> tuple[str, int]:
        """(terminator, max gap in ms) as the form shows them."""
        return self.terminator.currentData(), self.max_gap_ms
