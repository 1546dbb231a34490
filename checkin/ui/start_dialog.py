"""The start screen, shown when there is no event to reopen: open the demo event, import
a registration export into a new event, open an event file, connect to a central list
or pick one of the recent events.

The dialog only chooses: it emits `open_event(path)` and the launcher opens the window.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import paths
from ..certs import shown
from ..enrol_link import parse_enrol_link
from ..importer.new_event import DEMO_PEOPLE, create_demo_event, new_event_path
from ..settings import SettingsFile
from ..store.event_files import event_name
from .forms import action_buttons, message_line
from .import_dialog import ImportDialog, file_filter
from .tasks import DbRunner

log = logging.getLogger(__name__)


# -- what the buttons do, without Qt -----------------------------------------------
def connect_to_central(server_url: str, enrolment_code: str, *, fingerprint: str = "",
                       device_name: str = "") -> Path:
    """Enrol this desk with a central list (docs/sync-protocol.md) and return the new local
    event database that mirrors it; its window starts syncing by itself. An https server is
    trusted by its certificate's `fingerprint` alone (checked before the code is sent). Runs
    off the GUI thread (it talks to the network); errors say in words what went wrong."""
    from ..sync.enrolment import enrol_desk

    return Path(enrol_desk(server_url, enrolment_code, fingerprint=fingerprint or None,
                           device_name=device_name, data_dir=paths.data_dir()))


def describe_event(path: Path) -> str:
    """Two lines for the recent list: the event's name; file, folder and last change."""
    if not path.exists():
        return QCoreApplication.translate("StartDialog", "{0}  (not found)").format(path.name) \
            + f"\n    {path.parent}"
    when = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    name = event_name(path) or path.stem
    return f"{name}\n    {path.name}  ·  {path.parent}  ·  {when}"


# -- the dialogs -------------------------------------------------------------------
class CentralDialog(QDialog):
    """Server URL and enrolment code; `connect_to_central` does the rest (later)."""

    connected = Signal(str)  # the local event database

    def __init__(self, parent: QWidget | None = None, device_name: str = ""):
        super().__init__(parent)
        self.device_name = device_name
        self.setWindowTitle(self.tr("Connect to a central list"))
        self.url = QLineEdit()
        self.url.setPlaceholderText(self.tr("https://checkin.example.org  or paste "
                                            "checkin-enrol:…"))
        self.url.editingFinished.connect(self._split_pasted)
        self.code = QLineEdit()
        self.code.setPlaceholderText("K7Q2-9XPD")
        self.fingerprint = QLineEdit()
        self.fingerprint.setPlaceholderText(self.tr("shown with the code, e.g. MFRG-GZDF-MZTW-Q2LK"))
        note = QLabel(self.tr(
            "The organiser makes a one-time enrolment code for this desk with `checkin server "
            "enrol` (a QR code can be scanned and pasted too: it carries the server's "
            "fingerprint, which this desk then trusts alone). Once connected the desk downloads "
            "the list, works offline and syncs whenever the network is there."))
        note.setWordWrap(True)
        self.message = message_line("color:#b26a00")
        self.message.setVisible(True)  # it says "Connecting…" too, not only problems
        self.connect_button = QPushButton(self.tr("Connect"))
        self.connect_button.clicked.connect(self.try_connect)
        form = QFormLayout()
        form.addRow(self.tr("Server URL:"), self.url)
        form.addRow(self.tr("Enrolment code:"), self.code)
        form.addRow(self.tr("Server fingerprint:"), self.fingerprint)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(action_buttons(self, self.connect_button, self.tr("Cancel")))
        self.runner = DbRunner(self)
        self.finished.connect(lambda _: self.runner.stop())
        self.resize(560, 260)

    def _split_pasted(self) -> None:
        """A pasted or scanned checkin-enrol: link fills the three fields."""
        link = parse_enrol_link(self.url.text())
        if link.code:
            self.url.setText(link.url)
            self.code.setText(link.code)
            self.fingerprint.setText(shown(link.fingerprint) if link.fingerprint else "")

    def try_connect(self) -> None:
        self._split_pasted()
        url, code = self.url.text().strip(), self.code.text().strip()
        fingerprint = self.fingerprint.text().strip()
        if not url or not code:
            self.message.setText(self.tr("Give the server URL and the enrolment code."))
            return
        if url.lower().startswith("https://") and not fingerprint:
            self.message.setText(self.tr("Give the server's fingerprint, shown with the "
                                         "enrolment code (or scan the QR code)."))
            return
        self.connect_button.setEnabled(False)
        self.message.setText(self.tr("Connecting…"))
        name = self.device_name
        self.runner.run(lambda: connect_to_central(url, code, fingerprint=fingerprint,
                                                   device_name=name),
                        self._connected, self._failed)

    def _connected(self, path) -> None:
        self.connected.emit(str(path))
        self.accept()

    def _failed(self, message: str) -> None:
        self.connect_button.setEnabled(True)
        self.message.setText(message)


class StartDialog(QDialog):
    """The start screen. `open_event(path)` when an event is chosen; `data_dir_chosen(path)`
    when the person picks another data folder."""

    open_event = Signal(str)
    data_dir_chosen = Signal(str)

    def __init__(self, settings_file: SettingsFile, message: str = "",
                 parent: QWidget | None = None, demo_people: int = DEMO_PEOPLE):
        super().__init__(parent)
        self.settings_file = settings_file
        self.demo_people = demo_people
        self.import_dialog: ImportDialog | None = None
        self.central_dialog: CentralDialog | None = None
        self.setWindowTitle(self.tr("Checkin Desk"))
        self.runner = DbRunner(self)
        self.finished.connect(lambda _: self.runner.stop())

        title = QLabel(self.tr("Checkin Desk"))
        font = QFont(title.font())
        font.setPointSize(font.pointSize() + 10)
        font.setBold(True)
        title.setFont(font)
        subtitle = QLabel(self.tr("Choose the event to open"))
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setStyleSheet("color:#b26a00; font-weight:bold")
        self.message.setVisible(bool(message))

        def big(text: str, detail: str) -> QPushButton:
            button = QPushButton(f"{text}\n{detail}")
            button.setMinimumHeight(64)
            button.setStyleSheet("text-align:left; padding:6px 14px")
            return button

        self.demo_button = big(self.tr("Open the demo event"),
                               self.tr("A {0}-person congress running today").format(
                                   f"{demo_people:,}"))
        self.import_button = big(self.tr("Import a registration export…"),
                                 self.tr("XLSX or CSV, as a new event"))
        self.open_button = big(self.tr("Open an event file…"),
                               self.tr("An existing .db event file"))
        self.central_button = big(self.tr("Connect to a central list…"),
                                  self.tr("Server and enrolment code"))
        self.demo_button.clicked.connect(self.open_demo)
        self.import_button.clicked.connect(self.import_export)
        self.open_button.clicked.connect(self.open_file)
        self.central_button.clicked.connect(self.connect_central)
        actions = QVBoxLayout()
        for button in (self.demo_button, self.import_button, self.open_button,
                       self.central_button):
            actions.addWidget(button)
        actions.addStretch(1)

        self.recent = QListWidget()
        self.recent.itemActivated.connect(self._recent_chosen)
        self.recent_open = QPushButton(self.tr("Open"))
        self.recent_open.clicked.connect(lambda: self._recent_chosen(self.recent.currentItem()))
        self.recent_remove = QPushButton(self.tr("Remove from list"))
        self.recent_remove.clicked.connect(self._remove_recent)
        recent_buttons = QHBoxLayout()
        recent_buttons.addStretch(1)
        recent_buttons.addWidget(self.recent_remove)
        recent_buttons.addWidget(self.recent_open)
        recent = QVBoxLayout()
        recent.addWidget(QLabel(self.tr("<b>Recent events</b>")))
        recent.addWidget(self.recent, stretch=1)
        recent.addLayout(recent_buttons)

        middle = QHBoxLayout()
        middle.addLayout(actions, stretch=2)
        middle.addLayout(recent, stretch=3)

        self.data_dir_label = QLabel()
        self.data_dir_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        change = QPushButton(self.tr("Change…"))
        change.clicked.connect(self.choose_data_dir)
        folder = QHBoxLayout()
        folder.addWidget(self.data_dir_label, stretch=1)
        folder.addWidget(change)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(subtitle)
        layout.addWidget(self.message)
        layout.addLayout(middle, stretch=1)
        layout.addLayout(folder)
        self.refresh()
        self.resize(900, 520)

    def refresh(self) -> None:
        """The recent list and the data folder, from the current settings."""
        self.recent.clear()
        for entry in self.settings_file.settings.recent_dbs:
            path = Path(entry)
            item = QListWidgetItem(describe_event(path))
            item.setData(Qt.ItemDataRole.UserRole, entry)
            if not path.exists():
                item.setForeground(Qt.GlobalColor.gray)
            self.recent.addItem(item)
            # A Chinese name above a Latin line: Qt sizes the row for less than the CJK
            # font's line height and cuts the second line to "…". A little more room.
            row = self.recent.count() - 1
            item.setSizeHint(QSize(0, self.recent.sizeHintForRow(row) + 6))
        if self.recent.count():
            self.recent.setCurrentRow(0)
        else:
            self.recent.addItem(self.tr("(none yet)"))
            self.recent.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        self.recent_open.setEnabled(bool(self.settings_file.settings.recent_dbs))
        self.recent_remove.setEnabled(bool(self.settings_file.settings.recent_dbs))
        self.data_dir_label.setText(self.tr("Data folder: {0}").format(paths.data_dir()))

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- the four ways in -------------------------------------------------------------
    def open_demo(self) -> None:
        path = paths.demo_db()
        if path.exists():
            self.open_event.emit(str(path))
            return
        problem = paths.write_problem(path.parent)
        if problem:
            self.show_message(self.tr("Cannot create the demo event in the data folder ({0}). "
                                      "Choose another folder below.").format(problem))
            return
        self._set_busy(True)
        self.show_message(self.tr("Creating the demo event…"))
        people = self.demo_people
        self.runner.run(lambda: create_demo_event(path, people), self._demo_made,
                        self._demo_failed)

    def _demo_made(self, path) -> None:
        self._set_busy(False)
        self.show_message("")
        self.open_event.emit(str(path))

    def _demo_failed(self, message: str) -> None:
        self._set_busy(False)
        self.show_message(self.tr("The demo event could not be made: {0}").format(message))

    def _set_busy(self, busy: bool) -> None:
        for button in (self.demo_button, self.import_button, self.open_button,
                       self.central_button, self.recent_open):
            button.setEnabled(not busy)

    def import_export(self, export: Path | None = None) -> ImportDialog | None:
        if not export:
            chosen, _ = QFileDialog.getOpenFileName(
                self, self.tr("Choose an export"), str(Path.home()), file_filter())
            if not chosen:
                return None
            export = Path(chosen)
        dialog = ImportDialog(self, target=new_event_path(Path(export)), file=Path(export))
        dialog.accepted.connect(lambda: self.open_event.emit(str(dialog.target)))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.import_dialog = dialog
        return dialog

    def open_file(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open an event file"), str(paths.data_dir()),
            self.tr("Events (*.db);;All files (*)"))
        if chosen:
            self.open_event.emit(chosen)

    def connect_central(self) -> CentralDialog:
        dialog = CentralDialog(self, device_name=self.settings_file.settings.device_name)
        dialog.connected.connect(self.open_event)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.central_dialog = dialog
        return dialog

    def _recent_chosen(self, item: QListWidgetItem | None) -> None:
        entry = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not entry:
            return
        if not Path(entry).exists():
            self.show_message(self.tr("This event file is not there any more: {0}")
                              .format(entry))
            return
        self.open_event.emit(entry)

    def _remove_recent(self) -> None:
        item = self.recent.currentItem()
        entry = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if entry:
            self.settings_file.settings.forget(entry)
            self.settings_file.save()
            self.refresh()

    def choose_data_dir(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Data folder"),
                                                  str(paths.data_dir()))
        if chosen:
            self.data_dir_chosen.emit(chosen)
