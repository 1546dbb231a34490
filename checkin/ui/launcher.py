"""Start-up of the desk app: which event to open, the start screen when there is none,
and the desk window built from the settings (camera, printers, sounds, language).

    --db X            that event (a problem opening it: said, then the start screen)
    --demo            the demo event, made on first use
    neither           the event opened last time, if it is still there; else the start
                      screen (with a word about the missing event)
    --kiosk           the event as a self check-in kiosk (checkin/ui/kiosk), full screen;
                      also whenever the `kiosk` setting is on (Settings, organiser PIN)
    --wall            the desk window and its welcome wall, full screen on a second screen
                      (also Ctrl+Shift+W in the desk window)

A data folder that cannot be written is said at once, in a dialog that offers another
folder; the desk keeps working with events stored elsewhere, and settings changed in
this run apply until it ends.
"""

from __future__ import annotations

import logging
import shutil
import socket
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from .. import paths, privacy
from ..printing.printers import Printer
from ..scanner.sources import FrameSource
from ..settings import SettingsFile
from ..store import Store, StoreError
from . import i18n
from .changes import Changes
from .desk_name import DeskNameDialog, needs_a_name
from .import_dialog import ImportDialog
from .kiosk import KioskWindow
from .main_window import DeskWindow
from .settings_dialog import (
    apply_printing,
    camera_opener,
    desk_menu,
    install,
    printer_from_settings,
    set_device_name,
)
from .sounds import audio_output_available, install_sounds
from .start_dialog import DEMO_PEOPLE, StartDialog, create_demo_event
from .wall_window import WallWindow, show_on_another_screen

log = logging.getLogger(__name__)


def copy_event(source: Path, folder: Path) -> Path:
    """Copy an event database (with its WAL, which may hold the latest check-ins) into a
    writable folder, under a name no other file has there."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    number = 2
    while target.exists():
        target = folder / f"{source.stem}-{number}{source.suffix}"
        number += 1
    shutil.copy2(source, target)
    wal = Path(f"{source}-wal")
    if wal.exists():
        shutil.copy2(wal, f"{target}-wal")
    return target


class Launcher(QObject):
    """Owns the start screen and the desk window of one run. Tests build one with a fake
    camera and printer and drive it without app.exec()."""

    def __init__(self, *, db: Path | None = None, demo: bool = False,
                 station: str | None = None, operator: str | None = None,
                 open_source: Callable[[], FrameSource] | None = None,
                 printer: Printer | None = None, demo_people: int = DEMO_PEOPLE,
                 kiosk: bool = False, wall: bool = False):
        super().__init__()
        self.db = Path(db) if db else None
        self.demo = demo
        self.station = station  # None: the station this desk served last (kept in its database)
        self.operator = operator
        self.open_source = open_source  # tests: no real camera
        self.printer = printer  # tests: a folder or a fake printer
        self.demo_people = demo_people
        self.settings_file = SettingsFile()
        # A self check-in kiosk: asked for this run, or this computer is one (the setting).
        self.kiosk = kiosk or self.settings_file.settings.kiosk
        self.window: DeskWindow | KioskWindow | None = None
        self.wall_at_start = wall  # --wall: the welcome wall opens with the desk window
        self.wall: WallWindow | None = None
        self.start_dialog: StartDialog | None = None
        self.message_box: QMessageBox | None = None  # the last problem said
        self.data_dir_box: QMessageBox | None = None
        self.import_dialog: ImportDialog | None = None

    # -- the sequence -----------------------------------------------------------------
    def start(self) -> None:
        if self.demo:
            self.open_demo(self.db)
        elif self.db is not None:
            self.open_event(self.db)
        else:
            last = self.settings_file.settings.last_db
            if last and Path(last).exists():
                self.open_event(Path(last))
            elif last:
                self.show_start(self.tr("The event opened last time is not there any more: "
                                        "{0}").format(last))
            else:
                self.show_start()
        if self.window is None and self.start_dialog is None:
            self.show_start()
        problem = paths.write_problem(paths.data_dir())
        if problem:
            self.warn_data_dir(problem)

    def show_start(self, message: str = "") -> StartDialog:
        if self.start_dialog is None:
            dialog = StartDialog(self.settings_file, message, demo_people=self.demo_people)
            dialog.open_event.connect(lambda path: self.open_event(Path(path)))
            dialog.data_dir_chosen.connect(lambda folder: self.change_data_dir(Path(folder)))
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.destroyed.connect(lambda: setattr(self, "start_dialog", None))
            self.start_dialog = dialog
        else:
            self.start_dialog.refresh()
            self.start_dialog.show_message(message)
        self.start_dialog.show()
        self.start_dialog.raise_()
        return self.start_dialog

    def open_demo(self, path: Path | None = None) -> DeskWindow | None:
        """The demo event (at `path`, default demo.db in the data folder), made if missing."""
        path = Path(path) if path else paths.demo_db()
        if not path.exists():
            try:
                create_demo_event(path, self.demo_people)
            except (OSError, StoreError) as exc:
                self.say(self.tr("The demo event could not be made"), str(exc))
                return None
        return self.open_event(path)

    def open_event(self, path: Path) -> DeskWindow | KioskWindow | None:
        """Open an event database in a desk window, or a kiosk (replacing the current one)."""
        path = Path(path).expanduser().absolute()
        if not path.is_file():
            self.say(self.tr("Event file not found"), str(path))
            return None
        try:
            store = Store(path)
        except StoreError as exc:
            self.cannot_open(path, str(exc))
            return None
        self._apply_device_name(store)
        kiosk = self.kiosk and privacy.has_organiser_pin(store)
        window = self.build_kiosk(store) if kiosk else self.build_window(store)
        old, self.window = self.window, window
        if kiosk:
            window.showFullScreen()
        else:
            window.show()
            if self.wall_at_start:
                self.open_wall(window)
            self._ask_desk_name(window)
        if self.kiosk and not kiosk:
            self.say(self.tr("No self check-in kiosk without an organiser PIN"), self.tr(
                "Only the organiser PIN lets staff leave a kiosk, and this event has none, so "
                "the desk window opened instead. To set one, run on this computer:\n"
                "checkin privacy pin --save --db \"{0}\"").format(store.path))
        if old is not None:
            self._close(old)
        if self.start_dialog is not None:
            self.start_dialog.close()
        settings = self.settings_file.settings
        settings.remember(path)
        if not self.settings_file.save():
            log.warning("the event to reopen was not remembered: %s", self.settings_file.error)
        return window

    def build_kiosk(self, store: Store) -> KioskWindow:
        """The event as a self check-in kiosk, with this computer's camera, printer, scanner
        and sounds; the organiser leaves it for the desk window or quits (with the PIN)."""
        settings = self.settings_file.settings
        audio_output_available()  # before the window's threads start (see sounds.py)
        kiosk = KioskWindow(store, settings=settings, operator=self.operator,
                            chinese=i18n.chinese(),
                            open_source=self.open_source or camera_opener(settings),
                            printer=self.printer or printer_from_settings(settings))
        kiosk.leave.connect(lambda how: self._left_kiosk(kiosk, how))
        return kiosk

    def _left_kiosk(self, kiosk: KioskWindow, how: str) -> None:
        """The organiser left the kiosk: the desk window from now on (the setting too), or
        nothing more (quit: the kiosk closes itself, and the app with it)."""
        if how != "desk":
            return
        self.kiosk = False
        self.settings_file.settings.kiosk = False
        self.settings_file.save()
        self.open_event(Path(kiosk.store.path))

    def enter_kiosk(self, window: DeskWindow) -> None:
        """Settings turned this desk into a kiosk (the organiser PIN was given there)."""
        self.kiosk = True
        QTimer.singleShot(0, lambda: self.open_event(Path(window.store.path)))

    @staticmethod
    def _close(window) -> None:
        """Close a window for good and its event database (a kiosk without its PIN)."""
        getattr(window, "shutdown", window.close)()
        window.store.close()

    def build_window(self, store: Store) -> DeskWindow:
        settings = self.settings_file.settings
        audio_output_available()  # before the window's threads start (see sounds.py)
        # The core's reasons in the language of the window's words (i18n.install decided it).
        window = DeskWindow(store, operator=self.operator, chinese=i18n.chinese(),
                            open_source=self.open_source or camera_opener(settings),
                            printer=self.printer or printer_from_settings(settings))
        if self.printer is None:
            apply_printing(window.printing, settings)
        else:
            window.printing.auto_print = settings.auto_print_badge
        if self.station:
            window.select_station(self.station)
        self._event_menu(window)
        install(window, self.settings_file)
        menu = desk_menu(window)
        menu.addAction(window.organiser_action)  # Ctrl+Shift+P: phone numbers whole (PIN)
        menu.addAction(window.backfill_action)  # Ctrl+Shift+B: a paper sheet (organiser)
        wall_action = QAction(self.tr("Welcome wall (second screen)"), window)
        wall_action.setShortcut(QKeySequence("Ctrl+Shift+W"))
        wall_action.triggered.connect(lambda: self.open_wall(window))
        menu.addAction(wall_action)
        window.addAction(wall_action)  # the shortcut also in full screen
        menu.addSeparator()
        quit_action = menu.addAction(self.tr("Quit"))
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(window.close)
        install_sounds(window, settings.sounds)
        window.wedge.use_profile(settings.scanner_profile())
        window.start_kiosk = lambda: self.enter_kiosk(window)  # Settings: "kiosk" turned on
        screen = window.screen().availableGeometry() if window.screen() else None
        width, height = 1366, 768
        if screen is not None and screen.width() > 0:
            width, height = min(width, screen.width()), min(height, screen.height())
        window.resize(width, height)
        return window

    def open_wall(self, window: DeskWindow) -> WallWindow:
        """The welcome wall of the desk's event: full screen on another screen when there is
        one. It follows the desk's scans and syncs, and closes with the desk window."""
        if self.wall is None or self.wall.store is not window.store:
            self.wall = WallWindow(window.store, changes=window.changes, runner=window.runner)
            window.closed.connect(self.wall.close)
        show_on_another_screen(self.wall, beside=window)
        self.wall.raise_()
        return self.wall

    def _event_menu(self, window: DeskWindow) -> None:
        menu = desk_menu(window)
        open_action = QAction(self.tr("Open event…"), window)
        open_action.setShortcut(QKeySequence.StandardKey.Open)
        open_action.triggered.connect(lambda: self._open_from(window))
        import_action = QAction(self.tr("Import an export…"), window)
        import_action.setShortcut(QKeySequence("Ctrl+I"))
        import_action.triggered.connect(lambda: self.import_into(window))
        start_action = QAction(self.tr("Start screen…"), window)
        start_action.triggered.connect(lambda: self.show_start())
        for action in (open_action, import_action, start_action):
            menu.addAction(action)
            window.addAction(action)  # shortcuts also in full screen
        menu.addSeparator()

    def _open_from(self, window: DeskWindow) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            window, self.tr("Open an event file"), str(Path(window.store.path).parent),
            self.tr("Events (*.db);;All files (*)"))
        if chosen:
            self.open_event(Path(chosen))

    def import_into(self, window: DeskWindow, file: Path | None = None) -> ImportDialog:
        """The import wizard on the open event; the search list and counts follow."""
        dialog = ImportDialog(window, store=window.store, file=file)

        def imported(_path: str) -> None:
            window.changes.publish(Changes(registrants=True))

        dialog.imported.connect(imported)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.import_dialog = dialog
        return dialog

    def _apply_device_name(self, store: Store) -> None:
        """The desk name from the settings names this laptop in an event that still has
        its default name (set by `checkin init --device-name` or in the settings: kept)."""
        name = self.settings_file.settings.device_name
        if name and store.device_name in (socket.gethostname(), store.device_id):
            try:
                with store.transaction() as conn:
                    store.set_meta(conn, "device_name", name)
            except Exception as exc:  # a read-only event: its own name stays
                log.warning("device name not set in %s: %s", store.path, exc)

    def _ask_desk_name(self, window: DeskWindow) -> None:
        """First start: the desk's name, remembered in the settings and the event."""
        if not needs_a_name(window.store, self.settings_file.settings.device_name):
            return
        dialog = DeskNameDialog(parent=window)

        def named(name: str) -> None:
            self.settings_file.settings.device_name = name
            self.settings_file.save()
            window.runner.run(lambda: set_device_name(window.store, name),
                              lambda _: window.refresh_who())

        dialog.named.connect(named)
        dialog.open()
        window.desk_name_dialog = dialog

    # -- problems ---------------------------------------------------------------------
    def _parent(self) -> QWidget | None:
        return self.window or self.start_dialog

    def say(self, title: str, text: str, icon=QMessageBox.Icon.Warning) -> QMessageBox:
        if self.window is None and self.start_dialog is None:
            self.show_start()
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self._parent())
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()
        self.message_box = box
        return box

    def cannot_open(self, path: Path, reason: str) -> QMessageBox:
        """An event that cannot be opened. When its folder cannot be written (a USB stick
        locked, a read-only share), offer to open a copy in a folder that can."""
        text = f"{path}\n\n{reason}"
        problem = paths.write_problem(path.parent)
        if problem:
            text += "\n\n" + self.tr(
                "This folder cannot be written, so check-ins cannot be recorded here. You can "
                "copy the event to a writable folder and open the copy.")
        box = self.say(self.tr("Cannot open the event"), text,
                       QMessageBox.Icon.Critical)
        if problem:
            copy = box.addButton(self.tr("Copy and open…"),
                                 QMessageBox.ButtonRole.ActionRole)
            copy.clicked.connect(lambda: self._copy_and_open(path))
        return box

    def _copy_and_open(self, path: Path, folder: Path | None = None) -> DeskWindow | None:
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(
                self._parent(), self.tr("Copy to"), str(paths.data_dir()))
            if not chosen:
                return None
            folder = Path(chosen)
        try:
            copy = copy_event(path, folder)
        except OSError as exc:
            self.say(self.tr("Copy failed"), str(exc))
            return None
        return self.open_event(copy)

    def warn_data_dir(self, problem: str) -> QMessageBox:
        text = self.tr(
            "Checkin Desk cannot write to its data folder:\n{0}\n\n"
            "Settings, the demo event and saved PDFs cannot be kept there. Events stored "
            "elsewhere work as usual, and settings apply until the app closes.\n\n"
            "Choose another folder, or start with:\n"
            "checkin-desk --data-dir <folder>").format(problem)
        box = QMessageBox(QMessageBox.Icon.Warning,
                          self.tr("Data folder not writable"), text,
                          QMessageBox.StandardButton.NoButton, self._parent())
        choose = box.addButton(self.tr("Choose another folder…"),
                               QMessageBox.ButtonRole.ActionRole)
        box.addButton(self.tr("Continue"), QMessageBox.ButtonRole.AcceptRole)
        choose.clicked.connect(self._choose_data_dir)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()
        self.data_dir_box = box
        return box

    def _choose_data_dir(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self._parent(),
                                                  self.tr("Data folder"))
        if chosen:
            self.change_data_dir(Path(chosen))

    def change_data_dir(self, folder: Path) -> bool:
        """Use another data folder from now on. The settings of this run move with it
        (unless that folder has its own). The choice lasts for this run: next time,
        `--data-dir` (or CHECKIN_HOME) says where."""
        problem = paths.write_problem(folder)
        if problem:
            self.say(self.tr("Data folder not writable"), problem)
            return False
        current = self.settings_file.settings
        paths.set_data_dir(folder)
        self.settings_file = SettingsFile()
        if not self.settings_file.path.exists():
            self.settings_file.settings = current
        self.settings_file.save()
        if self.window is not None:
            self.window.settings_file = self.settings_file
        note = self.tr("Data folder: {0}. Next time start with: "
                       "checkin-desk --data-dir \"{0}\"").format(folder)
        if self.start_dialog is not None:
            self.start_dialog.settings_file = self.settings_file
            self.start_dialog.refresh()
            self.start_dialog.show_message(note)
        return True

    def shutdown(self) -> None:
        """Stop the window's threads and close its event database."""
        if self.start_dialog is not None:
            self.start_dialog.close()
        if self.window is not None:
            self._close(self.window)
            self.window = None


def run(db: Path | None = None, *, demo: bool = False, station: str | None = None,
        operator: str | None = None, kiosk: bool = False, wall: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("Checkin Desk")
    launcher = Launcher(db=db, demo=demo, station=station, operator=operator, kiosk=kiosk,
                        wall=wall)
    # The language before any window is built: the settings' choice (or the system's).
    i18n.install(launcher.settings_file.settings.language)
    app.setApplicationDisplayName(QCoreApplication.translate("Launcher", "Checkin Desk"))
    launcher.start()
    code = app.exec()
    launcher.shutdown()  # stops the camera, DB and print threads before the interpreter ends
    return code
