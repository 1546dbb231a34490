"""The scan screen: camera preview, the answer banner, a field for typed codes, and the
last scans with undo. Codes arrive from the camera worker, a handheld scanner (the wedge
filter) or the field; each is decided on the DB thread and answered on the banner."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..desk import Desk
from ..model import Decision, Outcome
from ..presentation import time_shown
from ..store import desk_views
from ..store.audit import event_zone
from .banner import ResultBanner
from .tasks import DbRunner

RECENT = 12
MARKS = {Outcome.OK: "✓", Outcome.ALREADY: "↺"}


class ScanScreen(QWidget):
    decided = Signal(object)  # the Decision, after it was shown (same thread: no marshalling)
    undone = Signal(str)

    def __init__(self, desk: Desk, runner: DbRunner, station: str = "registration", parent=None):
        super().__init__(parent)
        self.desk, self.runner, self.station = desk, runner, station
        self.exit_mode = False  # at a forum door: scans are people leaving (F6 toggles)
        self.preview = QLabel(self.tr("Camera off"), alignment=Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(320, 180)
        self.preview.setStyleSheet("background:#111; color:#bbb;")
        self.banner = ResultBanner()
        self.code_field = QLineEdit(placeholderText=self.tr("Type a code and press Enter (Ctrl+L)"))
        self.code_field.returnPressed.connect(self._typed)
        self.recent = QListWidget()
        self.undo_button = QPushButton(self.tr("Undo selected (Ctrl+Z)"))
        self.undo_button.clicked.connect(self.undo_selected)
        QShortcut(QKeySequence.StandardKey.Undo, self, activated=self.undo_selected)
        QShortcut(QKeySequence("Ctrl+L"), self, activated=self.code_field.setFocus)

        left = QVBoxLayout()
        left.addWidget(self.preview, stretch=2)
        left.addWidget(QLabel(self.tr("Recent scans")))
        left.addWidget(self.recent, stretch=3)
        left.addWidget(self.undo_button)
        right = QVBoxLayout()
        right.addWidget(self.banner, stretch=1)
        right.addWidget(self.code_field)
        layout = QHBoxLayout(self)
        layout.addLayout(left, stretch=2)
        layout.addLayout(right, stretch=5)

    # -- codes in ----------------------------------------------------------------
    @Slot(str)
    def submit(self, payload: str, then=None, failed=None) -> None:
        """A code from any source: decided off the GUI thread, answered on the banner (and
        handed to `then(decision)` after that, e.g. to show it over another screen; a failure
        to `failed(message)` after the banner said it)."""
        station, leaving = self.station, self.exit_mode

        def answered(decision: Decision) -> None:
            self.show_decision(decision)
            if then is not None:
                then(decision)

        def error(message: str) -> None:
            self.banner.show_error(message)
            if failed is not None:
                failed(message)

        self.runner.run(lambda: self.desk.scan(payload, station, exit=leaving), answered, error)

    def _typed(self) -> None:
        text = self.code_field.text().strip()
        self.code_field.clear()
        if text:
            self.submit(text)

    @Slot(QImage)
    def show_frame(self, image: QImage) -> None:
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation))

    # -- answers out -------------------------------------------------------------
    def show_decision(self, decision: Decision) -> None:
        self.banner.show_decision(decision, self.desk.store.config.category(decision.category))
        mark = MARKS.get(decision.outcome, "✗")
        who = decision.name or decision.code or "?"
        item = QListWidgetItem(f"{mark} {who} — {decision.reason}")
        item.setData(Qt.ItemDataRole.UserRole, decision.event_uuid)
        self.recent.insertItem(0, item)
        while self.recent.count() > RECENT:
            self.recent.takeItem(self.recent.count() - 1)
        self.decided.emit(decision)

    def load_recent(self) -> None:
        """The last scans of this desk from its event log, so a restart keeps them: the
        admissions (still undoable) and the refusals, newest first."""
        store = self.desk.store
        scans = desk_views.recent_scans(store.reader(), store.device_id, RECENT)
        zone, today = event_zone(store), self.desk.today()
        self.recent.clear()
        for scan in scans:
            who = scan.name or scan.code or "?"
            when = time_shown(scan.wall_time, zone, today)
            if scan.kind == "refused":  # in the window's language: the log keeps both
                said = scan.data
                reason = (said.get("reason_zh" if self.desk.chinese else "reason_en")
                          or said.get("reason") or "")
                item = QListWidgetItem(f"✗ {who} — {reason}")
            elif scan.undone:
                item = QListWidgetItem(self.tr("⟲ {0} (undone)").format(f"{who} {when}"))
            else:
                out = self.tr(" (exit)") if scan.kind == "exit" else ""
                item = QListWidgetItem(f"✓ {who} — {when}{out}")
                item.setData(Qt.ItemDataRole.UserRole, scan.uuid)
            self.recent.addItem(item)

    def undo_selected(self) -> None:
        """Undo the selected admission, or this desk's last one."""
        item = self.recent.currentItem()
        event_uuid = item.data(Qt.ItemDataRole.UserRole) if item else None

        def done(undo) -> None:
            for row in range(self.recent.count()):
                entry = self.recent.item(row)
                if entry.data(Qt.ItemDataRole.UserRole) == undo.ref:
                    entry.setText(self.tr("⟲ {0} (undone)").format(entry.text()[2:]))
                    entry.setData(Qt.ItemDataRole.UserRole, None)
            self.banner.clear_answer()
            self.undone.emit(undo.ref)

        self.runner.run(lambda: self.desk.undo(event_uuid), done, self.banner.show_error)
