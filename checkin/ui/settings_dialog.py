"""The desk's settings: camera, printer, template and scaling (actual size or fit to page)
per document, auto-print, sounds, language and this desk's name. `install(window,
settings_file)` adds Settings… (Ctrl+,) to a desk window's menu; applying restarts the camera,
re-points the printer and mutes or unmutes the sounds at once, without a restart (the language
needs one). Printers are offered and chosen by name: where CUPS's `lp` is (Linux, macOS) a
printer is its CUPS queue, fed by `lp` (paper size and scaling on each job); elsewhere (Windows)
the system's printers through Qt (checkin.printing.printers.printing_backend decides, as it
does for the command line).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..printing.printers import ACTUAL_SIZE, FIT_TO_PAGE, FolderPrinter, Printer, PrintSystem
from ..printing.templates import list_templates
from ..scanner.sources import CameraSource, FrameSource
from ..settings import DOCUMENTS, NO_CAMERA, PDF_FOLDER, PRINTER_SIDES, Settings, SettingsFile
from ..store import Store
from .scanner_settings import ScannerSection

log = logging.getLogger(__name__)

RESOLUTIONS = [(640, 480), (1280, 720), (1920, 1080)]
DOCUMENT_TITLES = {"badge": QT_TRANSLATE_NOOP("SettingsDialog", "Badge"),
                   "vouchers": QT_TRANSLATE_NOOP("SettingsDialog", "Meal vouchers")}
SCALING_TITLES = {ACTUAL_SIZE: QT_TRANSLATE_NOOP("SettingsDialog", "Actual size"),
                  FIT_TO_PAGE: QT_TRANSLATE_NOOP("SettingsDialog", "Fit to page")}


# -- what the settings mean for a window ------------------------------------------
class NoCamera:
    """The camera turned off in the settings: the desk runs on a handheld scanner and
    typed codes. A source that ends at once (the status bar says stopped)."""

    name = "no camera"
    state = "off"
    finished = True

    @property
    def message(self) -> str:  # shown in the status bar, in the window's language
        return QCoreApplication.translate("NoCamera", "turned off in Settings")

    def read(self):
        return None

    def close(self) -> None:
        pass


def camera_opener(settings: Settings) -> Callable[[], FrameSource]:
    index, width, height = settings.camera_index, settings.camera_width, settings.camera_height
    if index == NO_CAMERA:
        return NoCamera
    return lambda: CameraSource(index, width=width, height=height)


class DocumentPrinters:
    """Each document to its own printer (a label printer for badges, a receipt printer for
    vouchers) behind the one printer a print queue has. The queue titles its jobs
    "<document> <code>", which picks the printer."""

    def __init__(self, printers: dict[str, Printer]):
        self.printers = printers
        self.name = " · ".join(f"{doc}: {p.name}" for doc, p in printers.items())

    def print_pdf(self, pdf: bytes, title: str) -> None:
        document = title.split(" ", 1)[0]
        self.printers.get(document, self.printers["badge"]).print_pdf(pdf, title)


def printer_for(settings: Settings, document: str, system: PrintSystem | None = None) -> Printer:
    """A document's printer: the PDF folder, the printer named in the settings, or the system's
    default (without one, the folder), printing at the document's scaling. `system`: this
    computer's printers (CUPS's or Qt's, window_print_system)."""
    name = settings.printer(document)
    if name == PDF_FOLDER:
        return FolderPrinter(settings.printed_folder())
    from .print_panel import default_printer
    from .qt_printer import window_print_system

    system = system or window_print_system()
    if name:
        return system.printer(name, scaling=settings.scaling(document))
    return default_printer(system, scaling=settings.scaling(document))


def printer_from_settings(settings: Settings, system: PrintSystem | None = None) -> Printer:
    if (settings.badge_printer, settings.badge_scaling) == (settings.vouchers_printer,
                                                            settings.vouchers_scaling):
        return printer_for(settings, "badge", system)
    return DocumentPrinters({d: printer_for(settings, d, system) for d in DOCUMENTS})


def apply_printing(panel, settings: Settings) -> None:
    """Printer, templates and auto-print of a PrintPanel."""
    panel.configure(printer=printer_from_settings(settings),
                    templates={d: settings.template(d) for d in DOCUMENTS},
                    auto_print={d: settings.auto_print(d) for d in DOCUMENTS})


def set_device_name(store: Store, name: str) -> None:
    """What `checkin init --device-name` does: this desk's name in the event database."""
    with store.transaction() as conn:
        store.set_meta(conn, "device_name", name)


# -- the dialog -------------------------------------------------------------------
def _camera_names() -> list[str]:
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:
        return []
    return [device.description() for device in QMediaDevices.videoInputs()]


def _installed_printers(system: PrintSystem | None = None) -> tuple[list[str], str]:
    """The printers to offer, by name, and the default's name ("": none): CUPS's queues where
    `lp` is, else the system's printers through Qt."""
    if system is None:
        from .qt_printer import window_print_system

        system = window_print_system()
    return system.names(), system.default_name()


class SettingsDialog(QDialog):
    """Edits a SettingsFile's settings; `apply()` saves them and applies them to `window`
    (a DeskWindow, or None on the start screen). `printers`: the printers to offer (default:
    this computer's, window_print_system)."""

    def __init__(self, settings_file: SettingsFile, window=None, parent: QWidget | None = None,
                 *, printers: PrintSystem | None = None):
        super().__init__(parent or window)
        self.settings_file = settings_file
        self.window_ = window
        self.save_error = ""
        settings = settings_file.settings
        self.setWindowTitle(self.tr("Settings"))

        # This desk
        self.device_name = QLineEdit(self._current_device_name())
        self.device_name.setPlaceholderText(self.tr("e.g. Desk 1"))
        self.device_name.setToolTip(self.tr("The name other desks and 'already checked in' "
                                            "answers show"))
        self.language = QComboBox()
        for label, value in ((self.tr("System language"), "system"), ("中文", "zh"),
                             ("English", "en")):
            self.language.addItem(label, value)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))
        self.sounds = QCheckBox(self.tr("Sounds (welcome / already / refused)"))
        self.sounds.setChecked(settings.sounds)
        desk_box = QGroupBox(self.tr("This desk"))
        desk_form = QFormLayout(desk_box)
        desk_form.addRow(self.tr("Device name:"), self.device_name)
        desk_form.addRow(self.tr("Language:"), self.language)
        self.language_note = QLabel(self.tr("applies after a restart"))
        self.language_note.setStyleSheet("color:#666")
        self.language_note.setVisible(False)
        self.language.currentIndexChanged.connect(lambda: self.language_note.setVisible(
            self.language.currentData() != settings.language))
        desk_form.addRow("", self.language_note)
        desk_form.addRow("", self.sounds)
        self._kiosk_rows(settings, desk_form)

        # Camera
        self.camera = QComboBox()
        self.camera.addItem(self.tr("Off — handheld scanner or keyboard only"), NO_CAMERA)
        names = _camera_names()
        for index in range(max(len(names), 4)):
            name = names[index] if index < len(names) else ""
            self.camera.addItem(self.tr("Camera {0}").format(index)
                                + (f" — {name}" if name else ""), index)
        if self.camera.findData(settings.camera_index) < 0:
            self.camera.addItem(self.tr("Camera {0}").format(settings.camera_index),
                                settings.camera_index)
        self.camera.setCurrentIndex(self.camera.findData(settings.camera_index))
        self.resolution = QComboBox()
        sizes = list(RESOLUTIONS)
        if (settings.camera_width, settings.camera_height) not in sizes:
            sizes.append((settings.camera_width, settings.camera_height))
        for width, height in sizes:
            self.resolution.addItem(f"{width} × {height}", f"{width}x{height}")
        self.resolution.setCurrentIndex(sizes.index((settings.camera_width,
                                                     settings.camera_height)))
        self.camera.currentIndexChanged.connect(
            lambda: self.resolution.setEnabled(self.camera.currentData() != NO_CAMERA))
        self.resolution.setEnabled(settings.camera_index != NO_CAMERA)
        camera_box = QGroupBox(self.tr("Camera"))
        camera_form = QFormLayout(camera_box)
        camera_form.addRow(self.tr("Camera:"), self.camera)
        camera_form.addRow(self.tr("Resolution:"), self.resolution)

        # Printing, one row per document
        printers, default = _installed_printers(printers)
        templates = list_templates()
        print_box = QGroupBox(self.tr("Printing"))
        grid = QGridLayout(print_box)
        for column, title in enumerate((self.tr("Document"), self.tr("Printer"),
                                        self.tr("Template"), self.tr("Size on paper"),
                                        self.tr("Auto-print"))):
            head = QLabel(f"<b>{title}</b>")
            grid.addWidget(head, 0, column)
        self.printer: dict[str, QComboBox] = {}
        self.template: dict[str, QComboBox] = {}
        self.scaling: dict[str, QComboBox] = {}
        self.auto_print: dict[str, QCheckBox] = {}
        for row, document in enumerate(DOCUMENTS, 1):
            printer = QComboBox()
            printer.addItem(self.tr("System default") + (f" ({default})" if default
                            else self.tr(" (none: PDFs saved to the folder)")), "")
            printer.addItem(self.tr("Save PDFs to the folder"), PDF_FOLDER)
            for name in printers:
                printer.addItem(name, name)
            chosen = settings.printer(document)
            if printer.findData(chosen) < 0:
                printer.addItem(self.tr("{0} (not installed)").format(chosen), chosen)
            printer.setCurrentIndex(printer.findData(chosen))
            printer.currentIndexChanged.connect(self._folder_state)
            template = QComboBox()
            kind = "badge" if document == "badge" else "voucher"
            for t in templates:
                if t.document == kind:
                    template.addItem(f"{t.name} — {t.width_mm:g}×{t.height_mm:g} mm", t.name)
            if template.findData(settings.template(document)) < 0:
                template.addItem(settings.template(document), settings.template(document))
            template.setCurrentIndex(template.findData(settings.template(document)))
            scaling = QComboBox()
            for value, label in SCALING_TITLES.items():
                scaling.addItem(self.tr(label), value)
            scaling.setCurrentIndex(max(0, scaling.findData(settings.scaling(document))))
            scaling.setMinimumWidth(scaling.sizeHint().width())  # never cut short
            scaling.setToolTip(self.tr("Actual size: printed at the template's size, for badge "
                                       "cards and labels. Fit to page: scaled to the paper in "
                                       "the printer."))
            auto = QCheckBox(self.tr("on check-in"))
            auto.setChecked(settings.auto_print(document))
            grid.addWidget(QLabel(self.tr(DOCUMENT_TITLES[document])), row, 0)
            grid.addWidget(printer, row, 1)
            grid.addWidget(template, row, 2)
            grid.addWidget(scaling, row, 3)
            grid.addWidget(auto, row, 4)
            self.printer[document], self.template[document] = printer, template
            self.scaling[document] = scaling
            self.auto_print[document] = auto
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 2)
        self.pdf_folder = QLineEdit(str(settings.printed_folder()))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(QLabel(self.tr("PDF folder:")))
        folder_row.addWidget(self.pdf_folder, stretch=1)
        folder_row.addWidget(browse)
        grid.addLayout(folder_row, len(DOCUMENTS) + 1, 0, 1, 5)
        self._browse = browse
        self._folder_state()

        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color:#b26a00")
        if settings_file.error:
            self.note.setText(self._not_saved_text(settings_file.error))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("OK"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons

        self.scanner = ScannerSection(settings.scanner_profile())
        top = QHBoxLayout()
        top.addWidget(desk_box, stretch=3)
        scanning = QVBoxLayout()
        scanning.addWidget(camera_box)
        scanning.addWidget(self.scanner)
        top.addLayout(scanning, stretch=2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(print_box)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.resize(920, self.sizeHint().height())

    def _kiosk_rows(self, settings: Settings, form: QFormLayout) -> None:
        """This computer as a self check-in kiosk: switched on and off only while organiser
        mode is unlocked (the PIN that also leaves the kiosk), and where its printer is."""
        organiser = getattr(self.window_, "organiser", None)
        allowed = bool(organiser is not None and organiser.unlocked)
        self.kiosk = QCheckBox(self.tr("Self check-in kiosk (full screen, for attendees)"))
        self.kiosk.setChecked(settings.kiosk)
        self.kiosk.setEnabled(allowed)
        self.kiosk_side = QComboBox()
        sides = {"left": self.tr("on the attendee's left"),
                 "right": self.tr("on the attendee's right"), "below": self.tr("below the screen")}
        for side in PRINTER_SIDES:
            self.kiosk_side.addItem(sides[side], side)
        self.kiosk_side.setCurrentIndex(max(0, self.kiosk_side.findData(
            settings.kiosk_printer_side)))
        self.kiosk_side.setEnabled(allowed)
        self.kiosk_note = QLabel(self.tr("Leaving the kiosk needs the organiser PIN.") if allowed
                                 else self.tr("Unlock organiser mode (Ctrl+Shift+P) to change "
                                              "this."))
        self.kiosk_note.setStyleSheet("color:#666")
        self.kiosk_note.setWordWrap(True)
        form.addRow(self.tr("Kiosk:"), self.kiosk)
        form.addRow(self.tr("Kiosk printer:"), self.kiosk_side)
        form.addRow("", self.kiosk_note)

    def _current_device_name(self) -> str:
        store = getattr(self.window_, "store", None)
        if store is not None:
            return store.device_name
        return self.settings_file.settings.device_name

    def _folder_state(self) -> None:
        for document, box in self.printer.items():  # a saved PDF keeps its own size
            if document in self.scaling:
                self.scaling[document].setEnabled(box.currentData() != PDF_FOLDER)
        used = any(box.currentData() == PDF_FOLDER for box in self.printer.values())
        self.pdf_folder.setEnabled(used)
        self._browse.setEnabled(used)

    def _browse_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("PDF folder"),
                                                  self.pdf_folder.text())
        if folder:
            self.pdf_folder.setText(folder)

    def _not_saved_text(self, error: str) -> str:
        return self.tr("The settings apply until the app closes but could not be saved: {0}. "
                       "Use --data-dir to choose a writable folder.").format(error)

    # -- reading and applying ------------------------------------------------------
    def values(self) -> Settings:
        """The settings as the form shows them."""
        old = self.settings_file.settings
        width, height = (int(n) for n in self.resolution.currentData().split("x"))
        new = Settings(**old.to_json())
        new.device_name = self.device_name.text().strip()
        new.language = self.language.currentData()
        new.sounds = self.sounds.isChecked()
        new.camera_index = self.camera.currentData()
        new.camera_width, new.camera_height = width, height
        new.scanner_terminator, new.scanner_max_gap_ms = self.scanner.profile()
        if self.kiosk.isEnabled():  # only an unlocked organiser changes it
            new.kiosk = self.kiosk.isChecked()
            new.kiosk_printer_side = self.kiosk_side.currentData()
        for document in DOCUMENTS:
            new.set_document(document, printer=self.printer[document].currentData(),
                             template=self.template[document].currentData(),
                             auto_print=self.auto_print[document].isChecked(),
                             scaling=self.scaling[document].currentData())
        folder = self.pdf_folder.text().strip()
        default_folder = str(Settings(pdf_folder="").printed_folder())
        new.pdf_folder = "" if folder in ("", default_folder) else folder
        return new

    def apply(self) -> bool:
        """Save, and apply to the window. False when the save failed (the settings apply
        all the same; `save_error` says why)."""
        old, new = self.settings_file.settings, self.values()
        self.settings_file.settings = new
        saved = self.settings_file.save()
        self.save_error = "" if saved else self.settings_file.error
        if self.window_ is not None:
            apply_to_window(self.window_, new, old)
        return saved

    def accept(self) -> None:
        if not self.apply():
            box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Settings not saved"),
                              self._not_saved_text(self.save_error),
                              QMessageBox.StandardButton.Ok, self.parentWidget())
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            self.warning = box
        super().accept()


def apply_to_window(window, new: Settings, old: Settings | None = None) -> None:
    """What changed between `old` and `new`, on a running desk window."""
    name = new.device_name
    if name and name != window.store.device_name:
        window.runner.run(lambda: set_device_name(window.store, name),
                          lambda _: window.refresh_who(),
                          lambda message: log.warning("device name not saved: %s", message))
    camera = (new.camera_index, new.camera_width, new.camera_height)
    if old is None or camera != (old.camera_index, old.camera_width, old.camera_height):
        window.start_camera(camera_opener(new))  # stops the running one first
    printing = [(new.printer(d), new.template(d), new.auto_print(d), new.scaling(d))
                for d in DOCUMENTS]
    if (old is None or new.pdf_folder != old.pdf_folder
            or printing != [(old.printer(d), old.template(d), old.auto_print(d), old.scaling(d))
                            for d in DOCUMENTS]):
        apply_printing(window.printing, new)
    sounds = getattr(window, "sounds", None)
    if sounds is not None:
        sounds.set_enabled(new.sounds)
    if old is None or new.scanner_profile() != old.scanner_profile():
        window.wedge.use_profile(new.scanner_profile())
    start_kiosk = getattr(window, "start_kiosk", None)  # the launcher's: the kiosk window
    if new.kiosk and (old is None or not old.kiosk) and start_kiosk is not None:
        start_kiosk()


def open_settings(window, settings_file: SettingsFile | None = None) -> SettingsDialog:
    """Show the settings dialog for a desk window (window-modal, not blocking)."""
    settings_file = settings_file or getattr(window, "settings_file", None) or SettingsFile()
    dialog = SettingsDialog(settings_file, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    window.settings_dialog = dialog
    return dialog


def desk_menu(window, title: str | None = None):
    """The window's first menu (made once), where the start-up helpers add their entries."""
    title = title or QCoreApplication.translate("DeskWindow", "&File")
    for action in window.menuBar().actions():
        if action.menu() is not None and action.text() == title:
            return action.menu()
    return window.menuBar().addMenu(title)


def install(window, settings_file: SettingsFile | None = None) -> QAction:
    """Add Settings… (Ctrl+,) to a DeskWindow without changing its class."""
    window.settings_file = settings_file or SettingsFile()
    action = QAction(QCoreApplication.translate("DeskWindow", "Settings…"), window)
    keys = [QKeySequence("Ctrl+,")]  # the platform's own (macOS: Cmd+,) and Ctrl+, everywhere
    keys += [k for k in QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences)
             if not k.isEmpty() and k not in keys]
    action.setShortcuts(keys)
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.setMenuRole(QAction.MenuRole.PreferencesRole)  # macOS: the app menu
    action.triggered.connect(lambda: open_settings(window))
    desk_menu(window).addAction(action)
    window.addAction(action)  # the shortcut works with the menu bar hidden (full screen)
    return action
