"""The desk window: station and operator at the top, the scan screen and the search panel,
a status bar with camera and counts. Everything slow runs on worker threads."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..desk import Desk
from ..model import REGISTRATION
from ..policy import current_meal
from ..printing.printers import Printer
from ..scanner.sources import CameraSource, FrameSource
from ..search import SearchIndex
from ..stats import arrival_summary
from ..store import Store
from .dashboard import Dashboard
from .print_panel import PrintPanel, default_printer
from .scan_screen import ScanScreen
from .scanner_worker import ScannerWorker, start_worker
from .tasks import DbRunner
from .wedge_filter import WedgeFilter


class SearchPanel(QWidget):
    """Type-ahead over name, pinyin, initials, phone tail, organisation and code; Enter on
    a result checks that person in."""

    def __init__(self, index: SearchIndex, check_in: Callable[[str], None], parent=None):
        super().__init__(parent)
        self.index, self.check_in = index, check_in
        self.query = QLineEdit(placeholderText="姓名 / 拼音 / 首字母 / 手机尾号 / 单位 / 编号  (Ctrl+F)")
        self.results = QListWidget()
        self.query.textChanged.connect(self.refresh)
        self.query.returnPressed.connect(self._enter)
        self.results.itemActivated.connect(lambda item: self._enter(item))
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.results)

    def refresh(self, text: str) -> None:
        self.results.clear()
        for hit in self.index.search(text) if text.strip() else []:
            mark = "✓" if hit.arrived else ("✗" if hit.missing else "·")
            item = QListWidgetItem(f"{mark} {hit.name}  {hit.organisation or ''}  "
                                   f"{hit.category or ''}  {hit.code}")
            item.setData(Qt.ItemDataRole.UserRole, hit.code)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)

    def _enter(self, item: QListWidgetItem | None = None) -> None:
        item = item or self.results.currentItem()
        if item is not None:
            self.check_in(item.data(Qt.ItemDataRole.UserRole))
            self.query.clear()


def stations(store: Store) -> list[tuple[str, str]]:
    """(label, station) for every station the event has."""
    config = store.config
    return ([("报到 Registration", REGISTRATION)]
            + [(f"餐 {m.name}", f"meal:{m.id}") for m in config.meals]
            + [(f"论坛 {f.name}", f"forum:{f.id}") for f in config.forums])


class DeskWindow(QMainWindow):
    def __init__(self, store: Store, *, operator: str | None = None, chinese: bool = True,
                 open_source: Callable[[], FrameSource] | None = None,
                 printer: Printer | None = None):
        super().__init__()
        self.store = store
        self.desk = Desk(store, operator=operator, chinese=chinese)
        self.runner = DbRunner(self)
        self.setWindowTitle(f"签到台 Checkin Desk — {store.config.name}")

        self.station_box = QComboBox()
        for label, station in stations(store):
            self.station_box.addItem(label, station)
        self.station_box.currentIndexChanged.connect(self._station_changed)
        self.who = QLabel(f"设备 desk: {store.device_name} · 操作员 operator: {self.desk.operator}")
        top = QHBoxLayout()
        top.addWidget(QLabel("站点 Station:"))
        top.addWidget(self.station_box, stretch=1)
        top.addWidget(self.who)

        self.scan = ScanScreen(self.desk, self.runner)
        self.scan.decided.connect(lambda _: self.refresh_counts())
        self.scan.undone.connect(lambda _: self.refresh_counts())
        self.search = SearchPanel(SearchIndex(store), self.scan.submit)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.scan, "扫码 Scan (F1)")
        self.tabs.addTab(self.search, "查找 Find (F2)")
        self.dashboard = Dashboard(store, self.runner)
        self.tabs.addTab(self.dashboard, "看板 Dashboard (F3)")
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.tabs)
        self.setCentralWidget(central)

        self.camera_state = QLabel("摄像头 camera: —")
        self.counts = QLabel()
        self.printing = PrintPanel(store, self.runner, printer or default_printer(),
                                   operator=self.desk.operator)
        self.scan.decided.connect(self.printing.after_decision)
        self.statusBar().addWidget(self.camera_state)
        self.statusBar().addWidget(self.printing)
        self.statusBar().addPermanentWidget(self.counts)
        QShortcut(QKeySequence("F1"), self, activated=lambda: self.tabs.setCurrentIndex(0))
        QShortcut(QKeySequence("F2"), self, activated=self._find)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._find)
        QShortcut(QKeySequence("F3"), self, activated=lambda: self.tabs.setCurrentIndex(2))
        QShortcut(QKeySequence("F11"), self, activated=self.toggle_full_screen)

        self.wedge = WedgeFilter(parent=self)
        self.wedge.scanned.connect(self.scan.submit)
        QApplication.instance().installEventFilter(self.wedge)
        self._camera_thread = None
        self._camera: ScannerWorker | None = None
        self.start_camera(open_source or (lambda: CameraSource(0)))
        # Build the search index now, off the GUI thread: the first keystroke must not wait.
        self.runner.run(self.search.index.refresh, lambda _: None)
        self._counts_timer = QTimer(self, interval=5000, timeout=self.refresh_counts)
        self._counts_timer.start()
        self.refresh_counts()

    def select_station(self, station: str) -> None:
        """'meal' alone picks the slot being served now (or next); others by key."""
        if station == "meal":
            slot = current_meal(self.store.config, self.desk.now())
            station = f"meal:{slot.id}" if slot else REGISTRATION
        else:
            station = self.desk.parse_station(station).key
        index = self.station_box.findData(station)
        if index >= 0:
            self.station_box.setCurrentIndex(index)

    def toggle_full_screen(self) -> None:
        """For a projector: the dashboard alone, full screen (F11 again to come back)."""
        if self.isFullScreen():
            self.showNormal()
        else:
            self.tabs.setCurrentWidget(self.dashboard)
            self.showFullScreen()

    def _find(self) -> None:
        self.tabs.setCurrentIndex(1)
        self.search.query.setFocus()

    def _station_changed(self) -> None:
        self.scan.station = self.station_box.currentData()

    def start_camera(self, open_source: Callable[[], FrameSource]) -> None:
        self._camera = ScannerWorker(open_source)
        self._camera.payload.connect(self.scan.submit)
        self._camera.preview.connect(self.scan.show_frame)
        self._camera.state_changed.connect(self._camera_changed)
        self._camera_thread = start_worker(self._camera)

    def _camera_changed(self, state: str, message: str) -> None:
        words = {"live": "在线 live", "lost": "断开 lost", "opening": "打开中 opening",
                 "finished": "已停止 stopped", "error": "错误 error"}.get(state, state)
        self.camera_state.setText(f"摄像头 camera: {words}" + (f" — {message}" if message else ""))

    def refresh_counts(self) -> None:
        def done(stats) -> None:
            self.counts.setText(f"已到 arrived {stats['arrived']} / {stats['expected']} · "
                                f"待同步 unsent {stats['unsent_events']}")

        self.runner.run(lambda: arrival_summary(self.store), done)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        QApplication.instance().removeEventFilter(self.wedge)
        if self._camera is not None:
            self._camera.stop()
            self._camera_thread.quit()
            self._camera_thread.wait(5000)
        self._counts_timer.stop()
        self.runner.stop()
        self.printing.close_queue()
        super().closeEvent(event)


def run(db: Path, station: str = REGISTRATION) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    window = DeskWindow(Store(db))
    window.select_station(station)
    window.resize(1366, 768)
    window.show()
    code = app.exec()
    window.close()  # stops the camera and DB threads before the interpreter shuts down
    return code
